#include "core/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace tandem {
namespace {

using Steady = std::chrono::steady_clock;

double MsSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

void WaitFor(const std::function<bool()>& done) {
  const auto start = Steady::now();
  while (!done() && MsSince(start) < 5000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(PeriodicWorkerTest, StopNeverWaitsOutTheInterval) {
  PeriodicWorker worker;
  std::atomic<int> runs{0};
  ASSERT_TRUE(worker.Start(24LL * 3600 * 1000, [&] { ++runs; }));
  EXPECT_TRUE(worker.running());
  EXPECT_FALSE(worker.Start(10, [] {}));  // already running
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto start = Steady::now();
  worker.Stop();
  EXPECT_LT(MsSince(start), 200);  // a day's interval, stopped at once
  EXPECT_EQ(runs, 0);              // the first pass waits an interval
  EXPECT_FALSE(worker.running());
  worker.Stop();  // idempotent
}

TEST(PeriodicWorkerTest, StopRightAfterStartIsNotMissed) {
  // Stop before the thread first waits: the stop is seen, not lost to an early notify.
  for (int i = 0; i < 50; ++i) {
    PeriodicWorker worker;
    worker.Start(60'000, [] {});
    const auto start = Steady::now();
    worker.Stop();
    EXPECT_LT(MsSince(start), 200);
  }
}

TEST(PeriodicWorkerTest, RunsEveryIntervalAtOnceWhenAskedAndWhenWoken) {
  PeriodicWorker worker;
  std::atomic<int> runs{0};
  worker.Start(5, [&] { ++runs; });
  WaitFor([&] { return worker.passes() >= 3; });
  EXPECT_GE(worker.passes(), 3);
  worker.Stop();

  runs = 0;
  worker.Start(60'000, [&] { ++runs; }, /*run_now=*/true);  // started again after Stop
  WaitFor([&] { return worker.passes() >= 1; });
  EXPECT_EQ(runs, 1);
  worker.Wake();
  WaitFor([&] { return worker.passes() >= 2; });
  EXPECT_EQ(runs, 2);
  worker.Stop();
}

TEST(PeriodicWorkerTest, StopWaitsForAPassInProgress) {
  PeriodicWorker worker;
  std::atomic<bool> in_pass{false}, finished{false};
  worker.Start(60'000, [&] {
    in_pass = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    finished = true;
  }, true);
  WaitFor([&] { return in_pass.load(); });
  worker.Stop();
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace tandem
