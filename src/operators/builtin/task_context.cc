#include "operators/builtin/builtin.h"

#include <cstdio>
#include <filesystem>
#include <ostream>

namespace tandem::operators::builtin {

TaskContext::TaskContext(TaskSpec spec, Json params, std::ostream& progress)
    : spec_(std::move(spec)), params_(std::move(params)), progress_(progress) {}

void TaskContext::Progress(double fraction, const std::string& message) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.3f", fraction);
  // endl flushes: the engine reads progress while the task runs.
  progress_ << "progress " << text << " " << message << std::endl;
}

Result<InputArtifact> TaskContext::Input(const std::string& port) const {
  auto it = spec_.inputs.find(port);
  if (it == spec_.inputs.end()) {
    return InvalidArgument("inputs." + port + ": the task has no input on this port");
  }
  return it->second;
}

Result<std::string> TaskContext::AddOutput(const std::string& port, const std::string& file,
                                           Json meta) {
  auto it = spec_.outputs.find(port);
  if (it == spec_.outputs.end()) {
    return InvalidArgument("outputs." + port + ": the task has no output on this port");
  }
  std::error_code ec;
  std::filesystem::create_directories(it->second.dir, ec);
  if (ec) return IoError("cannot create '" + it->second.dir + "': " + ec.message());
  outputs_.outputs[port] = OutputFile{file, std::move(meta)};
  return (std::filesystem::path(it->second.dir) / file).string();
}

}  // namespace tandem::operators::builtin
