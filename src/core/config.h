#pragma once
// Server configuration: built-in defaults, overridden by a YAML file, overridden by
// command-line flags. Every default works with no file at all.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem {

struct Config {
  std::string data_dir = "./tandem-data";    // everything Tandem writes lives here
  std::string listen = "127.0.0.1:8080";     // host:port of the REST API
  std::string log_level = "info";
  std::string python = "/usr/bin/python3";   // for python operators and tools
  int max_parallel_tasks = 2;                // local executor slots
  std::string replica_host = "127.0.0.1";    // where service replicas listen
  // The only folder whose files csv-import may read in pipelines ("" = <data_dir>/imports).
  std::string import_dir;
  // The compute the scheduler hands out (resources/inventory.h): null = this machine as
  // probed (/proc, NVML); else a declared cluster in scheduler/cluster_config.h's format
  // (nodes with CPUs, memory, GPUs and environments; oversubscription; quotas).
  Json cluster;
  // The placement policy (scheduler/policy.h): best-fit, fgd, swarm, ...
  std::string scheduler_policy = "best-fit";
  // The largest upload (dataset import body) the API accepts; it streams to a temp file
  // under <data_dir>/uploads, so this bounds disk use, not memory.
  int64_t max_upload_bytes = int64_t{4} << 30;
  // Request body limits of the API by route class (http/http.h), each answered with a 413
  // naming the setting before the body is read: JSON/YAML control routes and run
  // submits; inference (/v2/models/...); operator archives (check, publish).
  int64_t max_body_bytes = int64_t{16} << 20;
  int64_t max_inference_body_bytes = int64_t{64} << 20;
  int64_t max_archive_bytes = int64_t{256} << 20;
  // Connections: one waiting this long for its next request is closed; at
  // max_connections open, the one idle longest is closed for a new one.
  int idle_timeout_s = 60;
  int max_connections = 10000;
  // Host and Origin checks (http/origin_check.h): other names this server is reached
  // under ("name" or "name:port"), and other origins whose pages may POST to it.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  // `tandem gc` (store/gc.h), from the `gc:` mapping (keep_runs_days, grace_minutes):
  // finished runs older than this many days are deleted (0 = keep every run) unless a
  // model or dataset refers to them; artifacts written in the last grace_minutes stay.
  int gc_keep_runs_days = 0;
  int gc_grace_minutes = 60;
};

// Applies the keys found in the YAML file at `path` over `base`. Unknown keys and
// wrong types are errors naming the key ("config.yaml: max_parallel_tasks: ...").
Result<Config> LoadConfigFile(const std::string& path, Config base = {});

// Splits "host:port"; the port must be 0..65535.
Status ParseHostPort(const std::string& text, std::string* host, int* port);

}  // namespace tandem
