#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/metrics_view.h"
#include "cli/text_table.h"
#include "http/http.h"
#include "registry/model_ref.h"
#include "sdk/exporter.h"

namespace tandem::cli {
namespace {

// The REST path of the version `ref` names: .../versions/<number|alias>, or for a
// plain NAME the model's latest version (looked up).
Result<std::string> VersionPath(const ApiClient& api, const registry::ModelRef& ref) {
  const std::string base = "/api/v1/models/" + UrlEncode(ref.name);
  if (!ref.alias.empty()) return base + "/versions/" + UrlEncode(ref.alias);
  int version = ref.version;
  if (version == 0) {
    ASSIGN_OR_RETURN(Json model, api.Get(base));
    for (const Json& v : model["versions"]) version = std::max(version, v["version"].get<int>());
  }
  return base + "/versions/" + std::to_string(version);
}

// The metrics a model's summary lines show, in this order, when present.
const char* const kKeyMetrics[] = {"accuracy", "f1", "roc_auc", "r2", "rmse", "mae"};

void PrintVersion(const Json& v) {
  std::cout << "version " << v["version"] << "  format " << v["format"].get<std::string>()
            << "  stage " << v.value("stage", "none") << "  created "
            << FormatTime(v["created_ms"]) << "\n";
  if (v.contains("aliases") && !v["aliases"].empty()) {
    std::cout << "  aliases:";
    for (const auto& a : v["aliases"]) std::cout << " @" << a.get<std::string>();
    std::cout << "\n";
  }
  if (v.contains("tags") && !v["tags"].empty()) {
    std::cout << "  tags:";
    for (const auto& [k, t] : v["tags"].items()) std::cout << " " << k << "=" << t.get<std::string>();
    std::cout << "\n";
  }
  const Json& lineage = v["lineage"];
  if (lineage.is_object() && !lineage.empty()) {
    std::cout << "  lineage: run " << lineage.value("run_id", "?") << ", pipeline "
              << lineage.value("pipeline", "?");
    if (lineage.contains("dataset") && lineage["dataset"].is_object()) {
      std::cout << ", dataset " << lineage["dataset"].value("name", "?") << " v"
                << lineage["dataset"].value("version", 0);
    }
    std::cout << "\n";
  }
  std::cout << "  signature: " << SignatureSummary(v.value("signature", Json())) << "\n";
  std::cout << "  metrics:\n";
  PrintMetrics(std::cout, v.value("metrics", Json::object()), "    ");
}

// One line per version with the key metrics any of them has.
void PrintVersionTable(const Json& versions) {
  std::vector<std::string> keys;
  for (const char* key : kKeyMetrics) {
    for (const Json& v : versions) {
      const Json& m = v.value("metrics", Json::object());
      if (m.is_object() && m.contains(key) && m[key].is_number()) {
        keys.push_back(key);
        break;
      }
    }
  }
  std::vector<std::string> header = {"VERSION", "FORMAT", "STAGE", "ALIASES", "CREATED"};
  for (const auto& k : keys) header.push_back(k);
  TextTable table(header);
  for (const Json& v : versions) {
    std::string aliases;
    for (const auto& a : v.value("aliases", Json::array())) aliases += (aliases.empty() ? "@" : " @") + a.get<std::string>();
    std::vector<std::string> row = {std::to_string(v["version"].get<int>()), v.value("format", "?"),
                                    v.value("stage", "none"), aliases.empty() ? "-" : aliases,
                                    FormatTime(v.value("created_ms", 0LL))};
    const Json& m = v.value("metrics", Json::object());
    for (const auto& k : keys) row.push_back(m.is_object() ? MetricCell(m.value(k, Json())) : "-");
    table.Add(row);
  }
  table.Print(std::cout);
}

// "accuracy=0.9500": the first key metric `metrics` has, or "-".
std::string KeyMetric(const Json& metrics) {
  for (const char* key : kKeyMetrics) {
    if (metrics.is_object() && metrics.contains(key) && metrics[key].is_number()) {
      return std::string(key) + "=" + FormatNumber(metrics[key].get<double>());
    }
  }
  return "-";
}

void PrintJson(const Json& j) { std::cout << j.dump(2) << "\n"; }

// The directory of the running tandem binary: the SDK's library and templates sit
// beside it.
std::string SelfDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  buf[n] = '\0';
  return std::filesystem::path(buf).parent_path().string();
}

}  // namespace

