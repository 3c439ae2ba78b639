// `tandem sim`: the trace simulator. Runs locally (no server): reads a node list and a
// pod list of the openb trace and drives the scheduler's own policies (inflation) or its
// live Scheduler (replay) on a virtual clock, printing the metrics as JSON.
#include <iostream>
#include <memory>
#include <thread>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "core/fs.h"
#include "scheduler/inflation.h"
#include "scheduler/replay.h"
#include "scheduler/trace.h"

namespace tandem::cli {

namespace {

struct SimArgs {
  std::string nodes, pods, policy = "fgd", mode = "inflation", seeds;
  uint64_t seed = 42;
  int batch = 0;  // 0: scheduler::DefaultBatch
  int threads = 0;
  double max_demand = 1.3;
  double load = 0.9;
  int jobs = 20000;
  double oversubscription = 1.0;
};

int RunSim(const SimArgs& a) {
  auto node_text = ReadFile(a.nodes);
  if (!node_text.ok()) return Fail(node_text.status());
  auto nodes = scheduler::ParseOpenbNodes(*node_text, a.nodes);
  if (!nodes.ok()) return Fail(nodes.status());
  auto pod_text = ReadFile(a.pods);
  if (!pod_text.ok()) return Fail(pod_text.status());
  auto pods = scheduler::ParseOpenbPods(*pod_text, a.pods);
  if (!pods.ok()) return Fail(pods.status());
  auto seeds = scheduler::ParseSeeds(a.seeds.empty() ? std::to_string(a.seed) : a.seeds, "--seeds");
  if (!seeds.ok()) return Fail(seeds.status());

  if (a.mode == "replay") {
    Json runs = Json::array();
    for (uint64_t seed : *seeds) {
      scheduler::ReplayOptions o;
      o.policy = a.policy;
      o.seed = seed;
      o.load = a.load;
      o.jobs = a.jobs;
      o.oversubscription = a.oversubscription;
      auto r = scheduler::RunReplay(*nodes, *pods, o);
      if (!r.ok()) return Fail(r.status());
      runs.push_back(scheduler::ToJson(*r));
    }
    std::cout << (runs.size() == 1 ? runs[0] : runs).dump(2) << "\n";
    return 0;
  }
  if (a.mode != "inflation") return Fail(InvalidArgument("--mode: expected inflation or replay, got '" + a.mode + "'"));
  scheduler::InflationOptions o;
  o.max_demand = a.max_demand;
  o.batch = a.batch > 0 ? a.batch : scheduler::DefaultBatch(a.policy);
  const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto r = scheduler::RunInflationSeeds(*nodes, scheduler::RequestsOf(*pods), a.policy, *seeds, o, threads);
  if (!r.ok()) return Fail(r.status());
  std::cout << scheduler::ToJson(*r).dump(2) << "\n";
  return 0;
}

}  // namespace

void AddSimCommands(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<SimArgs>();
  auto* sim = app.add_subcommand("sim", "Simulate the scheduler on a cluster trace (runs locally)");
  sim->add_option("--nodes", args->nodes, "Node list CSV (openb format)")->required();
  sim->add_option("--pods", args->pods, "Pod list CSV (openb format)")->required();
  sim->add_option("--policy", args->policy,
                  "first-fit|best-fit|dot-product|gpu-packing|gpu-clustering|random-fit|fgd|swarm [fgd]");
  sim->add_option("--mode", args->mode, "inflation (FGD paper protocol) | replay [inflation]");
  sim->add_option("--seed", args->seed, "Random seed [42]");
  sim->add_option("--seeds", args->seeds, "Several seeds, e.g. 42-51: runs each, reports the mean");
  sim->add_option("--batch", args->batch, "inflation: arrivals per scheduling cycle [1; swarm 32]");
  sim->add_option("--threads", args->threads, "inflation: seeds run in parallel [cores]");
  sim->add_option("--max-demand", args->max_demand, "inflation: stop at this share of the GPUs [1.3]");
  sim->add_option("--load", args->load, "replay: offered GPU load [0.9]");
  sim->add_option("--jobs", args->jobs, "replay: arrivals [20000]");
  sim->add_option("--oversubscription", args->oversubscription, "replay: elastic compute per GPU [1]");
  sim->callback([&ctx, args] { ctx.exit_code = RunSim(*args); });
}

}  // namespace tandem::cli
