#include "serving/batching_backend.h"

#include <algorithm>
#include <future>
#include <optional>
#include <string>

namespace tandem::serving {
namespace {

using Clock = std::chrono::steady_clock;

// What must be equal for two requests to stack: input names, datatypes and shapes
// past dimension 0. "" when the request cannot stack (a scalar input, inputs with
// different row counts, no rows). `rows` receives the common dimension 0.
std::string StackKey(const std::vector<Tensor>& inputs, int64_t* rows) {
  std::string key;
  *rows = -1;
  for (const Tensor& t : inputs) {
    if (t.shape.empty()) return "";
    if (*rows < 0) *rows = t.shape[0];
    if (t.shape[0] != *rows) return "";
    key += t.name;
    key += '\0';
    key += DataTypeName(t.datatype);
    for (size_t d = 1; d < t.shape.size(); ++d) key += "," + std::to_string(t.shape[d]);
    key += ';';
  }
  return *rows > 0 ? key : "";
}

}  // namespace

struct BatchingBackend::Pending {
  const std::vector<Tensor>* inputs = nullptr;
  std::string key;
  int64_t rows = 0;
  Clock::time_point arrived;
  std::promise<Result<std::vector<Tensor>>> answer;
};

BatchingBackend::BatchingBackend(std::unique_ptr<Backend> inner, BatchingOptions options)
    : inner_(std::move(inner)), options_(options) {
  for (int i = 0; i < std::max(1, options_.executors); ++i) {
    executors_.emplace_back([this] { RunExecutor(); });
  }
}

BatchingBackend::~BatchingBackend() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : executors_) t.join();
}

Result<std::vector<Tensor>> BatchingBackend::Infer(const std::vector<Tensor>& inputs) {
  auto p = std::make_shared<Pending>();
  p->inputs = &inputs;
  p->key = StackKey(inputs, &p->rows);
  p->arrived = Clock::now();
  auto answer = p->answer.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(p));
  }
  // Every executor: one may be waiting for exactly this request to fill its batch.
  cv_.notify_all();
  return answer.get();
}

Json BatchingBackend::Metadata() const {
  Json md = inner_->Metadata();
  md["parameters"]["batching"] = {{"max_batch_rows", options_.max_batch_rows},
                                  {"max_delay_us", options_.max_delay.count()}};
  return md;
}

int64_t BatchingBackend::backend_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return backend_calls_;
}

int64_t BatchingBackend::StackableRows(const Pending& first) const {
  if (first.key.empty()) return first.rows;
  int64_t rows = 0;
  for (const auto& p : queue_) {
    if (p->key == first.key && rows + p->rows <= options_.max_batch_rows) rows += p->rows;
  }
  return rows;
}

void BatchingBackend::RunExecutor() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_) return;
      cv_.wait(lock);
      continue;
    }
    // The oldest request decides the deadline; a request that cannot stack, or a
    // batch already full, goes at once.
    const Pending& first = *queue_.front();
    auto deadline = first.arrived + options_.max_delay;
    if (!stopping_ && !first.key.empty() && StackableRows(first) < options_.max_batch_rows &&
        Clock::now() < deadline) {
      cv_.wait_until(lock, deadline);
      continue;  // the queue may have changed hands meanwhile: look again
    }
    Batch batch = {queue_.front()};
    queue_.pop_front();
    int64_t rows = batch[0]->rows;
    if (!batch[0]->key.empty()) {
      for (auto it = queue_.begin(); it != queue_.end();) {
        if ((*it)->key == batch[0]->key && rows + (*it)->rows <= options_.max_batch_rows) {
          rows += (*it)->rows;
          batch.push_back(std::move(*it));
          it = queue_.erase(it);
        } else {
          ++it;
        }
      }
    }
    lock.unlock();
    RunBatch(batch);
    lock.lock();
  }
}

void BatchingBackend::RunAlone(Pending& p) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++backend_calls_;
  }
  p.answer.set_value(inner_->Infer(*p.inputs));
}

void BatchingBackend::RunBatch(const Batch& batch) {
  if (batch.size() == 1) return RunAlone(*batch[0]);

  // Stack every input along dimension 0 (row-major: concatenating the flat values).
  std::vector<Tensor> stacked;
  int64_t total = 0;
  for (const auto& p : batch) total += p->rows;
  for (const Tensor& t : *batch[0]->inputs) {
    Tensor s{t.name, t.datatype, t.shape, {}, {}};
    s.shape[0] = total;
    stacked.push_back(std::move(s));
  }
  for (const auto& p : batch) {
    for (size_t i = 0; i < stacked.size(); ++i) {
      const Tensor& in = (*p->inputs)[i];
      if (in.datatype == DataType::kBytes) {
        stacked[i].strings.insert(stacked[i].strings.end(), in.strings.begin(), in.strings.end());
      } else {
        stacked[i].numbers.insert(stacked[i].numbers.end(), in.numbers.begin(), in.numbers.end());
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++backend_calls_;
  }
  auto result = inner_->Infer(stacked);

  // Split back by rows; an output that is not one row per input row cannot be.
  bool splittable = result.ok();
  if (splittable) {
    for (const Tensor& out : *result) {
      if (out.shape.empty() || out.shape[0] != total || out.size() % total != 0) splittable = false;
    }
  }
  if (!splittable) {
    for (const auto& p : batch) RunAlone(*p);
    return;
  }
  int64_t first_row = 0;
  for (const auto& p : batch) {
    std::vector<Tensor> mine;
    for (const Tensor& out : *result) {
      const size_t per_row = out.size() / total;
      const size_t begin = first_row * per_row, end = (first_row + p->rows) * per_row;
      Tensor t{out.name, out.datatype, out.shape, {}, {}};
      t.shape[0] = p->rows;
      if (out.datatype == DataType::kBytes) {
        t.strings.assign(out.strings.begin() + begin, out.strings.begin() + end);
      } else {
        t.numbers.assign(out.numbers.begin() + begin, out.numbers.begin() + end);
      }
      mine.push_back(std::move(t));
    }
    first_row += p->rows;
    p->answer.set_value(std::move(mine));
  }
}

}  // namespace tandem::serving
