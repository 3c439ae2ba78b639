#include "core/periodic_worker.h"

#include <chrono>

namespace tandem {

PeriodicWorker::~PeriodicWorker() { Stop(); }

bool PeriodicWorker::Start(int64_t interval_ms, std::function<void()> work, bool run_now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return false;
  stopping_ = false;
  woken_ = run_now;
  passes_ = 0;
  thread_ = std::thread([this, interval_ms, work = std::move(work)] {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      // The predicate is checked under the lock before waiting, so a Stop that came
      // first is never missed (a notify sent before the wait would be).
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
      lock.unlock();
      work();
      lock.lock();
      ++passes_;
    }
  });
  return true;
}

void PeriodicWorker::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
}

void PeriodicWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool PeriodicWorker::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable() && !stopping_;
}

int PeriodicWorker::passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

}  // namespace tandem
