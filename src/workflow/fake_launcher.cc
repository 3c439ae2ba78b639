#include "workflow/fake_launcher.h"

#include <signal.h>

#include <fstream>

#include "core/fs.h"

namespace tandem::workflow::testing {

void FakeLauncher::WriteOutputs(const std::string& task_dir, const operators::TaskSpec& task,
                                const FakeBehaviour& b) {
  operators::TaskOutputs out;
  for (const auto& [port, slot] : task.outputs) {
    if (b.skip_ports.count(port)) continue;
    std::string file = port + ".dat";
    Status st = WriteFileAtomic(fs::path(slot.dir) / file,
                                task.node + "/" + port + "/attempt-" + std::to_string(task.attempt));
    if (!st.ok()) continue;
    Json meta = {{"producer", task.node}};
    auto pm = b.port_meta.find(port);
    if (pm != b.port_meta.end()) meta.update(pm->second);
    auto claim = b.claim_file.find(port);
    out.outputs[port] = {claim == b.claim_file.end() ? file : claim->second, meta};
  }
  out.metrics = b.metrics;
  out.register_model = b.register_model;
  Status st = operators::WriteTaskOutputs(task_dir, out);
  (void)st;
}

Result<ProcessHandle> FakeLauncher::Start(const ProcessSpec& spec) {
  ASSIGN_OR_RETURN(operators::TaskSpec task, operators::ReadTaskSpec(spec.cwd));
  FakeProcess p;
  p.handle = {next_pid_++, 777};
  p.spec = spec;
  p.task = task;
  auto bn = by_node.find(task.node);
  auto bo = by_operator.find(task.operator_name);
  if (bn != by_node.end()) {
    p.behaviour = bn->second;
  } else if (bo != by_operator.end()) {
    p.behaviour = bo->second;
  }
  std::ofstream(spec.stdout_path, std::ios::app) << p.behaviour.stdout_text;
  std::ofstream(spec.stderr_path, std::ios::app) << p.behaviour.stderr_text;
  if (!p.behaviour.hold) {
    if (p.behaviour.exit_code == 0 && p.behaviour.write_outputs) WriteOutputs(spec.cwd, task, p.behaviour);
    p.exited = true;
    p.exit.code = p.behaviour.exit_code;
  }
  procs_.push_back(std::move(p));
  max_running_ = std::max(max_running_, running());
  return procs_.back().handle;
}

std::optional<ExitInfo> FakeLauncher::Poll(const ProcessHandle& handle) {
  if (FakeProcess* p = Find(handle.pid)) {
    if (!p->exited) return std::nullopt;
    p->reaped = true;
    return p->exit;
  }
  auto f = foreign_alive_.find(handle.pid);
  if (f != foreign_alive_.end() && f->second) return std::nullopt;
  ExitInfo unknown;
  unknown.code = -1;
  return unknown;
}

Status FakeLauncher::Kill(const ProcessHandle& handle, int signal) {
  kills_.push_back({handle.pid, signal});
  FakeProcess* p = Find(handle.pid);
  if (p == nullptr || p->exited) return Status::Ok();
  if (signal == SIGTERM && p->behaviour.ignore_sigterm) return Status::Ok();
  p->exited = true;
  p->exit.signaled = true;
  p->exit.signal = signal;
  return Status::Ok();
}

bool FakeLauncher::Alive(const ProcessHandle& handle) {
  if (FakeProcess* p = Find(handle.pid)) return !p->exited;
  auto f = foreign_alive_.find(handle.pid);
  return f != foreign_alive_.end() && f->second;
}

void FakeLauncher::Finish(const std::string& node, int code) {
  FakeProcess* p = Latest(node);
  if (p == nullptr || p->exited) return;
  if (code == 0 && p->behaviour.write_outputs) WriteOutputs(p->spec.cwd, p->task, p->behaviour);
  p->exited = true;
  p->exit.code = code;
}

void FakeLauncher::AppendStdout(const std::string& node, const std::string& text) {
  if (FakeProcess* p = Latest(node)) std::ofstream(p->spec.stdout_path, std::ios::app) << text;
}

std::vector<std::string> FakeLauncher::StartedNodes() const {
  std::vector<std::string> out;
  for (const auto& p : procs_) out.push_back(p.task.node);
  return out;
}

FakeProcess* FakeLauncher::Latest(const std::string& node) {
  for (auto it = procs_.rbegin(); it != procs_.rend(); ++it) {
    if (it->task.node == node) return &*it;
  }
  return nullptr;
}

int FakeLauncher::running() const {
  int n = 0;
  for (const auto& p : procs_) n += p.reaped ? 0 : 1;
  return n;
}

FakeProcess* FakeLauncher::Find(int pid) {
  for (auto& p : procs_) {
    if (p.handle.pid == pid) return &p;
  }
  return nullptr;
}

}  // namespace tandem::workflow::testing
