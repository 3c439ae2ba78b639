// The loop's waker returns on Wake() and on a watched process's exit, not only on its
// timeout. The timeouts here are a minute: a broken waker shows as a hung test.
#include "workflow/engine_wake.h"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace tandem::workflow {
namespace {

constexpr int kMinute = 60'000;

TEST(LoopWakerTest, AWakeBeforeTheWaitIsNotLost) {
  LoopWaker waker;
  waker.Wake();
  waker.Wake();
  waker.Wait({}, kMinute);  // returns at once: the wakes were counted
  waker.Wait({-1}, 0);      // consumed: a zero timeout just polls
}

TEST(LoopWakerTest, TheExitOfAWatchedProcessEndsTheWait) {
  pid_t pid = 0;
  const char* argv[] = {"/bin/sh", "-c", "exit 0", nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  ExitWatch watch(pid);
  ASSERT_GE(watch.fd(), 0) << "pidfd_open is unavailable here";
  LoopWaker waker;
  waker.Wait({watch.fd()}, kMinute);
  // The waker never reaps: the child is still ours to wait for.
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  ExitWatch moved = std::move(watch);
  EXPECT_EQ(watch.fd(), -1);
  EXPECT_GE(moved.fd(), 0);
  EXPECT_EQ(ExitWatch(-5).fd(), -1);
}

}  // namespace
}  // namespace tandem::workflow
