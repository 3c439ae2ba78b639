#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "core/digits.h"

namespace tandem::cli {
namespace {

// "2ms" -> 2000, "500us" -> 500, "1s" -> 1000000; a bare number is microseconds.
Result<int> ParseDelayUs(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  auto value = ParseDigits(std::string_view(text).substr(0, digits), 7);
  const std::string unit = text.substr(digits);
  const int scale = unit == "" || unit == "us" ? 1 : unit == "ms" ? 1000 : unit == "s" ? 1000000 : 0;
  if (!value || scale == 0 || static_cast<int64_t>(*value) * scale > 10'000'000) {
    return InvalidArgument("--batch delay: '" + text + "' is not a delay like 2ms, 500us or 1s (at most 10s)");
  }
  return *value * scale;
}

// "max=32,delay=2ms" -> {"max": 32, "delay_us": 2000}.
Result<Json> ParseBatch(const std::string& text) {
  Json batch = Json::object();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos
                                                                           : comma - start);
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key == "max") {
      auto max = ParseDigits(value, 4);
      if (!max || *max == 0) return InvalidArgument("--batch max: '" + value + "' is not a positive number");
      batch["max"] = *max;
    } else if (key == "delay") {
      ASSIGN_OR_RETURN(int us, ParseDelayUs(value));
      batch["delay_us"] = us;
    } else {
      return InvalidArgument("--batch: unknown setting '" + part + "' (use max=N,delay=2ms)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return batch;
}

void PrintService(const Json& s) {
  std::cout << "service " << s["name"].get<std::string>() << " " << s["state"].get<std::string>()
            << ": model " << s["model"].get<std::string>() << " v" << s["model_version"];
  if (s["canary"].is_object()) {
    std::cout << ", canary " << s["canary"]["model"].get<std::string>() << " v"
              << s["canary"]["model_version"] << " at " << s["canary"]["weight"] << "%";
  }
  std::cout << "\n";
  if (!s["error"].get<std::string>().empty()) std::cout << "  error: " << s["error"].get<std::string>() << "\n";
  if (s.value("strict_inputs", false)) std::cout << "  strict inputs: raw values that need a guess are refused\n";
  TextTable table({"REPLICA", "TRACK", "VERSION", "STATE", "ENDPOINT", "RESTARTS", "IN FLIGHT",
                   "INPUT WARNINGS"});
  for (const auto& r : s["replicas"]) {
    const Json warnings = r.value("input_warnings", Json());
    table.Add({r["id"], r["track"], std::to_string(r["model_version"].get<int>()), r["state"],
               r["endpoint"].get<std::string>().empty() ? "-" : r["endpoint"].get<std::string>(),
               std::to_string(r["restarts"].get<int>()), std::to_string(r["in_flight"].get<int>()),
               warnings.is_number_integer() ? std::to_string(warnings.get<int64_t>()) : "-"});
  }
  table.Print(std::cout);
}

}  // namespace

// --gpu: "2" = two whole GPUs, "0.25" = a quarter of one.
static Result<Json> ParseGpuFlag(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || value <= 0) {
    return InvalidArgument("--gpu: '" + text + "' is not a GPU count (1, 2) or a fraction of one (0.25)");
  }
  if (value < 1) return Json{{"fraction", value}};
  if (value != static_cast<int>(value)) return InvalidArgument("--gpu: '" + text + "': whole GPUs only above 1");
  return Json{{"count", static_cast<int>(value)}};
}

int ServiceDeploy(const ApiClient& api, const std::string& model, const std::string& name,
                  int replicas, const std::string& batch, const Json& resources, bool strict_inputs,
                  bool replace) {
  Json body = {{"name", name}, {"model", model}, {"replicas", replicas}};
  if (strict_inputs) body["strict_inputs"] = true;
  if (replace) body["replace"] = true;
  if (!resources.empty()) body["resources"] = resources;
  if (!batch.empty()) {
    auto parsed = ParseBatch(batch);
    if (!parsed.ok()) return Fail(parsed.status());
    body["batch"] = *parsed;
  }
  auto s = api.Post("/api/v1/services", body.dump());
  if (!s.ok()) return Fail(s.status());
  PrintService(*s);
  std::cout << "  infer: POST " << api.base_url() << "/v2/models/" << name << "/infer\n";
  return 0;
}

int ServiceList(const ApiClient& api) {
  auto list = api.Get("/api/v1/services");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "MODEL", "STATE", "REPLICAS", "CANARY", "RESTARTS", "INPUT WARNINGS",
                   "ENDPOINT", "UPDATED"});
  for (const auto& s : (*list)["services"]) {
    int ready = 0;
    for (const auto& r : s["replicas"]) ready += r["state"] == "ready";
    std::string canary = "-";
    if (s["canary"].is_object()) {
      canary = s["canary"]["model"].get<std::string>() + ":" +
               std::to_string(s["canary"]["model_version"].get<int>()) + " " +
               std::to_string(s["canary"]["weight"].get<int>()) + "%";
    }
    table.Add({s["name"], s["model"].get<std::string>() + ":" +
               std::to_string(s["model_version"].get<int>()), s["state"],
               std::to_string(ready) + "/" + std::to_string(s["replicas_wanted"].get<int>()), canary,
               std::to_string(s["restarts"].get<int>()),
               std::to_string(s.value("input_warnings", int64_t{0})),
               api.base_url() + "/v2/models/" + s["name"].get<std::string>(),
               FormatTime(s["updated_ms"])});
  }
  table.Print(std::cout);
  return 0;
}

