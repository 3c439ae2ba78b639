#pragma once
// The CLI's view of a Tandem server: JSON in, JSON out, errors as Status carrying
// the server's own message.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "http/http.h"

namespace tandem::cli {

class ApiClient {
 public:
  // Trailing slashes are dropped ("http://host:8080/" is the same server).
  explicit ApiClient(std::string base_url) : base_(std::move(base_url)) {
    while (base_.size() > 1 && base_.back() == '/') base_.pop_back();
  }
  Result<Json> Get(const std::string& path) const;
  Result<Json> Post(const std::string& path, const std::string& body,
                    const std::string& content_type = "application/json") const;
  Result<Json> Delete(const std::string& path) const;
  // POSTs the content of `file`, streamed from disk (never held in memory); `progress`
  // gets the bytes sent and the file's size. kNotFound when the file cannot be opened.
  Result<Json> PostFile(const std::string& path, const std::string& file,
                        const std::string& content_type,
                        const http::ProgressFn& progress = {}) const;
  // GETs `path`; a 2xx body goes to `sink` chunk by chunk, an error status becomes a
  // Status as in Get. Returns the response's headers (content type, length).
  Result<http::Response> Download(const std::string& path, const http::BodySink& sink,
                                  const http::ProgressFn& progress = {}) const;
  const std::string& base_url() const { return base_; }

 private:
  Result<Json> Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type, http::ClientOptions options = {}) const;
  // The response after a call: unreachable servers and error statuses become a Status
  // carrying the server's message.
  Result<http::Response> Checked(Result<http::Response> resp) const;
  std::string base_;
};

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& s);

}  // namespace tandem::cli
