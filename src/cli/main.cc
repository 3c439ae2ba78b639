// `tandem`: the server, its client commands, and the two child roles the server
// starts itself (`task-exec` for built-in operators, `replica` for services).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "api/server.h"
#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/commands_delete.h"
#include "core/log.h"
#include "operators/builtin_library.h"
#include "serving/replica.h"

namespace {

std::string SelfExe(const char* argv0) {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return argv0;
  buf[n] = '\0';
  return buf;
}

std::string DefaultServer() {
  const char* env = std::getenv("TANDEM_SERVER");
  return env && *env ? env : "http://127.0.0.1:8080";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem;
  // The replica role reads its flags with the function the service manager's command
  // line is tested against (serving/replica.h), not a second parser here.
  if (argc > 1 && std::string(argv[1]) == "replica") {
    return serving::ReplicaMain(std::vector<std::string>(argv + 2, argv + argc));
  }
  CLI::App app{"Tandem: train and serve machine-learning models in one place"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("tandem ") + TANDEM_VERSION);

  // server
  Config config;
  std::string config_file, data_dir, listen, log_level;
  auto* server = app.add_subcommand("server", "Run the Tandem server");
  server->add_option("--config", config_file, "YAML settings file (every setting has a default)");
  server->add_option("--data-dir", data_dir, "Folder for all of Tandem's state [./tandem-data]");
  server->add_option("--listen", listen, "host:port of the API [127.0.0.1:8080]");
  server->add_option("--log-level", log_level, "trace|debug|info|warn|error [info]");

  cli::CliContext ctx{DefaultServer()};
  app.add_option("--server", ctx.server_url, "URL of the Tandem server (env TANDEM_SERVER)");
  cli::AddDatasetCommands(app, ctx);
  cli::AddRunCommands(app, ctx);
  cli::AddModelCommands(app, ctx);
  cli::AddServiceCommands(app, ctx);
  cli::AddOperatorCommands(app, ctx);
  cli::AddScheduleCommands(app, ctx);
  cli::AddSimCommands(app, ctx);
  cli::AddResourceCommands(app, ctx);
  cli::AddGcCommands(app, ctx);
  cli::AddDeleteCommands(app, ctx);  // after the groups it adds to

  // Child roles started by the server itself.
  std::string task_dir;
  auto* task_exec = app.add_subcommand("task-exec", "(internal) run a built-in operator task");
  task_exec->add_option("dir", task_dir)->required();
  task_exec->group("");

  CLI11_PARSE(app, argc, argv);

  if (*task_exec) return operators::RunBuiltinTask(task_dir);
  if (*server) {
    if (!config_file.empty()) {
      auto loaded = LoadConfigFile(config_file, config);
      if (!loaded.ok()) return cli::Fail(loaded.status());
      config = *loaded;
    }
    if (!data_dir.empty()) config.data_dir = data_dir;
    if (!listen.empty()) config.listen = listen;
    if (!log_level.empty()) config.log_level = log_level;
    InitLogging(config.log_level);
    Status st = api::RunServer(config, SelfExe(argv[0]));
    if (!st.ok()) return cli::Fail(st);
    return 0;
  }

  return ctx.exit_code;
}