int ServiceShow(const ApiClient& api, const std::string& name) {
  auto s = api.Get("/api/v1/services/" + UrlEncode(name));
  if (!s.ok()) return Fail(s.status());
  PrintService(*s);
  return 0;
}

int ServiceUpdate(const ApiClient& api, const std::string& name, const std::string& model,
                  int canary) {
  auto s = api.Post("/api/v1/services/" + UrlEncode(name) + "/update",
                    Json({{"model", model}, {"canary", canary}}).dump());
  if (!s.ok()) return Fail(s.status());
  PrintService(*s);
  return 0;
}

int ServicePromote(const ApiClient& api, const std::string& name) {
  auto s = api.Post("/api/v1/services/" + UrlEncode(name) + "/promote", "{}");
  if (!s.ok()) return Fail(s.status());
  PrintService(*s);
  return 0;
}

int ServiceRollback(const ApiClient& api, const std::string& name) {
  auto s = api.Post("/api/v1/services/" + UrlEncode(name) + "/rollback", "{}");
  if (!s.ok()) return Fail(s.status());
  PrintService(*s);
  return 0;
}

int ServiceStop(const ApiClient& api, const std::string& name) {
  auto s = api.Delete("/api/v1/services/" + UrlEncode(name));
  if (!s.ok()) return Fail(s.status());
  std::cout << "service " << name << " stopped\n";
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddServiceCommands(CLI::App& app, CliContext& ctx) {
  auto* service = app.add_subcommand("service", "Deployed models");
  service->require_subcommand(1);
  struct Opts {
    std::string model, name, batch, memory, gpu;
    int replicas = 1;
    int canary = 0;
    double cpus = 0;
    int priority = 0;
    bool strict_inputs = false;
    bool replace = false;
  };
  auto o = std::make_shared<Opts>();
  auto* deploy = service->add_subcommand("deploy", "Deploy MODEL[:VERSION|@ALIAS] as a service");
  deploy->add_option("model", o->model, "MODEL, MODEL:VERSION or MODEL@ALIAS")->required();
  deploy->add_option("--name", o->name, "Service name")->required();
  deploy->add_option("--replicas", o->replicas, "Replica processes, 1..64 [1]");
  deploy->add_option("--batch", o->batch, "Dynamic batching, e.g. max=32,delay=2ms");
  deploy->add_option("--cpus", o->cpus, "CPUs per replica, enforced [1, not enforced]")->check(CLI::PositiveNumber);
  deploy->add_option("--memory", o->memory, "Memory per replica, enforced, e.g. 512Mi");
  deploy->add_option("--gpu", o->gpu, "GPUs per replica: a count (1) or a fraction of one (0.25)");
  deploy->add_option("--priority", o->priority, "Scheduling priority of the replicas [0]");
  deploy->add_flag("--strict-inputs", o->strict_inputs,
                   "Refuse raw rows that need a guess (an unseen category, a number for a text "
                   "column) instead of answering them with warnings");
  deploy->add_flag("--replace", o->replace,
                   "Roll a service of this name that is already serving to this model and these "
                   "options (without it, that deploy is refused)");
  deploy->callback([&ctx, o] {
    Json resources = Json::object();
    if (o->cpus > 0) resources["cpus"] = o->cpus;
    if (!o->memory.empty()) resources["memory"] = o->memory;
    if (o->priority != 0) resources["priority"] = o->priority;
    if (!o->gpu.empty()) {
      auto gpu = ParseGpuFlag(o->gpu);
      if (!gpu.ok()) {
        ctx.exit_code = Fail(gpu.status());
        return;
      }
      resources["gpu"] = *gpu;
    }
    ctx.exit_code = ServiceDeploy(ctx.Api(), o->model, o->name, o->replicas, o->batch, resources,
                                  o->strict_inputs, o->replace);
  });
  service->add_subcommand("list", "List services")
      ->callback([&ctx] { ctx.exit_code = ServiceList(ctx.Api()); });
  auto* show = service->add_subcommand("show", "A service's replicas and traffic split");
  show->add_option("name", o->name)->required();
  show->callback([&ctx, o] { ctx.exit_code = ServiceShow(ctx.Api(), o->name); });
  auto* update = service->add_subcommand(
      "update", "Roll a service to another model version (all replicas, or a canary)");
  update->add_option("name", o->name)->required();
  update->add_option("--model", o->model, "MODEL:VERSION or MODEL@ALIAS")->required();
  update->add_option("--canary", o->canary, "Percent of requests for the new version "
                                            "(0 = rolling update) [0]")
      ->check(CLI::Range(0, 100));
  update->callback([&ctx, o] {
    ctx.exit_code = ServiceUpdate(ctx.Api(), o->name, o->model, o->canary);
  });
  auto* promote = service->add_subcommand("promote", "Move all traffic to the canary version");
  promote->add_option("name", o->name)->required();
  promote->callback([&ctx, o] { ctx.exit_code = ServicePromote(ctx.Api(), o->name); });
  auto* rollback = service->add_subcommand("rollback", "Drop the canary; all traffic to the old version");
  rollback->add_option("name", o->name)->required();
  rollback->callback([&ctx, o] { ctx.exit_code = ServiceRollback(ctx.Api(), o->name); });
  auto* stop = service->add_subcommand("stop", "Stop a service");
  stop->add_option("name", o->name)->required();
  stop->callback([&ctx, o] { ctx.exit_code = ServiceStop(ctx.Api(), o->name); });
}

}  // namespace tandem::cli
