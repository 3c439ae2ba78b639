// `tandem resources`: what the scheduler hands out (devices with their environments,
// health and use; allocations; the queue; recent events), and drain/restore.
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"

namespace tandem::cli {
namespace {

std::string Joined(const Json& list) {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += ",";
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out.empty() ? "-" : out;
}

std::string Cpus(int64_t milli) {
  std::ostringstream s;
  s << static_cast<double>(milli) / 1000.0;
  return s.str();
}

void PrintDevices(const Json& snap) {
  TextTable table({"NODE", "DEVICE", "MODEL", "MEMORY", "ENVIRONMENTS", "STATE", "IN USE"});
  for (const auto& n : snap["nodes"]) {
    const std::string node = n["name"];
    const int64_t cpu = n["cpu_milli"], cpu_free = n["cpu_free_milli"];
    const int64_t mem = n["memory_mib"], mem_free = n["memory_free_mib"];
    table.Add({node, "cpu", "-", std::to_string(mem) + " MiB", Joined(n["environments"]),
               n["schedulable"].get<bool>() ? "ok" : "drained",
               Cpus(cpu - cpu_free) + "/" + Cpus(cpu) + " CPUs, " + std::to_string(mem - mem_free) + " MiB"});
    for (const auto& g : n["gpus"]) {
      const int used = g["used_milli"], fixed = g["fixed_milli"];
      std::string use = std::to_string(used / 10) + "%";
      if (fixed > 0) use += " (fixed " + std::to_string(fixed / 10) + "%)";
      table.Add({node, "gpu" + std::to_string(g["index"].get<int>()), g["model"],
                 std::to_string(g["memory_mib"].get<int64_t>()) + " MiB", Joined(g["environments"]),
                 g["healthy"].get<bool>() ? "ok" : "drained", use});
    }
  }
  table.Print(std::cout);
}

void PrintJobs(const Json& snap) {
  TextTable table({"JOB", "HOLDER", "STATE", "MODE", "ENV", "PRIORITY", "WHERE", "COMPUTE"});
  for (const auto& j : snap["jobs"]) {
    const bool running = j["state"] == "running";
    std::string where = running ? j["node"].get<std::string>() : j.value("waiting_reason", "");
    if (running && !j["gpus"].empty()) where += " gpu " + Joined(j["gpus"]);
    table.Add({std::to_string(j["id"].get<uint64_t>()), j.value("holder", j["name"].get<std::string>()),
               j["state"], j["mode"], j["environment"], std::to_string(j["priority"].get<int>()), where,
               running ? std::to_string(j["compute_percent"].get<int>()) + "%" : "-"});
  }
  table.Print(std::cout);
}

int ResourcesShow(const ApiClient& api, int events) {
  auto snap = api.Get("/api/v1/resources");
  if (!snap.ok()) return Fail(snap.status());
  PrintDevices(*snap);
  const Json& util = (*snap)["utilization"];
  std::cout << "\nutilization: GPU " << static_cast<int>(util["gpu"].get<double>() * 100) << "%, CPU "
            << static_cast<int>(util["cpu"].get<double>() * 100) << "%\n\n";
  if ((*snap)["jobs"].empty()) {
    std::cout << "no allocations, nothing queued\n";
  } else {
    PrintJobs(*snap);
  }
  const Json& list = (*snap)["events"];
  if (events > 0 && !list.empty()) {
    std::cout << "\nrecent events:\n";
    const size_t from = list.size() > static_cast<size_t>(events) ? list.size() - events : 0;
    for (size_t i = from; i < list.size(); ++i) {
      const Json& e = list[i];
      std::cout << "  " << FormatTime(e["at_ms"].get<long long>()) << "  " << e["kind"].get<std::string>();
      if (e.contains("holder") && !e["holder"].get<std::string>().empty()) {
        std::cout << "  " << e["holder"].get<std::string>();
      }
      std::cout << "  " << e["detail"].get<std::string>() << "\n";
    }
  }
  return 0;
}

int ResourcesDrain(const ApiClient& api, const std::string& device, bool drain) {
  auto snap = api.Post(std::string("/api/v1/resources/") + (drain ? "drain" : "restore"),
                       Json{{"device", device}}.dump());
  if (!snap.ok()) return Fail(snap.status());
  std::cout << device << (drain ? " drained: it takes no new work; its elastic jobs were requeued and "
                                  "its fixed ones moved\n"
                                : " restored: it takes work again\n");
  return 0;
}

}  // namespace

void AddResourceCommands(CLI::App& app, CliContext& ctx) {
  auto* res = app.add_subcommand("resources", "Devices, environments, allocations and the queue");
  auto events = std::make_shared<int>(10);
  res->add_option("--events", *events, "How many recent events to show [10]");
  res->callback([&ctx, res, events] {
    if (res->get_subcommands().empty()) ctx.exit_code = ResourcesShow(ctx.Api(), *events);
  });
  auto device = std::make_shared<std::string>();
  auto* drain = res->add_subcommand("drain", "Take a node (NODE) or a GPU (NODE/GPU) out of service");
  drain->add_option("device", *device, "NODE or NODE/GPU, e.g. box/0")->required();
  drain->callback([&ctx, device] { ctx.exit_code = ResourcesDrain(ctx.Api(), *device, true); });
  auto* restore = res->add_subcommand("restore", "Let a drained node or GPU take work again");
  restore->add_option("device", *device, "NODE or NODE/GPU")->required();
  restore->callback([&ctx, device] { ctx.exit_code = ResourcesDrain(ctx.Api(), *device, false); });
}

}  // namespace tandem::cli
