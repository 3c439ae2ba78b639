// `tandem`: the server, its client commands, and the two child roles the server
// starts itself (`task-exec` for built-in operators, `replica` for services).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "api/server.h"
#include "cli/commands.h"
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
  CLI::App app{"Tandem: train and serve machine-learning models in one place"};
  app.require_subcommand(1);
  std::string server_url = DefaultServer();
  app.add_option("--server", server_url, "URL of the Tandem server (env TANDEM_SERVER)");

  // server
  Config config;
  std::string config_file, data_dir, listen, log_level;
  auto* server = app.add_subcommand("server", "Run the Tandem server");
  server->add_option("--config", config_file, "YAML settings file (every setting has a default)");
  server->add_option("--data-dir", data_dir, "Folder for all of Tandem's state [./tandem-data]");
  server->add_option("--listen", listen, "host:port of the API [127.0.0.1:8080]");
  server->add_option("--log-level", log_level, "trace|debug|info|warn|error [info]");

  // datasets
  auto* dataset = app.add_subcommand("dataset", "Datasets of the feature library");
  dataset->require_subcommand(1);
  std::string ds_name, ds_file, ds_label, ds_format;
  auto* ds_import = dataset->add_subcommand("import", "Import a CSV file as a new dataset version");
  ds_import->add_option("name", ds_name, "Dataset name")->required();
  ds_import->add_option("file", ds_file, "CSV file")->required()->check(CLI::ExistingFile);
  ds_import->add_option("--label", ds_label, "Label column (sklearn files: 'target')");
  ds_import->add_option("--format", ds_format, "auto|csv|sklearn [auto]");
  auto* ds_list = dataset->add_subcommand("list", "List datasets (latest versions)");
  auto* ds_show = dataset->add_subcommand("show", "Show a dataset's schema");
  ds_show->add_option("name", ds_name)->required();

  // runs
  auto* run = app.add_subcommand("run", "Run a pipeline: tandem run PIPELINE.yaml [--wait]");
  std::string run_file, run_id, run_pipeline, run_state;
  bool run_wait = false, run_no_cache = false;
  run->add_option("pipeline", run_file, "Pipeline YAML file")->check(CLI::ExistingFile);
  run->add_flag("--wait", run_wait, "Follow progress; exit 0 only if the run succeeds");
  run->add_flag("--no-cache", run_no_cache, "Run every task, reusing no earlier result");
  auto* run_show = run->add_subcommand("show", "Show a run and its tasks");
  run_show->add_option("id", run_id)->required();
  auto* run_list = run->add_subcommand("list", "List runs");
  run_list->add_option("--pipeline", run_pipeline);
  run_list->add_option("--state", run_state);
  auto* run_cancel = run->add_subcommand("cancel", "Cancel a run");
  run_cancel->add_option("id", run_id)->required();
  std::string logs_node;
  bool logs_follow = false, logs_stderr = false;
  int logs_attempt = 0;
  auto* run_logs = run->add_subcommand("logs", "Print a run's task logs: logs ID [NODE] [-f]");
  run_logs->add_option("id", run_id)->required();
  run_logs->add_option("node", logs_node, "Node of the pipeline (default: every node)");
  run_logs->add_flag("-f,--follow", logs_follow, "Keep printing new output until finished");
  run_logs->add_option("--attempt", logs_attempt, "Attempt of the node [latest]");
  run_logs->add_flag("--stderr", logs_stderr, "Print stderr instead of stdout");

  // models
  auto* model = app.add_subcommand("model", "The model library");
  model->require_subcommand(1);
  std::string model_name;
  auto* model_list = model->add_subcommand("list", "List models");
  auto* model_show = model->add_subcommand("show", "Show a model's versions");
  model_show->add_option("name", model_name)->required();

  // services
  auto* service = app.add_subcommand("service", "Deployed models");
  service->require_subcommand(1);
  std::string svc_model, svc_name;
  auto* svc_deploy = service->add_subcommand("deploy", "Deploy MODEL[:VERSION] as a service");
  svc_deploy->add_option("model", svc_model, "MODEL or MODEL:VERSION")->required();
  svc_deploy->add_option("--name", svc_name, "Service name")->required();
  auto* svc_list = service->add_subcommand("list", "List services");
  auto* svc_stop = service->add_subcommand("stop", "Stop a service");
  svc_stop->add_option("name", svc_name)->required();

  // Child roles started by the server itself.
  std::string task_dir;
  auto* task_exec = app.add_subcommand("task-exec", "(internal) run a built-in operator task");
  task_exec->add_option("dir", task_dir)->required();
  task_exec->group("");
  serving::ReplicaOptions replica_options;
  auto* replica = app.add_subcommand("replica", "(internal) serve one model version");
  replica->group("");
  replica->add_option("--name", replica_options.name)->required();
  replica->add_option("--version", replica_options.version)->required();
  replica->add_option("--model-file", replica_options.model_path)->required();
  replica->add_option("--meta-file", replica_options.meta_path)->required();
  replica->add_option("--host", replica_options.host);
  replica->add_option("--port", replica_options.port);
  replica->add_option("--port-file", replica_options.port_file);

  CLI11_PARSE(app, argc, argv);

  if (*task_exec) return operators::RunBuiltinTask(task_dir);
  if (*replica) {
    InitLogging("info");
    Status st = serving::RunReplica(replica_options);
    if (!st.ok()) {
      std::cerr << "replica: " << st.message() << "\n";
      return 1;
    }
    return 0;
  }
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

  cli::ApiClient api(server_url);
  if (*ds_import) return cli::DatasetImport(api, ds_name, ds_file, ds_label, ds_format);
  if (*ds_list) return cli::DatasetList(api);
  if (*ds_show) return cli::DatasetShow(api, ds_name);
  if (*run_show) return cli::RunShow(api, run_id);
  if (*run_list) return cli::RunList(api, run_pipeline, run_state);
  if (*run_cancel) return cli::RunCancel(api, run_id);
  if (*run_logs) return cli::RunLogs(api, run_id, logs_node, logs_follow, logs_attempt, logs_stderr);
  if (*run) {
    if (run_file.empty()) return cli::Fail(InvalidArgument("run: give a PIPELINE.yaml file"));
    return cli::RunSubmit(api, run_file, run_wait, run_no_cache);
  }
  if (*model_list) return cli::ModelList(api);
  if (*model_show) return cli::ModelShow(api, model_name);
  if (*svc_deploy) return cli::ServiceDeploy(api, svc_model, svc_name);
  if (*svc_list) return cli::ServiceList(api);
  if (*svc_stop) return cli::ServiceStop(api, svc_name);
  return 0;
}
