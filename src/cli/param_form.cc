#include "cli/param_form.h"

#include <istream>
#include <set>
#include <ostream>
#include <sstream>

#include "operators/json_schema.h"

namespace tandem::cli {
namespace {

std::string TypeOf(const Json& prop) {
  if (prop.contains("enum")) return "choice";
  auto t = prop.find("type");
  if (t == prop.end()) return "any";
  return t->is_string() ? t->get<std::string>() : t->dump();
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

// The answer as the JSON value the schema asks for; kInvalidArgument says why not.
Result<Json> ParseAnswer(const Json& prop, const std::string& text) {
  const std::string type = TypeOf(prop);
  if (type == "choice") {
    for (const auto& choice : prop["enum"]) {
      if ((choice.is_string() && choice.get<std::string>() == text) || choice.dump() == text) return choice;
    }
    return InvalidArgument("choose one of " + prop["enum"].dump());
  }
  if (type == "string") return Json(text);
  if (type == "array") {
    Json items = Json::array();
    const Json item_schema = prop.value("items", Json::object());
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
      ASSIGN_OR_RETURN(Json v, ParseAnswer(item_schema, Trim(part)));
      items.push_back(v);
    }
    return items;
  }
  if (type == "any") {
    auto parsed = Json::parse(text, nullptr, false);
    return parsed.is_discarded() ? Json(text) : parsed;
  }
  auto parsed = Json::parse(text, nullptr, false);
  if (type == "boolean") {
    if (text == "y" || text == "yes") return Json(true);
    if (text == "n" || text == "no") return Json(false);
    if (parsed.is_boolean()) return parsed;
    return InvalidArgument("answer yes or no");
  }
  if ((type == "integer" || type == "number") && parsed.is_number()) return parsed;
  return InvalidArgument("expected " + type);
}

void Describe(const std::string& name, const Json& prop, bool required, std::ostream& out) {
  out << "\n" << name << (required ? " (required)" : "") << " — " << TypeOf(prop);
  if (prop.contains("enum")) out << " " << prop["enum"].dump();
  for (const char* bound : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
    if (prop.contains(bound)) out << ", " << bound << " " << prop[bound].dump();
  }
  out << "\n";
  if (prop.contains("description")) out << "  " << prop["description"].get<std::string>() << "\n";
  out << "  " << name;
  if (prop.contains("default")) out << " [" << prop["default"].dump() << "]";
  out << ": " << std::flush;
}

}  // namespace

Result<Json> AskParams(const Json& schema, std::istream& in, std::ostream& out) {
  Json params = Json::object();
  const Json props = schema.value("properties", Json::object());
  std::set<std::string> required;
  for (const auto& r : schema.value("required", Json::array())) required.insert(r.get<std::string>());
  for (const auto& [name, prop] : props.items()) {
    for (;;) {
      const bool must = required.count(name) > 0;
      Describe(name, prop, must, out);
      std::string line;
      if (!std::getline(in, line)) {
        if (must && !prop.contains("default")) return InvalidArgument(name + ": no answer for a required param");
        break;
      }
      line = Trim(line);
      if (line.empty()) {
        if (prop.contains("default")) {
          params[name] = prop["default"];
          break;
        }
        if (!must) break;
        out << "  " << name << " is required\n";
        continue;
      }
      auto value = ParseAnswer(prop, line);
      if (value.ok()) {
        // The bounds, patterns, lengths: the operator's own schema says yes or no.
        Json one = {{"type", "object"}, {"properties", {{name, prop}}}};
        auto checked = operators::ApplyParamsSchema(one, {{name, *value}}, "");
        if (checked.ok()) {
          params[name] = *value;
          break;
        }
        out << "  " << checked.status().message() << "\n";
      } else {
        out << "  " << value.status().message() << "\n";
      }
    }
  }
  out << "\n";
  return params;
}

std::string ParamsYaml(const Json& params) {
  std::string out;
  for (const auto& [name, value] : params.items()) out += name + ": " + value.dump() + "\n";
  return out;
}

}  // namespace tandem::cli
