#include "operators/task_contract.h"

#include <cstdlib>
#include <filesystem>

#include "core/fs.h"

namespace tandem::operators {
namespace {

constexpr const char* kTaskFile = "task.json";
constexpr const char* kOutputsFile = "outputs.json";

Result<Json> GetObjectOr(const Json& j, const std::string& key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Json::object();
  if (!it->is_object()) return InvalidArgument(JoinPath(path, key) + ": expected an object");
  return *it;
}

}  // namespace

Json TaskSpecToJson(const TaskSpec& spec) {
  Json inputs = Json::object();
  for (const auto& [port, in] : spec.inputs) {
    inputs[port] = {{"path", in.path}, {"digest", in.digest}, {"type", in.type}, {"meta", in.meta}};
  }
  Json outputs = Json::object();
  for (const auto& [port, out] : spec.outputs) {
    outputs[port] = {{"dir", out.dir}, {"type", out.type}};
  }
  return {{"run_id", spec.run_id},
          {"task_id", spec.task_id},
          {"node", spec.node},
          {"attempt", spec.attempt},
          {"operator", {{"name", spec.operator_name}, {"version", spec.operator_version}}},
          {"params", spec.params},
          {"inputs", inputs},
          {"outputs", outputs},
          {"allocation", spec.allocation},
          {"environment", spec.environment}};
}

Result<TaskSpec> TaskSpecFromJson(const Json& j) {
  const std::string root = "task.json";
  if (!j.is_object()) return InvalidArgument(root + ": expected an object");
  TaskSpec spec;
  ASSIGN_OR_RETURN(spec.run_id, GetStringOr(j, "run_id", "", root));
  ASSIGN_OR_RETURN(spec.task_id, GetStringOr(j, "task_id", "", root));
  ASSIGN_OR_RETURN(spec.node, GetStringOr(j, "node", "", root));
  ASSIGN_OR_RETURN(int64_t attempt, GetIntOr(j, "attempt", 1, root));
  spec.attempt = static_cast<int>(attempt);
  ASSIGN_OR_RETURN(Json op, GetObjectOr(j, "operator", root));
  ASSIGN_OR_RETURN(spec.operator_name, GetString(op, "name", root + ".operator"));
  ASSIGN_OR_RETURN(int64_t version, GetIntOr(op, "version", 1, root + ".operator"));
  spec.operator_version = static_cast<int>(version);
  ASSIGN_OR_RETURN(spec.params, GetObjectOr(j, "params", root));
  ASSIGN_OR_RETURN(Json inputs, GetObjectOr(j, "inputs", root));
  for (const auto& [port, in] : inputs.items()) {
    std::string path = root + ".inputs." + port;
    InputArtifact a;
    ASSIGN_OR_RETURN(a.path, GetString(in, "path", path));
    ASSIGN_OR_RETURN(a.digest, GetStringOr(in, "digest", "", path));
    ASSIGN_OR_RETURN(a.type, GetStringOr(in, "type", "", path));
    ASSIGN_OR_RETURN(a.meta, GetObjectOr(in, "meta", path));
    spec.inputs[port] = std::move(a);
  }
  ASSIGN_OR_RETURN(Json outputs, GetObjectOr(j, "outputs", root));
  for (const auto& [port, out] : outputs.items()) {
    std::string path = root + ".outputs." + port;
    OutputSlot s;
    ASSIGN_OR_RETURN(s.dir, GetString(out, "dir", path));
    ASSIGN_OR_RETURN(s.type, GetStringOr(out, "type", "", path));
    spec.outputs[port] = std::move(s);
  }
  ASSIGN_OR_RETURN(spec.allocation, GetObjectOr(j, "allocation", root));
  ASSIGN_OR_RETURN(spec.environment, GetStringOr(j, "environment", "train", root));
  return spec;
}

Json TaskOutputsToJson(const TaskOutputs& out) {
  Json outputs = Json::object();
  for (const auto& [port, f] : out.outputs) outputs[port] = {{"file", f.file}, {"meta", f.meta}};
  Json j = {{"outputs", outputs}, {"metrics", out.metrics}};
  if (!out.register_model.is_null()) j["register"] = out.register_model;
  return j;
}

Result<TaskOutputs> TaskOutputsFromJson(const Json& j) {
  const std::string root = "outputs.json";
  if (!j.is_object()) return InvalidArgument(root + ": expected an object");
  TaskOutputs out;
  ASSIGN_OR_RETURN(Json outputs, GetObjectOr(j, "outputs", root));
  for (const auto& [port, f] : outputs.items()) {
    std::string path = root + ".outputs." + port;
    OutputFile file;
    ASSIGN_OR_RETURN(file.file, GetString(f, "file", path));
    ASSIGN_OR_RETURN(file.meta, GetObjectOr(f, "meta", path));
    out.outputs[port] = std::move(file);
  }
  ASSIGN_OR_RETURN(out.metrics, GetObjectOr(j, "metrics", root));
  auto reg = j.find("register");
  if (reg != j.end() && !reg->is_null()) {
    if (!reg->is_object()) return InvalidArgument(root + ".register: expected an object");
    out.register_model = *reg;
  }
  return out;
}

Status WriteTaskSpec(const std::string& task_dir, const TaskSpec& spec) {
  // Not flushed to disk: only the task reads it, and a power cut that could lose it
  // ends the task too (the next server start runs a new attempt with a new task.json).
  return WriteFileAtomic(std::filesystem::path(task_dir) / kTaskFile, TaskSpecToJson(spec).dump(2),
                         FileSync::kPageCacheOnly);
}

Result<TaskSpec> ReadTaskSpec(const std::string& task_dir) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(std::filesystem::path(task_dir) / kTaskFile));
  ASSIGN_OR_RETURN(Json j, ParseJson(text, kTaskFile));
  return TaskSpecFromJson(j);
}

Status WriteTaskOutputs(const std::string& task_dir, const TaskOutputs& out) {
  return WriteFileAtomic(std::filesystem::path(task_dir) / kOutputsFile,
                         TaskOutputsToJson(out).dump(2));
}

Result<TaskOutputs> ReadTaskOutputs(const std::string& task_dir) {
  auto path = std::filesystem::path(task_dir) / kOutputsFile;
  if (!std::filesystem::exists(path)) return NotFound("the operator wrote no outputs.json");
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(Json j, ParseJson(text, kOutputsFile));
  return TaskOutputsFromJson(j);
}

bool ParseProgressLine(const std::string& line, double* fraction, std::string* message) {
  static const std::string kPrefix = "progress ";
  if (line.rfind(kPrefix, 0) != 0) return false;
  const char* start = line.c_str() + kPrefix.size();
  char* end = nullptr;
  double f = std::strtod(start, &end);
  if (end == start || !(f >= 0 && f <= 1)) return false;
  while (*end == ' ') ++end;
  *fraction = f;
  *message = end;
  return true;
}

}  // namespace tandem::operators
