#include "serving/replica_app.h"

#include <algorithm>

#include "core/fs.h"
#include "serving/batching_backend.h"
#include "serving/v2_codec.h"

namespace tandem::serving {
namespace {

http::Response Reply(const Json& body, int status = 200) {
  http::Response r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

http::Response Error(const Status& st) {
  return Reply({{"error", st.message()}}, HttpStatusFor(st.code()));
}

// Warnings listed in one response; the rest are counted ("... and 7 more").
constexpr size_t kListedWarnings = 20;

}  // namespace

Result<std::unique_ptr<ReplicaApp>> ReplicaApp::Create(const ReplicaOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(options.meta_path));
  ASSIGN_OR_RETURN(Json meta, ParseJson(text, "meta file '" + options.meta_path + "'"));
  // One compute thread per prediction: `threads` of them run at once (HTTP threads
  // without batching, batch executors with it), which does not oversubscribe the
  // replica's CPU allocation.
  BackendOptions bo;
  bo.threads = 1;
  bo.workers = options.threads;
  ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend, LoadBackend(options.model_path, meta, bo));
  if (options.batch_max > 1) {
    BatchingOptions batching;
    batching.max_batch_rows = options.batch_max;
    batching.max_delay = std::chrono::microseconds(options.batch_delay_us);
    batching.executors = options.threads;
    backend = std::make_unique<BatchingBackend>(std::move(backend), batching);
  }
  return std::make_unique<ReplicaApp>(options.name, options.version, std::move(backend),
                                      options.strict_inputs);
}

ReplicaApp::ReplicaApp(std::string name, int version, std::unique_ptr<Backend> backend,
                       bool strict_inputs)
    : name_(std::move(name)),
      version_(version),
      backend_(std::move(backend)),
      strict_inputs_(strict_inputs) {
  metadata_ = backend_->Metadata();
  metadata_["name"] = name_;
  metadata_["versions"] = Json::array({std::to_string(version_)});
}

Status ReplicaApp::CheckTarget(const http::Request& req) const {
  const std::string& model = req.params.at("model");
  if (model != name_) return NotFound("unknown model '" + model + "'");
  auto v = req.params.find("version");
  if (v != req.params.end() && v->second != std::to_string(version_)) {
    return NotFound("model '" + name_ + "' has no version '" + v->second +
                    "' (this replica serves version " + std::to_string(version_) + ")");
  }
  return Status::Ok();
}

http::Response ReplicaApp::Infer(const http::Request& req) {
  if (Status st = CheckTarget(req); !st.ok()) return Error(st);
  auto decoded = DecodeInferRequest(req.body);
  if (!decoded.ok()) return Error(decoded.status());
  InferRequest& request = *decoded;

  // Refuse unknown requested outputs before spending time on the model.
  const Json& outputs = metadata_["outputs"];
  for (size_t i = 0; i < request.outputs.size(); ++i) {
    const std::string& want = request.outputs[i];
    bool known = std::any_of(outputs.begin(), outputs.end(),
                             [&](const Json& o) { return o["name"] == want; });
    if (!known) {
      std::string names;
      for (const auto& o : outputs) names += (names.empty() ? "" : ", ") + o["name"].get<std::string>();
      return Error(InvalidArgument("outputs[" + std::to_string(i) + "].name: unknown output '" +
                                   want + "' (available: " + names + ")"));
    }
  }
  const std::vector<InputWarning> found = backend_->CheckInputs(request.inputs);
  if (strict_inputs_ && !found.empty()) {
    refused_inputs_++;
    std::string more = found.size() > 1 ? " (and " + std::to_string(found.size() - 1) +
                                              " more)" : "";
    return Error(InvalidArgument(found[0].ToString() + more +
                                 "; this service checks inputs strictly and takes no guesses"));
  }
  auto result = backend_->Infer(request.inputs);
  if (!result.ok()) return Error(result.status());
  inference_count_++;
  input_warnings_ += static_cast<int64_t>(found.size());
  std::vector<std::string> warnings;
  for (size_t i = 0; i < found.size() && i < kListedWarnings; ++i) {
    warnings.push_back(found[i].ToString());
  }
  if (found.size() > kListedWarnings) {
    warnings.push_back("... and " + std::to_string(found.size() - kListedWarnings) + " more");
  }
  std::vector<Tensor> out = std::move(result).value();
  if (!request.outputs.empty()) {
    std::erase_if(out, [&](const Tensor& t) {
      return std::find(request.outputs.begin(), request.outputs.end(), t.name) ==
             request.outputs.end();
    });
  }
  http::Response r;
  r.body = EncodeInferResponse(name_, std::to_string(version_), request.id, out, warnings);
  return r;
}

void ReplicaApp::Register(http::Server& server) {
  server.Route("GET", "/v2/health/live",
               [](const http::Request&) { return Reply({{"live", true}}); });
  server.Route("GET", "/v2/health/ready",
               [](const http::Request&) { return Reply({{"ready", true}}); });
  server.Route("GET", "/v2", [](const http::Request&) {
    return Reply({{"name", "tandem"}, {"version", "0.1.0"}, {"extensions", Json::array()}});
  });
  for (const std::string prefix : {"/v2/models/{model}", "/v2/models/{model}/versions/{version}"}) {
    server.Route("GET", prefix, [this](const http::Request& req) {
      if (Status st = CheckTarget(req); !st.ok()) return Error(st);
      return Reply(metadata_);
    });
    server.Route("GET", prefix + "/ready", [this](const http::Request& req) {
      if (Status st = CheckTarget(req); !st.ok()) return Error(st);
      return Reply({{"name", name_}, {"ready", true}});
    });
    server.Route("POST", prefix + "/infer",
                 [this](const http::Request& req) { return Infer(req); });
    server.Route("GET", prefix + "/stats", [this](const http::Request& req) {
      if (Status st = CheckTarget(req); !st.ok()) return Error(st);
      return Reply({{"name", name_},
                    {"version", std::to_string(version_)},
                    {"inference_count", inference_count_.load()},
                    {"input_warnings", input_warnings_.load()},
                    {"refused_inputs", refused_inputs_.load()}});
    });
  }
}

}  // namespace tandem::serving
