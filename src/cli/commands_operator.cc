// `tandem operator ...` and `tandem algorithm list`: writing, testing and publishing
// plug-in operators. init, validate and test work on a local folder without a server
// (test runs the operator through its real runtime, as the engine would); publish,
// list, show, deprecate and form talk to the server.
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/param_form.h"
#include "cli/text_table.h"
#include "core/fs.h"
#include "exec/local_launcher.h"
#include "operators/code_archive.h"
#include "operators/manifest.h"
#include "operators/scaffold.h"
#include "operators/test_runner.h"

namespace tandem::cli {
namespace {

namespace fs = std::filesystem;

void PrintTestResult(const operators::TestCaseResult& r) {
  std::cout << (r.passed ? "  PASS  " : "  FAIL  ") << r.name << "  (" << r.millis << " ms)";
  if (!r.passed) std::cout << "\n        " << r.reason;
  std::cout << std::endl;
}

std::string Ports(const Json& ports) {
  std::string out;
  for (const auto& [name, p] : ports.items()) {
    out += (out.empty() ? "" : ", ") + name + ":" + p.value("type", "?") +
           (p.value("optional", false) ? "?" : "");
  }
  return out.empty() ? "-" : out;
}

int Init(const std::string& name, const std::string& runtime, const std::string& kind, std::string dir) {
  if (dir.empty()) dir = name;
  Status st = operators::ScaffoldOperator(dir, name, runtime, kind);
  if (!st.ok()) return Fail(st);
  std::cout << "created operator '" << name << "' (" << runtime << ", " << kind << ") in " << dir << "/\n"
            << "next: tandem operator test " << dir << "  &&  tandem operator publish " << dir << "\n";
  return 0;
}

int Validate(const std::string& dir) {
  auto m = operators::LoadManifestDir(dir);
  if (!m.ok()) return Fail(m.status());
  const auto& d = m->def;
  std::cout << "ok: " << d.name << "@" << d.version << " (" << d.category << ", runtime " << d.runtime
            << "): " << d.inputs.size() << " inputs, " << d.outputs.size() << " outputs, "
            << d.params_schema.value("properties", Json::object()).size() << " params, "
            << m->tests.size() << " tests\n";
  return 0;
}

int Test(const std::string& dir, const std::string& python) {
  auto m = operators::LoadManifestDir(dir);
  if (!m.ok()) return Fail(m.status());
  if (m->tests.empty()) {
    std::cout << m->def.name << "@" << m->def.version << " has no tests: add some under tests:\n";
    return 1;
  }
  auto work = MakeTempDir(fs::temp_directory_path(), "tandem-optest-");
  if (!work.ok()) return Fail(work.status());
  operators::TestRunOptions options;
  options.runtime.python = python;
  options.runtime.python_lib_dir = (*work / "lib").string();
  options.work_dir = (*work / "cases").string();
  Status installed = operators::InstallPythonSupport(options.runtime.python_lib_dir);
  if (!installed.ok()) return Fail(installed);
  std::cout << "testing " << m->def.name << "@" << m->def.version << " (" << m->tests.size() << " tests)\n";
  exec::LocalLauncher launcher;
  auto results = operators::RunOperatorTests(*m, launcher, options, PrintTestResult);
  if (!results.ok()) return Fail(results.status());
  const std::string failures = operators::DescribeFailures(*results);
  if (failures.empty()) {
    fs::remove_all(*work);
    std::cout << "all " << results->size() << " tests passed\n";
    return 0;
  }
  std::cout << failures << "\n(task folders kept in " << options.work_dir << ")\n";
  return 1;
}

int Publish(const ApiClient& api, const std::string& dir, bool draft) {
  auto m = operators::LoadManifestDir(dir);  // local check first: clearer, and no upload
  if (!m.ok()) return Fail(m.status());
  auto archive = operators::PackDirectory(dir);
  if (!archive.ok()) return Fail(archive.status());
  std::cout << (draft ? "uploading draft " : "publishing ") << m->def.name << "@" << m->def.version
            << " (" << archive->size() << " bytes); the server runs its tests..." << std::endl;
  auto out = api.Post(draft ? "/api/v1/operators?draft=1" : "/api/v1/operators", *archive, "application/x-tar");
  if (!out.ok()) return Fail(out.status());
  for (const auto& t : (*out)["tests"]) {
    operators::TestCaseResult r;
    r.name = t["name"];
    r.passed = t["passed"];
    r.reason = t["reason"];
    r.millis = t["millis"];
    PrintTestResult(r);
  }
  const Json& op = (*out)["operator"];
  std::cout << op["name"].get<std::string>() << "@" << op["version"] << " is "
            << op["state"].get<std::string>()
            << ((*out)["unchanged"].get<bool>() ? " (unchanged: these exact files were stored before)" : "")
            << "  digest " << op["digest"].get<std::string>().substr(0, 12) << "\n";
  return 0;
}

int List(const ApiClient& api, const std::string& category) {
  auto list = api.Get(category.empty() ? "/api/v1/operators" : "/api/v1/operators?category=" + UrlEncode(category));
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "VERSION", "STATE", "CATEGORY", "RUNTIME", "INPUTS", "OUTPUTS"});
  for (const auto& op : (*list)["operators"]) {
    table.Add({op["name"], std::to_string(op["version"].get<int>()), op["state"], op["category"],
               op["runtime"], Ports(op["inputs"]), Ports(op["outputs"])});
  }
  table.Print(std::cout);
  return 0;
}

