#pragma once
// Dynamic batching (Triton's dynamic batcher), written once outside the backends:
// concurrent Infer calls wait in a queue; an executor thread takes the oldest request
// and every queued request that can be stacked with it along dimension 0, up to
// max_batch_rows rows or until the oldest has waited max_delay, runs the inner backend
// once on the stacked tensors and splits the outputs back by rows.
//
// Requests stack when they have the same input names, datatypes and shapes apart from
// dimension 0, and each of their inputs has the same number of rows. Anything else
// (scalars, ragged first dimensions) runs on its own. Errors stay per request: when a
// stacked call fails, or returns an output that is not one row per input row, every
// request of the batch is run again on its own, so each gets its own answer.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "serving/backend.h"

namespace tandem::serving {

struct BatchingOptions {
  int max_batch_rows = 32;                  // rows of one backend call (a larger request runs alone)
  std::chrono::microseconds max_delay{500};  // how long the oldest request waits for company
  int executors = 1;                        // batches running at once
};

class BatchingBackend : public Backend {
 public:
  // REQUIRES: inner != nullptr, max_batch_rows >= 1, executors >= 1.
  BatchingBackend(std::unique_ptr<Backend> inner, BatchingOptions options);
  // Answers what is queued, then joins the executors.
  ~BatchingBackend() override;

  // Blocks the calling thread until its batch has run. Thread-safe.
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  // The inner backend's, with parameters.batching = {max_batch_rows, max_delay_us}.
  Json Metadata() const override;
  // The inner backend's, per request (before it joins a batch).
  std::vector<InputWarning> CheckInputs(const std::vector<Tensor>& inputs) const override {
    return inner_->CheckInputs(inputs);
  }

  // Backend calls made so far (for tests and the bench: batches, not requests).
  int64_t backend_calls() const;

 private:
  struct Pending;
  using Batch = std::vector<std::shared_ptr<Pending>>;
  void RunExecutor();
  // REQUIRES: mu_ held. Rows queued that would stack with `first`.
  int64_t StackableRows(const Pending& first) const;
  void RunBatch(const Batch& batch);
  void RunAlone(Pending& p);

  std::unique_ptr<Backend> inner_;
  const BatchingOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool stopping_ = false;
  int64_t backend_calls_ = 0;
  std::vector<std::thread> executors_;
};

}  // namespace tandem::serving
