#pragma once
// A small HTTP/1.1 server and client over Boost.Beast, used by the REST API, the
// service replicas and the CLI. Handlers are plain functions of a request.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::http {

struct Request {
  std::string method;                            // "GET", "POST", ...
  std::string target;                            // as sent: "/api/v1/runs?state=failed"
  std::string path;                              // "/api/v1/runs" (percent-decoded)
  std::map<std::string, std::string> query;      // decoded query parameters
  std::map<std::string, std::string> headers;    // lower-case names
  std::map<std::string, std::string> params;     // from the route pattern: {name} -> value
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

// {"error": message} with the HTTP status of the Status code.
Response ErrorResponse(const Status& status);
// 200 (or `status`) with the JSON dumped.
Response JsonResponse(const Json& body, int status = 200);

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                          // 0 = any free port (see Server::port())
  int threads = 2;                       // I/O + handler threads
  size_t max_body_bytes = 64 << 20;      // larger bodies get 413 and the connection closes
};

// Routes are matched in the order added. A pattern is a path whose segments may be
// "{name}" (one segment) or, as the last segment, "{name*}" (the rest of the path,
// possibly empty). A path that matches no route gets 404; a path that matches only
// with another method gets 405. A handler that throws gets 500; the server stays up.
// Thread-safe: handlers run on the server's threads, concurrently.
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // Stop()s
  void Route(const std::string& method, const std::string& pattern, Handler handler);
  // Binds and starts serving on background threads. REQUIRES: all routes added.
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  int port() const;
  // Stops accepting, closes connections, joins threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ClientOptions {
  int timeout_ms = 30000;
};

// One request over a fresh connection. `url` is "http://host:port/path?query".
// kUnavailable when the server cannot be reached; any HTTP status is a success of the
// call (look at Response::status).
Result<Response> Call(const std::string& method, const std::string& url,
                      const std::string& body = "",
                      const std::string& content_type = "application/json",
                      const ClientOptions& options = {});

// Splits "http://host:port/path" (port defaults to 80). kInvalidArgument otherwise.
Status ParseUrl(const std::string& url, std::string* host, int* port, std::string* target);

}  // namespace tandem::http
