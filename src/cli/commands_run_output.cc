// `tandem run output RUN NODE [PORT] [-o FILE]`: a task's output ports, or the artifact
// of one port streamed to a file or stdout (GET /api/v1/artifacts/{digest}).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "cli/transfer_progress.h"
#include "core/fs.h"
#include "core/sha256.h"

namespace tandem::cli {
namespace {

// The task of `node` in the run, or kNotFound naming the nodes there are.
Result<Json> FindTask(const ApiClient& api, const std::string& run, const std::string& node) {
  ASSIGN_OR_RETURN(Json r, api.Get("/api/v1/runs/" + UrlEncode(run)));
  std::string nodes;
  for (const auto& t : r["tasks"]) {
    if (t["node"] == node) return t;
    nodes += (nodes.empty() ? "" : ", ") + t["node"].get<std::string>();
  }
  return NotFound("run " + run + " has no node '" + node + "' (nodes: " + nodes + ")");
}

// Output ports of the task (the engine's "_metrics" and "_registered" are not ports).
Result<Json> OutputPorts(const Json& task, const std::string& node) {
  Json ports = Json::object();
  if (task.contains("outputs") && task["outputs"].is_object()) {
    for (const auto& [port, out] : task["outputs"].items()) {
      if (!port.empty() && port[0] != '_' && out.is_object() && out.contains("digest")) {
        ports[port] = out;
      }
    }
  }
  if (ports.empty()) {
    return NotFound("node '" + node + "' is " + task.value("state", "unknown") +
                    " and has no outputs");
  }
  return ports;
}

bool IsText(const std::string& content_type) {
  return content_type.rfind("text/", 0) == 0 || content_type == "application/json";
}

int ListPorts(const ApiClient& api, const Json& ports) {
  TextTable table({"PORT", "TYPE", "SIZE", "DIGEST"});
  for (const auto& [port, out] : ports.items()) {
    const std::string digest = out["digest"].get<std::string>();
    auto meta = api.Get("/api/v1/artifacts/" + digest + "/meta");
    if (!meta.ok()) return Fail(meta.status());
    table.Add({port, out.value("type", "-"), FormatBytes((*meta)["size"].get<uint64_t>()), digest});
  }
  table.Print(std::cout);
  return 0;
}

// Writes every byte or reports why not.
Status WriteAll(int fd, const char* data, size_t n, const std::string& where) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return IoError("cannot write " + where + ": " + std::strerror(errno));
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Streams the artifact to `out_file` (through a temp name renamed at the end, and
// checked against the digest) or, when it is "" or "-", to stdout.
int WriteArtifact(const ApiClient& api, const std::string& digest, const std::string& port,
                  const std::string& out_file, bool raw) {
  auto meta = api.Get("/api/v1/artifacts/" + digest + "/meta");
  if (!meta.ok()) return Fail(meta.status());
  // A table is written as CSV, for people and their tools; --raw gives the stored bytes
  // (whose sha256 is the digest, checked below).
  const bool as_csv = !raw && (*meta)["kind"] == "table";
  const std::string type = as_csv ? "text/csv" : (*meta)["content_type"].get<std::string>();
  const std::string source = "/api/v1/artifacts/" + digest + (as_csv ? "/csv" : "");
  const bool to_stdout = out_file.empty() || out_file == "-";
  if (to_stdout && !IsText(type) && ::isatty(STDOUT_FILENO) == 1) {
    return Fail(InvalidArgument("port " + port + " holds a " + (*meta)["kind"].get<std::string>() +
                                " (" + type + "), not text: give -o FILE or redirect stdout"));
  }
  std::string part;
  int fd = STDOUT_FILENO;
  if (!to_stdout) {
    part = out_file + ".part";
    fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Fail(IoError("cannot create '" + part + "': " + std::strerror(errno)));
  }
  const std::string where = to_stdout ? "stdout" : "'" + part + "'";
  TransferProgress progress("downloading", to_stdout ? port : out_file);
  auto resp = api.Download(
      source,
      [&](const char* data, size_t n) { return WriteAll(fd, data, n, where); },
      progress.Callback());
  if (to_stdout) {
    if (!resp.ok()) return Fail(resp.status());
    return 0;
  }
  Status closed = ::close(fd) == 0 ? Status::Ok()
                                   : IoError("cannot close '" + part + "': " + std::strerror(errno));
  auto cleanup = [&](const Status& st) {
    std::error_code ignored;
    fs::remove(part, ignored);
    return Fail(st);
  };
  if (!resp.ok()) return cleanup(resp.status());
  if (!closed.ok()) return cleanup(closed);
  if (!as_csv) {
    auto sum = Sha256File(part);
    if (!sum.ok()) return cleanup(sum.status());
    if (*sum != digest) {
      return cleanup(IoError("downloaded content has sha256 " + *sum + ", expected " + digest));
    }
  }
  std::error_code ec;
  fs::rename(part, out_file, ec);
  if (ec) return cleanup(IoError("cannot rename '" + part + "' to '" + out_file + "': " + ec.message()));
  progress.Finish("wrote");
  return 0;
}

}  // namespace

int RunOutput(const ApiClient& api, const std::string& run, const std::string& node,
              const std::string& port, const std::string& out_file, bool raw) {
  auto task = FindTask(api, run, node);
  if (!task.ok()) return Fail(task.status());
  auto ports = OutputPorts(*task, node);
  if (!ports.ok()) return Fail(ports.status());
  if (port.empty()) return ListPorts(api, *ports);
  if (!ports->contains(port)) {
    std::string names;
    for (const auto& [name, out] : ports->items()) names += (names.empty() ? "" : ", ") + name;
    return Fail(NotFound("node '" + node + "' has no output port '" + port + "' (ports: " +
                         names + ")"));
  }
  return WriteArtifact(api, (*ports)[port]["digest"].get<std::string>(), port, out_file, raw);
}

void AddRunOutputCommand(CLI::App& run, CliContext& ctx) {
  struct Opts { std::string id, node, port, out; bool raw = false; };
  auto o = std::make_shared<Opts>();
  auto* output = run.add_subcommand(
      "output", "A task's output ports, or one port's artifact: output RUN NODE [PORT] [-o FILE]");
  output->add_option("run", o->id, "Run id")->required();
  output->add_option("node", o->node, "Node of the pipeline")->required();
  output->add_option("port", o->port, "Output port (default: list the ports)");
  output->add_option("-o,--output", o->out, "Write the artifact here [stdout]");
  output->add_flag("--raw", o->raw, "A table as stored (TTB1), not as CSV");
  output->callback([&ctx, o] {
    ctx.exit_code = RunOutput(ctx.Api(), o->id, o->node, o->port, o->out, o->raw);
  });
}

}  // namespace tandem::cli
