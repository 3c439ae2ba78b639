#pragma once
// Readers of the Alibaba GPU cluster trace 2023 ("openb", the FGD paper's trace): node
// lists and pod lists as CSV text. Pure parsing; the caller reads the files. Columns are
// found by header name, so the shorter lists (multigpu50 has no gpu_spec, qos or times)
// read too.
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/request.h"

namespace tandem::scheduler {

struct TracePod {
  Request request;          // qos LS/Guaranteed -> fixed infer work, else elastic train work
  std::string qos;          // "" when the list has no qos column
  std::optional<double> creation_s, deletion_s;  // when the list has them
};

// Columns sn, cpu_milli, memory_mib, gpu, model. Every node is in every environment; GPU
// memory comes from the model (16 GiB when unknown). `what` names the source in errors.
Result<std::vector<NodeSpec>> ParseOpenbNodes(const std::string& csv, const std::string& what);
// Columns name, cpu_milli, memory_mib, num_gpu, gpu_milli [, gpu_spec, qos, ...,
// creation_time, deletion_time]. GPU memory is not in the trace: slices reserve none.
Result<std::vector<TracePod>> ParseOpenbPods(const std::string& csv, const std::string& what);

// The requests of the pods, in order.
std::vector<Request> RequestsOf(const std::vector<TracePod>& pods);

}  // namespace tandem::scheduler
