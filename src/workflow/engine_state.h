#pragma once
// Private to the engine: its in-memory picture of one unfinished run. The store is the
// truth; this is a copy kept in step by writing the store first, then the copy.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operators/catalog.h"
#include "store/records.h"
#include "core/clock.h"
#include "workflow/node_options.h"
#include "workflow/pipeline_spec.h"
#include "workflow/validate.h"

namespace tandem::workflow {

// An input port wired to a producer task's output port.
struct Wire {
  size_t producer = 0;  // index into RunState::tasks
  std::string port;
};

struct TaskState {
  store::TaskRecord rec;
  operators::OperatorDef def;
  std::map<std::string, Wire> wires;  // input port -> producer
  std::vector<size_t> producers;      // distinct producer indices, `when`'s node included
  NodeOptions options;
  std::optional<size_t> when_node;    // index of the node its `when` reads
  // A failed attempt waiting for its retry starts no earlier than this; stored as the
  // task's not_before_ms, so a restart keeps the wait.
  TimeMs retry_at_ms = 0;
  // Its request to the resource broker, queued or granted; 0 = none.
  uint64_t job = 0;
  // Attempts stopped by preemption: they do not count against `retries`.
  int preempted_attempts = 0;
};

struct RunState {
  store::RunRecord rec;
  std::vector<TaskState> tasks;  // indexed like the spec's nodes
  std::vector<size_t> order;     // topological
  // SubmitOptions::no_cache, stored in the run's origin and read back on adoption.
  bool no_cache = false;
};

// Builds the wiring of `spec` (validated into `plan`) around the task records, matched
// to nodes by name. kInternal when records and nodes do not match one to one.
Result<RunState> BuildRunState(store::RunRecord run, const PipelineSpec& spec,
                               const PipelinePlan& plan, std::vector<store::TaskRecord> tasks);

}  // namespace tandem::workflow
