#include "http/origin_check.h"

#include <arpa/inet.h>

#include <algorithm>

#include "core/digits.h"
#include "http/url.h"

namespace tandem::http {
namespace {

struct Authority {
  std::string host;  // lower case, IPv6 without brackets
  int port = 80;
  bool ok = false;
};

// "name", "name:port", "[v6]", "[v6]:port".
Authority ParseAuthority(std::string text) {
  Authority a;
  text = AsciiLower(text);
  std::string port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos) return a;
    a.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return a;
      port = text.substr(close + 2);
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string::npos && text.find(':') != colon) return a;  // bare IPv6
    a.host = text.substr(0, colon);
    if (colon != std::string::npos) port = text.substr(colon + 1);
  }
  if (a.host.empty()) return a;
  if (!port.empty()) {
    auto value = ParseDigits(port, 5);
    if (!value) return a;
    a.port = *value;
  }
  a.ok = true;
  return a;
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool HostAllowed(const OriginPolicy& policy, const Authority& a) {
  for (const std::string& entry : policy.allowed_hosts) {
    Authority allowed = ParseAuthority(entry);
    bool has_port = entry.find(':') != std::string::npos && entry.back() != ']';
    if (allowed.ok && allowed.host == a.host && (has_port ? allowed.port : policy.port) == a.port) {
      return true;
    }
  }
  if (a.port != policy.port) return false;
  return a.host == AsciiLower(policy.listen_host) || a.host == "localhost" || IsIpAddress(a.host);
}

bool IsMutating(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::string CheckOrigin(const OriginPolicy& policy, const std::string& method,
                        const std::string* host, const std::string* origin) {
  if (host != nullptr) {
    Authority a = ParseAuthority(*host);
    if (!a.ok || !HostAllowed(policy, a)) {
      return "Host '" + *host + "' is not this server (port " + std::to_string(policy.port) +
             "); add it to the server setting allowed_hosts to reach it under that name";
    }
  }
  if (origin == nullptr || !IsMutating(method)) return "";
  std::string o = AsciiLower(*origin);
  for (const std::string& allowed : policy.allowed_origins) {
    std::string a = AsciiLower(allowed);
    while (!a.empty() && a.back() == '/') a.pop_back();
    if (a == o) return "";
  }
  // Same origin: the page was loaded from the authority it is now posting to.
  static constexpr std::string_view kHttp = "http://";
  if (host != nullptr && o.rfind(kHttp, 0) == 0) {
    Authority from = ParseAuthority(o.substr(kHttp.size()));
    Authority to = ParseAuthority(*host);
    if (from.ok && from.host == to.host && from.port == to.port) return "";
  }
  return method + " from Origin '" + *origin +
         "' refused: only this server's own pages may change things (add the origin to the "
         "server setting allowed_origins to allow it)";
}

}  // namespace tandem::http
