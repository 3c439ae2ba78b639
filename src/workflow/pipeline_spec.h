#pragma once
// A pipeline as written: YAML text -> PipelineSpec. Parsing checks shape only (which
// keys, which YAML kinds); what the names mean is checked by ValidatePipeline.
//
// name: cancer-gbdt
// params:                            # optional, pipeline-level (params_template.h)
//   rounds: {type: integer, default: 100}
// nodes:
//   load:  {operator: dataset-load, params: {dataset: breast_cancer}}
//   split: {operator: split@2, inputs: {table: load.table}, params: {seed: "{{params.rounds}}"}}
//
// Node keys: operator (required), inputs (port: <node>.<port>), params (a mapping), and
// resources, retries, timeout, cache, when: kept as JSON in NodeSpec::reserved and
// interpreted by ParseNodeOptions (node_options.h) during validation. Any other key is
// an error naming it.
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::workflow {

// "load.table" on a node's input port.
struct InputRef {
  std::string node;
  std::string port;
};

struct NodeSpec {
  std::string name;
  std::string operator_ref;              // "xgboost-train" (latest) or "xgboost-train@2"
  std::map<std::string, InputRef> inputs;  // input port -> producer
  Json params = Json::object();          // scalars typed as YAML's core schema types them
  Json reserved = Json::object();        // resources/retries/timeout/cache/when, as given
  int line = 0;                          // 1-based line of the node's key, for messages
};

struct PipelineSpec {
  std::string name;
  std::string description;
  Json params = Json::object();
  std::vector<NodeSpec> nodes;  // in the order the YAML lists them
};

// Bounds on one pipeline, checked before its nodes are read, so that a submit cannot hold
// the engine (and every other submit and cancel) for minutes or take gigabytes.
// Rationale: the largest real pipelines are hundreds of nodes of a few hundred bytes
// each, with a handful of inputs; 2,000 nodes validate and submit in well under a second.
struct PipelineLimits {
  size_t max_spec_bytes = 1024 * 1024;  // the YAML text
  size_t max_nodes = 2000;
  size_t max_inputs_per_node = 64;      // wired input ports of one node (its edges in)
};

// Every shape problem at once, separated by "; ", as kInvalidArgument. Malformed YAML
// gives "pipeline YAML: line L, column C: <what>". A pipeline over `limits` is refused
// with the limit named: "pipeline YAML: 1300000 bytes is over the limit of 1048576",
// "nodes: 20000 nodes is over the limit of 2000 (line 3)",
// "nodes.join.inputs: 100 inputs is over the limit of 64 per node (line 9)". Never throws.
Result<PipelineSpec> ParsePipelineYaml(const std::string& text, const PipelineLimits& limits = {});
}  // namespace tandem::workflow
