#pragma once
// Route table: matches a request's method and path against patterns and runs the
// handler. No sockets here, so every routing rule is testable without a server.
#include <string>
#include <vector>

#include "http/http.h"

namespace tandem::http {

class Router {
 public:
  // `pattern` is a path whose segments may be "{name}" (one non-empty segment) or, as
  // the last one, "{name*}" (the rest of the path, possibly empty, '/'-joined).
  // REQUIRES: no concurrent Dispatch() (routes are added before the server starts).
  // `upload`: the route takes its body as a file (Server::UploadRoute).
  void Add(const std::string& method, const std::string& pattern, Handler handler,
           bool upload = false, RouteClass route_class = RouteClass::kControl);

  // What the server needs to know of a request from its header alone: the route
  // Dispatch would pick for this method and target, whether it takes its body as a file
  // and its class. `matched` false: Dispatch will answer 404/405 (cheap, never queued).
  struct Kind {
    bool matched = false;
    bool upload = false;
    RouteClass route_class = RouteClass::kControl;
  };
  // Thread-safe (const).
  Kind KindOf(const std::string& method, const std::string& target) const;

  // Fills req->path, req->query and req->params from req->target, then answers:
  // the first matching route's handler, 405 when only the method differs, else 404.
  // Never throws: a throwing handler becomes 500. Thread-safe (const).
  Response Dispatch(Request* req) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // literal text, or a "{name}" / "{name*}"
    Handler handler;
    bool upload = false;
    RouteClass route_class = RouteClass::kControl;
  };
  // Matches decoded path segments; fills `params` on success.
  static bool Match(const Route& route, const std::vector<std::string>& path,
                    std::map<std::string, std::string>* params);

  std::vector<Route> routes_;
};

}  // namespace tandem::http
