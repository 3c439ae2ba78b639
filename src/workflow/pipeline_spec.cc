#include "workflow/pipeline_spec.h"

#include "core/parse_limits.h"
#include "core/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace tandem::workflow {
namespace {

const std::set<std::string> kPipelineKeys = {"name", "description", "params", "nodes"};
// Kept as given; their meaning is node_options.h's.
const std::set<std::string> kReservedNodeKeys = {"resources", "retries", "timeout", "cache",
                                                 "when"};

std::string At(const YAML::Node& n) {
  if (n.Mark().is_null()) return "";
  return " (line " + std::to_string(n.Mark().line + 1) + ")";
}

class Parser {
 public:
  explicit Parser(const PipelineLimits& limits) : limits_(limits) {}

  Result<PipelineSpec> Parse(const YAML::Node& root) {
    if (!root.IsMap()) return InvalidArgument("pipeline: expected a mapping at the top");
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (!kPipelineKeys.count(key)) Problem(key + ": unknown key" + At(kv.first));
    }
    spec_.name = Scalar(root["name"], "name", /*required=*/true);
    spec_.description = Scalar(root["description"], "description", false);
    if (root["params"]) spec_.params = Mapping(root["params"], "params");
    const YAML::Node nodes = root["nodes"];
    if (!nodes || nodes.IsNull()) {
      Problem("nodes: required field is missing");
    } else if (!nodes.IsMap()) {
      Problem("nodes: expected a mapping of node name to node" + At(nodes));
    } else if (nodes.size() > limits_.max_nodes) {
      return InvalidArgument("nodes: " + std::to_string(nodes.size()) +
                             " nodes is over the limit of " +
                             std::to_string(limits_.max_nodes) + At(nodes));
    } else {
      std::set<std::string> seen;
      for (const auto& kv : nodes) {
        std::string name = kv.first.Scalar();
        if (!seen.insert(name).second) {
          Problem("nodes." + name + ": duplicate node" + At(kv.first));
          continue;
        }
        ParseNode(name, kv.first, kv.second);
      }
    }
    if (!problems_.empty()) return InvalidArgument(problems_);
    return std::move(spec_);
  }

 private:
  void Problem(const std::string& p) {
    if (!problems_.empty()) problems_ += "; ";
    problems_ += p;
  }

  std::string Scalar(const YAML::Node& n, const std::string& path, bool required) {
    if (!n || n.IsNull()) {
      if (required) Problem(path + ": required field is missing");
      return "";
    }
    if (!n.IsScalar()) {
      Problem(path + ": expected a string" + At(n));
      return "";
    }
    return n.Scalar();
  }

  Json Mapping(const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return Json::object();
    if (!n.IsMap()) {
      Problem(path + ": expected a mapping" + At(n));
      return Json::object();
    }
    return YamlToJson(n);
  }

  void ParseNode(const std::string& name, const YAML::Node& key, const YAML::Node& n) {
    const std::string path = "nodes." + name;
    NodeSpec node;
    node.name = name;
    node.line = key.Mark().is_null() ? 0 : key.Mark().line + 1;
    if (!n.IsMap()) {
      Problem(path + ": expected a mapping with 'operator'" + At(n));
      return;
    }
    for (const auto& kv : n) {
      std::string k = kv.first.Scalar();
      if (k == "operator" || k == "inputs" || k == "params") continue;
      if (kReservedNodeKeys.count(k)) {
        node.reserved[k] = YamlToJson(kv.second);
      } else {
        Problem(path + "." + k + ": unknown key" + At(kv.first));
      }
    }
    node.operator_ref = Scalar(n["operator"], path + ".operator", true);
    if (n["params"]) node.params = Mapping(n["params"], path + ".params");
    const YAML::Node inputs = n["inputs"];
    if (inputs && !inputs.IsNull()) {
      if (!inputs.IsMap()) {
        Problem(path + ".inputs: expected a mapping of port to <node>.<port>" + At(inputs));
      } else if (inputs.size() > limits_.max_inputs_per_node) {
        Problem(path + ".inputs: " + std::to_string(inputs.size()) +
                " inputs is over the limit of " + std::to_string(limits_.max_inputs_per_node) +
                " per node" + At(inputs));
      } else {
        for (const auto& kv : inputs) {
          std::string port = kv.first.Scalar();
          std::string ipath = path + ".inputs." + port;
          std::string ref = Scalar(kv.second, ipath, true);
          auto dot = ref.find('.');
          if (ref.empty()) continue;
          if (dot == std::string::npos || dot == 0 || dot + 1 == ref.size() ||
              ref.find('.', dot + 1) != std::string::npos) {
            Problem(ipath + ": expected '<node>.<port>', got '" + ref + "'" + At(kv.second));
            continue;
          }
          node.inputs[port] = InputRef{ref.substr(0, dot), ref.substr(dot + 1)};
        }
      }
    }
    spec_.nodes.push_back(std::move(node));
  }

  const PipelineLimits& limits_;
  PipelineSpec spec_;
  std::string problems_;
};

}  // namespace

Result<PipelineSpec> ParsePipelineYaml(const std::string& text, const PipelineLimits& limits) {
  if (text.size() > limits.max_spec_bytes) {
    return InvalidArgument("pipeline YAML: " + std::to_string(text.size()) +
                           " bytes is over the limit of " + std::to_string(limits.max_spec_bytes));
  }
  RETURN_IF_ERROR(CheckYamlLimits(text, "pipeline YAML"));
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull()) return InvalidArgument("pipeline: the document is empty");
    return Parser(limits).Parse(root);
  } catch (const YAML::Exception& e) {
    // e.mark is 0-based; people count lines from 1.
    std::string where = e.mark.is_null() ? "" : "line " + std::to_string(e.mark.line + 1) +
                                                    ", column " + std::to_string(e.mark.column + 1) + ": ";
    return InvalidArgument("pipeline YAML: " + where + e.msg);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("pipeline YAML: ") + e.what());
  }
}

}  // namespace tandem::workflow
