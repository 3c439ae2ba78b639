#pragma once
// `tandem operator test` and the gate of `operator publish`: runs every test case of a
// manifest through the operator's real runtime under the task contract, and checks what
// the case expects:
//   expect:
//     exit_code: 0                       # default 0; a failing case may expect 2
//     error_contains: "params.k"         # text the stderr must contain
//     outputs: {table: {rows: 4, columns: [x, y], exists: true}}
//     metrics: {accuracy: {min: 0.9}, rows_dropped: 1}
//     check: tests/check.py              # run with the task dir as argument; exit 0 = pass
//     timeout_s: 60                      # default 120
// Every failed check of a case is reported, each naming the field it comes from.
#include <functional>
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "operators/manifest.h"
#include "operators/runtime.h"

namespace tandem::operators {

struct TestCaseResult {
  std::string name;
  bool passed = false;
  std::string reason;      // why it failed: every failed check, "; "-separated
  long long millis = 0;
  std::string task_dir;    // kept for inspection
};

struct TestRunOptions {
  RuntimeConfig runtime;
  std::string work_dir;    // each case runs in <work_dir>/<case name>/ (made afresh)
  double default_timeout_s = 120;
  // Each test process (and its check script) runs under ProcessSpec::limits: the
  // manifest's resources.memory and resources.cpus, or this memory when the manifest
  // gives none (no CPU limit then). A case that passes it fails with
  // "out of memory (limit 1024 MiB)". With limits set a test process sees no GPU.
  int64_t default_memory_mib = 1024;
};

// Runs the cases in manifest order. `on_result` (optional) sees each result as it comes.
// An error only when the cases cannot be run at all (e.g. work_dir not writable).
Result<std::vector<TestCaseResult>> RunOperatorTests(
    const OperatorManifest& manifest, Launcher& launcher, const TestRunOptions& options,
    const std::function<void(const TestCaseResult&)>& on_result = {});

// "2 of 3 tests failed: drops-outlier: outputs.table.rows: expected 4, got 5; ..." or "".
std::string DescribeFailures(const std::vector<TestCaseResult>& results);

}  // namespace tandem::operators
