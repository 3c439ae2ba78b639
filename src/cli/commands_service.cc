#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "core/digits.h"

namespace tandem::cli {

int ServiceDeploy(const ApiClient& api, const std::string& model, const std::string& name) {
  std::string model_name = model;
  int version = 0;
  auto colon = model.find(':');
  if (colon != std::string::npos) {
    model_name = model.substr(0, colon);
    std::string v = model.substr(colon + 1);
    auto parsed = ParseDigits(v, 6);
    if (!parsed) return Fail(InvalidArgument("MODEL[:VERSION]: version '" + v + "' is not a number"));
    version = *parsed;
  }
  Json body = {{"name", name}, {"model", model_name}, {"version", version}};
  auto s = api.Post("/api/v1/services", body.dump());
  if (!s.ok()) return Fail(s.status());
  std::cout << "service " << name << " " << (*s)["state"].get<std::string>() << ": model "
            << model_name << " v" << (*s)["model_version"] << "\n"
            << "  infer: POST " << api.base_url() << "/v2/models/" << name << "/infer\n"
            << "  replica: " << (*s)["endpoint"].get<std::string>() << "\n";
  return 0;
}

int ServiceList(const ApiClient& api) {
  auto list = api.Get("/api/v1/services");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "MODEL", "STATE", "ENDPOINT", "UPDATED"});
  for (const auto& s : (*list)["services"]) {
    table.Add({s["name"], s["model"].get<std::string>() + ":" +
               std::to_string(s["model_version"].get<int>()), s["state"],
               api.base_url() + "/v2/models/" + s["name"].get<std::string>(),
               FormatTime(s["updated_ms"])});
  }
  table.Print(std::cout);
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
  struct Opts { std::string model, name; };
  auto o = std::make_shared<Opts>();
  auto* deploy = service->add_subcommand("deploy", "Deploy MODEL[:VERSION] as a service");
  deploy->add_option("model", o->model, "MODEL or MODEL:VERSION")->required();
  deploy->add_option("--name", o->name, "Service name")->required();
  deploy->callback([&ctx, o] { ctx.exit_code = ServiceDeploy(ctx.Api(), o->model, o->name); });
  service->add_subcommand("list", "List services")
      ->callback([&ctx] { ctx.exit_code = ServiceList(ctx.Api()); });
  auto* stop = service->add_subcommand("stop", "Stop a service");
  stop->add_option("name", o->name)->required();
  stop->callback([&ctx, o] { ctx.exit_code = ServiceStop(ctx.Api(), o->name); });
}

}  // namespace tandem::cli
