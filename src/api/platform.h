#pragma once
// The composition root of a running server: opens the store under the data dir and
// wires the engines to it. Owns everything it builds; members are destroyed in the
// reverse order of construction (engines stop before the store closes).
#include <memory>
#include <string>

#include "api/data_dir_lock.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/launcher.h"
#include "operators/catalog.h"
#include "operators/operator_library.h"
#include "resources/broker.h"
#include "resources/health_watch.h"
#include "serving/service_manager.h"
#include "store/artifact_store.h"
#include "store/gc_daily.h"
#include "store/store.h"
#include "workflow/engine.h"
#include "workflow/trigger.h"

namespace tandem::api {

struct Platform {
  // First member, so destroyed last: held until everything using the data dir is gone.
  std::unique_ptr<DataDirLock> data_dir_lock;
  Config config;
  std::string self_exe;   // this binary: runs built-in operators and replicas
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::ArtifactStore> artifacts;
  std::unique_ptr<operators::Catalog> catalog;
  std::unique_ptr<Launcher> launcher;
  std::unique_ptr<operators::OperatorLibrary> operator_library;  // plug-in operators
  // The scheduler's front: tasks and replicas get their resources here.
  std::unique_ptr<resources::ResourceBroker> broker;
  std::unique_ptr<serving::ReplicaAllocator> replica_allocator;
  // Drains GPUs NVML reports unhealthy (null on a declared cluster or without GPUs).
  std::unique_ptr<resources::HealthWatch> health_watch;
  std::unique_ptr<workflow::Engine> engine;
  // Cron schedules and events (the monitor's drift event calls triggers->Fire).
  std::unique_ptr<workflow::Triggers> triggers;
  std::unique_ptr<serving::ServiceManager> services;
  // The daily `tandem gc` (store/gc_daily.h), when gc.keep_runs_days is set; else null.
  std::unique_ptr<store::PeriodicGc> daily_gc;

  ~Platform();
};

// Creates the data dir and locks it (data_dir_lock.h: kFailedPrecondition "data dir
// ... in use by pid N" while another server holds it; nothing else is touched then),
// opens the store (migrating it), registers the built-in operators (in the catalog and
// as store rows), loads the plug-in operators stored before, builds the engine and the
// service manager. Starts nothing: see StartPlatform.
Result<std::unique_ptr<Platform>> OpenPlatform(const Config& config, const std::string& self_exe);

// Adopts unfinished runs and restores services, starts the engine's loop, then
// publishes the bundled operators (<dir of the binary>/operators/: python operators
// shipped with Tandem). RunServer calls it once the API port is bound, so a server that
// cannot listen changes nothing.
Status StartPlatform(Platform& p);

}  // namespace tandem::api
