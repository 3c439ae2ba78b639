#include "operators/runtime.h"

#include <cctype>
#include <filesystem>

#include "core/fs.h"
#include "operators/tandem_op_py.h"  // generated: kTandemOpPy

namespace tandem::operators {

namespace fs = std::filesystem;

namespace {

std::string EnvName(const std::string& prefix, const std::string& name) {
  std::string out = prefix;
  for (char c : name) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void AddTaskEnv(const TaskSpec& spec, std::map<std::string, std::string>& env) {
  for (const auto& [port, in] : spec.inputs) env[EnvName("TANDEM_INPUT_", port)] = in.path;
  for (const auto& [port, out] : spec.outputs) env[EnvName("TANDEM_OUTPUT_", port)] = out.dir;
  if (spec.params.is_object()) {
    for (const auto& [name, value] : spec.params.items()) {
      if (value.is_string()) env[EnvName("TANDEM_PARAM_", name)] = value.get<std::string>();
      else if (value.is_primitive() && !value.is_null()) env[EnvName("TANDEM_PARAM_", name)] = value.dump();
    }
  }
  env["TANDEM_PARAMS"] = spec.params.dump();
}

}  // namespace

Result<ProcessSpec> RuntimeProcess(const OperatorDef& def, const RuntimeConfig& runtime,
                                   const std::string& task_dir, const TaskSpec& spec) {
  ProcessSpec p;
  const std::string who = "operator '" + def.name + "@" + std::to_string(def.version) + "'";
  if (def.runtime == "builtin") {
    if (runtime.builtin_runner.empty()) return FailedPrecondition("no runner configured for builtin operators");
    p.argv = runtime.builtin_runner;
  } else if (def.runtime == "python" || def.runtime == "exec") {
    if (def.code_dir.empty() || def.entry.empty()) {
      return FailedPrecondition(who + ": its code folder is not available");
    }
    const std::string entry = (fs::path(def.code_dir) / def.entry).string();
    if (def.runtime == "python") {
      p.argv = {runtime.python, "-u", entry};
      if (!runtime.python_lib_dir.empty()) p.env["PYTHONPATH"] = runtime.python_lib_dir;
      p.env["PYTHONDONTWRITEBYTECODE"] = "1";  // published code folders stay as published
    } else {
      p.argv = {entry};
    }
  } else {
    return FailedPrecondition(who + ": unknown runtime '" + def.runtime + "'");
  }
  p.argv.push_back(task_dir);
  AddTaskEnv(spec, p.env);
  p.env["TANDEM_TASK_DIR"] = task_dir;
  p.cwd = task_dir;
  p.stdout_path = (fs::path(task_dir) / "stdout.log").string();
  p.stderr_path = (fs::path(task_dir) / "stderr.log").string();
  return p;
}

Status InstallPythonSupport(const std::string& dir) {
  const fs::path file = fs::path(dir) / "tandem_op.py";
  auto existing = ReadFile(file);
  if (existing.ok() && *existing == kTandemOpPy) return Status::Ok();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create '" + dir + "': " + ec.message());
  return WriteFileAtomic(file, kTandemOpPy);
}

}  // namespace tandem::operators
