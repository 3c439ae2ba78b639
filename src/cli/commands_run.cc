#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/dag_view.h"
#include "cli/text_table.h"
#include "core/fs.h"
#include "workflow/param_args.h"

namespace tandem::cli {
namespace {

bool IsTerminal(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

std::string Duration(const Json& t) {
  long long start = t.value("started_ms", 0LL), end = t.value("finished_ms", 0LL);
  if (start <= 0 || end <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2fs", (end - start) / 1000.0);
  return buf;
}

std::string Marker(const std::string& state) { return StateMarker(state); }

// Columns of the terminal on stdout; 100 when it is not one.
size_t TerminalWidth() {
  struct winsize w {};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col >= 40) return w.ws_col;
  return 100;
}

// The run's DAG (GET /api/v1/runs/ID/graph) with each node's state (dag_view.h).
std::string DrawRunDag(const Json& run, const Json& graph) {
  std::map<std::string, std::string> states;
  for (const auto& t : run["tasks"]) states[t["node"].get<std::string>()] = t["state"].get<std::string>();
  std::vector<DagNode> nodes;
  for (const auto& n : graph["nodes"]) {
    const std::string name = n["node"].get<std::string>();
    nodes.push_back({name, states[name], n["after"].get<std::vector<std::string>>()});
  }
  return DrawDag(nodes, TerminalWidth());
}

// "accuracy=0.9720 f1=0.9780" from a task's metrics, the scalar ones only.
std::string MetricsLine(const Json& metrics) {
  std::string out;
  for (const auto& [k, v] : metrics.items()) {
    if (!v.is_number()) continue;
    if (!out.empty()) out += " ";
    out += k + "=" + FormatNumber(v.get<double>());
  }
  return out;
}

const Json& TaskMetrics(const Json& task) {
  static const Json kEmpty = Json::object();
  const Json& outputs = task["outputs"];
  if (outputs.is_object() && outputs.contains("_metrics")) return outputs["_metrics"];
  return kEmpty;
}

void PrintTasks(const Json& run) {
  TextTable table({"", "NODE", "OPERATOR", "STATE", "ATTEMPT", "TIME", "DETAIL"});
  for (const auto& t : run["tasks"]) {
    std::string detail = t.value("error", "");
    if (detail.empty()) detail = MetricsLine(TaskMetrics(t));
    if (detail.empty() && t.value("state", "") == "running") detail = t.value("message", "");
    table.Add({Marker(t["state"]), t["node"], t["operator"].get<std::string>() + "@" +
               std::to_string(t["operator_version"].get<int>()), t["state"],
               std::to_string(t["attempt"].get<int>()), Duration(t), detail});
  }
  table.Print(std::cout);
}

}  // namespace

namespace {

// Ctrl-C during `run --wait` stops following, not the run: the message, written before
// the handler is installed, is all the handler needs (write and _exit are signal-safe).
std::string g_interrupt_message;

void OnInterrupt(int) {
  ssize_t n = write(STDERR_FILENO, g_interrupt_message.data(), g_interrupt_message.size());
  (void)n;
  _exit(130);
}

void ExplainInterruptOf(const std::string& id) {
  g_interrupt_message = "\nrun " + id + " goes on on the server; follow it with: tandem run show " + id +
                        " / tandem run logs " + id + " -f (tandem run cancel " + id + " stops it)\n";
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
}

// What `run --wait` printed of a task so far.
struct SeenTask {
  std::string key;      // state/attempt/progress last shown
  int failures = 0;     // attempts whose failure was shown
};

// Why attempt `attempt` of `node` failed, when the poll missed its pending state (a
// backoff shorter than the poll): the last line of that attempt's stderr.
std::string MissedFailure(const ApiClient& api, const std::string& run, const std::string& node,
                          int attempt) {
  auto log = api.Get("/api/v1/runs/" + run + "/logs?node=" + UrlEncode(node) +
                     "&attempt=" + std::to_string(attempt) + "&stream=stderr");
  std::string last;
  if (log.ok()) {
    std::istringstream lines((*log).value("data", ""));
    for (std::string line; std::getline(lines, line);) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    }
  }
  return last.empty() ? "" : ": " + last;
}

// The lines for a task whose state, attempt or progress changed since `seen`. A failed
// attempt that will be retried shows as pending with its error.
std::vector<std::string> TaskLines(const ApiClient& api, const std::string& run, const Json& t,
                                   SeenTask& seen) {
  const std::string node = t["node"];
  const std::string state = t["state"];
  const int attempt = t.value("attempt", 0);
  const int pct = static_cast<int>(t.value("progress", 0.0) * 100);
  const std::string key = state + "/" + std::to_string(attempt) + "/" + std::to_string(pct);
  if (seen.key == key) return {};
  seen.key = key;
  const std::string lead = "  " + node + ": ";
  const std::string error = t.value("error", "");
  if (state == "pending" && attempt >= 1 && !error.empty()) {
    seen.failures = attempt;
    return {lead + "attempt " + std::to_string(attempt) + " failed: " + error + "; " + t.value("message", "")};
  }
  std::vector<std::string> lines;
  for (int missed = seen.failures + 1; missed < attempt; ++missed) {
    lines.push_back(lead + "attempt " + std::to_string(missed) + " failed" + MissedFailure(api, run, node, missed));
  }
  seen.failures = std::max(seen.failures, attempt - 1);
  std::string line = lead + state;
  if (state == "running" && attempt > 1) line += " (attempt " + std::to_string(attempt) + ")";
  if (state == "running" && pct > 0) line += " " + std::to_string(pct) + "% " + t.value("message", "");
  if (state == "succeeded") {
    std::string m = MetricsLine(TaskMetrics(t));
    line += " (" + Duration(t) + ")" + (m.empty() ? "" : "  " + m);
  }
  if (state == "failed") line += ": " + error;
  lines.push_back(line);
  return lines;
}

// Follows run `id` until it ends: one line per task change. 0 only if it succeeded.
int FollowRun(const ApiClient& api, const std::string& id) {
  std::map<std::string, SeenTask> seen;
  while (true) {
    auto now = api.Get("/api/v1/runs/" + id);
    if (!now.ok()) return Fail(now.status());
    for (const auto& t : (*now)["tasks"]) {
      for (const auto& line : TaskLines(api, id, t, seen[t["node"].get<std::string>()])) {
        std::cout << line << "\n" << std::flush;
      }
    }
    std::string state = (*now)["state"];
    if (IsTerminal(state)) {
      std::cout << "run " << id << " " << state;
      if (!(*now).value("error", "").empty()) std::cout << ": " << (*now)["error"].get<std::string>();
      std::cout << "\n";
      return state == "succeeded" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

int RunSubmit(const ApiClient& api, const std::string& file, bool wait, bool no_cache,
              bool allow_drafts, const std::vector<std::string>& param_args) {
  auto spec = ReadFile(file);
  if (!spec.ok()) return Fail(spec.status());
  auto params = workflow::ParamsFromArgs(*spec, param_args);
  if (!params.ok()) return Fail(params.status());
  std::string path = "/api/v1/runs";
  if (no_cache) path += "?no_cache=1";
  if (allow_drafts) path += no_cache ? "&allow_drafts=1" : "?allow_drafts=1";
  // With params the pipeline travels in a JSON envelope (routes_runs.cc).
  auto run = params->empty()
                 ? api.Post(path, *spec, "application/yaml")
                 : api.Post(path, Json{{"pipeline", *spec}, {"params", *params}}.dump());
  if (!run.ok()) return Fail(run.status());
  std::string id = (*run)["id"];
  if (wait) ExplainInterruptOf(id);  // before the id shows: a Ctrl-C after it is explained
  std::cout << id << "\n" << std::flush;
  if (!wait) return 0;
  return FollowRun(api, id);
}

int RunShow(const ApiClient& api, const std::string& id) {
  auto run = api.Get("/api/v1/runs/" + id);
  if (!run.ok()) return Fail(run.status());
  const Json& r = *run;
  std::cout << "run " << r["id"].get<std::string>() << "  pipeline "
            << r["pipeline"].get<std::string>() << " v" << r["pipeline_version"] << "  "
            << r["state"].get<std::string>() << "\n";
  std::cout << "created " << FormatTime(r["created_ms"]) << "  finished "
            << FormatTime(r["finished_ms"]) << "\n";
  if (!r.value("error", "").empty()) std::cout << "error: " << r["error"].get<std::string>() << "\n";
  // A server without the graph route gets the table alone.
  auto graph = api.Get("/api/v1/runs/" + id + "/graph");
  if (graph.ok() && !graph->value("trigger", "").empty()) {
    std::cout << "trigger " << (*graph)["trigger"].get<std::string>() << "\n";
  }
  std::cout << "\n";
  if (graph.ok()) std::cout << DrawRunDag(r, *graph) << "\n";
  PrintTasks(r);
  return r["state"] == "failed" ? 1 : 0;
}

int RunList(const ApiClient& api, const std::string& pipeline, const std::string& state) {
  std::string path = "/api/v1/runs?pipeline=" + UrlEncode(pipeline) + "&state=" + UrlEncode(state);
  auto list = api.Get(path);
  if (!list.ok()) return Fail(list.status());
  TextTable table({"ID", "PIPELINE", "STATE", "CREATED", "FINISHED"});
  for (const auto& r : (*list)["runs"]) {
    table.Add({r["id"], r["pipeline"].get<std::string>() + " v" +
               std::to_string(r["pipeline_version"].get<int>()), r["state"],
               FormatTime(r["created_ms"]), FormatTime(r["finished_ms"])});
  }
  table.Print(std::cout);
  return 0;
}

int RunCancel(const ApiClient& api, const std::string& id) {
  auto run = api.Post("/api/v1/runs/" + id + "/cancel", "");
  if (!run.ok()) return Fail(run.status());
  std::cout << "run " << id << " " << (*run)["state"].get<std::string>() << "\n";
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddRunCommands(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string file, id, pipeline, state, node;
    std::vector<std::string> params;
    bool wait = false, no_cache = false, allow_drafts = false, follow = false, stderr_stream = false;
    int attempt = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* run = app.add_subcommand("run", "Run a pipeline: tandem run PIPELINE.yaml [--wait] [--param k=v]");
  run->add_option("pipeline", o->file, "Pipeline YAML file")->check(CLI::ExistingFile);
  run->add_flag("--wait", o->wait, "Follow progress; exit 0 only if the run succeeds");
  run->add_flag("--no-cache", o->no_cache, "Run every task, reusing no earlier result");
  run->add_flag("--allow-drafts", o->allow_drafts, "Accept draft (unpublished) operators, to try them");
  run->add_option("--param", o->params, "Pipeline param NAME=VALUE, read as its declared type (repeatable)");
  run->callback([&ctx, o, run] {
    if (!run->get_subcommands().empty()) return;  // a subcommand ran instead
    if (o->file.empty()) {
      ctx.exit_code = Fail(InvalidArgument("run: give a PIPELINE.yaml file"));
      return;
    }
    ctx.exit_code = RunSubmit(ctx.Api(), o->file, o->wait, o->no_cache, o->allow_drafts, o->params);
  });

  auto* show = run->add_subcommand("show", "Show a run and its tasks");
  show->add_option("id", o->id)->required();
  show->callback([&ctx, o] { ctx.exit_code = RunShow(ctx.Api(), o->id); });
  auto* list = run->add_subcommand("list", "List runs");
  list->add_option("--pipeline", o->pipeline);
  list->add_option("--state", o->state);
  list->callback([&ctx, o] { ctx.exit_code = RunList(ctx.Api(), o->pipeline, o->state); });
  auto* cancel = run->add_subcommand("cancel", "Cancel a run");
  cancel->add_option("id", o->id)->required();
  cancel->callback([&ctx, o] { ctx.exit_code = RunCancel(ctx.Api(), o->id); });
  auto* logs = run->add_subcommand("logs", "Print a run's task logs: logs ID [NODE] [-f]");
  logs->add_option("id", o->id)->required();
  logs->add_option("node", o->node, "Node of the pipeline (default: every node)");
  logs->add_flag("-f,--follow", o->follow, "Keep printing new output until finished");
  logs->add_option("--attempt", o->attempt, "Attempt of the node [latest]");
  logs->add_flag("--stderr", o->stderr_stream, "Print stderr instead of stdout");
  logs->callback([&ctx, o] {
    ctx.exit_code = RunLogs(ctx.Api(), o->id, o->node, o->follow, o->attempt, o->stderr_stream);
  });
  AddRunOutputCommand(*run, ctx);
}

}  // namespace tandem::cli
