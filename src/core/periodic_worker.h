#pragma once
// One background loop for the server's periodic jobs (daily gc, GPU health watch,
// replica watchdog, schedule triggers): a thread that runs `work` every interval until
// stopped. Stop wakes the thread at once (a condition variable, never a sleep), so a
// server shutting down never waits out a 24-hour interval; a pass in progress finishes
// first. Intervals are measured on the monotonic clock (condition_variable::wait_for),
// so a wall-clock step neither skips nor repeats a pass.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace tandem {

class PeriodicWorker {
 public:
  PeriodicWorker() = default;
  ~PeriodicWorker();  // Stop()s
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Starts the thread: `work` runs once an interval has passed (at once too, with
  // `run_now`), then every `interval_ms` after the end of the previous pass. False (and
  // nothing changes) while already running.
  bool Start(int64_t interval_ms, std::function<void()> work, bool run_now = false);
  // Wakes the thread, waits for a pass in progress to end and joins. Idempotent; Start
  // may be called again after. Never from inside `work`.
  void Stop();
  // Runs a pass now instead of waiting out the rest of the interval (the interval then
  // counts from that pass).
  void Wake();
  bool running() const;
  int passes() const;  // passes finished since Start, for tests

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  int passes_ = 0;
  std::thread thread_;
};

}  // namespace tandem
