#pragma once
// How `tandem`'s command groups plug into the one CLI11 app. Each group adds its
// subcommands with, as their callbacks, the code that runs them; a callback stores the
// process exit code in the context. main.cc only lists the groups, so a new group is a
// new file and one line there.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/api_client.h"

namespace tandem::cli {

struct CliContext {
  std::string server_url;   // --server or TANDEM_SERVER
  int exit_code = 0;
  ApiClient Api() const { return ApiClient(server_url); }
};

// commands_dataset.cc, commands_run.cc (with commands_logs.cc), commands_model.cc,
// commands_service.cc.
void AddDatasetCommands(CLI::App& app, CliContext& ctx);
void AddRunCommands(CLI::App& app, CliContext& ctx);
// commands_run_output.cc: `tandem run output`, added under the `run` group.
void AddRunOutputCommand(CLI::App& run, CliContext& ctx);
void AddModelCommands(CLI::App& app, CliContext& ctx);
void AddServiceCommands(CLI::App& app, CliContext& ctx);
// commands_operator.cc: operator init/validate/test/publish/list/show/deprecate/form,
// algorithm list.
void AddOperatorCommands(CLI::App& app, CliContext& ctx);
// commands_schedule.cc: schedule create/list/delete/pause/resume, event fire.
void AddScheduleCommands(CLI::App& app, CliContext& ctx);
// commands_sim.cc: `tandem sim`, the trace simulator of the scheduler (local, no server).
void AddSimCommands(CLI::App& app, CliContext& ctx);
// commands_resources.cc: `tandem resources` [drain|restore DEVICE].
void AddResourceCommands(CLI::App& app, CliContext& ctx);
// commands_gc.cc: `tandem gc` (retention of old runs, sweep of unreferenced artifacts).
void AddGcCommands(CLI::App& app, CliContext& ctx);

}  // namespace tandem::cli
