#include "http/worker_pool.h"

#include <algorithm>

namespace tandem::http {

WorkerPool::WorkerPool(int workers, int queue)
    : capacity_(static_cast<size_t>(std::max(1, workers)) + static_cast<size_t>(std::max(0, queue))) {
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TrySubmit(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return false;
  if (queue_.size() + running_ >= capacity_) return false;
  queue_.push_back(std::move(job));
  wake_.notify_one();
  return true;
}

void WorkerPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    ++running_;
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();   // jobs catch their own errors (the router turns a throw into a 500)
    job = nullptr;  // release what it captured before sleeping again
    lock.lock();
    --running_;
  }
}

void WorkerPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
    wake_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  dropped.clear();  // outside the lock: a job's captures may do anything when destroyed
}

}  // namespace tandem::http
