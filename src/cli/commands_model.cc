#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"

namespace tandem::cli {

int ModelList(const ApiClient& api) {
  auto list = api.Get("/api/v1/models");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "LATEST", "VERSIONS", "KEY METRIC", "CREATED"});
  for (const auto& m : (*list)["models"]) {
    std::string metric = "-";
    const Json& metrics = m.value("metrics", Json::object());
    for (const char* key : {"accuracy", "r2", "rmse"}) {
      if (metrics.contains(key) && metrics[key].is_number()) {
        metric = std::string(key) + "=" + FormatNumber(metrics[key].get<double>());
        break;
      }
    }
    table.Add({m["name"], std::to_string(m["latest_version"].get<int>()),
               std::to_string(m["versions"].get<int>()), metric, FormatTime(m["created_ms"])});
  }
  table.Print(std::cout);
  return 0;
}

int ModelShow(const ApiClient& api, const std::string& name) {
  auto model = api.Get("/api/v1/models/" + UrlEncode(name));
  if (!model.ok()) return Fail(model.status());
  std::cout << "model " << name << "\n";
  for (const auto& v : (*model)["versions"]) {
    std::cout << "\nversion " << v["version"] << "  format " << v["format"].get<std::string>()
              << "  created " << FormatTime(v["created_ms"]) << "\n";
    const Json& lineage = v["lineage"];
    if (lineage.is_object()) {
      std::cout << "  lineage: run " << lineage.value("run_id", "?") << ", pipeline "
                << lineage.value("pipeline", "?");
      if (lineage.contains("dataset") && lineage["dataset"].is_object()) {
        std::cout << ", dataset " << lineage["dataset"].value("name", "?") << " v"
                  << lineage["dataset"].value("version", 0);
      }
      std::cout << "\n";
    }
    std::cout << "  metrics:\n";
    for (const auto& [k, m] : v["metrics"].items()) {
      std::cout << "    " << k << ": " << (m.is_number() ? FormatNumber(m.get<double>()) : m.dump())
                << "\n";
    }
    std::cout << "  signature: " << v["signature"].dump() << "\n";
  }
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddModelCommands(CLI::App& app, CliContext& ctx) {
  auto* model = app.add_subcommand("model", "The model library");
  model->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  model->add_subcommand("list", "List models")
      ->callback([&ctx] { ctx.exit_code = ModelList(ctx.Api()); });
  auto* show = model->add_subcommand("show", "Show a model's versions");
  show->add_option("name", *name)->required();
  show->callback([&ctx, name] { ctx.exit_code = ModelShow(ctx.Api(), *name); });
}

}  // namespace tandem::cli
