#pragma once
// A fixed set of threads running jobs from a bounded queue: the admission of one route
// class (http.h's Admission). Private to the http module.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tandem::http {

class WorkerPool {
 public:
  // `workers` >= 1 threads; at most `queue` jobs wait for one.
  WorkerPool(int workers, int queue);
  ~WorkerPool();  // Stop()s

  // Queues the job, or returns false (and drops it) when every worker is busy and the
  // queue is full, or the pool is stopped. Thread-safe.
  bool TrySubmit(std::function<void()> job);

  // Waits for running jobs, destroys queued ones unrun, joins the threads. Idempotent.
  void Stop();

 private:
  void Work();

  const size_t capacity_;  // workers + queue: jobs running or waiting at most
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tandem::http
