#pragma once
// A small HTTP/1.1 server and client over Boost.Beast, used by the REST API, the
// service replicas and the CLI. Handlers are plain functions of a request.
#include <cstdint>
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
  // Upload routes only (Server::UploadRoute): the body was streamed to this temp file
  // under ServerOptions::upload_dir and `body` is empty. The server removes the file
  // once the handler returns, whatever it answered.
  std::string body_file;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  // When set, the server sends this file's content as the body (streamed from disk,
  // Content-Length = its size) and ignores `body`. A file that cannot be opened then
  // gets 500 naming it.
  std::string body_file;
};

// 200 with the content of the file at `path` (see Response::body_file).
Response FileResponse(const std::string& path, const std::string& content_type);

// {"error": message} with the HTTP status of the Status code.
Response ErrorResponse(const Status& status);
// 200 (or `status`) with the JSON dumped.
Response JsonResponse(const Json& body, int status = 200);

using Handler = std::function<Response(const Request&)>;

// What a route is, for admission and for its body limit (ServerOptions). Each class
// but kHealth has its own worker pool and wait queue, so one class saturated (slow
// operator tests, a flood of inference) cannot delay another.
enum class RouteClass {
  kControl,    // JSON/YAML control routes: body up to max_body_bytes
  kInference,  // model endpoints: max_inference_body_bytes, the inference pool
  kLong,       // long operations (run submit): max_body_bytes, the long pool
  kArchive,    // long operations taking an archive (operator check/publish):
               // max_archive_bytes, the long pool
  kHealth,     // answered on the I/O thread at once, never queued (/healthz)
};

// A class's worker pool: `workers` handlers at once, `queue` more waiting; beyond that
// 503 with Retry-After. workers = 0: handlers run on the I/O threads (the default, for
// servers with few, quick handlers such as a replica's).
struct Admission {
  int workers = 0;
  int queue = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                          // 0 = any free port (see Server::port())
  int threads = 2;                       // I/O threads (and handler threads, see Admission)
  // Body limits by route class, checked against Content-Length before the body is read
  // (and while reading a chunked one): 413 naming the limit and the setting (these
  // fields are named as the server settings of core/config.h).
  size_t max_body_bytes = 64 << 20;                  // kControl, kLong, kHealth
  uint64_t max_inference_body_bytes = 64 << 20;     // kInference
  uint64_t max_archive_bytes = 256 << 20;           // kArchive
  // The 413 names the setting ("... (server setting max_body_bytes)"): for the API
  // server, whose settings these are; a replica's limits are options of its own.
  bool name_settings = false;
  // Upload routes: their bodies go to temp files in `upload_dir` (created on Start when
  // an upload route exists) with this limit instead; they run in the long pool.
  uint64_t max_upload_bytes = uint64_t{4} << 30;
  std::string upload_dir;
  Admission control, inference, long_ops;
  int retry_after_s = 1;                 // the Retry-After of a 503 for a full queue
  // A connection waiting for its next request this long is closed. At max_connections
  // open, a new connection closes the one idle longest (or, with none idle, is closed).
  int idle_timeout_s = 300;
  int max_connections = 100000;
  // Host and Origin checks (against DNS rebinding and cross-origin browser pages):
  // a request whose Host header is neither our listen host, localhost / 127.0.0.1 / ::1,
  // an IP address, nor in allowed_hosts, each with our port, gets 403; so does a
  // POST/PUT/PATCH/DELETE whose Origin header is present and not http://<an allowed
  // host>:<port> or in allowed_origins. Requests without Origin (curl, the CLI) pass.
  bool check_origin = false;
  std::vector<std::string> allowed_hosts;    // "name" (with our port) or "name:port"
  std::vector<std::string> allowed_origins;  // "https://ui.example.org"
  // False: the server binds and answers /healthz (kHealth routes) at Start(), and every
  // other request gets 503 "server starting" with Retry-After until SetReady(). The
  // port is taken first so a second server fails fast; clients wait for readiness.
  bool start_ready = true;
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
  void Route(const std::string& method, const std::string& pattern, Handler handler,
             RouteClass route_class = RouteClass::kControl);
  // As Route, but the request body is streamed to a temp file (Request::body_file)
  // instead of memory, up to max_upload_bytes; it runs in the long pool.
  // REQUIRES: options.upload_dir set.
  void UploadRoute(const std::string& method, const std::string& pattern, Handler handler);
  // Binds and starts serving on background threads. REQUIRES: all routes added.
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  int port() const;
  // Lets every route through (see ServerOptions::start_ready). Idempotent.
  void SetReady();
  bool ready() const;
  // Stops accepting, closes connections, joins threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bytes moved so far and the total (the Content-Length; 0 when unknown).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;
// Receives a response body chunk by chunk; an error aborts the call with it.
using BodySink = std::function<Status(const char* data, size_t size)>;

struct ClientOptions {
  // Without files: one deadline for the whole exchange. With request_body_file or
  // response_sink: the longest wait for any one step (connect, each chunk), so a big
  // transfer is not cut off while it is moving.
  int timeout_ms = 30000;
  // With file transfers: how long to wait for the response once the request is sent,
  // when that differs (a server that parses a big upload before answering); 0 = timeout_ms.
  int response_timeout_ms = 0;
  // When set, the request body is this file's content, read from disk in chunks (the
  // `body` argument must be empty). kNotFound / kIoError when it cannot be read.
  std::string request_body_file;
  ProgressFn upload_progress;
  // When set, a 2xx response's body goes to the sink instead of Response::body (other
  // statuses, error JSON, are still read into Response::body).
  BodySink response_sink;
  ProgressFn download_progress;
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
