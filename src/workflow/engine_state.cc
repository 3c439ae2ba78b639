#include "workflow/engine_state.h"

#include <algorithm>
#include <unordered_map>

namespace tandem::workflow {

Result<RunState> BuildRunState(store::RunRecord run, const PipelineSpec& spec,
                               const PipelinePlan& plan, std::vector<store::TaskRecord> tasks) {
  const size_t n = spec.nodes.size();
  if (tasks.size() != n || plan.operators.size() != n) {
    return Internal("run " + run.id + " has " + std::to_string(tasks.size()) +
                    " tasks for a pipeline of " + std::to_string(n) + " nodes");
  }
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index.emplace(spec.nodes[i].name, i);

  RunState state;
  state.rec = std::move(run);
  state.order = plan.order;
  state.tasks.resize(n);
  std::vector<bool> seen(n, false);
  for (auto& rec : tasks) {
    auto it = index.find(rec.node);
    if (it == index.end() || seen[it->second]) {
      return Internal("run " + state.rec.id + ": task for node '" + rec.node +
                      "' does not match the pipeline");
    }
    seen[it->second] = true;
    state.tasks[it->second].rec = std::move(rec);
  }
  for (size_t i = 0; i < n; ++i) {
    TaskState& t = state.tasks[i];
    t.def = plan.operators[i];
    t.options = plan.options.size() == n ? plan.options[i] : NodeOptions{};
    if (t.options.when) {
      size_t producer = index.at(t.options.when->node);  // validated: the node exists
      t.when_node = producer;
      if (std::find(t.producers.begin(), t.producers.end(), producer) == t.producers.end()) {
        t.producers.push_back(producer);
      }
    }
    for (const auto& [port, ref] : spec.nodes[i].inputs) {
      size_t producer = index.at(ref.node);  // validated: the node exists
      t.wires[port] = Wire{producer, ref.port};
      if (std::find(t.producers.begin(), t.producers.end(), producer) == t.producers.end()) {
        t.producers.push_back(producer);
      }
    }
  }
  return state;
}

}  // namespace tandem::workflow
