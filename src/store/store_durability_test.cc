// kill -9 after a commit loses nothing: a child commits a run, says so, and is killed
// on the spot; the parent reopens the database and finds the run.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_test_util.h"

namespace tandem::store {
namespace {

// The child's whole life: open, commit, report, wait to be killed. Never returns.
[[noreturn]] void ChildCommitsARun(const std::string& db_path, int report_fd) {
  FakeClock clock;
  auto store = OpenSqliteStore(db_path, clock);
  if (!store.ok()) _exit(2);
  RunRecord run;
  run.id = "run-durable";
  run.pipeline_name = "p";
  run.state = "running";
  run.params = {{"k", "v"}};
  TaskRecord task;
  task.id = "task-durable";
  task.node = "n";
  task.state = "running";
  if (!(*store)->CreateRun(run, {task}).ok()) _exit(3);
  const char msg[] = "committed\n";
  if (write(report_fd, msg, sizeof(msg) - 1) != static_cast<ssize_t>(sizeof(msg) - 1)) _exit(4);
  while (true) pause();
}

TEST_F(StoreTest, CommittedRunSurvivesKillNine) {
  store_.reset();  // the child is the only writer; nothing open crosses the fork
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    ChildCommitsARun(db_path(), fds[1]);
  }
  close(fds[1]);
  std::string got;
  char buf[64];
  ssize_t n;
  while (got.find('\n') == std::string::npos && (n = read(fds[0], buf, sizeof(buf))) > 0) {
    got.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(got, "committed\n") << "child exit status " << status;
  ASSERT_TRUE(WIFSIGNALED(status));

  Reopen();
  auto run = store_->GetRun("run-durable");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->params, Json({{"k", "v"}}));
  auto tasks = store_->ListTasks("run-durable");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].id, "task-durable");
}

}  // namespace
}  // namespace tandem::store
