#pragma once
// Services: a model version served by R replica processes (replica.h), plus during a
// canary rollout a second version beside it with a share of the traffic. The manager
// starts replicas through the Launcher, waits until each is ready, forwards requests
// to them (service_manager_router.h), restarts the ones that die, and records every
// change in the store in one transaction (Store::PutServiceState), so a restarted
// server adopts what runs and finishes what was under way.
//
// Files of replica ID of service NAME live in <data_dir>/services/NAME/ID/: meta.json
// (the model artifact's meta), port (written by the replica), replica.log.
// A replica's start is stored before its process is spawned (row in state starting,
// pid 0), its pid right after: a crash between the two leaves a row whose process
// RestoreAll finds by its command line (--port-file in the replica's folder) and stops.
//
// Rollouts (every step is stored before the next begins):
//  - rolling update (Update with canary 0, or Deploy over a running service): one new
//    replica is started and ready before one old replica leaves the rotation, waits
//    for its requests in flight, and is stopped; repeated until none is left. Requests
//    are never sent to a replica that is draining, and a request whose replica refuses
//    the connection is retried on another, so no request fails because of the update.
//  - canary (Update with canary W): replicas of the new version run beside the old
//    ones and get W% of the requests; Promote moves all traffic to the canary version
//    (after scaling it to R replicas) and stops the old; Rollback the reverse.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/launcher.h"
#include "core/periodic_worker.h"
#include "core/status.h"
#include "http/http.h"
#include "registry/model_ref.h"
#include "serving/service_manager_router.h"
#include "store/artifact_store.h"
#include "store/records.h"
#include "store/store.h"

namespace tandem::serving {

// What a replica process may use: a fixed slice of the inference environment from the
// scheduler (serving/broker_allocator.h), enforced by the launcher.
struct ReplicaAllocation {
  std::map<std::string, std::string> env;  // added to the replica's environment
  ResourceLimits limits;                   // cgroup CPU/memory, GPU devices and slice
  int threads = 0;                         // compute threads; 0 = the replica's default
};

// The seam where the scheduler plugs in. Thread-safe implementations only.
class ReplicaAllocator {
 public:
  virtual ~ReplicaAllocator() = default;
  // Reserves `resources` (the service's per-replica mapping, resources/
  // resource_request.h) for replica `replica_id` of `service`; kUnavailable when the
  // inference environment has no room (the deploy or update then fails).
  virtual Result<ReplicaAllocation> Acquire(const std::string& service, const std::string& replica_id,
                                            const Json& resources) = 0;
  virtual void Release(const std::string& service, const std::string& replica_id) = 0;
  // Replicas (service, replica id) whose slice the scheduler moved (their device was
  // drained) since the last call: the watchdog restarts them on their new slice.
  virtual std::vector<std::pair<std::string, std::string>> TakeMoved() { return {}; }
};

struct ServiceManagerOptions {
  std::string data_dir;
  // The program and leading arguments that start a replica, e.g. {"/path/tandem",
  // "replica"}; the flags of ReplicaArgs (replica.h) are appended.
  std::vector<std::string> replica_command;
  std::string host = "127.0.0.1";  // where replicas listen
  int ready_timeout_ms = 30000;    // from start until /v2/health/ready answers 200
  int drain_timeout_ms = 30000;    // longest wait for a leaving replica's requests
  ReplicaAllocator* allocator = nullptr;  // nullptr = no allocation (must outlive us)
};

// How a service runs: Deploy's options.
struct ServiceOptions {
  int replicas = 1;
  int batch_max = 0;       // 0 = the replica's default (no batching)
  int batch_delay_us = 0;  // 0 = the replica's default
  // What each replica asks of the inference environment: {cpus, memory, gpu, priority,
  // ...} (resources/resource_request.h); {} = one CPU, nothing enforced.
  Json resources = Json::object();
  // Refuse a request whose raw rows need a guess (an unseen category, a number for a
  // text column) with 400 instead of answering with warnings (transform_backend.h).
  bool strict_inputs = false;
  // Deploy onto a name that is already serving rolls it to this model and these
  // options; without it that Deploy is refused (kAlreadyExists).
  bool replace = false;
};

// A service as it stands: its row, spec and replicas (with requests in flight when
// this manager runs them).
struct ServiceView {
  store::ServiceRecord service;
  store::ServiceSpecRecord spec;
  std::vector<store::ReplicaRecord> replicas;
  std::vector<int> in_flight;  // per replica; 0 when not managed here
};

// Thread-safe: one mutex guards the in-memory table and is never held while waiting
// for a replica or writing the store. Operations that change a service (Deploy,
// Update, Promote, Rollback, Stop, the watchdog's restarts) claim its name: a second
// one while the first runs gets kFailedPrecondition (the watchdog just waits).
// The destructor stops the watchdog and leaves replicas running (a crashed server's
// replicas are adopted by RestoreAll); call StopAll on a graceful shutdown.
class ServiceManager {
 public:
  // All references must outlive the manager.
  ServiceManager(ServiceManagerOptions options, store::Store& store,
                 store::ArtifactStore& artifacts, Launcher& launcher, Clock& clock);
  ~ServiceManager();