int ModelList(const ApiClient& api, bool json) {
  auto list = api.Get("/api/v1/models");
  if (!list.ok()) return Fail(list.status());
  if (json) return PrintJson(*list), 0;
  TextTable table({"NAME", "LATEST", "VERSIONS", "ALIASES", "KEY METRIC", "CREATED"});
  for (const auto& m : (*list)["models"]) {
    std::string metric = KeyMetric(m.value("metrics", Json::object())) + " (v" +
                         std::to_string(m["latest_version"].get<int>()) + ")";
    std::string aliases;
    const Json alias_map = m.value("aliases", Json::object());  // outlives items()
    for (const auto& [alias, version] : alias_map.items()) {
      aliases += (aliases.empty() ? "" : " ") + alias + "=" + std::to_string(version.get<int>());
    }
    // The version in production is the one that answers requests: its metric is the key.
    if (alias_map.contains("production")) {
      const int prod = alias_map["production"].get<int>();
      auto v = api.Get("/api/v1/models/" + UrlEncode(m["name"].get<std::string>()) + "/versions/" +
                       std::to_string(prod));
      if (v.ok()) metric = KeyMetric(v->value("metrics", Json::object())) + " (v" + std::to_string(prod) + ", production)";
    }
    table.Add({m["name"], std::to_string(m["latest_version"].get<int>()),
               std::to_string(m["versions"].get<int>()), aliases.empty() ? "-" : aliases, metric,
               FormatTime(m["created_ms"])});
  }
  table.Print(std::cout);
  return 0;
}

int ModelShow(const ApiClient& api, const std::string& text, bool json) {
  auto ref = registry::ParseModelRef(text);
  if (!ref.ok()) return Fail(ref.status());
  if (ref->version > 0 || !ref->alias.empty()) {
    auto path = VersionPath(api, *ref);
    if (!path.ok()) return Fail(path.status());
    auto v = api.Get(*path);
    if (!v.ok()) return Fail(v.status());
    if (json) return PrintJson(*v), 0;
    std::cout << "model " << ref->name << "\n";
    PrintVersion(*v);
    return 0;
  }
  auto model = api.Get("/api/v1/models/" + UrlEncode(ref->name));
  if (!model.ok()) return Fail(model.status());
  if (json) return PrintJson(*model), 0;
  const Json& versions = (*model)["versions"];
  std::cout << "model " << ref->name << ": " << versions.size()
            << (versions.size() == 1 ? " version" : " versions") << "\n";
  PrintVersionTable(versions);
  std::cout << "(one version in full: tandem model show " << ref->name << ":VERSION; all: --json)\n";
  return 0;
}

int ModelCompare(const ApiClient& api, const std::string& name, const std::string& a,
                 const std::string& b, bool json) {
  auto c = api.Get("/api/v1/models/" + UrlEncode(name) + "/compare?a=" + UrlEncode(a) +
                   "&b=" + UrlEncode(b));
  if (!c.ok()) return Fail(c.status());
  if (json) return PrintJson(*c), 0;
  const std::string va = "v" + std::to_string((*c)["a"].get<int>());
  const std::string vb = "v" + std::to_string((*c)["b"].get<int>());
  std::cout << "model " << name << ": " << va << " vs " << vb << "\n";
  TextTable table({"METRIC", va, vb, "DELTA"});
  for (const auto& m : (*c)["metrics"]) {
    std::string delta = "-";
    if (m["delta"].is_number()) {
      const double d = m["delta"].get<double>();
      delta = (d > 0 ? "+" : "") + FormatNumber(d);
    }
    table.Add({m["name"], MetricCell(m["a"]), MetricCell(m["b"]), delta});
  }
  table.Print(std::cout);
  return 0;
}

