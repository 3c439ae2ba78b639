#include "serving/python_backend.h"

#include <algorithm>

#include "serving/python_worker_script.h"
#include "serving/v2_codec.h"

namespace tandem::serving {
namespace {

// Loading sklearn or torch takes seconds on a busy machine; a model that takes this
// long to import is taken for a hung one.
constexpr std::chrono::seconds kStartTimeout(120);

const Json* Field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace

Result<std::unique_ptr<PythonBackend>> PythonBackend::Load(const std::string& model_path,
                                                           const Json& meta, int workers) {
  std::unique_ptr<PythonBackend> b(new PythonBackend());
  b->model_path_ = model_path;
  b->size_ = std::max(1, workers);
  ASSIGN_OR_RETURN(b->python_, GetStringOr(meta, "python", "/usr/bin/python3", "meta"));
  ASSIGN_OR_RETURN(int64_t timeout_ms, GetIntOr(meta, "timeout_ms", 60000, "meta"));
  if (timeout_ms <= 0) return InvalidArgument("meta.timeout_ms: must be positive");
  b->timeout_ = std::chrono::milliseconds(timeout_ms);

  Json signature = Json::object();
  if (const Json* s = Field(meta, "signature"); s && s->is_object()) signature = *s;
  ASSIGN_OR_RETURN(b->outputs_, SpecsFromJson(Field(signature, "outputs"), "meta.signature.outputs"));
  // Workers start one after another so that the first error is the one reported;
  // they name unnamed outputs from the meta's signature.
  Json reported;
  for (int i = 0; i < b->size_; ++i) {
    ASSIGN_OR_RETURN(auto worker, b->StartWorker(&reported));
    b->idle_.push_back(std::move(worker));
  }
  b->live_ = b->size_;
  std::string where = "meta.signature";
  if (!Field(signature, "inputs") && reported.is_object()) {
    signature = reported;
    where = "model.py signature";
  }
  ASSIGN_OR_RETURN(b->inputs_, SpecsFromJson(Field(signature, "inputs"), where + ".inputs"));
  if (b->outputs_.empty()) {
    ASSIGN_OR_RETURN(b->outputs_, SpecsFromJson(Field(signature, "outputs"), where + ".outputs"));
  }
  return b;
}

Result<std::unique_ptr<FramedChild>> PythonBackend::StartWorker(Json* signature) const {
  Json output_names = Json::array();
  for (const auto& s : outputs_) output_names.push_back(s.name);
  ASSIGN_OR_RETURN(auto worker, FramedChild::Spawn({python_, "-u", "-c", kPythonWorkerScript,
                                                    model_path_, output_names.dump()}));
  auto hello = worker->Receive(kStartTimeout);
  if (!hello.ok()) {
    return Internal("the python worker for '" + model_path_ + "' did not start: " +
                    hello.status().message());
  }
  ASSIGN_OR_RETURN(Json j, ParseJson(*hello, "python worker greeting"));
  if (auto error = j.find("error"); error != j.end()) {
    return InvalidArgument(error->is_string() ? error->get<std::string>() : error->dump());
  }
  if (signature) *signature = j.value("signature", Json());
  return worker;
}

Result<std::unique_ptr<FramedChild>> PythonBackend::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || live_ < size_; });
  if (!idle_.empty()) {
    auto worker = std::move(idle_.back());
    idle_.pop_back();
    return worker;
  }
  // A slot left by a dead worker: refill it outside the lock (it takes a while).
  ++live_;
  ++restarts_;
  lock.unlock();
  auto worker = StartWorker(nullptr);
  if (!worker.ok()) {
    Release(nullptr);
    return Unavailable("a python worker died and its replacement did not start: " +
                       worker.status().message());
  }
  return worker;
}

void PythonBackend::Release(std::unique_ptr<FramedChild> worker) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (worker) {
      idle_.push_back(std::move(worker));
    } else {
      --live_;
    }
  }
  cv_.notify_one();
}

int PythonBackend::restarts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return restarts_;
}

Result<std::vector<Tensor>> PythonBackend::Exchange(FramedChild& worker,
                                                    const std::string& request) {
  RETURN_IF_ERROR(worker.Send(request));
  ASSIGN_OR_RETURN(std::string reply, worker.Receive(timeout_));
  ASSIGN_OR_RETURN(Json j, ParseJson(reply, "python worker reply"));
  if (auto error = j.find("error"); error != j.end()) {
    return InvalidArgument("predict() raised " +
                           (error->is_string() ? error->get<std::string>() : error->dump()));
  }
  auto outputs = j.find("outputs");
  if (outputs == j.end() || !outputs->is_array()) {
    return Internal("python worker reply: no outputs");
  }
  std::vector<Tensor> out;
  for (size_t i = 0; i < outputs->size(); ++i) {
    auto t = TensorFromJson((*outputs)[i], "predict() output " + std::to_string(i));
    if (!t.ok()) return Internal(t.status().message());
    out.push_back(std::move(t).value());
  }
  return out;
}

Result<std::vector<Tensor>> PythonBackend::Infer(const std::vector<Tensor>& inputs) {
  if (!inputs_.empty()) RETURN_IF_ERROR(MatchInputs(inputs_, inputs).status());
  Json list = Json::array();
  for (const Tensor& t : inputs) list.push_back(TensorToJson(t));
  const std::string request = DumpJson({{"inputs", std::move(list)}});

  ASSIGN_OR_RETURN(auto worker, Acquire());
  auto result = Exchange(*worker, request);
  const StatusCode code = result.status().code();
  if (!result.ok() && (code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded)) {
    // The channel is lost or out of step: this worker is done for.
    std::string what = code == StatusCode::kUnavailable
                           ? worker->HowItEnded()
                           : "took longer than " + std::to_string(timeout_.count()) + " ms";
    const pid_t pid = worker->pid();
    worker.reset();
    Release(nullptr);
    return Status(code, "the python worker (pid " + std::to_string(pid) + ") " + what +
                            " while predicting; it is replaced");
  }
  Release(std::move(worker));
  return result;
}

Json PythonBackend::Metadata() const {
  Json in = Json::array(), out = Json::array();
  for (const auto& s : inputs_) in.push_back(s.ToJson());
  for (const auto& s : outputs_) out.push_back(s.ToJson());
  return {{"platform", "python"}, {"inputs", in}, {"outputs", out}};
}

}  // namespace tandem::serving
