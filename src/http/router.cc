#include "http/router.h"

#include <algorithm>
#include <exception>

#include "http/url.h"

namespace tandem::http {
namespace {

bool IsParam(const std::string& s) { return s.size() >= 3 && s.front() == '{' && s.back() == '}'; }
bool IsRestParam(const std::string& s) { return IsParam(s) && s[s.size() - 2] == '*'; }

// "{name}" -> "name", "{rest*}" -> "rest".
std::string ParamName(const std::string& s) {
  return s.substr(1, s.size() - (IsRestParam(s) ? 3 : 2));
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Handler handler,
                 bool upload, RouteClass route_class) {
  std::string_view path = pattern;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::vector<std::string> segments;
  while (true) {
    size_t slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  routes_.push_back({method, pattern, std::move(segments), std::move(handler), upload,
                     route_class});
}

Router::Kind Router::KindOf(const std::string& method, const std::string& target) const {
  std::string_view raw_path, raw_query;
  SplitTarget(target, &raw_path, &raw_query);
  std::vector<std::string> segments = PathSegments(raw_path);
  std::map<std::string, std::string> params;
  for (const Route& route : routes_) {
    if (route.method == method && Match(route, segments, &params)) {
      return {true, route.upload, route.route_class};
    }
  }
  return {};
}

bool Router::Match(const Route& route, const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params) {
  params->clear();
  const auto& pattern = route.segments;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (IsRestParam(p) && i + 1 == pattern.size()) {
      std::string rest;
      for (size_t j = i; j < path.size(); ++j) {
        if (j > i) rest += '/';
        rest += path[j];
      }
      (*params)[ParamName(p)] = std::move(rest);
      return true;
    }
    if (i >= path.size()) return false;
    if (IsParam(p)) {
      if (path[i].empty()) return false;
      (*params)[ParamName(p)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  return pattern.size() == path.size();
}

Response Router::Dispatch(Request* req) const {
  std::string_view raw_path, raw_query;
  SplitTarget(req->target, &raw_path, &raw_query);
  req->path = PercentDecode(raw_path);
  req->query = ParseQuery(raw_query);
  std::vector<std::string> segments = PathSegments(raw_path);

  std::vector<std::string> allowed;  // methods of routes that match the path, for 405
  std::map<std::string, std::string> params;
  for (const Route& route : routes_) {
    if (!Match(route, segments, &params)) continue;
    if (route.method != req->method) {
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
        allowed.push_back(route.method);
      }
      continue;
    }
    req->params = std::move(params);
    // A handler is user code: whatever it throws stays here, so one bad request
    // cannot take an I/O thread (and with it the server) down.
    try {
      return route.handler(*req);
    } catch (const std::exception& e) {
      return ErrorResponse(Internal("handler for " + req->method + " " + req->path +
                                    " failed: " + e.what()));
    } catch (...) {
      return ErrorResponse(Internal("handler for " + req->method + " " + req->path +
                                    " failed with an unknown exception"));
    }
  }
  if (!allowed.empty()) {
    std::string allow;
    for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = JsonResponse(
        {{"error", "method " + req->method + " not allowed for " + req->path +
                       " (allowed: " + allow + ")"}},
        405);
    r.headers["Allow"] = allow;
    return r;
  }
  return JsonResponse({{"error", "no route for " + req->method + " " + req->path}}, 404);
}

}  // namespace tandem::http
