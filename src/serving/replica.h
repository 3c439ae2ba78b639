#pragma once
// A service replica: one process serving one model version over the KServe v2 REST
// protocol. The service manager starts it as
//   <replica_command...> --name N --version V --model-file F --meta-file M
//                        --host H --port 0 --port-file P
//                        [--threads N] [--batch-max N] [--batch-delay-us N]
//                        [--strict-inputs 1]
// (`tandem replica ...` in the real binary) and reads the bound port from P.
#include <cstddef>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem::serving {

struct ReplicaOptions {
  std::string name;          // the model name in the URLs: /v2/models/<name>/...
  int version = 0;           // the only version served: /v2/models/<name>/versions/<version>
  std::string model_path;    // the model file (format per the meta)
  std::string meta_path;     // the artifact's meta JSON (see backend.h)
  std::string host = "127.0.0.1";
  int port = 0;              // 0 = any free port
  std::string port_file;     // where the bound port is written once serving; "" = nowhere
  // Predictions (or batches) that run at once; each uses one compute thread (XGBoost,
  // libtorch). The python backend runs this many worker processes.
  int threads = 2;
  // Dynamic batching (batching_backend.h): rows per backend call; 1 = off.
  int batch_max = 1;
  int batch_delay_us = 500;  // how long the oldest request waits for others
  // Refuse (400) a request with raw values the model takes only by guessing
  // (Backend::CheckInputs) instead of answering it with warnings.
  bool strict_inputs = false;
  size_t max_body_bytes = 16 << 20;  // larger request bodies get 413
};

// The argv tail above for `options` (what ServiceManager appends to its command), and
// its inverse. Parse accepts the flags in any order, "--flag value" or "--flag=value";
// an unknown flag or a bad number is kInvalidArgument naming it.
std::vector<std::string> ReplicaArgs(const ReplicaOptions& options);
Result<ReplicaOptions> ParseReplicaArgs(const std::vector<std::string>& args);

// The HTTP threads a replica with these options runs (more when batching: a request
// waiting for its batch holds its thread).
int HttpThreads(const ReplicaOptions& options);

// Loads the model, serves until SIGTERM or SIGINT, then stops and returns Ok. A model
// that does not load, or a port that cannot be bound, returns the error at once (the
// CLI prints it to stderr and exits 1, so it lands in replica.log).
// REQUIRES: called from the main thread before other threads are started: it blocks
// SIGTERM/SIGINT in the calling thread so that every thread it starts inherits the
// mask, and waits for them with sigwait.
Status RunReplica(const ReplicaOptions& options);

// The replica role's main: ParseReplicaArgs (exit 2 on a bad flag), then RunReplica
// (exit 1 on failure), errors on stderr. `tandem replica ...` and the tests' replica
// binary both run this, so the command line the service manager writes (ReplicaArgs)
// is read by one function.
int ReplicaMain(const std::vector<std::string>& args);

}  // namespace tandem::serving