  // Serves `model` (resolved now: an alias that moves later does not move the service)
  // as `name` under /v2/models/<name>/. A new service is ready when all its replicas
  // are; a running one is rolled to the new version and options when options.replace
  // is set, else refused (kAlreadyExists naming `tandem service update`). Errors:
  // kInvalidArgument for a bad name or options; kNotFound "model 'x' has no version 3";
  // kUnavailable (a new service's row: state failed, error = the replica's last log
  // lines) when a replica exits or is not ready within ready_timeout_ms.
  Result<ServiceView> Deploy(const std::string& name, const registry::ModelRef& model,
                             const ServiceOptions& options);

  // Rolls a ready service to `model` (canary_percent 0), or starts `model` as a canary
  // with canary_percent (1..100) of the requests. kFailedPrecondition while a canary
  // runs (promote or roll back first). When a new replica fails, a rolling update
  // rolls back to the version it came from and returns the failure.
  Result<ServiceView> Update(const std::string& name, const registry::ModelRef& model,
                             int canary_percent);
  // Canary → stable: scales the canary to the service's replica count, sends it all
  // traffic, stops the old replicas. kFailedPrecondition without a canary.
  Result<ServiceView> Promote(const std::string& name);
  // Drops the canary: all traffic back to the stable version, canary replicas stopped.
  Result<ServiceView> Rollback(const std::string& name);

  // Stops every replica (drained first) and marks the row "stopped" (kept).
  // kNotFound for an unknown service.
  Status Stop(const std::string& name);

  // The live view of a service (from the store when this manager does not run it).
  Result<ServiceView> Get(const std::string& name);
  // The counters of each ready replica of a service this manager runs, by replica id
  // (replica_app.h's GET .../stats: inference_count, input_warnings, refused_inputs);
  // a replica that does not answer within a second is left out.
  std::map<std::string, Json> ReplicaStats(const std::string& name);
  Result<std::vector<ServiceView>> List();

  // Sends method/path/body to one of the service's replicas; `path` is the path under
  // the replica, e.g. "/v2/models/<name>/infer" (a query string may follow). Any HTTP
  // status from a replica is returned as is. A replica that refuses the connection is
  // tried no more and the request goes to another (nothing was sent); one that took the
  // request and then died or dropped it gives 502 {"error": names replica and reason,
  // "replica": id}, never retried (service_manager_router.h, ForwardFailure).
  // kNotFound for an unknown service, kUnavailable when no replica is ready or none
  // accepts the connection.
  Result<http::Response> Forward(const std::string& service_name, const std::string& method,
                                 const std::string& path, const std::string& body);

  // On server start: every stored service that was serving (ready, starting or
  // updating) is taken over: replicas that still run and answer are adopted, dead
  // ones started again (restarts + 1), an interrupted rollout is finished. No row is
  // deleted. Returns kUnavailable listing the services that failed.
  Status RestoreAll();

  // One watchdog pass: replicas whose process ended are started again on a new port
  // (restarts + 1). Services busy with another operation are left for the next pass.
  Status CheckReplicas();
  // Runs CheckReplicas every `interval_ms` on a thread until the manager is destroyed.
  void StartWatchdog(int64_t interval_ms);

