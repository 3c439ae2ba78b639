#include "operators/manifest.h"

#include <filesystem>
#include <regex>

#include "core/problems.h"
#include "core/fs.h"
#include "core/yaml_json.h"
#include "operators/json_schema.h"
#include "resources/resource_request.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

const char* kManifestSchemaText = R"json({
  "type": "object",
  "additionalProperties": false,
  "required": ["name", "version", "category", "runtime"],
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
    "version": {"type": "integer", "minimum": 1},
    "category": {"enum": ["import", "explore", "process", "augment", "feature", "train",
                          "evaluate", "deploy", "other"]},
    "description": {"type": "string"},
    "inputs": {"$ref": "#/definitions/ports"},
    "outputs": {"$ref": "#/definitions/ports"},
    "params": {"type": "object"},
    "ui": {"type": "object"},
    "runtime": {
      "type": "object",
      "additionalProperties": false,
      "required": ["kind"],
      "properties": {
        "kind": {"enum": ["python", "exec", "builtin"]},
        "entry": {"type": "string", "minLength": 1}
      }
    },
    "resources": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "cpus": {"type": "number", "exclusiveMinimum": 0},
        "memory": {"type": ["string", "integer"]},
        "gpu": {"type": ["object", "number"]},
        "models": {"type": "array", "items": {"type": "string"}},
        "priority": {"type": "integer"},
        "project": {"type": "string"},
        "environment": {"enum": ["train", "test", "infer"]},
        "mode": {"enum": ["fixed", "elastic"]}
      }
    },
    "tests": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$"},
          "params": {"type": "object"},
          "inputs": {"type": "object", "additionalProperties": {"type": "string"}},
          "expect": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "exit_code": {"type": "integer"},
              "error_contains": {"type": "string"},
              "outputs": {
                "type": "object",
                "additionalProperties": {
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "exists": {"type": "boolean"},
                    "rows": {"type": "integer", "minimum": 0},
                    "columns": {"type": "array", "items": {"type": "string"}}
                  }
                }
              },
              "metrics": {
                "type": "object",
                "additionalProperties": {
                  "oneOf": [
                    {"type": "number"},
                    {"type": "object", "additionalProperties": false,
                     "properties": {"min": {"type": "number"}, "max": {"type": "number"}}}
                  ]
                }
              },
              "check": {"type": "string", "minLength": 1},
              "timeout_s": {"type": "number", "exclusiveMinimum": 0}
            }
          }
        }
      }
    }
  },
  "definitions": {
    "ports": {
      "type": "object",
      "additionalProperties": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "properties": {
          "type": {"enum": ["table", "images", "model", "metrics", "report", "file"]},
          "optional": {"type": "boolean"},
          "formats": {"type": "array", "items": {"type": "string", "minLength": 1}},
          "description": {"type": "string"}
        }
      }
    }
  }
})json";

std::map<std::string, PortDef> Ports(const Json& doc, const char* key) {
  std::map<std::string, PortDef> out;
  auto it = doc.find(key);
  if (it == doc.end()) return out;
  for (const auto& [name, port] : it->items()) {
    out[name] = PortDef{port["type"].get<std::string>(), port.value("optional", false),
                        port.value("formats", std::vector<std::string>{})};
  }
  return out;
}

// A path the manifest names must stay inside the operator folder.
Status CheckFileInside(const std::string& dir, const std::string& rel, const std::string& field) {
  ASSIGN_OR_RETURN(fs::path inside, PathInside(dir, rel, field));
  std::error_code ec;
  if (!fs::is_regular_file(inside, ec)) {
    return InvalidArgument(field + ": no file '" + rel + "' in the operator folder");
  }
  return Status::Ok();
}

}  // namespace

const Json& ManifestSchema() {
  static const Json schema = Json::parse(kManifestSchemaText);
  return schema;
}

