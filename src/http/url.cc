#include "http/url.h"

#include <cctype>

#include "http/http.h"

namespace tandem::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    out[std::move(key)] = std::move(value);
  }
  return out;
}

std::vector<std::string> PathSegments(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::vector<std::string> segments;
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(PercentDecode(path.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status ParseUrl(const std::string& url, std::string* host, int* port, std::string* target) {
  constexpr std::string_view kScheme = "http://";
  std::string_view rest = url;
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgument("url '" + url + "': expected http://host[:port][/path]");
  }
  rest.remove_prefix(kScheme.size());
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  path = path.substr(0, path.find('#'));  // a fragment never goes on the wire
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("url '" + url + "': user info is not supported");
  }
  std::string_view host_part = authority;
  std::string_view port_part;
  if (!authority.empty() && authority.front() == '[') {
    // IPv6 literal: "[::1]:8080".
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgument("url '" + url + "': unterminated '[' in host");
    }
    host_part = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgument("url '" + url + "': bad text after ']'");
      port_part = after.substr(1);
      if (port_part.empty()) return InvalidArgument("url '" + url + "': empty port");
    }
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host_part = authority.substr(0, colon);
      port_part = authority.substr(colon + 1);
      if (port_part.empty()) return InvalidArgument("url '" + url + "': empty port");
    }
  }
  if (host_part.empty()) return InvalidArgument("url '" + url + "': missing host");
  int port_value = 80;
  if (!port_part.empty()) {
    port_value = 0;
    for (char c : port_part) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port_value > 65535) {
        return InvalidArgument("url '" + url + "': port '" + std::string(port_part) +
                               "' is not a number in 1..65535");
      }
      port_value = port_value * 10 + (c - '0');
    }
    if (port_value < 1 || port_value > 65535) {
      return InvalidArgument("url '" + url + "': port '" + std::string(port_part) +
                             "' is not a number in 1..65535");
    }
  }
  *host = std::string(host_part);
  *port = port_value;
  target->clear();
  if (path.empty() || path.front() == '?') *target = '/';
  target->append(path);
  return Status::Ok();
}

}  // namespace tandem::http