int Show(const ApiClient& api, const std::string& ref) {
  auto op = api.Get("/api/v1/operators/" + UrlEncode(ref));
  if (!op.ok()) return Fail(op.status());
  const Json& o = *op;
  std::cout << o["name"].get<std::string>() << "@" << o["version"] << "  " << o["state"].get<std::string>()
            << "  (" << o["category"].get<std::string>() << ", runtime " << o["runtime"].get<std::string>()
            << ")\n" << o.value("description", "") << "\n\ninputs:  " << Ports(o["inputs"])
            << "\noutputs: " << Ports(o["outputs"]) << "\n\nparams:\n";
  const Json& schema = o["params"];
  std::set<std::string> required;
  for (const auto& r : schema.value("required", Json::array())) required.insert(r.get<std::string>());
  TextTable table({"PARAM", "TYPE", "DEFAULT", "RULES", "DESCRIPTION"});
  const Json properties = schema.value("properties", Json::object());  // outlives items()
  for (const auto& [name, p] : properties.items()) {
    std::string rules = required.count(name) ? "required" : "";
    for (const char* k : {"enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern"}) {
      if (p.contains(k)) rules += (rules.empty() ? "" : " ") + std::string(k) + "=" + p[k].dump();
    }
    table.Add({name, p.contains("type") ? (p["type"].is_string() ? p["type"].get<std::string>() : p["type"].dump()) : "any",
               p.contains("default") ? p["default"].dump() : "-", rules.empty() ? "-" : rules,
               p.value("description", "")});
  }
  table.Print(std::cout);
  return 0;
}

int Deprecate(const ApiClient& api, const std::string& ref) {
  std::string name = ref, query;
  if (auto at = ref.find('@'); at != std::string::npos) {
    name = ref.substr(0, at);
    query = "?version=" + UrlEncode(ref.substr(at + 1));
  }
  auto out = api.Post("/api/v1/operators/" + UrlEncode(name) + "/deprecate" + query, "");
  if (!out.ok()) return Fail(out.status());
  std::cout << ref << " is deprecated: new pipelines must name a version to use it\n";
  return 0;
}

int Form(const ApiClient& api, const std::string& ref) {
  auto op = api.Get("/api/v1/operators/" + UrlEncode(ref));
  if (!op.ok()) return Fail(op.status());
  std::cerr << "params of " << (*op)["name"].get<std::string>() << "@" << (*op)["version"]
            << " (Enter takes the default)\n";
  auto params = AskParams((*op)["params"], std::cin, std::cerr);
  if (!params.ok()) return Fail(params.status());
  std::cout << ParamsYaml(*params);
  return 0;
}

