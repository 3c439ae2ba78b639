#include "cli/commands_delete.h"

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/digits.h"
#include "registry/model_ref.h"

namespace tandem::cli {
namespace {

// "NAME" (version 0 = all) or "NAME:VERSION".
Result<std::pair<std::string, int>> SplitNameVersion(const std::string& text, const char* what) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::make_pair(text, 0);
  auto version = ParseDigits(std::string_view(text).substr(colon + 1), 6);
  if (!version || *version < 1) {
    return InvalidArgument(std::string(what) + " '" + text + "': the version after ':' must be a number >= 1");
  }
  return std::make_pair(text.substr(0, colon), *version);
}

int Report(const Result<Json>& result, const std::string& done) {
  if (!result.ok()) return Fail(result.status());
  std::cout << done << "\n";
  return 0;
}

}  // namespace

void AddDeleteCommands(CLI::App& app, CliContext& ctx) {
  AddRunDeleteCommand(*app.get_subcommand("run"), ctx);
  AddDatasetDeleteCommand(*app.get_subcommand("dataset"), ctx);
  AddModelDeleteCommand(*app.get_subcommand("model"), ctx);
  AddServiceDeleteCommand(*app.get_subcommand("service"), ctx);
}

void AddRunDeleteCommand(CLI::App& run, CliContext& ctx) {
  auto id = std::make_shared<std::string>();
  auto* cmd = run.add_subcommand("delete", "Delete a finished run with its task dirs (artifacts go at the next gc)");
  cmd->add_option("id", *id, "Run id")->required();
  cmd->callback([&ctx, id] {
    ctx.exit_code = Report(ctx.Api().Delete("/api/v1/runs/" + UrlEncode(*id)), "run " + *id + " deleted");
  });
}

void AddDatasetDeleteCommand(CLI::App& dataset, CliContext& ctx) {
  auto ref = std::make_shared<std::string>();
  auto* cmd = dataset.add_subcommand("delete", "Delete NAME:VERSION, or every version of NAME");
  cmd->add_option("ref", *ref, "NAME or NAME:VERSION")->required();
  cmd->callback([&ctx, ref] {
    auto parts = SplitNameVersion(*ref, "dataset");
    if (!parts.ok()) {
      ctx.exit_code = Fail(parts.status());
      return;
    }
    const auto& [name, version] = *parts;
    std::string path = "/api/v1/datasets/" + UrlEncode(name);
    if (version > 0) path += "?version=" + std::to_string(version);
    ctx.exit_code = Report(ctx.Api().Delete(path), "dataset " + *ref + (version ? "" : " (every version)") + " deleted");
  });
}

void AddModelDeleteCommand(CLI::App& model, CliContext& ctx) {
  auto ref = std::make_shared<std::string>();
  auto* cmd = model.add_subcommand("delete", "Delete a model version (refused while a service or alias uses it)");
  cmd->add_option("ref", *ref, "NAME:VERSION")->required();
  cmd->callback([&ctx, ref] {
    auto parsed = registry::ParseModelRef(*ref);
    if (parsed.ok() && (parsed->version < 1 || !parsed->alias.empty())) {
      parsed = InvalidArgument("model '" + *ref + "': name the version to delete, as NAME:VERSION");
    }
    if (!parsed.ok()) {
      ctx.exit_code = Fail(parsed.status());
      return;
    }
    ctx.exit_code = Report(ctx.Api().Delete("/api/v1/models/" + UrlEncode(parsed->name) + "/versions/" +
                                            std::to_string(parsed->version)),
                           "model " + parsed->ToString() + " deleted");
  });
}

void AddServiceDeleteCommand(CLI::App& service, CliContext& ctx) {
  auto name = std::make_shared<std::string>();
  auto* cmd = service.add_subcommand("delete", "Remove a stopped service from the list");
  cmd->add_option("name", *name)->required();
  cmd->callback([&ctx, name] {
    ctx.exit_code = Report(ctx.Api().Post("/api/v1/services/" + UrlEncode(*name) + "/delete", ""),
                           "service " + *name + " deleted");
  });
}

}  // namespace tandem::cli
