#include "operators/test_runner.h"

#include <chrono>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/problems.h"
#include "core/fs.h"
#include "core/sha256.h"
#include "data/csv.h"
#include "data/table_file.h"
#include "operators/json_schema.h"
#include "operators/task_contract.h"
#include "scheduler/request.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Tail(const std::string& path, size_t max_chars = 600) {
  auto text = ReadFile(path);
  if (!text.ok()) return "";
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.size() > max_chars ? "..." + s.substr(s.size() - max_chars) : s;
}

// Runs the process to its end or the deadline (then kills its group).
Result<ExitInfo> RunToEnd(Launcher& launcher, const ProcessSpec& spec, double timeout_s, bool* timed_out) {
  ASSIGN_OR_RETURN(ProcessHandle handle, launcher.Start(spec));
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  *timed_out = false;
  for (;;) {
    if (auto exit = launcher.Poll(handle)) return *exit;
    if (Clock::now() > deadline) {
      *timed_out = true;
      (void)launcher.Kill(handle, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// What a test process may use: what a task of this operator asks for by default, so a
// test that passes here does not fail on its first real run for memory (and a runaway
// test cannot take the server's machine down).
Result<ResourceLimits> TestLimits(const OperatorDef& def, const TestRunOptions& options) {
  ResourceLimits limits;
  int64_t memory_mib = options.default_memory_mib;
  if (def.resources.contains("memory")) {
    ASSIGN_OR_RETURN(memory_mib, scheduler::ParseMebibytes(def.resources["memory"], "resources.memory"));
    if (memory_mib <= 0) memory_mib = options.default_memory_mib;
  }
  limits.memory_bytes = static_cast<uint64_t>(memory_mib) * 1024 * 1024;
  if (def.resources.contains("cpus") && def.resources["cpus"].is_number()) {
    limits.cpus = def.resources["cpus"].get<double>();
  }
  return limits;
}

bool NearlyEqual(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

void CheckOutputs(const Json& expect, const TaskSpec& spec, const TaskOutputs& out,
                  std::vector<std::string>& problems) {
  for (const auto& [port, want] : expect.items()) {
    const std::string at = "outputs." + port;
    auto slot = spec.outputs.find(port);
    if (slot == spec.outputs.end()) {
      problems.push_back(at + ": the operator has no output port '" + port + "'");
      continue;
    }
    auto written = out.outputs.find(port);
    const bool exists = written != out.outputs.end();
    if (want.contains("exists") && want["exists"].get<bool>() != exists) {
      problems.push_back(at + ".exists: expected " + want["exists"].dump() + ", got " + (exists ? "true" : "false"));
      continue;
    }
    if (!exists) {
      if (want.contains("rows") || want.contains("columns")) problems.push_back(at + ": the operator wrote no output");
      continue;
    }
    if (!want.contains("rows") && !want.contains("columns")) continue;
    auto table = data::ReadTableFile((fs::path(slot->second.dir) / written->second.file).string(), {"auto"});
    if (!table.ok()) {
      problems.push_back(at + ": not a readable table: " + table.status().message());
      continue;
    }
    if (want.contains("rows") && static_cast<long long>(table->rows) != want["rows"].get<long long>()) {
      problems.push_back(at + ".rows: expected " + want["rows"].dump() + ", got " + std::to_string(table->rows));
    }
    if (want.contains("columns")) {
      Json got = Json::array();
      for (const auto& c : table->columns) got.push_back(c.name);
      if (got != want["columns"]) problems.push_back(at + ".columns: expected " + want["columns"].dump() + ", got " + got.dump());
    }
  }
}

void CheckMetrics(const Json& expect, const TaskOutputs& out, std::vector<std::string>& problems) {
  for (const auto& [name, want] : expect.items()) {
    const std::string at = "metrics." + name;
    if (!out.metrics.contains(name) || !out.metrics[name].is_number()) {
      problems.push_back(at + ": the operator reported no such number");
      continue;
    }
    const double got = out.metrics[name].get<double>();
    const std::string shown = out.metrics[name].dump();
    if (want.is_number() && !NearlyEqual(got, want.get<double>())) {
      problems.push_back(at + ": expected " + want.dump() + ", got " + shown);
    } else if (want.is_object()) {
      if (want.contains("min") && got < want["min"].get<double>()) problems.push_back(at + ": expected at least " + want["min"].dump() + ", got " + shown);
      if (want.contains("max") && got > want["max"].get<double>()) problems.push_back(at + ": expected at most " + want["max"].dump() + ", got " + shown);
    }
  }
}

TestCaseResult RunCase(const OperatorManifest& m, const OperatorTestCase& tc, Launcher& launcher,
                       const TestRunOptions& options) {
  TestCaseResult r;
  r.name = tc.name;
  const auto started = Clock::now();
  std::vector<std::string> problems;
  auto finish = [&]() {
    r.passed = problems.empty();
    r.reason = JoinProblems(problems);
    r.millis = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    return r;
  };
  const fs::path dir = fs::path(options.work_dir) / tc.name;
  r.task_dir = dir.string();
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    problems.push_back("cannot create '" + dir.string() + "': " + ec.message());
    return finish();
  }

  TaskSpec spec;
  spec.run_id = "test";
  spec.task_id = "test-" + tc.name;
  spec.node = tc.name;
  spec.operator_name = m.def.name;
  spec.operator_version = m.def.version;
  auto params = ApplyParamsSchema(m.def.params_schema, tc.params, "params");
  if (!params.ok()) {
    problems.push_back(params.status().message());
    return finish();
  }
  spec.params = *params;
  for (const auto& [port, rel] : tc.inputs) {
    const fs::path file = fs::path(m.def.code_dir) / rel;
    auto digest = Sha256File(file);
    if (!digest.ok()) {
      problems.push_back("inputs." + port + ": " + digest.status().message());
      return finish();
    }
    spec.inputs[port] = InputArtifact{file.string(), *digest, m.def.inputs.at(port).type, Json::object()};
  }
  for (const auto& [port, pd] : m.def.outputs) {
    fs::path out_dir = dir / "out" / port;
    fs::create_directories(out_dir, ec);
    spec.outputs[port] = OutputSlot{out_dir.string(), pd.type};
  }
  Status written = WriteTaskSpec(dir.string(), spec);
  auto process = RuntimeProcess(m.def, options.runtime, dir.string(), spec);
  auto limits = TestLimits(m.def, options);
  if (!written.ok() || !process.ok() || !limits.ok()) {
    problems.push_back((!written.ok() ? written : !process.ok() ? process.status() : limits.status()).message());
    return finish();
  }
  process->limits = *limits;

  const Json& expect = tc.expect;
  const double timeout_s = expect.value("timeout_s", options.default_timeout_s);
  bool timed_out = false;
  auto exit = RunToEnd(launcher, *process, timeout_s, &timed_out);
  if (!exit.ok()) {
    problems.push_back("cannot start the operator: " + exit.status().message());
    return finish();
  }
  const std::string stderr_tail = Tail(process->stderr_path);
  if (timed_out) {
    problems.push_back("timed out after " + data::FormatNumber(timeout_s) + " s");
    return finish();
  }
  if (exit->out_of_memory) {  // whatever exit code the case expects, this is not it
    problems.push_back(exit->Describe() + (stderr_tail.empty() ? "" : " (stderr: " + stderr_tail + ")"));
    return finish();
  }
  const int want_code = expect.value("exit_code", 0);
  const int got_code = exit->signaled ? -1 : exit->code;
  if (got_code != want_code) {
    problems.push_back("exit_code: expected " + std::to_string(want_code) + ", got " + exit->Describe() +
                       (stderr_tail.empty() ? "" : " (stderr: " + stderr_tail + ")"));
    return finish();
  }
  if (expect.contains("error_contains") &&
      Tail(process->stderr_path, 1 << 20).find(expect["error_contains"].get<std::string>()) == std::string::npos) {
    problems.push_back("error_contains: stderr does not contain " + expect["error_contains"].dump() +
                       " (stderr: " + stderr_tail + ")");
  }
  if (want_code == 0) {
    auto outputs = ReadTaskOutputs(dir.string());
    if (!outputs.ok()) {
      problems.push_back("outputs.json: " + outputs.status().message());
      return finish();
    }
    CheckOutputs(expect.value("outputs", Json::object()), spec, *outputs, problems);
    CheckMetrics(expect.value("metrics", Json::object()), *outputs, problems);
  }
  if (expect.contains("check")) {
    const std::string script = (fs::path(m.def.code_dir) / expect["check"].get<std::string>()).string();
    ProcessSpec check;
    check.argv = fs::path(script).extension() == ".py" ? std::vector<std::string>{options.runtime.python, script}
                                                       : std::vector<std::string>{script};
    check.argv.push_back(dir.string());
    check.cwd = dir.string();
    check.stdout_path = (dir / "check.log").string();
    check.limits = *limits;
    bool check_timed_out = false;
    auto check_exit = RunToEnd(launcher, check, timeout_s, &check_timed_out);
    if (!check_exit.ok()) {
      problems.push_back("check: cannot start: " + check_exit.status().message());
    } else if (check_exit->out_of_memory) {
      problems.push_back("check: " + expect["check"].get<std::string>() + ": " + check_exit->Describe());
    } else if (!check_exit->success()) {
      problems.push_back("check: " + expect["check"].get<std::string>() + " failed with " + check_exit->Describe() +
                         ": " + Tail(check.stdout_path));
    }
  }
  return finish();
}

}  // namespace

Result<std::vector<TestCaseResult>> RunOperatorTests(
    const OperatorManifest& manifest, Launcher& launcher, const TestRunOptions& options,
    const std::function<void(const TestCaseResult&)>& on_result) {
  std::error_code ec;
  fs::create_directories(options.work_dir, ec);
  if (ec) return IoError("cannot create '" + options.work_dir + "': " + ec.message());
  std::vector<TestCaseResult> results;
  for (const auto& tc : manifest.tests) {
    results.push_back(RunCase(manifest, tc, launcher, options));
    if (on_result) on_result(results.back());
  }
  return results;
}

std::string DescribeFailures(const std::vector<TestCaseResult>& results) {
  std::string failures;
  int failed = 0;
  for (const auto& r : results) {
    if (r.passed) continue;
    ++failed;
    failures += (failures.empty() ? "" : "; ") + r.name + ": " + r.reason;
  }
  if (failed == 0) return "";
  return std::to_string(failed) + " of " + std::to_string(results.size()) + " tests failed: " + failures;
}

}  // namespace tandem::operators
