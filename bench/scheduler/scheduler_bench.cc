// bench_scheduler: the GPU allocation ratio at 100% and 130% demand (mean over seeds),
// the fragmented share and the decision time per task, for every placement policy on the
// default, gpushare40 and multigpu50 pod lists of the openb trace, next to what the FGD
// authors published for the same protocol. Baselines are measured in the same run: each
// row also shows its gain over random-fit and over FGD.
//
//   bench_scheduler [--seeds 42-51] [--policies a,b] [--lists default,gpushare40]
//                   [--threads N] [--data DIR] [--batch K] [--live] [--json]
//                   [--ants A --iterations I --candidates C --balance B --starvation S
//                    --temperature T --evaporation E --budget-evals N]
// The swarm policy is handed the arrivals in batches of K (default 32), one scheduling
// cycle's pending queue; every other policy decides one task at a time. --live adds a
// row per policy ("<policy> live") driving the live Scheduler through the same arrivals
// (InflationOptions::live): submit a cycle's tasks, one Schedule, drop what is pending.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/fs.h"
#include "scheduler/inflation.h"
#include "scheduler/policy.h"
#include "scheduler/trace.h"

namespace {

using namespace tandem;
using namespace tandem::scheduler;

// Allocation % at 100% / 130% demand, mean of seeds 42-51 (Weng et al., ATC'23 artifact).
struct Published {
  double at100, at130;
};
const std::map<std::string, std::map<std::string, Published>> kPublished = {
    {"default",
     {{"random-fit", {86.30, 87.47}}, {"dot-product", {90.62, 90.85}}, {"gpu-clustering", {91.65, 91.88}},
      {"gpu-packing", {91.78, 92.00}}, {"best-fit", {92.86, 93.08}}, {"fgd", {95.23, 95.39}}}},
    {"gpushare40",
     {{"random-fit", {84.86, 86.00}}, {"dot-product", {89.30, 89.56}}, {"gpu-clustering", {89.76, 90.02}},
      {"gpu-packing", {89.77, 90.03}}, {"best-fit", {91.44, 91.69}}, {"fgd", {93.96, 94.15}}}},
    {"multigpu50",
     {{"random-fit", {81.28, 90.27}}, {"dot-product", {94.73, 94.85}}, {"gpu-clustering", {95.69, 95.81}},
      {"gpu-packing", {96.06, 96.18}}, {"best-fit", {95.62, 95.74}}, {"fgd", {97.09, 97.18}}}},
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Published(const std::string& list, const std::string& policy, bool at130) {
  auto l = kPublished.find(list);
  if (l == kPublished.end()) return "-";
  auto p = l->second.find(policy);
  if (p == l->second.end()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", at130 ? p->second.at130 : p->second.at100);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string seeds_text = "42-51", data = std::string(TANDEM_SOURCE_DIR) + "/data/traces/openb";
  std::vector<std::string> policies = PolicyNames(), lists = {"default", "gpushare40", "multigpu50"};
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int batch = 0;  // 0: DefaultBatch
  SwarmOptions swarm;
  bool json = false, live = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--seeds") seeds_text = value();
    else if (arg == "--policies") policies = Split(value());
    else if (arg == "--lists") lists = Split(value());
    else if (arg == "--threads") threads = std::atoi(value().c_str());
    else if (arg == "--data") data = value();
    else if (arg == "--batch") batch = std::atoi(value().c_str());
    else if (arg == "--json") json = true;
    else if (arg == "--live") live = true;
    else if (arg == "--ants") swarm.ants = std::atoi(value().c_str());
    else if (arg == "--iterations") swarm.iterations = std::atoi(value().c_str());
    else if (arg == "--candidates") swarm.candidates = std::atoi(value().c_str());
    else if (arg == "--balance") swarm.balance = std::atof(value().c_str());
    else if (arg == "--starvation") swarm.starvation = std::atof(value().c_str());
    else if (arg == "--temperature") swarm.temperature = std::atof(value().c_str());
    else if (arg == "--budget-evals") swarm.budget_evaluations = std::atoll(value().c_str());
    else if (arg == "--evaporation") swarm.evaporation = std::atof(value().c_str());
    else {
      std::fprintf(stderr, "error: unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  auto seeds = ParseSeeds(seeds_text, "--seeds");
  if (!seeds.ok()) {
    std::fprintf(stderr, "error: %s\n", seeds.status().message().c_str());
    return 2;
  }
  auto node_text = ReadFile(data + "/openb_node_list_gpu_node.csv");
  if (!node_text.ok()) {
    std::fprintf(stderr, "error: %s\n", node_text.status().ToString().c_str());
    return 1;
  }
  auto nodes = ParseOpenbNodes(*node_text, "openb_node_list_gpu_node.csv");
  if (!nodes.ok()) {
    std::fprintf(stderr, "error: %s\n", nodes.status().message().c_str());
    return 1;
  }
  std::printf("openb trace, %zu nodes; inflation to 130%% of GPUs; %zu seeds (%s); %d threads\n",
              nodes->size(), seeds->size(), seeds_text.c_str(), threads);
  Json all = Json::array();
  const auto bench_start = std::chrono::steady_clock::now();
  for (const std::string& list : lists) {
    const std::string file = "openb_pod_list_" + list + ".csv";
    auto text = ReadFile(data + "/" + file);
    if (!text.ok()) {
      std::fprintf(stderr, "error: %s\n", text.status().ToString().c_str());
      return 1;
    }
    auto pods = ParseOpenbPods(*text, file);
    if (!pods.ok()) {
      std::fprintf(stderr, "error: %s\n", pods.status().message().c_str());
      return 1;
    }
    const std::vector<Request> requests = RequestsOf(*pods);
    std::printf("\n== %s (%zu tasks) ==\n", list.c_str(), requests.size());
    std::printf("%-15s %8s %8s %9s %9s %8s %8s %10s %9s %8s\n", "policy", "alloc100", "alloc130",
                "pub100", "pub130", "frag100", "frag130", "us/task", "vs-random", "vs-fgd");
    std::map<std::string, InflationResult> results;
    for (const std::string& policy : policies) {
      for (bool through_scheduler : {false, true}) {
        if (through_scheduler && !live) continue;
        InflationOptions options;
        options.batch = policy == "swarm" && batch > 0 ? batch : DefaultBatch(policy);
        options.swarm = swarm;
        options.live = through_scheduler;
        auto r = RunInflationSeeds(*nodes, requests, policy, *seeds, options, threads);
        if (!r.ok()) {
          std::fprintf(stderr, "error: %s\n", r.status().message().c_str());
          return 1;
        }
        if (!through_scheduler) results[policy] = *r;
        auto delta = [&](const char* base) -> std::string {
          auto it = results.find(base);
          if (it == results.end()) return "-";
          char buf[32];
          std::snprintf(buf, sizeof buf, "%+.2f",
                        100 * (r->allocation_ratio.at(100) - it->second.allocation_ratio.at(100)));
          return buf;
        };
        const std::string label = through_scheduler ? policy + " live" : policy;
        std::printf("%-15s %8.2f %8.2f %9s %9s %8.3f %8.3f %10.1f %9s %8s\n", label.c_str(),
                    100 * r->allocation_ratio.at(100), 100 * r->allocation_ratio.at(130),
                    Published(list, policy, false).c_str(), Published(list, policy, true).c_str(),
                    r->fragmented_share.at(100), r->fragmented_share.at(130), r->decision_us_per_task,
                    delta("random-fit").c_str(), delta("fgd").c_str());
        std::fflush(stdout);
        Json j = ToJson(*r);
        j["pod_list"] = list;
        j["live"] = through_scheduler;
        all.push_back(j);
      }
    }
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - bench_start).count();
  std::printf("\nalloc = allocated share of GPUs (%%) at that demand, mean over seeds; pub = published;\n"
              "frag = fragmented share of free GPU capacity; vs-* = alloc100 gain in points.\n"
              "total %.1f s\n", total_s);
  if (json) std::printf("%s\n", all.dump(2).c_str());
  return 0;
}
