#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/dag_view.h"
#include "cli/text_table.h"
#include "core/fs.h"

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

int RunSubmit(const ApiClient& api, const std::string& file, bool wait, bool no_cache,
              bool allow_drafts) {
  auto spec = ReadFile(file);
  if (!spec.ok()) return Fail(spec.status());
  std::string path = "/api/v1/runs";
  if (no_cache) path += "?no_cache=1";
  if (allow_drafts) path += no_cache ? "&allow_drafts=1" : "?allow_drafts=1";
  auto run = api.Post(path, *spec, "application/yaml");
  if (!run.ok()) return Fail(run.status());
  std::string id = (*run)["id"];
  std::cout << id << "\n" << std::flush;
  if (!wait) return 0;

  // Follow: one line per task state change or progress step.
  std::map<std::string, std::string> last;
  while (true) {
    auto now = api.Get("/api/v1/runs/" + id);
    if (!now.ok()) return Fail(now.status());
    for (const auto& t : (*now)["tasks"]) {
      std::string node = t["node"];
      std::string state = t["state"];
      int pct = static_cast<int>(t.value("progress", 0.0) * 100);
      std::string key = state + "/" + std::to_string(pct);
      if (last[node] == key) continue;
      last[node] = key;
      std::cout << "  " << node << ": " << state;
      if (state == "running" && pct > 0) std::cout << " " << pct << "% " << t.value("message", "");
      if (state == "succeeded") {
        std::string m = MetricsLine(TaskMetrics(t));
        std::cout << " (" << Duration(t) << ")" << (m.empty() ? "" : "  " + m);
      }
      if (state == "failed") std::cout << ": " << t.value("error", "");
      std::cout << "\n" << std::flush;
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
    bool wait = false, no_cache = false, allow_drafts = false, follow = false, stderr_stream = false;
    int attempt = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* run = app.add_subcommand("run", "Run a pipeline: tandem run PIPELINE.yaml [--wait]");
  run->add_option("pipeline", o->file, "Pipeline YAML file")->check(CLI::ExistingFile);
  run->add_flag("--wait", o->wait, "Follow progress; exit 0 only if the run succeeds");
  run->add_flag("--no-cache", o->no_cache, "Run every task, reusing no earlier result");
  run->add_flag("--allow-drafts", o->allow_drafts, "Accept draft (unpublished) operators, to try them");
  run->callback([&ctx, o, run] {
    if (!run->get_subcommands().empty()) return;  // a subcommand ran instead
    if (o->file.empty()) {
      ctx.exit_code = Fail(InvalidArgument("run: give a PIPELINE.yaml file"));
      return;
    }
    ctx.exit_code = RunSubmit(ctx.Api(), o->file, o->wait, o->no_cache, o->allow_drafts);
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
