#pragma once
// Test helper: a Launcher that "runs" operators by name without processes. On Start it
// reads task.json from the spec's cwd and, per the behaviour table, writes stdout/stderr,
// one file per output port and outputs.json; the exit shows on the next Poll, or when
// the test calls Finish() for a held task.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/launcher.h"
#include "operators/task_contract.h"

namespace tandem::workflow::testing {

struct FakeBehaviour {
  int exit_code = 0;
  bool hold = false;           // keeps running until Finish()
  bool write_outputs = true;   // files + outputs.json (when it succeeds)
  bool ignore_sigterm = false;
  std::string stdout_text;     // written at start
  std::string stderr_text;
  Json metrics = Json::object();
  Json register_model;                          // outputs.json "register" when not null
  std::map<std::string, Json> port_meta;        // merged into each port's meta
  std::map<std::string, std::string> claim_file;  // port -> file name outputs.json claims
  std::set<std::string> skip_ports;             // ports left out of outputs.json
};

struct FakeProcess {
  ProcessHandle handle;
  ProcessSpec spec;
  operators::TaskSpec task;
  FakeBehaviour behaviour;
  bool exited = false;    // the "process" ended
  bool reaped = false;    // Poll reported it
  ExitInfo exit;
};

class FakeLauncher : public Launcher {
 public:
  // Behaviour by node name wins over behaviour by operator name; default: succeed.
  std::map<std::string, FakeBehaviour> by_operator;
  std::map<std::string, FakeBehaviour> by_node;

  Result<ProcessHandle> Start(const ProcessSpec& spec) override;
  std::optional<ExitInfo> Poll(const ProcessHandle& handle) override;
  Status Kill(const ProcessHandle& handle, int signal) override;
  bool Alive(const ProcessHandle& handle) override;

  // Lets the held process of `node` (its latest attempt) end with `code`, writing its
  // outputs first when code is 0.
  void Finish(const std::string& node, int code = 0);
  void AppendStdout(const std::string& node, const std::string& text);

  // A process this launcher did not start (as after a server restart): Alive while
  // `alive`; once ended, Poll reports exit code -1 like a real launcher does.
  void AddForeign(ProcessHandle handle) { foreign_alive_[handle.pid] = true; }
  void EndForeign(int pid) { foreign_alive_[pid] = false; }

  // Writes what the behaviour says into the task dir (used by Start and by tests that
  // play an adopted process).
  static void WriteOutputs(const std::string& task_dir, const operators::TaskSpec& task,
                           const FakeBehaviour& b);

  const std::vector<FakeProcess>& processes() const { return procs_; }
  std::vector<std::string> StartedNodes() const;
  FakeProcess* Latest(const std::string& node);
  const std::vector<std::pair<int, int>>& kills() const { return kills_; }  // (pid, signal)
  int max_running() const { return max_running_; }
  int running() const;  // started and not yet reaped by Poll

 private:
  FakeProcess* Find(int pid);

  std::vector<FakeProcess> procs_;
  std::vector<std::pair<int, int>> kills_;
  std::map<int, bool> foreign_alive_;
  int next_pid_ = 1000;
  int max_running_ = 0;
};

}  // namespace tandem::workflow::testing
