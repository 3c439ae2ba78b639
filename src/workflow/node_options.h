#pragma once
// What a node's keys besides operator/inputs/params mean:
//
//   retries:   2  |  {count: 2, backoff: 1s}   # extra attempts; wait backoff * 2^(n-1)
//   timeout:   30s                             # ms | s | m | h; kill and fail the attempt
//   cache:     true | false                    # default true
//   when:      "evaluate.metrics.accuracy >= 0.9"
//   resources: {cpus: 2, memory: 2Gi, gpu: 1 | {fraction: 0.5}, priority: 5, ...}
//                                               # resources/resource_request.h
//
// Shape only; which nodes `when` may name is checked by ValidatePipeline.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "workflow/when_expr.h"

namespace tandem::workflow {

struct NodeOptions {
  int retries = 0;           // attempts after the first
  int64_t backoff_ms = 1000;
  int64_t timeout_ms = 0;    // 0: none
  bool cache = true;
  std::optional<WhenExpr> when;
  // As written (checked); over the operator's default resources it makes the task's
  // scheduler request (resources::RequestFor).
  Json resources = Json::object();
};

// Reads `reserved` (NodeSpec::reserved) of the node at `path` ("nodes.train"); each
// problem goes to *problems led by its path ("nodes.train.timeout: ...").
NodeOptions ParseNodeOptions(const Json& reserved, const std::string& path,
                             std::vector<std::string>* problems);

}  // namespace tandem::workflow
