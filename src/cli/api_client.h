#pragma once
// The CLI's view of a Tandem server: JSON in, JSON out, errors as Status carrying
// the server's own message.
#include <string>

#include "core/json.h"
#include "core/status.h"

namespace tandem::cli {

class ApiClient {
 public:
  explicit ApiClient(std::string base_url) : base_(std::move(base_url)) {}
  Result<Json> Get(const std::string& path) const;
  Result<Json> Post(const std::string& path, const std::string& body,
                    const std::string& content_type = "application/json") const;
  Result<Json> Delete(const std::string& path) const;
  const std::string& base_url() const { return base_; }

 private:
  Result<Json> Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type) const;
  std::string base_;
};

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& s);

}  // namespace tandem::cli
