// bench/engine: what the workflow engine adds to each task, measured against a plain
// shell loop starting the same processes in the same run (the machine is shared and
// noisy, so only the difference means anything).
//
// The DAG: a root, a wide layer hanging off it, and a long chain hanging off it too
// (1000 nodes by default: 1 + 500 + 499). Every node is an exec operator whose script
// only writes its outputs.json, so the time is the engine's and the processes'.
// The engine is the real one: LocalLauncher, SQLite store (WAL, synchronous=FULL) and
// artifact store in a temp dir on the same disk as the server's data, the loop thread,
// and the resource broker over this machine as probed (each task asks for one CPU), as
// in the server.
// Overhead per task = (engine wall time - shell loop wall time) / tasks, both sequential
// (max_parallel 1); the parallel figure is shown for the record, and so is the engine as
// it was before its loop woke on process exits (wake_on_exit = false: it slept the whole
// 20 ms poll interval after every Tick).
//
// Then: validating a 1000-node pipeline (parse + ValidatePipeline, best of 5), and the
// message for the same pipeline with a cycle closed in its chain.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/fs.h"
#include "core/log.h"
#include "exec/local_launcher.h"
#include "operators/catalog.h"
#include "resources/inventory.h"
#include "store/artifact_store.h"
#include "store/store.h"
#include "workflow/engine.h"
#include "workflow/pipeline_spec.h"
#include "workflow/validate.h"

namespace fs = std::filesystem;
using namespace tandem;

