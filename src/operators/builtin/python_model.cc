#include "operators/builtin/python_model.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/fs.h"
#include "operators/tandem_op_py.h"  // generated: kTandemOpPy

extern char** environ;

namespace tandem::operators::builtin {
namespace {

namespace fs = std::filesystem;

// Removes the exchange folder however the call ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Runs argv to its end, its stdout on our stderr (a model's prints must not look like
// progress lines), stdin /dev/null. The exit status, or kInternal when it cannot start.
Result<int> RunToEnd(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 2, 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Internal("cannot start '" + argv[0] + "': " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Internal(std::string("waitpid: ") + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return Internal(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

std::string InputName(const Json& meta) {
  const Json sig = meta.value("signature", Json::object());
  if (sig.is_object() && sig.contains("inputs") && sig["inputs"].is_array() && !sig["inputs"].empty() &&
      sig["inputs"][0].is_object()) {
    return sig["inputs"][0].value("name", "input");
  }
  return "input";
}

}  // namespace

Result<ml::Prediction> PredictPythonModel(const std::string& model_path, const Json& meta,
                                          const ml::DenseMatrix& x,
                                          const std::vector<std::string>& classes) {
  ASSIGN_OR_RETURN(fs::path dir, MakeTempDir(fs::temp_directory_path(), "tandem-predict-"));
  TempDir cleanup{dir};
  Json rows = Json::array();
  for (size_t r = 0; r < x.rows; ++r) {
    Json row = Json::array();
    for (size_t c = 0; c < x.cols; ++c) {
      const float v = x.values[r * x.cols + c];
      row.push_back(std::isnan(v) ? Json(nullptr) : Json(v));
    }
    rows.push_back(std::move(row));
  }
  const fs::path in = dir / "in.json", out = dir / "out.json";
  RETURN_IF_ERROR(WriteFileAtomic(in, Json{{"input", InputName(meta)}, {"rows", rows}}.dump()));
  const std::string python = meta.value("python", "/usr/bin/python3");
  ASSIGN_OR_RETURN(int code, RunToEnd({python, "-c", kTandemOpPy, "predict", model_path,
                                       in.string(), out.string()}));
  auto text = ReadFile(out);
  if (!text.ok()) {
    return Internal("python model '" + model_path + "': " + python + " exited with code " +
                    std::to_string(code) + " and wrote no predictions (see stderr)");
  }
  ASSIGN_OR_RETURN(Json reply, ParseJson(*text, "python predictions"));
  if (reply.contains("error")) {
    return InvalidArgument("the python model cannot predict: " + reply["error"].dump());
  }
  const Json outputs = reply.value("outputs", Json::array());
  if (!outputs.is_array() || outputs.empty()) {
    return InvalidArgument("the python model's predict() returned no outputs");
  }
  const std::string wanted = classes.empty() ? "predictions" : "probabilities";
  Json chosen = outputs[0];
  for (const Json& o : outputs) {
    if (o.value("name", "") == wanted) chosen = o;
  }
  const Json shape = chosen.value("shape", Json::array());
  const Json data = chosen.value("data", Json::array());
  if (!shape.is_array() || shape.empty() || shape[0] != x.rows) {
    return InvalidArgument("the python model's output '" + chosen.value("name", "") + "' has shape " +
                           shape.dump() + " for " + std::to_string(x.rows) + " rows");
  }
  ml::Prediction p;
  p.rows = x.rows;
  p.width = x.rows ? data.size() / x.rows : 1;
  for (const Json& v : data) p.values.push_back(v.is_number() ? v.get<float>() : NAN);
  return p;
}

}  // namespace tandem::operators::builtin
