#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "cli/transfer_progress.h"
#include "core/fs.h"
#include "core/problems.h"

namespace tandem::cli {

int Fail(const Status& status) {
  // Validation that found several problems joins them (core/problems.h): one a line.
  for (const std::string& problem : SplitProblems(status.message())) {
    std::cerr << "error: " << problem << "\n";
  }
  return 1;
}

int DatasetImport(const ApiClient& api, const std::string& name, const std::string& file,
                  const std::string& label, const std::string& format, const std::string& delimiter) {
  std::string path = "/api/v1/datasets?name=" + UrlEncode(name) + "&source=" +
                     UrlEncode(fs::path(file).filename().string());
  if (!label.empty()) path += "&label=" + UrlEncode(label);
  if (!format.empty()) path += "&format=" + UrlEncode(format);
  if (!delimiter.empty()) path += "&delimiter=" + UrlEncode(delimiter);
  // Streamed from disk: a file of any size costs the client one chunk of memory.
  TransferProgress progress("uploading", fs::path(file).filename().string());
  auto d = api.PostFile(path, file, "text/csv", progress.Callback());
  if (!d.ok()) return Fail(d.status());
  progress.Finish("uploaded");
  const Json& schema = (*d)["schema"];
  std::cout << "imported dataset " << (*d)["name"].get<std::string>() << " version "
            << (*d)["version"] << ": " << (*d)["rows"] << " rows, " << schema["columns"].size()
            << " columns";
  if (schema.contains("label") && schema["label"].is_string()) {
    std::cout << ", label " << schema["label"].get<std::string>();
    if (schema.contains("task") && schema["task"].is_string()) {
      std::cout << " (" << schema["task"].get<std::string>() << ")";
    }
  }
  std::cout << "\n";
  return 0;
}

int DatasetList(const ApiClient& api, bool json) {
  auto list = api.Get("/api/v1/datasets");
  if (!list.ok()) return Fail(list.status());
  if (json) return std::cout << list->dump(2) << "\n", 0;
  TextTable table({"NAME", "VERSION", "ROWS", "COLUMNS", "LABEL", "TASK", "CREATED"});
  for (const auto& d : (*list)["datasets"]) {
    const Json& s = d["schema"];
    table.Add({d["name"].get<std::string>(), std::to_string(d["version"].get<int>()),
               std::to_string(d["rows"].get<long long>()),
               std::to_string(d.value("column_count", s.value("columns", Json::array()).size())),
               s.contains("label") && s["label"].is_string() ? s["label"].get<std::string>() : "-",
               s.contains("task") && s["task"].is_string() ? s["task"].get<std::string>() : "-",
               FormatTime(d["created_ms"].get<long long>())});
  }
  table.Print(std::cout);
  return 0;
}

int DatasetShow(const ApiClient& api, const std::string& ref, bool json) {
  // NAME or NAME:VERSION (the latest when no version is given).
  const auto colon = ref.rfind(':');
  std::string name = ref, query;
  if (colon != std::string::npos) {
    name = ref.substr(0, colon);
    const std::string version = ref.substr(colon + 1);
    if (version.empty() || version.find_first_not_of("0123456789") != std::string::npos) {
      return Fail(InvalidArgument("dataset '" + ref + "': expected NAME or NAME:VERSION (a number)"));
    }
    query = "?version=" + version;
  }
  auto d = api.Get("/api/v1/datasets/" + UrlEncode(name) + query);
  if (!d.ok()) return Fail(d.status());
  if (json) return std::cout << d->dump(2) << "\n", 0;
  const Json& s = (*d)["schema"];
  std::cout << "dataset " << (*d)["name"].get<std::string>() << " version " << (*d)["version"]
            << "  created " << FormatTime((*d)["created_ms"].get<long long>()) << "  source "
            << (d->value("source", "").empty() ? "-" : d->value("source", "")) << "\n";
  std::cout << "  " << (*d)["rows"] << " rows, " << s.value("columns", Json::array()).size() << " columns";
  if (s.contains("label") && s["label"].is_string()) {
    std::cout << "; label " << s["label"].get<std::string>();
    if (s.contains("task") && s["task"].is_string()) std::cout << " (" << s["task"].get<std::string>() << ")";
  }
  std::cout << "\n";
  const Json classes = s.value("classes", Json::array());
  if (classes.is_array() && !classes.empty()) {
    std::string list;
    for (const auto& c : classes) list += (list.empty() ? "" : ", ") + (c.is_string() ? c.get<std::string>() : c.dump());
    std::cout << "  classes: " << list << "\n";
  }
  std::cout << "  digest " << d->value("digest", "-") << "\n";
  TextTable table({"COLUMN", "TYPE", "MISSING"});
  for (const auto& c : s.value("columns", Json::array())) {
    table.Add({c.value("name", "?"), c.value("type", "?"), std::to_string(c.value("missing", 0LL))});
  }
  table.Print(std::cout, "  ");
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddDatasetCommands(CLI::App& app, CliContext& ctx) {
  auto* dataset = app.add_subcommand("dataset", "Datasets of the feature library");
  dataset->require_subcommand(1);
  struct Opts {
    std::string name, file, label, format, delimiter;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* import = dataset->add_subcommand("import", "Import a CSV file as a new dataset version");
  import->add_option("name", o->name, "Dataset name")->required();
  import->add_option("file", o->file, "CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--label", o->label, "Label column (sklearn files: 'target')");
  import->add_option("--format", o->format, "auto|csv|sklearn [auto]");
  import->add_option("--delimiter", o->delimiter, "Field separator: one character, tab, or auto [auto: , ; tab |]");
  import->callback([&ctx, o] {
    ctx.exit_code = DatasetImport(ctx.Api(), o->name, o->file, o->label, o->format, o->delimiter);
  });
  auto* list = dataset->add_subcommand("list", "List datasets (latest versions)");
  list->add_flag("--json", o->json, "Print the server's JSON document");
  list->callback([&ctx, o] { ctx.exit_code = DatasetList(ctx.Api(), o->json); });
  auto* show = dataset->add_subcommand("show", "Show a dataset version's schema");
  show->add_option("dataset", o->name, "NAME (latest version) or NAME:VERSION")->required();
  show->add_flag("--json", o->json, "Print the server's JSON document");
  show->callback([&ctx, o] { ctx.exit_code = DatasetShow(ctx.Api(), o->name, o->json); });
}

}  // namespace tandem::cli
