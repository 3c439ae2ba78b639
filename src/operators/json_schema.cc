#include "operators/json_schema.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cmath>
#include <exception>

#include "core/problems.h"

namespace tandem::operators {
namespace {

// valijson's errors for a failing child repeat up every enclosing object and array
// ("Failed to validate against schema associated with property name 'x'"): the leaf
// error already says what is wrong, so the wrappers are dropped.
bool IsWrapperError(const std::string& description) {
  return description.rfind("Failed to validate against schema associated with property", 0) == 0 ||
         description.rfind("Failed to validate item #", 0) == 0 ||
         description.rfind("Failed to validate against child schema", 0) == 0;
}

// The value at valijson's context path ["<root>", "[a]", "[0]"] and the path as people
// write it ("a[0]"), walking the document to tell array indices from keys.
struct Located {
  std::string path;
  const Json* value = nullptr;
  const Json* schema = nullptr;
};

const Json* SubSchema(const Json* schema, const Json* parent_value, const std::string& key) {
  if (schema == nullptr || !schema->is_object()) return nullptr;
  if (parent_value != nullptr && parent_value->is_array()) {
    auto items = schema->find("items");
    return items != schema->end() && items->is_object() ? &*items : nullptr;
  }
  auto props = schema->find("properties");
  if (props == schema->end() || !props->is_object()) return nullptr;
  auto it = props->find(key);
  return it != props->end() ? &*it : nullptr;
}

Located Locate(const std::vector<std::string>& context, const Json& doc, const Json& schema,
               const std::string& root_path) {
  Located at{root_path, &doc, &schema};
  for (size_t i = 1; i < context.size(); ++i) {
    std::string key = context[i];
    if (key.size() >= 2 && key.front() == '[' && key.back() == ']') key = key.substr(1, key.size() - 2);
    const Json* parent = at.value;
    at.schema = SubSchema(at.schema, parent, key);
    if (parent != nullptr && parent->is_array()) {
      at.path += "[" + key + "]";
      size_t index = std::strtoul(key.c_str(), nullptr, 10);
      at.value = index < parent->size() ? &(*parent)[index] : nullptr;
    } else {
      at.path += at.path.empty() ? key : "." + key;
      if (parent != nullptr && parent->is_object() && parent->contains(key)) {
        at.value = &(*parent)[key];
      } else {
        at.value = nullptr;
      }
    }
  }
  return at;
}

std::string Shown(const Json* value) {
  if (value == nullptr) return "nothing";
  std::string s = value->dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string RuleNumber(const Json* schema, const char* key) {
  if (schema == nullptr || !schema->contains(key)) return "?";
  return (*schema)[key].dump();
}

// Says the leaf error in our words where we recognise it; valijson's otherwise.
std::string Describe(const std::string& d, const Located& at) {
  auto starts = [&](const char* prefix) { return d.rfind(prefix, 0) == 0; };
  const std::string got = ", got " + Shown(at.value);
  if (starts("Value type not permitted by 'type' constraint")) {
    std::string want = at.schema != nullptr && at.schema->contains("type")
                           ? ((*at.schema)["type"].is_string()
                                  ? (*at.schema)["type"].get<std::string>()
                                  : (*at.schema)["type"].dump())
                           : "another type";
    return "expected " + want + got;
  }
  if (starts("Expected number greater than or equal to")) return "must be >= " + RuleNumber(at.schema, "minimum") + got;
  if (starts("Expected number greater than")) return "must be > " + RuleNumber(at.schema, "exclusiveMinimum") + got;
  if (starts("Expected number less than or equal to")) return "must be <= " + RuleNumber(at.schema, "maximum") + got;
  if (starts("Expected number less than")) return "must be < " + RuleNumber(at.schema, "exclusiveMaximum") + got;
  if (starts("Failed to match against any enum values")) {
    return "must be one of " + RuleNumber(at.schema, "enum") + got;
  }
  if (starts("Array should contain no fewer than")) return "needs at least " + RuleNumber(at.schema, "minItems") + " items" + got;
  if (starts("Array should contain no more than")) return "takes at most " + RuleNumber(at.schema, "maxItems") + " items" + got;
  if (starts("String should be no fewer than")) return "must be at least " + RuleNumber(at.schema, "minLength") + " characters" + got;
  if (starts("String should be no more than")) return "must be at most " + RuleNumber(at.schema, "maxLength") + " characters" + got;
  if (starts("Failed to match regex specified by 'pattern' constraint")) {
    return "must match the pattern " + RuleNumber(at.schema, "pattern") + got;
  }
  if (!d.empty() && d.back() == '.') return d.substr(0, d.size() - 1);
  return d;
}

// Missing required properties and unknown ones are reported at the property's own path.
std::string FormatError(const std::string& d, const Located& at) {
  auto quoted = [&](const std::string& prefix) -> std::string {
    size_t a = d.find('\'', prefix.size() - 1);
    size_t b = a == std::string::npos ? a : d.find('\'', a + 1);
    return a == std::string::npos || b == std::string::npos ? "" : d.substr(a + 1, b - a - 1);
  };
  auto child = [&](const std::string& name) { return at.path.empty() ? name : at.path + "." + name; };
  if (d.rfind("Missing required property", 0) == 0) {
    return child(quoted("Missing required property")) + ": required field is missing";
  }
  if (d.rfind("Object contains a property that could not be validated", 0) == 0) {
    std::string name = d.substr(d.rfind(": '") + 3);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (!name.empty() && name.back() == '\'') name.pop_back();
    std::string known;
    if (at.schema != nullptr && at.schema->contains("properties")) {
      for (const auto& [k, v] : (*at.schema)["properties"].items()) known += (known.empty() ? "" : ", ") + k;
    }
    return child(name) + ": unknown field" + (known.empty() ? "" : " (known: " + known + ")");
  }
  return (at.path.empty() ? std::string("(document)") : at.path) + ": " + Describe(d, at);
}

bool IsWholeNumber(const Json& v) {
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15;
}

// Makes params what people meant before they are checked: a property given as null is
// "not given" (forms send null for an emptied field), so it gets its default; 3.0 where
// the schema wants an integer is 3 (JSON clients cannot tell them apart).
void Normalize(const Json& schema, Json& value) {
  if (!schema.is_object()) return;
  if (schema.value("type", Json()) == "integer" && IsWholeNumber(value)) {
    value = static_cast<int64_t>(value.get<double>());
    return;
  }
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      it = it->is_null() ? value.erase(it) : std::next(it);
    }
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object()) return;
    for (const auto& [name, sub] : props->items()) {
      if (!value.contains(name)) {
        if (sub.is_object() && sub.contains("default")) value[name] = sub["default"];
        else continue;
      }
      Normalize(sub, value[name]);
    }
  } else if (value.is_array()) {
    auto items = schema.find("items");
    if (items == schema.end() || !items->is_object()) return;
    for (auto& item : value) Normalize(*items, item);
  }
}

}  // namespace

