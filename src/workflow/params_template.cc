#include "workflow/params_template.h"

namespace tandem::workflow {
namespace {

bool HasType(const Json& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  return false;
}

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Json Substitute(const Json& v, const Json& declarations, const Json& values,
                const std::string& path, std::vector<std::string>* problems) {
  if (v.is_object()) {
    Json out = Json::object();
    for (const auto& [k, item] : v.items()) out[k] = Substitute(item, declarations, values, path + "." + k, problems);
    return out;
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (size_t i = 0; i < v.size(); ++i) {
      out.push_back(Substitute(v[i], declarations, values, path + "[" + std::to_string(i) + "]", problems));
    }
    return out;
  }
  if (!v.is_string()) return v;
  const std::string s = v.get<std::string>();
  static const std::string kOpen = "{{params.";
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = s.find(kOpen, pos);
    if (open == std::string::npos) break;
    size_t close = s.find("}}", open);
    if (close == std::string::npos) break;
    std::string name = s.substr(open + kOpen.size(), close - open - kOpen.size());
    if (!values.contains(name)) {
      if (!declarations.is_object() || !declarations.contains(name)) {
        problems->push_back(path + ": unknown pipeline param '" + name + "'");
      }
      return v;
    }
    if (open == 0 && close + 2 == s.size()) return values[name];  // exactly one: typed
    out += s.substr(pos, open - pos) + Text(values[name]);
    pos = close + 2;
  }
  return out + s.substr(pos);
}

}  // namespace

Json ResolvePipelineParams(const Json& declarations, const Json& overrides,
                           std::vector<std::string>* problems) {
  Json values = Json::object();
  if (declarations.is_object()) {
    for (const auto& [name, decl] : declarations.items()) {
      const std::string path = "params." + name;
      if (!decl.is_object() || !decl.contains("type") || !decl["type"].is_string()) {
        problems->push_back(path + ": expected {type: string|integer|number|boolean, default: ...}");
        continue;
      }
      const std::string type = decl["type"];
      if (type != "string" && type != "integer" && type != "number" && type != "boolean") {
        problems->push_back(path + ".type: unknown type '" + type +
                            "' (use string, integer, number, boolean)");
        continue;
      }
      for (const auto& [key, _] : decl.items()) {
        if (key != "type" && key != "default") problems->push_back(path + "." + key + ": unknown key");
      }
      const bool overridden = overrides.is_object() && overrides.contains(name);
      const Json* value = overridden ? &overrides[name] : decl.contains("default") ? &decl["default"] : nullptr;
      if (value == nullptr) {
        problems->push_back(path + ": no value (no default and none given at submit)");
        continue;
      }
      if (!HasType(*value, type)) {
        problems->push_back(path + (overridden ? "" : ".default") + ": expected " + type +
                            ", got " + value->dump());
        continue;
      }
      values[name] = *value;
    }
  }
  if (overrides.is_object()) {
    for (const auto& [name, _] : overrides.items()) {
      if (!declarations.is_object() || !declarations.contains(name)) {
        problems->push_back("params." + name + ": unknown pipeline param '" + name + "'");
      }
    }
  }
  return values;
}

Json SubstituteParams(const Json& params, const Json& declarations, const Json& values,
                      const std::string& path, std::vector<std::string>* problems) {
  return Substitute(params, declarations, values, path, problems);
}

}  // namespace tandem::workflow
