#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/digits.h"
#include "core/yaml_json.h"

namespace tandem {

namespace {

// gc: {keep_runs_days: N, grace_minutes: M}
Status ApplyGcSettings(const std::string& path, const YAML::Node& gc, Config* config) {
  if (!gc.IsMap()) return InvalidArgument(path + ": gc: expected a mapping (keep_runs_days, grace_minutes)");
  for (const auto& kv : gc) {
    const std::string key = kv.first.as<std::string>();
    int* field = key == "keep_runs_days" ? &config->gc_keep_runs_days
                 : key == "grace_minutes" ? &config->gc_grace_minutes : nullptr;
    if (field == nullptr) return InvalidArgument(path + ": gc." + key + ": unknown setting");
    try {
      *field = kv.second.as<int>();
    } catch (const YAML::Exception&) {
      return InvalidArgument(path + ": gc." + key + ": expected a whole number");
    }
    if (*field < 0) return InvalidArgument(path + ": gc." + key + ": must be >= 0");
  }
  return Status::Ok();
}

}  // namespace

Result<Config> LoadConfigFile(const std::string& path, Config base) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFound("config file '" + path + "' cannot be read");
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  if (root.IsNull()) return base;
  if (!root.IsMap()) return InvalidArgument(path + ": expected a mapping of settings");
  static const std::set<std::string> kKnown = {"data_dir", "listen", "log_level", "python",
                                               "max_parallel_tasks", "replica_host",
                                               "import_dir", "cluster", "scheduler_policy",
                                               "max_upload_bytes", "max_body_bytes",
                                               "max_inference_body_bytes", "max_archive_bytes",
                                               "idle_timeout_s", "max_connections",
                                               "allowed_hosts", "allowed_origins"};
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "gc") {
      RETURN_IF_ERROR(ApplyGcSettings(path, kv.second, &base));
      continue;
    }
    if (!kKnown.count(key)) return InvalidArgument(path + ": " + key + ": unknown setting");
    try {
      if (key == "data_dir") base.data_dir = kv.second.as<std::string>();
      if (key == "listen") base.listen = kv.second.as<std::string>();
      if (key == "log_level") base.log_level = kv.second.as<std::string>();
      if (key == "python") base.python = kv.second.as<std::string>();
      if (key == "replica_host") base.replica_host = kv.second.as<std::string>();
      if (key == "import_dir") base.import_dir = kv.second.as<std::string>();
      if (key == "max_parallel_tasks") base.max_parallel_tasks = kv.second.as<int>();
      if (key == "scheduler_policy") base.scheduler_policy = kv.second.as<std::string>();
      if (key == "max_upload_bytes") base.max_upload_bytes = kv.second.as<int64_t>();
      if (key == "max_body_bytes") base.max_body_bytes = kv.second.as<int64_t>();
      if (key == "max_inference_body_bytes") base.max_inference_body_bytes = kv.second.as<int64_t>();
      if (key == "max_archive_bytes") base.max_archive_bytes = kv.second.as<int64_t>();
      if (key == "idle_timeout_s") base.idle_timeout_s = kv.second.as<int>();
      if (key == "max_connections") base.max_connections = kv.second.as<int>();
      if (key == "allowed_hosts") base.allowed_hosts = kv.second.as<std::vector<std::string>>();
      if (key == "allowed_origins") base.allowed_origins = kv.second.as<std::vector<std::string>>();
      if (key == "cluster") {
        if (!kv.second.IsMap()) return InvalidArgument(path + ": cluster: expected a mapping with nodes");
        base.cluster = YamlToJson(kv.second);
      }
    } catch (const YAML::Exception&) {
      return InvalidArgument(path + ": " + key + ": wrong type");
    }
  }
  for (auto [name, value] : {std::pair<const char*, int64_t>{"max_upload_bytes", base.max_upload_bytes},
                             {"max_body_bytes", base.max_body_bytes},
                             {"max_inference_body_bytes", base.max_inference_body_bytes},
                             {"max_archive_bytes", base.max_archive_bytes},
                             {"idle_timeout_s", base.idle_timeout_s},
                             {"max_connections", base.max_connections}}) {
    if (value < 1) return InvalidArgument(path + ": " + std::string(name) + ": must be >= 1");
  }
  if (base.max_parallel_tasks < 1) {
    return InvalidArgument(path + ": max_parallel_tasks: must be >= 1");
  }
  return base;
}

Status ParseHostPort(const std::string& text, std::string* host, int* port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("listen: '" + text + "' must be host:port");
  }
  auto parsed = ParseDigits(std::string_view(text).substr(colon + 1), 5);
  if (!parsed) return InvalidArgument("listen: port in '" + text + "' must be a number");
  int value = *parsed;
  if (value > 65535) return InvalidArgument("listen: port in '" + text + "' must be <= 65535");
  *host = text.substr(0, colon);
  *port = value;
  return Status::Ok();
}

}  // namespace tandem