int AlgorithmList(const ApiClient& api) {
  auto list = api.Get("/api/v1/algorithms");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"ALGORITHM", "VERSION", "RUNTIME", "FORM FIELDS", "DESCRIPTION"});
  for (const auto& op : (*list)["algorithms"]) {
    std::string fields;
    const Json properties = op["params"].value("properties", Json::object());  // outlives items()
    for (const auto& [name, p] : properties.items()) {
      fields += (fields.empty() ? "" : ", ") + name;
    }
    table.Add({op["name"], std::to_string(op["version"].get<int>()), op["runtime"], fields,
               op.value("description", "")});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace

void AddOperatorCommands(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string name, dir, runtime = "python", kind = "process", ref, category, python = "/usr/bin/python3";
    bool draft = false;
  };
  auto o = std::make_shared<Opts>();
  auto* op = app.add_subcommand("operator", "Write, test and publish operators (plug-ins)");
  op->require_subcommand(1);

  auto* init = op->add_subcommand(
      "init", "Scaffold a working operator: init NAME [--runtime python|exec] [--template process|train]");
  init->add_option("name", o->name, "Operator name: lowercase letters, digits, -")->required();
  init->add_option("--runtime", o->runtime, "python | exec [python]");
  init->add_option("--template", o->kind,
                   "process: a table filter; train: a scikit-learn trainer whose model the python "
                   "serving backend serves (python only) [process]");
  init->add_option("--dir", o->dir, "Folder to create [./NAME]");
  init->footer(
      "An operator runs as `ENTRY TASK_DIR` in TASK_DIR (python: python3 ENTRY TASK_DIR, with\n"
      "the tandem_op module on PYTHONPATH). Its environment:\n"
      "  TANDEM_TASK_DIR        the task folder (task.json in it; write outputs.json there)\n"
      "  TANDEM_INPUT_<PORT>    the path of each input artifact\n"
      "  TANDEM_OUTPUT_<PORT>   the folder of each output port\n"
      "  TANDEM_PARAM_<NAME>    each scalar param; TANDEM_PARAMS: all params as JSON\n"
      "  CUDA_VISIBLE_DEVICES, TANDEM_GPU_*   the GPUs or GPU slice granted, when any\n"
      "PORT and NAME upper-cased, '-' as '_'. Progress: print `progress <0..1> <message>`.");
  init->callback([&ctx, o] { ctx.exit_code = Init(o->name, o->runtime, o->kind, o->dir); });

  auto* validate = op->add_subcommand("validate", "Check an operator folder's manifest and files");
  validate->add_option("dir", o->dir)->required();
  validate->callback([&ctx, o] { ctx.exit_code = Validate(o->dir); });

  auto* test = op->add_subcommand("test", "Run every test case of an operator folder through its runtime");
  test->add_option("dir", o->dir)->required();
  test->add_option("--python", o->python, "Interpreter for python operators [/usr/bin/python3]");
  test->callback([&ctx, o] { ctx.exit_code = Test(o->dir, o->python); });

  auto* publish = op->add_subcommand("publish", "Publish an operator folder (the server runs its tests first)");
  publish->add_option("dir", o->dir)->required();
  publish->add_flag("--draft", o->draft, "Store as a draft: no test gate, usable with run --allow-drafts");
  publish->callback([&ctx, o] { ctx.exit_code = Publish(ctx.Api(), o->dir, o->draft); });

  auto* list = op->add_subcommand("list", "List operators (every version)");
  list->add_option("--category", o->category, "Only this category (train, process, ...)");
  list->callback([&ctx, o] { ctx.exit_code = List(ctx.Api(), o->category); });

  auto* show = op->add_subcommand("show", "Show an operator: show NAME[@VERSION]");
  show->add_option("ref", o->ref)->required();
  show->callback([&ctx, o] { ctx.exit_code = Show(ctx.Api(), o->ref); });

  auto* deprecate = op->add_subcommand("deprecate", "Deprecate NAME (every version) or NAME@VERSION");
  deprecate->add_option("ref", o->ref)->required();
  deprecate->callback([&ctx, o] { ctx.exit_code = Deprecate(ctx.Api(), o->ref); });

  auto* form = op->add_subcommand("form", "Ask for an operator's params in the terminal; print them as YAML");
  form->add_option("ref", o->ref, "NAME[@VERSION]")->required();
  form->callback([&ctx, o] { ctx.exit_code = Form(ctx.Api(), o->ref); });

  auto* algorithm = app.add_subcommand("algorithm", "The algorithm library (published train operators)");
  algorithm->require_subcommand(1);
  algorithm->add_subcommand("list", "List algorithms with their form fields")
      ->callback([&ctx] { ctx.exit_code = AlgorithmList(ctx.Api()); });
}

}  // namespace tandem::cli
