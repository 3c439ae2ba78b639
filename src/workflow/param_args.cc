#include "workflow/param_args.h"

#include "workflow/pipeline_spec.h"

namespace tandem::workflow {
namespace {

// `text` read as `type`; null when it is not one. Numbers and booleans are read as JSON
// literals, so the value is what the same literal in a pipeline file would give.
Json FromText(const std::string& text, const std::string& type) {
  if (type == "string") return text;
  Json v = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return nullptr;
  if (type == "boolean" && v.is_boolean()) return v;
  if (type == "integer" && v.is_number_integer()) return v;
  if (type == "number" && v.is_number()) return v;
  return nullptr;
}

std::string DeclaredNames(const Json& declarations) {
  std::string names;
  if (declarations.is_object()) {
    for (const auto& [name, _] : declarations.items()) names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "the pipeline declares none" : "declared: " + names;
}

}  // namespace

Result<Json> ParamsFromArgs(const Json& declarations, const std::vector<std::string>& args) {
  Json params = Json::object();
  std::string problems;
  auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      problem("--param " + arg + ": expected NAME=VALUE");
      continue;
    }
    const std::string name = arg.substr(0, eq);
    const std::string text = arg.substr(eq + 1);
    if (!declarations.is_object() || !declarations.contains(name)) {
      problem("--param " + name + ": unknown pipeline param (" + DeclaredNames(declarations) + ")");
      continue;
    }
    const Json& decl = declarations[name];
    const std::string type = decl.is_object() ? decl.value("type", "") : "";
    Json value = FromText(text, type);
    if (value.is_null()) {
      problem("--param " + arg + ": expected " + (type.empty() ? "a declared type" : type) +
              ", the param's declared type");
      continue;
    }
    params[name] = std::move(value);
  }
  if (!problems.empty()) return InvalidArgument(problems);
  return params;
}

Result<Json> ParamsFromArgs(const std::string& pipeline_yaml, const std::vector<std::string>& args) {
  if (args.empty()) return Json::object();
  ASSIGN_OR_RETURN(PipelineSpec spec, ParsePipelineYaml(pipeline_yaml));
  return ParamsFromArgs(spec.params, args);
}

}  // namespace tandem::workflow
