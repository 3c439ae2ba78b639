#pragma once
// The routes of a replica, without process concerns (signals, port file), so tests
// run a replica inside their own process on an http::Server.
//   GET  /v2/health/live            {"live": true}
//   GET  /v2/health/ready           {"ready": true}
//   GET  /v2                        server metadata
//   GET  /v2/models/{m}[/versions/{v}]          model metadata
//   GET  /v2/models/{m}[/versions/{v}]/ready    {"name", "ready": true}
//   POST /v2/models/{m}[/versions/{v}]/infer    inference
//   GET  /v2/models/{m}[/versions/{v}]/stats    {"name", "version", "inference_count",
//                                                "input_warnings", "refused_inputs"}
// An unknown model or version is 404 {"error": ...}; a request the codec or the
// backend refuses is 400 with its message. No request brings the replica down.
// Raw values the model takes only by guessing (Backend::CheckInputs) are answered
// with a "warnings" list beside the outputs and counted in input_warnings; with
// strict input checking the request is refused instead (400 naming the input and
// row) and counted in refused_inputs.
#include <atomic>
#include <memory>
#include <string>

#include "core/json.h"
#include "http/http.h"
#include "serving/backend.h"
#include "serving/replica.h"

namespace tandem::serving {

class ReplicaApp {
 public:
  // Reads options.meta_path and loads the backend from options.model_path.
  static Result<std::unique_ptr<ReplicaApp>> Create(const ReplicaOptions& options);
  // REQUIRES: backend != nullptr.
  ReplicaApp(std::string name, int version, std::unique_ptr<Backend> backend,
             bool strict_inputs = false);

  // Adds the routes. REQUIRES: this app outlives the server's serving (Stop it first).
  void Register(http::Server& server);

  // The model metadata document (GET /v2/models/{m}).
  const Json& metadata() const { return metadata_; }

 private:
  // Ok, or the 404 for a request that names another model or version.
  Status CheckTarget(const http::Request& req) const;
  http::Response Infer(const http::Request& req);

  std::string name_;
  int version_;
  std::unique_ptr<Backend> backend_;
  bool strict_inputs_;
  Json metadata_;
  std::atomic<int64_t> inference_count_{0};  // requests answered with outputs
  std::atomic<int64_t> input_warnings_{0};   // warnings answered (each input and row)
  std::atomic<int64_t> refused_inputs_{0};   // requests refused by strict checking
};

}  // namespace tandem::serving
