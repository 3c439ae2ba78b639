#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "cli/transfer_progress.h"
#include "core/fs.h"

namespace tandem::cli {

int Fail(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return 1;
}

int DatasetImport(const ApiClient& api, const std::string& name, const std::string& file,
                  const std::string& label, const std::string& format) {
  std::string path = "/api/v1/datasets?name=" + UrlEncode(name) + "&source=" +
                     UrlEncode(fs::path(file).filename().string());
  if (!label.empty()) path += "&label=" + UrlEncode(label);
  if (!format.empty()) path += "&format=" + UrlEncode(format);
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

int DatasetList(const ApiClient& api) {
  auto list = api.Get("/api/v1/datasets");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "VERSION", "ROWS", "COLUMNS", "LABEL", "TASK", "CREATED"});
  for (const auto& d : (*list)["datasets"]) {
    const Json& s = d["schema"];
    table.Add({d["name"].get<std::string>(), std::to_string(d["version"].get<int>()),
               std::to_string(d["rows"].get<long long>()),
               std::to_string(s.value("columns", Json::array()).size()),
               s.contains("label") && s["label"].is_string() ? s["label"].get<std::string>() : "-",
               s.contains("task") && s["task"].is_string() ? s["task"].get<std::string>() : "-",
               FormatTime(d["created_ms"].get<long long>())});
  }
  table.Print(std::cout);
  return 0;
}

int DatasetShow(const ApiClient& api, const std::string& name) {
  auto d = api.Get("/api/v1/datasets/" + UrlEncode(name));
  if (!d.ok()) return Fail(d.status());
  std::cout << d->dump(2) << "\n";
  return 0;
}

}  // namespace tandem::cli

namespace tandem::cli {

void AddDatasetCommands(CLI::App& app, CliContext& ctx) {
  auto* dataset = app.add_subcommand("dataset", "Datasets of the feature library");
  dataset->require_subcommand(1);
  struct Opts { std::string name, file, label, format; };
  auto o = std::make_shared<Opts>();
  auto* import = dataset->add_subcommand("import", "Import a CSV file as a new dataset version");
  import->add_option("name", o->name, "Dataset name")->required();
  import->add_option("file", o->file, "CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--label", o->label, "Label column (sklearn files: 'target')");
  import->add_option("--format", o->format, "auto|csv|sklearn [auto]");
  import->callback([&ctx, o] {
    ctx.exit_code = DatasetImport(ctx.Api(), o->name, o->file, o->label, o->format);
  });
  dataset->add_subcommand("list", "List datasets (latest versions)")
      ->callback([&ctx] { ctx.exit_code = DatasetList(ctx.Api()); });
  auto* show = dataset->add_subcommand("show", "Show a dataset's schema");
  show->add_option("name", o->name)->required();
  show->callback([&ctx, o] { ctx.exit_code = DatasetShow(ctx.Api(), o->name); });
}

}  // namespace tandem::cli