  // Stops every replica this manager runs. Rows stay as they are, so the next
  // server's RestoreAll starts them again.
  void StopAll();

 private:
  struct LiveReplica {
    store::ReplicaRecord rec;
    std::shared_ptr<std::atomic<int>> in_flight = std::make_shared<std::atomic<int>>(0);
    bool replace = false;  // outdated options: a rolling update replaces it
  };
  struct LiveService {
    store::ServiceRecord row;
    store::ServiceSpecRecord spec;
    std::vector<LiveReplica> replicas;
    std::shared_ptr<TrafficRouter> router = std::make_shared<TrafficRouter>();
    int last_id = 0;  // highest replica number handed out: ids are never reused
  };
  // A replica process that was started and is not known to be ready yet.
  struct Starting {
    store::ReplicaRecord rec;
    ProcessHandle handle;
    std::string log_file;
    uintmax_t log_offset = 0;
    std::string port_file;
  };

  // --- replicas (service_manager_replicas.cc) ---
  Result<Starting> StartReplica(const std::string& service, const store::ServiceSpecRecord& spec,
                                store::ReplicaRecord rec);
  // Waits until the started replica answers ready; fills host/port/state. On failure the
  // process is gone and the Status says why (with the log's tail).
  Result<store::ReplicaRecord> AwaitReady(Starting started);
  // Puts `rec` in the service's replicas in memory (replacing one with its id), so the
  // next Save records it.
  void PutLive(const std::string& service, const store::ReplicaRecord& rec);
  // A process left by a crash between recording a replica's start and its pid: found
  // by the --port-file its command line names, and stopped. Returns whether one was.
  bool StopUntracked(const std::string& service, const std::string& id);
  Result<store::ReplicaRecord> Launch(const std::string& service,
                                      const store::ServiceSpecRecord& spec,
                                      store::ReplicaRecord rec);
  bool Ready(const std::string& host, int port);
  bool WaitExit(const ProcessHandle& handle, int64_t ms);
  void Terminate(const ProcessHandle& handle);
  void ReleaseAllocation(const std::string& service, const std::string& replica_id);
  std::string ReplicaDir(const std::string& service, const std::string& id) const;

  // --- rollout steps (service_manager_rollout.cc) ---
  // Brings `track` ("stable" or "canary") to `count` replicas of `version` of
  // `model`: start one, then retire one that does not fit, until all fit.
  Status RollTrack(const std::string& name, const std::string& track, const std::string& model,
                   int version, int count);
  // Adds a new replica of the track's version and puts it in the rotation (stored).
  Status AddReplica(const std::string& name, const std::string& track, const std::string& model,
                    int version, int restarts = 0);
  // Takes replica `id` out of the rotation (stored), waits for its requests in flight,
  // stops it and forgets it (stored).
  Status RetireReplica(const std::string& name, const std::string& id);
  // Retires every replica in state draining.
  Status RetireDraining(const std::string& name);
  // Writes the service's row, spec and replicas as they are in memory.
  Status Save(const std::string& name);
  std::string NextReplicaId(const LiveService& s) const;
  // 7 for "r7"; 0 for anything else.
  static int ReplicaNumber(const std::string& id);

  bool Claim(const std::string& name);
  void Release(const std::string& name);
  Result<store::ModelVersionRecord> Resolve(const registry::ModelRef& ref);
  // Loads a stored service into memory, adopting or restarting its replicas.
  Status Restore(const store::ServiceRecord& row);
  void SetState(const std::string& name, const std::string& state, const std::string& error);
  ServiceView ViewOf(const LiveService& s) const;

  const ServiceManagerOptions options_;
  store::Store& store_;
  store::ArtifactStore& artifacts_;
  Launcher& launcher_;
  Clock& clock_;

  std::mutex mu_;
  std::map<std::string, LiveService> services_;  // the services this manager runs
  std::set<std::string> busy_;                   // names with an operation in progress

  std::atomic<bool> stopping_{false};
  PeriodicWorker watchdog_;
};

// "http://host:port" of a replica listening on `host` (loopback for a wildcard address).
std::string ReplicaBaseUrl(const std::string& host, int port);

}  // namespace tandem::serving
