#pragma once
// What a parsed pipeline means against the operator catalog: names, operators, ports,
// types, required inputs and the absence of cycles. Linear in nodes + edges, so a
// pipeline of thousands of nodes validates in milliseconds.
#include <string>
#include <vector>

#include "core/status.h"
#include "operators/catalog.h"
#include "workflow/node_options.h"
#include "workflow/pipeline_spec.h"

namespace tandem::workflow {

// The result of a successful validation, indexed like spec.nodes.
struct PipelinePlan {
  std::vector<operators::OperatorDef> operators;  // resolved definition of each node
  std::vector<size_t> order;  // node indices; every node after all of its producers,
                              // ties broken by YAML order
  std::vector<NodeOptions> options;  // retries, timeout, cache, when, resources
  std::vector<Json> params;          // node params with pipeline params substituted
  Json param_values = Json::object();  // every pipeline param's value (params_template.h)
};

// Reports EVERY problem at once as one kInvalidArgument message, problems separated by
// "; ", each led by its path:
//   name: pipeline name 'A' must be ...
//   nodes.train.operator: unknown operator 'xgboost-trian'
//   nodes.train.inputs.tran: operator 'xgboost-train' has no input port 'tran'
//   nodes.train.inputs.train: unknown node 'splt'
//   nodes.train.inputs.train: node 'split' has no output port 'trian'
//   nodes.train.inputs.train: type mismatch: 'load.table' is table, port 'train' takes model
//   nodes.train.inputs.train: required input is not wired
//   cycle: a -> b -> c -> a          (each node feeds the next)
//   params.rounds: expected integer, got "many"       (pipeline params, params_template.h)
//   nodes.train.params.num_rounds: unknown pipeline param 'rouns'
//   nodes.train.timeout: expected a duration like 30s, ...   (node_options.h)
//   nodes.register.when: unknown node 'evaluat'
// `param_overrides` are the submit's values for pipeline params (over the defaults).
// A node's `when` names another node; that node becomes an implicit producer of it (an
// edge of the DAG: it orders the nodes and counts for cycles) without wiring any port.
// On success fills *plan when given. Node params are otherwise only required to be
// mappings (checked by the parser); schema validation is a later issue.
Status ValidatePipeline(const PipelineSpec& spec, const operators::Catalog& catalog,
                        PipelinePlan* plan = nullptr,
                        const Json& param_overrides = Json::object());

}  // namespace tandem::workflow
