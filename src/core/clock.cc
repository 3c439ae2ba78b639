#include "core/clock.h"

#include <chrono>
#include <thread>

namespace tandem {
namespace {

class SystemClock : public Clock {
 public:
  TimeMs NowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  void SleepMs(int64_t ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
};

}  // namespace

Clock& RealClock() {
  static SystemClock clock;
  return clock;
}

TimeMs FakeClock::NowMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void FakeClock::Advance(int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += ms;
}

void FakeClock::Set(TimeMs t) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = t;
}

}  // namespace tandem