int ModelTag(const ApiClient& api, const std::string& text, const std::vector<std::string>& tags,
             const std::vector<std::string>& remove) {
  auto ref = registry::ParseModelRef(text);
  if (!ref.ok()) return Fail(ref.status());
  auto path = VersionPath(api, *ref);
  if (!path.ok()) return Fail(path.status());
  if (tags.empty() && remove.empty()) return Fail(InvalidArgument("give KEY=VALUE tags or --rm KEY"));
  if (!tags.empty()) {
    Json body = {{"tags", Json::object()}};
    for (const std::string& t : tags) {
      auto eq = t.find('=');
      const std::string key = t.substr(0, eq);
      if (key.empty()) return Fail(InvalidArgument("tag '" + t + "': the key is empty"));
      body["tags"][key] = eq == std::string::npos ? "" : t.substr(eq + 1);
    }
    auto r = api.Post(*path + "/tags", body.dump());
    if (!r.ok()) return Fail(r.status());
  }
  for (const std::string& key : remove) {
    auto r = api.Delete(*path + "/tags/" + UrlEncode(key));
    if (!r.ok()) return Fail(r.status());
  }
  auto v = api.Get(*path);
  if (!v.ok()) return Fail(v.status());
  std::cout << "model " << ref->name << " version " << (*v)["version"] << " tags:";
  for (const auto& [k, t] : (*v)["tags"].items()) std::cout << " " << k << "=" << t.get<std::string>();
  std::cout << "\n";
  return 0;
}

int ModelAliasSet(const ApiClient& api, const std::string& name, const std::string& alias,
                  int version) {
  auto r = api.Post("/api/v1/models/" + UrlEncode(name) + "/aliases/" + UrlEncode(alias),
                    Json({{"version", version}}).dump());
  if (!r.ok()) return Fail(r.status());
  std::cout << "model " << name << "@" << alias << " -> version " << version << "\n";
  return 0;
}

int ModelAliasRemove(const ApiClient& api, const std::string& name, const std::string& alias) {
  auto r = api.Delete("/api/v1/models/" + UrlEncode(name) + "/aliases/" + UrlEncode(alias));
  if (!r.ok()) return Fail(r.status());
  std::cout << "model " << name << ": alias " << alias << " removed\n";
  return 0;
}

int ModelStage(const ApiClient& api, const std::string& text, const std::string& stage) {
  auto ref = registry::ParseModelRef(text);
  if (!ref.ok()) return Fail(ref.status());
  auto path = VersionPath(api, *ref);
  if (!path.ok()) return Fail(path.status());
  auto v = api.Post(*path + "/stage", Json({{"stage", stage}}).dump());
  if (!v.ok()) return Fail(v.status());
  std::cout << "model " << ref->name << " version " << (*v)["version"] << " stage "
            << (*v)["stage"].get<std::string>() << "\n";
  return 0;
}