Result<JsonSchema> JsonSchema::Compile(const Json& schema, const std::string& what) {
  if (!schema.is_object() && !schema.is_boolean()) {
    return InvalidArgument(what + ": not a valid JSON Schema: expected an object");
  }
  auto compiled = std::make_shared<valijson::Schema>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, *compiled);
  } catch (const std::exception& e) {
    return InvalidArgument(what + ": not a valid JSON Schema: " + e.what());
  }
  JsonSchema out;
  out.source_ = schema;
  out.schema_ = std::move(compiled);
  return out;
}

std::vector<std::string> JsonSchema::Violations(const Json& doc, const std::string& root_path) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  std::vector<std::string> out;
  if (validator.validate(*schema_, adapter, &results)) return out;
  valijson::ValidationResults::Error error;
  std::vector<std::string> wrappers;
  while (results.popError(error)) {
    const std::string at_path = FormatError(error.description, Locate(error.context, doc, source_, root_path));
    if (IsWrapperError(error.description)) {
      wrappers.push_back(at_path);
    } else {
      out.push_back(at_path);
    }
  }
  // No leaf said what is wrong: the enclosing errors at least say where.
  if (out.empty()) out = wrappers;
  if (out.empty()) out.push_back((root_path.empty() ? "(document)" : root_path) + ": does not match its schema");
  return out;
}

Result<Json> ApplyParamsSchema(const JsonSchema& schema, const Json& params,
                               const std::string& root_path) {
  Json filled = params.is_null() ? Json::object() : params;
  Normalize(schema.source(), filled);
  std::vector<std::string> problems = schema.Violations(filled, root_path);
  if (!problems.empty()) return InvalidArgument(JoinProblems(problems));
  return filled;
}

Result<Json> ApplyParamsSchema(const Json& schema, const Json& params, const std::string& root_path) {
  ASSIGN_OR_RETURN(JsonSchema compiled, JsonSchema::Compile(schema, root_path + " schema"));
  return ApplyParamsSchema(compiled, params, root_path);
}

}  // namespace tandem::operators
