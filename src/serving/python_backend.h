#pragma once
// Serves any python model through a pool of /usr/bin/python3 worker processes, each
// running the project's worker script (python/tandem_worker.py, built into the
// binary) around the user's predict(): sklearn, or anything else python can run.
// The model is a folder holding model.py (and whatever it loads), or one python file of
// any name (the artifact store keeps a model file by hash, without ".py");
// the worker script's docstring states what predict() takes and returns. The meta:
//   {"format": "python",
//    "signature": {"inputs": [...], "outputs": [...]},  // optional, see signature.h
//    "timeout_ms": 60000,                                // per request
//    "python": "/usr/bin/python3"}                        // the interpreter
// (a `signature` defined in model.py is used when the meta has none).
//
// A request takes an idle worker (or waits for one), sends it the inputs and waits
// for the outputs. A worker that crashes or overruns the timeout is killed and the
// request answered with an error saying so (kUnavailable / kDeadlineExceeded); its
// place is refilled by the next request that needs a worker. An exception in
// predict() is kInvalidArgument with its type and message; the worker lives on.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serving/backend.h"
#include "serving/framed_child.h"
#include "serving/signature.h"

namespace tandem::serving {

class PythonBackend : public Backend {
 public:
  // Starts `workers` processes and waits until each has loaded the model; an error
  // of any is returned (the user's exception for a model that does not load).
  static Result<std::unique_ptr<PythonBackend>> Load(const std::string& model_path,
                                                     const Json& meta, int workers);

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  Json Metadata() const override;

  // Workers started to replace ones that died (for tests).
  int restarts() const;

 private:
  PythonBackend() = default;
  // A new worker that has loaded the model, and the signature it reported.
  Result<std::unique_ptr<FramedChild>> StartWorker(Json* signature) const;
  // An idle worker, starting one when a slot is free; the caller owns it until Release.
  Result<std::unique_ptr<FramedChild>> Acquire();
  void Release(std::unique_ptr<FramedChild> worker);  // nullptr: the worker died
  Result<std::vector<Tensor>> Exchange(FramedChild& worker, const std::string& request);

  std::string python_;
  std::string model_path_;
  std::chrono::milliseconds timeout_{60000};
  int size_ = 1;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<FramedChild>> idle_;
  int live_ = 0;  // idle + busy + starting
  int restarts_ = 0;
};

}  // namespace tandem::serving
