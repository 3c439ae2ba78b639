// What a task reads: its operator inputs (producers' recorded outputs, its dataset)
// and, for a registered model, the lineage back to the dataset.
#include <deque>

#include "workflow/dataset_input.h"
#include "workflow/engine.h"
#include "workflow/engine_state.h"
#include "workflow/model_input.h"

namespace tandem::workflow {

Json Engine::LineageFor(const RunState& run, size_t index) const {
  const TaskState& task = run.tasks[index];
  Json lineage = {{"run_id", run.rec.id},
                  {"pipeline", run.rec.pipeline_name},
                  {"pipeline_version", run.rec.pipeline_version},
                  {"task_id", task.rec.id},
                  {"node", task.rec.node}};
  // The dataset the model came from: the nearest upstream task that read one.
  std::vector<bool> seen(run.tasks.size(), false);
  std::deque<size_t> queue = {index};
  seen[index] = true;
  while (!queue.empty()) {
    const TaskState& t = run.tasks[queue.front()];
    queue.pop_front();
    const Json& in = t.rec.inputs;
    if (in.is_object() && in.contains("dataset") && in["dataset"].is_object() &&
        in["dataset"].contains("dataset")) {
      const Json& d = in["dataset"]["dataset"];
      lineage["dataset"] = {{"name", d.value("name", "")}, {"version", d.value("version", 0)}};
      break;
    }
    for (size_t p : t.producers) {
      if (!seen[p]) {
        seen[p] = true;
        queue.push_back(p);
      }
    }
  }
  return lineage;
}

Result<std::map<std::string, operators::InputArtifact>> Engine::InputsOf(const RunState& run,
                                                                         size_t index) {
  const TaskState& task = run.tasks[index];
  std::map<std::string, operators::InputArtifact> inputs;
  for (const auto& [port, wire] : task.wires) {
    const TaskState& producer = run.tasks[wire.producer];
    const Json& out = producer.rec.outputs;
    if (!out.contains(wire.port)) {
      if (task.def.inputs.count(port) && task.def.inputs.at(port).optional) continue;
      return FailedPrecondition("inputs." + port + ": node '" + producer.rec.node +
                                "' recorded no output '" + wire.port + "'");
    }
    const Json& o = out[wire.port];
    operators::InputArtifact in;
    in.digest = o.value("digest", "");
    in.type = o.value("type", "");
    in.meta = o.value("meta", Json::object());
    auto path = artifacts_.PathOf(in.digest);
    if (!path.ok()) return path.status().WithContext("inputs." + port);
    in.path = path->string();
    inputs[port] = std::move(in);
  }
  if (!task.def.dataset_param.empty()) {
    if (!task.rec.inputs.contains("dataset")) {
      return FailedPrecondition("inputs.dataset: no dataset was resolved at submit");
    }
    auto in = DatasetInput(store_, artifacts_, task.rec.inputs["dataset"]);
    if (!in.ok()) return in.status().WithContext("inputs.dataset");
    inputs["dataset"] = std::move(*in);
  }
  // A registered model pinned at submit (a wired port records "from" here instead).
  if (!task.def.model_param.empty() && !task.wires.count("model") &&
      task.rec.inputs.contains("model")) {
    auto in = ModelInput(store_, artifacts_, task.rec.inputs["model"]);
    if (!in.ok()) return in.status().WithContext("inputs.model");
    inputs["model"] = std::move(*in);
  }
  return inputs;
}

}  // namespace tandem::workflow
