#include "cli/api_client.h"

#include "http/http.h"

namespace tandem::cli {

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Json> ApiClient::Send(const std::string& method, const std::string& path,
                             const std::string& body, const std::string& content_type) const {
  http::ClientOptions options;
  options.timeout_ms = 120000;  // a deploy waits for its replica to be ready
  auto resp = http::Call(method, base_ + path, body, content_type, options);
  if (!resp.ok()) {
    return Status(resp.status().code(),
                  resp.status().message() + " (is `tandem server` running? set --server or TANDEM_SERVER)");
  }
  auto json = ParseJson(resp->body, "server response");
  if (resp->status >= 400) {
    std::string msg = json.ok() && json->is_object() && json->contains("error")
                          ? (*json)["error"].get<std::string>()
                          : resp->body;
    StatusCode code = resp->status == 404   ? StatusCode::kNotFound
                      : resp->status == 409 ? StatusCode::kAlreadyExists
                      : resp->status < 500  ? StatusCode::kInvalidArgument
                                            : StatusCode::kInternal;
    return Status(code, msg);
  }
  return json;
}

Result<Json> ApiClient::Get(const std::string& path) const { return Send("GET", path, "", ""); }
Result<Json> ApiClient::Post(const std::string& path, const std::string& body,
                             const std::string& content_type) const {
  return Send("POST", path, body, content_type);
}
Result<Json> ApiClient::Delete(const std::string& path) const { return Send("DELETE", path, "", ""); }

}  // namespace tandem::cli
