#pragma once
// Time as a dependency: engines take a Clock so tests drive time by hand.
#include <cstdint>
#include <mutex>

namespace tandem {

// Milliseconds since the Unix epoch.
using TimeMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
  // Blocks for `ms` (a fake clock advances instead). Thread-safe.
  virtual void SleepMs(int64_t ms) = 0;
};

// The wall clock. Thread-safe. Owned by nobody: a process-wide singleton.
Clock& RealClock();

// A clock that moves only when told. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs NowMs() const override;
  void SleepMs(int64_t ms) override { Advance(ms); }
  void Advance(int64_t ms);
  void Set(TimeMs t);

 private:
  mutable std::mutex mu_;
  TimeMs now_;
};

}  // namespace tandem
