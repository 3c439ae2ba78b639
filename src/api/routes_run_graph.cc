// The shape of a run's DAG, for drawing it (`tandem run show`, the web UI): each node
// with the nodes it waits for, from the pipeline version the run was submitted with, and
// what submitted the run ("" = by hand; workflow/trigger.h).
#include <algorithm>

#include "api/routes.h"
#include "workflow/pipeline_spec.h"
#include "workflow/when_expr.h"

namespace tandem::api {
namespace {

// {"nodes": [{"node": "split", "after": ["load"]}, ...]} in the pipeline's order.
Result<Json> RunGraph(Platform& p, const std::string& run_id) {
  ASSIGN_OR_RETURN(store::RunRecord run, p.store->GetRun(run_id));
  ASSIGN_OR_RETURN(store::PipelineRecord pipeline,
                   p.store->GetPipeline(run.pipeline_name, run.pipeline_version));
  ASSIGN_OR_RETURN(workflow::PipelineSpec spec, workflow::ParsePipelineYaml(pipeline.spec));
  Json nodes = Json::array();
  for (const workflow::NodeSpec& node : spec.nodes) {
    std::vector<std::string> after;
    auto add = [&](const std::string& name) {
      if (std::find(after.begin(), after.end(), name) == after.end()) after.push_back(name);
    };
    for (const auto& [port, ref] : node.inputs) add(ref.node);
    // A `when` waits for the node whose metric it reads.
    if (node.reserved.contains("when") && node.reserved["when"].is_string()) {
      if (auto when = workflow::ParseWhen(node.reserved["when"].get<std::string>()); when.ok()) {
        add(when->node);
      }
    }
    nodes.push_back({{"node", node.name}, {"after", after}});
  }
  Json out = {{"run", run.id}, {"nodes", nodes}, {"trigger", ""}};
  if (auto origin = p.store->GetRunOrigin(run.id); origin.ok()) out["trigger"] = origin->trigger;
  return out;
}

}  // namespace

void AddRunGraphRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/runs/{id}/graph", [&p](const http::Request& req) {
    return Reply(RunGraph(p, req.params.at("id")));
  });
}

}  // namespace tandem::api
