#include "api/platform.h"

#include <filesystem>

#include "core/log.h"
#include "exec/local_launcher.h"
#include "operators/builtin_library.h"

namespace tandem::api {

Platform::~Platform() {
  // The engine's thread uses the store, launcher and catalog: stop it first.
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

  workflow::EngineOptions eo;
  eo.data_dir = dir;
  eo.max_parallel = config.max_parallel_tasks;
  eo.builtin_runner = {self_exe, "task-exec"};
  std::string import_dir = config.import_dir.empty() ? dir + "/imports" : config.import_dir;
  std::filesystem::create_directories(import_dir, ec);
  eo.task_env["TANDEM_IMPORT_DIR"] = import_dir;
  p->engine = std::make_unique<workflow::Engine>(eo, *p->store, *p->artifacts, *p->catalog,
                                                 *p->launcher, RealClock());

  serving::ServiceManagerOptions so;
  so.data_dir = dir;
  so.replica_command = {self_exe, "replica"};
  so.host = config.replica_host;
  p->services = std::make_unique<serving::ServiceManager>(so, *p->store, *p->artifacts,
                                                          *p->launcher, RealClock());
  return p;
}

Status StartPlatform(Platform& p) {
  RETURN_IF_ERROR(p.engine->Start());
  Status restored = p.services->RestoreAll();
  if (!restored.ok()) spdlog::warn("restoring services: {}", restored.ToString());
  return Status::Ok();
}

}  // namespace tandem::api
