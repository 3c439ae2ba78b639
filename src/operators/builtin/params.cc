#include "operators/builtin/params.h"

#include <regex.h>

#include <cmath>

#include "data/table.h"

namespace tandem::operators::builtin {
namespace {

bool IsInteger(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d);
}

bool HasType(const Json& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "integer") return IsInteger(v);
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  return true;
}

// POSIX extended regex rather than std::regex: no exceptions, and the patterns the
// built-in schemas use (anchors, classes, {m,n}) mean the same in ERE and ECMAScript.
Result<bool> MatchesPattern(const std::string& name, const std::string& pattern,
                            const std::string& text) {
  regex_t re;
  if (regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
    return Internal(name + ": the schema's pattern " + pattern + " is not a valid regex");
  }
  bool match = regexec(&re, text.c_str(), 0, nullptr, 0) == 0;
  regfree(&re);
  return match;
}

std::string Num(double v) { return data::FormatNumber(v); }

Status CheckBounds(const std::string& name, const Json& rule, double v) {
  auto bound = [&](const char* key, double* out) {
    auto it = rule.find(key);
    if (it == rule.end() || !it->is_number()) return false;
    *out = it->get<double>();
    return true;
  };
  double b = 0;
  if (bound("minimum", &b) && v < b) {
    return InvalidArgument(name + ": must be at least " + Num(b) + ", got " + Num(v));
  }
  if (bound("maximum", &b) && v > b) {
    return InvalidArgument(name + ": must be at most " + Num(b) + ", got " + Num(v));
  }
  if (bound("exclusiveMinimum", &b) && v <= b) {
    return InvalidArgument(name + ": must be greater than " + Num(b) + ", got " + Num(v));
  }
  if (bound("exclusiveMaximum", &b) && v >= b) {
    return InvalidArgument(name + ": must be less than " + Num(b) + ", got " + Num(v));
  }
  return Status::Ok();
}

Status CheckValue(const std::string& name, const Json& rule, const Json& v) {
  std::string type = rule.value("type", "");
  if (!type.empty() && !HasType(v, type)) {
    return InvalidArgument(name + ": expected " + (type == "integer" ? "an " : "a ") + type +
                           ", got " + v.dump());
  }
  if (auto e = rule.find("enum"); e != rule.end() && e->is_array()) {
    bool found = false;
    std::string choices;
    for (const auto& option : *e) {
      found = found || option == v;
      choices += (choices.empty() ? "" : ", ") +
                 (option.is_string() ? option.get<std::string>() : option.dump());
    }
    if (!found) return InvalidArgument(name + ": must be one of " + choices + ", got " + v.dump());
  }
  if (v.is_number()) RETURN_IF_ERROR(CheckBounds(name, rule, v.get<double>()));
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (auto m = rule.find("minLength"); m != rule.end() && m->is_number_integer() &&
                                         s.size() < m->get<size_t>()) {
      return InvalidArgument(name + ": must not be empty");
    }
    if (auto p = rule.find("pattern"); p != rule.end() && p->is_string()) {
      const std::string& pattern = p->get_ref<const std::string&>();
      ASSIGN_OR_RETURN(bool match, MatchesPattern(name, pattern, s));
      if (!match) return InvalidArgument(name + ": '" + s + "' does not match " + pattern);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ApplyParamSchema(const Json& schema, const Json& params) {
  if (!params.is_object()) return InvalidArgument("params: expected an object");
  const Json properties = schema.value("properties", Json::object());
  Json out = params;
  if (schema.value("additionalProperties", true) == false) {
    for (const auto& [key, value] : params.items()) {
      if (!properties.contains(key)) {
        return InvalidArgument("params." + key + ": unknown parameter");
      }
    }
  }
  for (const auto& key : schema.value("required", Json::array())) {
    const std::string k = key.get<std::string>();
    if (!params.contains(k) || params[k].is_null()) {
      return InvalidArgument("params." + k + ": required parameter is missing");
    }
  }
  for (const auto& [key, rule] : properties.items()) {
    auto it = out.find(key);
    if (it == out.end() || it->is_null()) {
      if (rule.contains("default")) {
        out[key] = rule["default"];
      } else if (it != out.end()) {
        out.erase(key);  // null means "not given"
      }
      continue;
    }
    RETURN_IF_ERROR(CheckValue("params." + key, rule, *it));
  }
  return out;
}

}  // namespace tandem::operators::builtin