int ModelExport(const ApiClient& api, const std::string& text, const std::string& format,
                const std::string& out_dir) {
  auto ref = registry::ParseModelRef(text);
  if (!ref.ok()) return Fail(ref.status());
  auto path = VersionPath(api, *ref);
  if (!path.ok()) return Fail(path.status());
  auto version = api.Get(*path);
  if (!version.ok()) return Fail(version.status());
  if (Status st = sdk::CheckExportable(*version); !st.ok()) return Fail(st);
  http::ClientOptions co;
  co.timeout_ms = 120000;
  auto artifact = http::Call("GET", api.base_url() + *path + "/artifact", "", "", co);
  if (!artifact.ok()) return Fail(artifact.status());
  if (artifact->status != 200) {
    return Fail(Internal("fetching the model file: HTTP " + std::to_string(artifact->status) +
                         ": " + artifact->body));
  }
  sdk::ExportRequest req;
  req.format = format;
  req.out_dir = out_dir;
  req.sdk_dir = SelfDir();
  req.model_bytes = std::move(artifact->body);
  req.version = *version;
  auto result = sdk::Export(req);
  if (!result.ok()) return Fail(result.status());
  std::cout << "exported " << ref->name << " version " << (*version)["version"] << " as "
            << format << " to " << out_dir << "\n";
  for (const std::string& f : result->files) std::cout << "  " << f << "\n";
  if (!result->build_command.empty()) std::cout << "build: " << result->build_command << "\n";
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddModelCommands(CLI::App& app, CliContext& ctx) {
  auto* model = app.add_subcommand("model", "The model library");
  model->require_subcommand(1);
  struct Opts {
    std::string ref, name, a, b, alias, stage, format = "c-sdk", out;
    int version = 0;
    bool json = false;
    std::vector<std::string> tags, remove;
  };
  auto o = std::make_shared<Opts>();
  auto* list = model->add_subcommand("list", "List models");
  list->add_flag("--json", o->json, "Print the server's JSON document");
  list->callback([&ctx, o] { ctx.exit_code = ModelList(ctx.Api(), o->json); });

  auto* show = model->add_subcommand("show", "Show a model's versions, or one version");
  show->add_option("model", o->ref, "NAME, NAME:VERSION or NAME@ALIAS")->required();
  show->add_flag("--json", o->json, "Print the server's JSON document (every metric in full)");
  show->callback([&ctx, o] { ctx.exit_code = ModelShow(ctx.Api(), o->ref, o->json); });

  auto* compare = model->add_subcommand("compare", "Metrics of two versions side by side");
  compare->add_option("name", o->name)->required();
  compare->add_option("a", o->a, "Version number or alias")->required();
  compare->add_option("b", o->b, "Version number or alias")->required();
  compare->add_flag("--json", o->json, "Print the server's JSON document (curves in full)");
  compare->callback([&ctx, o] { ctx.exit_code = ModelCompare(ctx.Api(), o->name, o->a, o->b, o->json); });

  auto* tag = model->add_subcommand("tag", "Set or remove tags of a version");
  tag->add_option("model", o->ref, "NAME:VERSION or NAME@ALIAS")->required();
  tag->add_option("tags", o->tags, "KEY=VALUE ...");
  tag->add_option("--rm", o->remove, "Remove tag KEY");
  tag->callback([&ctx, o] { ctx.exit_code = ModelTag(ctx.Api(), o->ref, o->tags, o->remove); });

  auto* alias = model->add_subcommand("alias", "Point an alias at a version, or remove it");
  alias->require_subcommand(1);
  auto* alias_set = alias->add_subcommand("set", "NAME ALIAS VERSION: move ALIAS to VERSION");
  alias_set->add_option("name", o->name)->required();
  alias_set->add_option("alias", o->alias)->required();
  alias_set->add_option("version", o->version)->required();
  alias_set->callback([&ctx, o] {
    ctx.exit_code = ModelAliasSet(ctx.Api(), o->name, o->alias, o->version);
  });
  auto* alias_rm = alias->add_subcommand("rm", "NAME ALIAS: remove ALIAS");
  alias_rm->add_option("name", o->name)->required();
  alias_rm->add_option("alias", o->alias)->required();
  alias_rm->callback([&ctx, o] { ctx.exit_code = ModelAliasRemove(ctx.Api(), o->name, o->alias); });

  auto* stage = model->add_subcommand("stage", "Set a version's stage");
  stage->add_option("model", o->ref, "NAME:VERSION or NAME@ALIAS")->required();
  stage->add_option("stage", o->stage, "none, staging, production or archived")->required();
  stage->callback([&ctx, o] { ctx.exit_code = ModelStage(ctx.Api(), o->ref, o->stage); });

  auto* exp = model->add_subcommand(
      "export", "Write a C SDK or Python package for a version (xgboost, linear and kmeans models)");
  exp->add_option("model", o->ref, "NAME:VERSION or NAME@ALIAS")->required();
  exp->add_option("--format", o->format, "c-sdk or python")->check(CLI::IsMember({"c-sdk", "python"}));
  exp->add_option("-o,--output", o->out, "Folder to write")->required();
  exp->callback([&ctx, o] { ctx.exit_code = ModelExport(ctx.Api(), o->ref, o->format, o->out); });
}

}  // namespace tandem::cli
