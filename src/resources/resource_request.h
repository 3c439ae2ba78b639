#pragma once
// The `resources` mapping of a pipeline node, an operator manifest or a service, and the
// scheduler request it becomes:
//
//   resources:
//     cpus: 2                 # cores, fractions allowed; a task asks 1 when nothing says
//     memory: 2Gi             # RAM; the process is killed past it (cgroup)
//     gpu: 1 | {count: 2} | {fraction: 0.25} | {memory: 8Gi, compute: 30}
//     models: [A10, T4]       # allowed GPU models
//     priority: 10            # higher first; may preempt lower elastic work
//     project: team-a         # quotas are per project
//     environment: train      # train | test | infer
//     mode: elastic           # elastic (train/test default) | fixed (infer default)
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "scheduler/request.h"

namespace tandem::resources {

// Every problem of `resources`, each led by its path ("nodes.train.resources.gpu: ...").
void CheckResources(const Json& resources, const std::string& path, std::vector<std::string>* problems);

// `defaults` (an operator's) overlaid key by key by `resources`, with gpu: N read as
// {count: N} and cpus 1 when neither gives any. `name` labels the request.
Result<scheduler::Request> RequestFor(const Json& defaults, const Json& resources, const std::string& name,
                                      const std::string& path);

// Whether the mapping itself names a CPU or memory amount (what the launcher enforces:
// a default is for the books only).
bool DeclaresCpus(const Json& defaults, const Json& resources);
bool DeclaresMemory(const Json& defaults, const Json& resources);

}  // namespace tandem::resources
