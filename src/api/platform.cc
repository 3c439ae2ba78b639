#include "api/platform.h"

#include <algorithm>
#include <filesystem>

#include "core/log.h"
#include "exec/local_launcher.h"
#include "operators/builtin_library.h"
#include "operators/code_archive.h"
#include "resources/inventory.h"
#include "serving/broker_allocator.h"

namespace tandem::api {
namespace {

// The live scheduler over the configured cluster (or this machine as probed), behind
// the broker the engine and the service manager share.
Result<std::unique_ptr<resources::ResourceBroker>> OpenBroker(const Config& config, exec::NodeDevices& probed) {
  if (config.cluster.is_null()) probed = exec::ProbeDevices();
  ASSIGN_OR_RETURN(scheduler::ClusterConfig cluster, resources::ServerCluster(config.cluster, probed));
  scheduler::SchedulerOptions options;
  options.policy = config.scheduler_policy;
  options.quotas = cluster.quotas;
  ASSIGN_OR_RETURN(auto s, scheduler::Scheduler::Create(
                               scheduler::ClusterState(cluster.nodes, cluster.oversubscription), options));
  for (const auto& node : cluster.nodes) {
    spdlog::info("resources: node {}: {} CPUs, {} MiB, {} GPU(s)", node.name, node.cpu_milli / 1000.0,
                 node.memory_mib, node.gpus.size());
  }
  return std::make_unique<resources::ResourceBroker>(std::move(s), RealClock());
}

// The python operators shipped with Tandem (sklearn-random-forest, ...) are published
// like anyone's, tests included, the first time a data dir sees each version. A bundled
// operator that fails is logged and left out; the server still starts.
void PublishBundledOperators(operators::OperatorLibrary& library, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    auto archive = operators::PackDirectory(folder.string());
    auto outcome = archive.ok() ? library.Publish(*archive, /*draft=*/false)
                                : Result<operators::PublishOutcome>(archive.status());
    if (!outcome.ok()) {
      spdlog::error("bundled operator {}: {}", folder.filename().string(), outcome.status().message());
    } else if (!outcome->unchanged) {
      spdlog::info("bundled operator {}@{} published", outcome->def.name, outcome->def.version);
    }
  }
}

}  // namespace

Platform::~Platform() {
  daily_gc.reset();
  // The triggers submit to the engine; the engine's thread uses the store, launcher and
  // catalog: stop them first, in that order.
  triggers.reset();
  if (engine) engine->Stop();
  engine.reset();
  services.reset();
}

Result<std::unique_ptr<Platform>> OpenPlatform(const Config& config, const std::string& self_exe) {
  auto p = std::make_unique<Platform>();
  p->config = config;
  p->self_exe = self_exe;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return IoError("cannot create data dir '" + config.data_dir + "': " + ec.message());
  p->config.data_dir = std::filesystem::canonical(config.data_dir).string();
  const std::string& dir = p->config.data_dir;
  ASSIGN_OR_RETURN(p->data_dir_lock, DataDirLock::Acquire(dir));

  ASSIGN_OR_RETURN(p->store, store::OpenSqliteStore(dir + "/tandem.db", RealClock()));
  p->artifacts = std::make_unique<store::ArtifactStore>(dir, *p->store);
  p->catalog = std::make_unique<operators::Catalog>();
  RETURN_IF_ERROR(operators::RegisterBuiltins(*p->catalog));
  for (const auto& def : p->catalog->List()) {
    store::OperatorRecord row;
    row.name = def.name;
    row.version = def.version;
    row.state = "published";
    row.runtime = def.runtime;
    row.manifest = {{"category", def.category},
                    {"description", def.description},
                    {"params", def.params_schema}};
    row.digest = def.digest;
    RETURN_IF_ERROR(p->store->PutOperator(row));
  }
  p->launcher = std::make_unique<exec::LocalLauncher>();

  operators::RuntimeConfig runtime;
  runtime.builtin_runner = {self_exe, "task-exec"};
  runtime.python = config.python;
  runtime.python_lib_dir = dir + "/lib/python";
  RETURN_IF_ERROR(operators::InstallPythonSupport(runtime.python_lib_dir));
  p->operator_library = std::make_unique<operators::OperatorLibrary>(
      dir, runtime, *p->store, *p->artifacts, *p->catalog, *p->launcher);
  RETURN_IF_ERROR(p->operator_library->LoadAll());

  exec::NodeDevices probed;
  ASSIGN_OR_RETURN(p->broker, OpenBroker(config, probed));
  if (config.cluster.is_null() && !probed.gpus.empty()) {
    p->health_watch = std::make_unique<resources::HealthWatch>(
        *p->broker, resources::ProbedNodeName(probed),
        [] { return exec::ProbeNvmlGpus(exec::ProbeOptions{}.nvml_library); });
  }
  p->replica_allocator = std::make_unique<serving::BrokerReplicaAllocator>(*p->broker);

  workflow::EngineOptions eo;
  eo.broker = p->broker.get();
  eo.data_dir = dir;
  eo.max_parallel = config.max_parallel_tasks;
  eo.runtime = runtime;
  std::string import_dir = config.import_dir.empty() ? dir + "/imports" : config.import_dir;
  std::filesystem::create_directories(import_dir, ec);
  eo.task_env["TANDEM_IMPORT_DIR"] = import_dir;
  p->engine = std::make_unique<workflow::Engine>(eo, *p->store, *p->artifacts, *p->catalog,
                                                 *p->launcher, RealClock());
  p->triggers = std::make_unique<workflow::Triggers>(*p->store, *p->engine, *p->catalog, RealClock());

  serving::ServiceManagerOptions so;
  so.data_dir = dir;
  so.replica_command = {self_exe, "replica"};
  so.host = config.replica_host;
  so.allocator = p->replica_allocator.get();
  p->services = std::make_unique<serving::ServiceManager>(so, *p->store, *p->artifacts,
                                                          *p->launcher, RealClock());
  if (config.gc_keep_runs_days > 0) {
    store::GcOptions gc{config.gc_keep_runs_days, config.gc_grace_minutes};
    p->daily_gc = std::make_unique<store::PeriodicGc>(*p->store, *p->artifacts, dir, RealClock(), gc);
  }
  return p;
}

Status StartPlatform(Platform& p) {
  RETURN_IF_ERROR(p.engine->Start());
  // After the engine: schedules missed while the server was down fire once, now.
  RETURN_IF_ERROR(p.triggers->Start());
  Status restored = p.services->RestoreAll();
  if (!restored.ok()) spdlog::warn("restoring services: {}", restored.ToString());
  // Replicas that die are started again (and counted) within a second.
  p.services->StartWatchdog(500);
  if (p.health_watch) p.health_watch->Start(30000);
  // Last: runs and services adopted above only use versions published before (loaded by
  // OpenPlatform), and a restarted server's replicas should not wait behind this.
  PublishBundledOperators(*p.operator_library,
                          (std::filesystem::path(p.self_exe).parent_path() / "operators").string());
  if (p.daily_gc) p.daily_gc->Start(24LL * 3600 * 1000);
  return Status::Ok();
}

}  // namespace tandem::api