Result<OperatorManifest> ParseManifest(const Json& doc, const std::string& what) {
  static const Result<JsonSchema> compiled = JsonSchema::Compile(ManifestSchema(), "manifest schema");
  if (!compiled.ok()) return compiled.status();
  std::vector<std::string> problems = compiled->Violations(doc, "");
  if (doc.is_object()) {
    // The schema reports a runtime or kind of the wrong type; read them only when right.
    const Json runtime = doc.contains("runtime") && doc["runtime"].is_object() ? doc["runtime"] : Json::object();
    const std::string kind =
        runtime.contains("kind") && runtime["kind"].is_string() ? runtime["kind"].get<std::string>() : "";
    if ((kind == "python" || kind == "exec") && !runtime.contains("entry")) {
      problems.push_back("runtime.entry: required for runtime " + kind);
    }
    // Port names are checked here: valijson 1.0's propertyNames rejects valid names.
    static const std::regex kPortName("^[a-z_][a-z0-9_]{0,62}$");
    for (const char* side : {"inputs", "outputs"}) {
      if (!doc.contains(side) || !doc[side].is_object()) continue;
      for (const auto& [name, port] : doc[side].items()) {
        if (!std::regex_match(name, kPortName)) {
          problems.push_back(std::string(side) + "." + name +
                             ": port names are lowercase letters, digits and _ (at most 63)");
        }
      }
    }
    if (doc.contains("params") && doc["params"].is_object()) {
      auto params_schema = JsonSchema::Compile(doc["params"], "params");
      if (!params_schema.ok()) problems.push_back(params_schema.status().message());
    }
    // The default resources must make a request the scheduler accepts.
    if (doc.contains("resources")) resources::CheckResources(doc["resources"], "resources", &problems);
  }
  if (!problems.empty()) {
    for (auto& p : problems) p = what + ": " + p;
    return InvalidArgument(JoinProblems(problems));
  }

  OperatorManifest m;
  m.source = doc;
  OperatorDef& def = m.def;
  def.name = doc["name"].get<std::string>();
  def.version = doc["version"].get<int>();
  def.category = doc["category"].get<std::string>();
  def.description = doc.value("description", "");
  def.inputs = Ports(doc, "inputs");
  def.outputs = Ports(doc, "outputs");
  def.params_schema = doc.value("params", Json{{"type", "object"}});
  def.ui = doc.value("ui", Json::object());
  def.resources = doc.value("resources", Json::object());
  def.runtime = doc["runtime"]["kind"].get<std::string>();
  def.entry = doc["runtime"].value("entry", "");
  for (const auto& t : doc.value("tests", Json::array())) {
    OperatorTestCase tc;
    tc.name = t["name"].get<std::string>();
    tc.params = t.value("params", Json::object());
    const Json inputs = t.value("inputs", Json::object());  // items() must not outlive it
    for (const auto& [port, file] : inputs.items()) {
      tc.inputs[port] = file.get<std::string>();
    }
    tc.expect = t.value("expect", Json::object());
    m.tests.push_back(std::move(tc));
  }
  // Each test's params must satisfy the operator's own schema, and name real ports.
  for (size_t i = 0; i < m.tests.size(); ++i) {
    const auto& tc = m.tests[i];
    const std::string at = what + ": tests[" + std::to_string(i) + "]";
    auto params = ApplyParamsSchema(def.params_schema, tc.params, at + ".params");
    if (!params.ok()) problems.push_back(params.status().message());
    for (const auto& [port, file] : tc.inputs) {
      if (!def.inputs.count(port)) problems.push_back(at + ".inputs." + port + ": the operator has no input port '" + port + "'");
    }
    for (const auto& [port, pd] : def.inputs) {
      if (!pd.optional && !tc.inputs.count(port)) {
        problems.push_back(at + ".inputs." + port + ": required input is not given");
      }
    }
  }
  if (!problems.empty()) return InvalidArgument(JoinProblems(problems));
  return m;
}

Result<OperatorManifest> LoadManifestDir(const std::string& dir) {
  std::error_code ec;
  fs::path root = fs::absolute(dir, ec);
  if (ec || !fs::is_directory(root, ec)) return NotFound("'" + dir + "' is not a folder");
  root = fs::canonical(root, ec);
  for (const char* file : kManifestFiles) {
    fs::path path = root / file;
    if (!fs::exists(path, ec)) continue;
    ASSIGN_OR_RETURN(std::string text, ReadFile(path.string()));
    ASSIGN_OR_RETURN(Json doc, ParseYamlText(text, file));
    ASSIGN_OR_RETURN(OperatorManifest m, ParseManifest(doc, file));
    std::vector<std::string> problems;
    auto check = [&](const std::string& rel, const std::string& field) {
      Status st = CheckFileInside(root.string(), rel, std::string(file) + ": " + field);
      if (!st.ok()) problems.push_back(st.message());
    };
    if (!m.def.entry.empty()) {
      check(m.def.entry, "runtime.entry");
      const auto perms = fs::status(root / m.def.entry, ec).permissions();
      if (m.def.runtime == "exec" && !ec && (perms & fs::perms::owner_exec) == fs::perms::none) {
        problems.push_back(std::string(file) + ": runtime.entry: '" + m.def.entry +
                           "' is not executable (chmod +x it)");
      }
    }
    for (size_t i = 0; i < m.tests.size(); ++i) {
      const std::string at = "tests[" + std::to_string(i) + "]";
      for (const auto& [port, rel] : m.tests[i].inputs) check(rel, at + ".inputs." + port);
      if (m.tests[i].expect.contains("check") && m.tests[i].expect["check"].is_string()) {
        check(m.tests[i].expect["check"].get<std::string>(), at + ".expect.check");
      }
    }
    if (!problems.empty()) return InvalidArgument(JoinProblems(problems));
    m.def.code_dir = root.string();
    return m;
  }
  return NotFound("'" + dir + "' has no operator.yaml (or operator.yml, operator.json)");
}

}  // namespace tandem::operators