namespace {

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// The no-op operator: writes a one-line output file and outputs.json, nothing else.
constexpr const char* kScript =
    "#!/bin/sh\n"
    "echo x > \"$TANDEM_OUTPUT_OUT/f\"\n"
    "echo '{\"outputs\": {\"out\": {\"file\": \"f\"}}}' > outputs.json\n";

operators::OperatorDef NoopOperator(const fs::path& code_dir) {
  operators::OperatorDef def;
  def.name = "noop";
  def.category = "other";
  def.runtime = "exec";
  def.code_dir = code_dir.string();
  def.entry = "noop.sh";
  def.inputs = {{"in", {"file", /*optional=*/true}}};
  def.outputs = {{"out", {"file"}}};
  return def;  // no digest: never cached, every task runs
}

// root; w0..w{wide-1} <- root; c0 <- root, c{i} <- c{i-1}. `cycle`: c{k} also waits
// for c{k+2} (through a second input), closing c{k} -> c{k+1} -> c{k+2} -> c{k}.
std::string DagYaml(int tasks, bool cycle = false) {
  const int wide = tasks / 2, chain = tasks - 1 - wide;
  std::string y = "name: bench-dag\nnodes:\n  root: {operator: noop}\n";
  for (int i = 0; i < wide; ++i) y += "  w" + std::to_string(i) + ": {operator: noop, inputs: {in: root.out}}\n";
  for (int i = 0; i < chain; ++i) {
    std::string from = i == 0 ? "root" : "c" + std::to_string(i - 1);
    if (cycle && i == chain / 2) from = "c" + std::to_string(i + 2);
    y += "  c" + std::to_string(i) + ": {operator: noop, inputs: {in: " + from + ".out}}\n";
  }
  return y;
}

// Runs `command` with /bin/sh; its wall time in ms.
double TimeShell(const std::string& command) {
  auto t0 = std::chrono::steady_clock::now();
  int rc = std::system(command.c_str());
  double ms = Ms(std::chrono::steady_clock::now() - t0);
  if (rc != 0) std::fprintf(stderr, "shell loop exited %d\n", rc);
  return ms;
}

// The baseline: one sh loop starting the script once per task, in a task-like dir with
// its output dir made beforehand (as the engine makes it before the start), one at a time.
double ShellLoopMs(const fs::path& root, const fs::path& script, int tasks) {
  for (int i = 0; i < tasks; ++i) fs::create_directories(root / std::to_string(i) / "out" / "out");
  std::string cmd = "cd " + root.string() + " && for i in $(seq 0 " + std::to_string(tasks - 1) +
                    "); do (cd $i && TANDEM_OUTPUT_OUT=$PWD/out/out " + script.string() +
                    " $PWD) || exit 1; done";
  return TimeShell(cmd);
}

struct EngineRun {
  double ms = 0;
  std::string state;
};

EngineRun RunEngine(const fs::path& dir, const operators::Catalog& catalog, const std::string& yaml,
                    int parallel, bool wake_on_exit = true) {
  fs::create_directories(dir);
  auto store = store::OpenSqliteStore((dir / "tandem.db").string(), RealClock());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  store::ArtifactStore artifacts(dir.string(), **store);
  exec::LocalLauncher launcher(nullptr);
  auto cluster = resources::ServerCluster(nullptr, exec::ProbeDevices());
  auto scheduler = scheduler::Scheduler::Create(scheduler::ClusterState(cluster->nodes), {});
  resources::ResourceBroker broker(std::move(scheduler).value(), RealClock());
  workflow::EngineOptions options;
  options.broker = &broker;
  options.data_dir = dir.string();
  options.max_parallel = parallel;
  options.wake_on_exit = wake_on_exit;
  workflow::Engine engine(options, **store, artifacts, catalog, launcher, RealClock());
  if (Status st = engine.Start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::exit(1);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto run = engine.Submit(yaml);
  if (!run.ok()) {
    std::fprintf(stderr, "submit: %s\n", run.status().ToString().c_str());
    std::exit(1);
  }
  EngineRun out;
  while (true) {
    auto now = (*store)->GetRun(run->id);
    if (now.ok() && store::state::IsTerminal(now->state)) {
      out.ms = Ms(std::chrono::steady_clock::now() - t0);
      out.state = now->state;
      if (!now->error.empty()) out.state += ": " + now->error;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  engine.Stop();
  return out;
}

void ValidationBench(const operators::Catalog& catalog, int tasks) {
  const std::string yaml = DagYaml(tasks);
  double best = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    auto spec = workflow::ParsePipelineYaml(yaml);
    Status st = spec.ok() ? workflow::ValidatePipeline(*spec, catalog) : spec.status();
    best = std::min(best, Ms(std::chrono::steady_clock::now() - t0));
    if (!st.ok()) std::printf("validation failed: %s\n", st.ToString().c_str());
  }
  std::printf("validation of a %d-node pipeline (parse + validate, best of 5): %.1f ms  (target < 100 ms)\n",
              tasks, best);
  auto spec = workflow::ParsePipelineYaml(DagYaml(tasks, /*cycle=*/true));
  auto t0 = std::chrono::steady_clock::now();
  Status cyclic = spec.ok() ? workflow::ValidatePipeline(*spec, catalog) : spec.status();
  std::printf("with a cycle closed in its chain (%.1f ms): %s\n",
              Ms(std::chrono::steady_clock::now() - t0), cyclic.message().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 1000, parallel = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--tasks") tasks = std::max(3, std::atoi(argv[i + 1]));
    if (flag == "--parallel") parallel = std::max(1, std::atoi(argv[i + 1]));
  }
  spdlog::set_level(spdlog::level::warn);
  auto made = MakeTempDir(fs::temp_directory_path(), "tandem-bench-engine-");
  if (!made.ok()) return 1;
  const fs::path dir = *made;
  const fs::path script = dir / "noop.sh";
  {
    std::ofstream(script) << kScript;
  }
  fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  operators::Catalog catalog;
  if (!catalog.Add(NoopOperator(dir)).ok()) return 1;

  std::printf("bench/engine: %d-node DAG (root, %d wide, chain of %d) of a no-op exec operator, in %s\n",
              tasks, tasks / 2, tasks - 1 - tasks / 2, dir.c_str());
  // The machine is shared: the shell loop runs just before and just after the engine's
  // sequential run, and the overhead is taken against their mean.
  const double shell_before = ShellLoopMs(dir / "shell-before", script, tasks);
  EngineRun seq = RunEngine(dir / "engine-seq", catalog, DagYaml(tasks), 1);
  const double shell_after = ShellLoopMs(dir / "shell-after", script, tasks);
  const double shell = (shell_before + shell_after) / 2;
  EngineRun par = RunEngine(dir / "engine-par", catalog, DagYaml(tasks), parallel);
  EngineRun polled = RunEngine(dir / "engine-polled", catalog, DagYaml(tasks), 1, /*wake_on_exit=*/false);
  std::printf("shell loop, one at a time:          %8.0f ms  %6.2f ms/task  (before %.2f, after %.2f)\n", shell,
              shell / tasks, shell_before / tasks, shell_after / tasks);
  std::printf("engine, max_parallel 1, poll only:  %8.0f ms  %6.2f ms/task  (%s)\n", polled.ms,
              polled.ms / tasks, polled.state.c_str());
  std::printf("engine, max_parallel 1:             %8.0f ms  %6.2f ms/task  (%s)\n", seq.ms,
              seq.ms / tasks, seq.state.c_str());
  std::printf("engine, max_parallel %d:             %8.0f ms  %6.2f ms/task  (%s)\n", parallel, par.ms,
              par.ms / tasks, par.state.c_str());
  std::printf("engine overhead per task: %.2f ms  (engine %.2f - shell %.2f; target < 5 ms); "
              "before waking on exits: %.2f ms\n",
              (seq.ms - shell) / tasks, seq.ms / tasks, shell / tasks, (polled.ms - shell) / tasks);
  ValidationBench(catalog, tasks);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
