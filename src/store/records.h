#pragma once
// The rows of the metadata store, as plain structs. Json columns hold documents whose
// shape belongs to the module that writes them (see each field's comment).
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/json.h"

namespace tandem::store {

// Run and task states (DESIGN.md). Terminal: succeeded, failed, cancelled, cached, skipped.
namespace state {
inline constexpr const char* kPending = "pending";
inline constexpr const char* kQueued = "queued";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kSucceeded = "succeeded";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kCancelled = "cancelled";
inline constexpr const char* kCached = "cached";
inline constexpr const char* kSkipped = "skipped";
bool IsTerminal(const std::string& s);
}  // namespace state

struct ArtifactRecord {
  std::string digest;      // sha256 hex of the content; the primary key
  int64_t size = 0;
  std::string kind;        // table | model | metrics | report | file
  Json meta = Json::object();
  TimeMs created_ms = 0;
};

struct DatasetRecord {
  std::string id;
  std::string name;
  int version = 0;          // assigned by CreateDatasetVersion: 1, 2, ...
  std::string artifact_digest;   // the table (CSV with header) in the artifact store
  Json schema = Json::object();  // data module's table schema: columns, label, task, classes
  int64_t rows = 0;
  std::string source;       // where it came from (file name as given)
  TimeMs created_ms = 0;
};

struct OperatorRecord {
  std::string name;
  int version = 0;
  std::string state;        // draft | tested | published | deprecated
  std::string runtime;      // builtin | python | exec
  Json manifest = Json::object();
  std::string digest;       // digest of manifest + code; part of cache keys
  TimeMs created_ms = 0;
};

struct PipelineRecord {
  std::string id;
  std::string name;
  int version = 0;          // a new version only when the spec text changes
  std::string spec;         // the YAML as submitted
  std::string digest;       // sha256 of spec
  TimeMs created_ms = 0;
};

struct RunRecord {
  std::string id;
  std::string pipeline_id;
  std::string pipeline_name;
  int pipeline_version = 0;
  std::string state;        // pending | running | succeeded | failed | cancelled
  std::string error;        // why it failed, for people
  Json params = Json::object();
  TimeMs created_ms = 0;
  TimeMs started_ms = 0;
  TimeMs finished_ms = 0;
};

struct TaskRecord {
  std::string id;
  std::string run_id;
  std::string node;         // node name in the pipeline
  std::string operator_name;
  int operator_version = 0;
  std::string state;
  int attempt = 0;          // 1 for the first try
  Json params = Json::object();    // resolved params as given to the operator
  Json inputs = Json::object();    // port -> {"digest", "type", "from": "node.port"}; "dataset" -> pinned dataset
  Json outputs = Json::object();   // port -> {"digest","type","meta"}; "_metrics"; "_registered"
  std::string task_dir;     // relative to the data dir
  int pid = 0;
  uint64_t start_ticks = 0;
  int exit_code = 0;
  std::string error;
  double progress = 0;
  std::string message;      // last progress message
  TimeMs started_ms = 0;
  TimeMs finished_ms = 0;
  std::string cache_key;    // sha256 hex (workflow/cache_key.h); "" = not cacheable
};

struct ModelVersionRecord {
  std::string model_name;
  int version = 0;          // assigned by CreateModelVersion
  std::string artifact_digest;
  std::string format;       // xgboost | torchscript | python
  Json signature = Json::object();  // inputs/outputs: names, datatypes, shapes; classes
  Json metrics = Json::object();
  Json lineage = Json::object();    // run_id, pipeline, dataset {name, version}, task
  TimeMs created_ms = 0;
};

struct ModelSummary {
  std::string name;
  int latest_version = 0;
  int version_count = 0;
  TimeMs created_ms = 0;
};

struct ServiceRecord {
  std::string name;
  std::string model_name;
  int model_version = 0;
  std::string state;        // starting | ready | failed | stopped
  std::string host;
  int port = 0;
  int pid = 0;
  uint64_t start_ticks = 0;
  std::string error;
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
};

}  // namespace tandem::store
