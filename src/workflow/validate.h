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
//   nodes.train.params.max_depth: must be >= 1, got 0   (the operator's params schema)
//   nodes.train.operator: 'my-op' is a draft, not published (... --allow-drafts ...)
// Node params, once pipeline params are substituted, are checked against the node's
// operator's JSON Schema and get its defaults (PipelinePlan::params holds them filled).
// Draft operators are refused unless `allow_drafts`; a deprecated operator only when
// the node names its version.
// On success fills *plan when given.
Status ValidatePipeline(const PipelineSpec& spec, const operators::Catalog& catalog,
                        PipelinePlan* plan = nullptr,
                        const Json& param_overrides = Json::object(),
                        bool allow_drafts = false);

}  // namespace tandem::workflow
