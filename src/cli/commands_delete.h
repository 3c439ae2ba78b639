#pragma once
// The `delete` subcommand of each group, kept in one file (commands_delete.cc): main.cc
// calls AddDeleteCommands once after the groups exist, and each group gets its own.
#include <CLI/CLI.hpp>

#include "cli/command_groups.h"

namespace tandem::cli {

// Adds the four below to the run, dataset, model and service groups of `app`.
// REQUIRES: those groups were added already.
void AddDeleteCommands(CLI::App& app, CliContext& ctx);

// run delete ID: a finished run, its tasks and task dirs (refused while it runs).
void AddRunDeleteCommand(CLI::App& run, CliContext& ctx);
// dataset delete NAME[:VERSION]: one version, or every version of NAME.
void AddDatasetDeleteCommand(CLI::App& dataset, CliContext& ctx);
// model delete NAME:VERSION: refused while a service or an alias uses it.
void AddModelDeleteCommand(CLI::App& model, CliContext& ctx);
// service delete NAME: a stopped service leaves `service list`.
void AddServiceDeleteCommand(CLI::App& service, CliContext& ctx);

}  // namespace tandem::cli
