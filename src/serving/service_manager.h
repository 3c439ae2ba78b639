#pragma once
// Services: a model version served by a replica process (replica.h) that this
// manager starts through the Launcher, watches until ready, records in the store, and
// forwards requests to. Files of service NAME live in <data_dir>/services/NAME/:
// meta.json (the model artifact's meta), port (written by the replica), replica.log.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/launcher.h"
#include "core/status.h"
#include "http/http.h"
#include "store/artifact_store.h"
#include "store/records.h"
#include "store/store.h"

namespace tandem::serving {

struct ServiceManagerOptions {
  std::string data_dir;
  // The program and leading arguments that start a replica, e.g. {"/path/tandem",
  // "replica"}; the flags of ReplicaArgs (replica.h) are appended.
  std::vector<std::string> replica_command;
  std::string host = "127.0.0.1";  // where replicas listen
  int ready_timeout_ms = 30000;    // from start until /v2/health/ready answers 200
};

// Thread-safe: one mutex guards the in-memory table and is never held while waiting
// for a replica. Calls on the same service name are not run concurrently: a Deploy or
// Stop that finds another one in progress for that name gets kFailedPrecondition.
// The destructor leaves replicas running (a crashed server's replicas are adopted by
// RestoreAll); call StopAll on a graceful shutdown.
class ServiceManager {
 public:
  // All references must outlive the manager.
  ServiceManager(ServiceManagerOptions options, store::Store& store,
                 store::ArtifactStore& artifacts, Launcher& launcher, Clock& clock);

  // Deploys model `model` at `version` (0 = latest) as service `service_name`, whose
  // replica answers under /v2/models/<service_name>/. A service of that name is
  // replaced: the new replica is up and ready before the old one is stopped; if the
  // new one fails, the old one keeps serving and its row is left as it was.
  // Errors: kInvalidArgument for a bad name; kNotFound "model 'x' has no version 3";
  // kUnavailable (row state "failed", error = the replica's last log lines) when the
  // replica exits or is not ready within ready_timeout_ms (it is killed).
  Result<store::ServiceRecord> Deploy(const std::string& model, int version,
                                      const std::string& service_name);

  // On server start: every stored service in state ready (or starting, left by a
  // crash mid-deploy) whose replica still runs and answers is adopted; any other is
  // started again on a new port and its row updated (state failed when that fails).
  // No row is ever deleted. Returns kUnavailable listing the services that failed.
  Status RestoreAll();

  // Stops the replica (SIGTERM, SIGKILL after 3 s) and marks the row "stopped" (kept).
  // kNotFound for an unknown service.
  Status Stop(const std::string& name);

  // Sends method/path/body to the service's replica; `path` is the path under the
  // replica, e.g. "/v2/models/<name>/infer" (a query string may follow). Any HTTP
  // status from the replica is returned as is. kNotFound for an unknown service,
  // kUnavailable when it is not ready or its replica does not answer.
  Result<http::Response> Forward(const std::string& service_name, const std::string& method,
                                 const std::string& path, const std::string& body);

  // Stops every replica this manager started or adopted. Rows stay "ready", so the
  // next server's RestoreAll starts them again.
  void StopAll();

 private:
  struct Replica {
    ProcessHandle handle;
    std::string host;
    int port = 0;
  };

  // Writes the service's files, starts a replica of `mv` and waits until it is ready.
  // On failure the process is gone and the Status says why (with the log's tail).
  Result<Replica> Launch(const store::ModelVersionRecord& mv, const std::string& name);
  bool Ready(const std::string& host, int port);
  // True once the process has ended (reaped), waiting up to `ms`.
  bool WaitExit(const ProcessHandle& handle, int64_t ms);
  void Terminate(const ProcessHandle& handle);
  // Claims `name` for one Deploy/Restore/Stop at a time; false when already claimed.
  bool Claim(const std::string& name);
  void Release(const std::string& name);
  std::string ServiceDir(const std::string& name) const;

  const ServiceManagerOptions options_;
  store::Store& store_;
  store::ArtifactStore& artifacts_;
  Launcher& launcher_;
  Clock& clock_;

  std::mutex mu_;
  std::map<std::string, Replica> replicas_;  // services that are ready, by name
  std::set<std::string> busy_;               // names with a call in progress
};

}  // namespace tandem::serving
