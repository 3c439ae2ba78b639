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

namespace {
// A deploy waits for its replica to be ready; a file transfer waits at most this long
// for each chunk (http::ClientOptions::timeout_ms).
constexpr int kTimeoutMs = 120000;
// The server parses an upload before it answers: minutes for a few GB.
constexpr int kUploadResponseTimeoutMs = 60 * 60 * 1000;
}  // namespace

Result<http::Response> ApiClient::Checked(Result<http::Response> resp) const {
  if (!resp.ok()) {
    if (resp.status().code() != StatusCode::kUnavailable) return resp.status();
    return Status(resp.status().code(),
                  resp.status().message() + " (is `tandem server` running? set --server or TANDEM_SERVER)");
  }
  if (resp->status >= 400) {
    auto json = ParseJson(resp->body, "server response");
    std::string msg = json.ok() && json->is_object() && json->contains("error")
                          ? (*json)["error"].get<std::string>()
                          : resp->body;
    StatusCode code = resp->status == 404   ? StatusCode::kNotFound
                      : resp->status == 409 ? StatusCode::kAlreadyExists
                      : resp->status < 500  ? StatusCode::kInvalidArgument
                                            : StatusCode::kInternal;
    return Status(code, msg);
  }
  return resp;
}

Result<Json> ApiClient::Send(const std::string& method, const std::string& path,
                             const std::string& body, const std::string& content_type,
                             http::ClientOptions options) const {
  options.timeout_ms = kTimeoutMs;
  ASSIGN_OR_RETURN(http::Response resp,
                   Checked(http::Call(method, base_ + path, body, content_type, options)));
  return ParseJson(resp.body, "server response");
}

Result<Json> ApiClient::Get(const std::string& path) const { return Send("GET", path, "", ""); }
Result<Json> ApiClient::Post(const std::string& path, const std::string& body,
                             const std::string& content_type) const {
  return Send("POST", path, body, content_type);
}
Result<Json> ApiClient::Delete(const std::string& path) const { return Send("DELETE", path, "", ""); }

Result<Json> ApiClient::PostFile(const std::string& path, const std::string& file,
                                 const std::string& content_type,
                                 const http::ProgressFn& progress) const {
  http::ClientOptions options;
  options.request_body_file = file;
  options.response_timeout_ms = kUploadResponseTimeoutMs;
  options.upload_progress = progress;
  return Send("POST", path, "", content_type, std::move(options));
}

Result<http::Response> ApiClient::Download(const std::string& path, const http::BodySink& sink,
                                           const http::ProgressFn& progress) const {
  http::ClientOptions options;
  options.timeout_ms = kTimeoutMs;
  options.response_sink = sink;
  options.download_progress = progress;
  return Checked(http::Call("GET", base_ + path, "", "", options));
}

}  // namespace tandem::cli
