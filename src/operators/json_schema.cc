#include "operators/json_schema.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <regex>
#include <set>

#include "core/problems.h"

namespace tandem::operators {
namespace {

// valijson's errors for a failing child repeat up every enclosing object and array
// ("Failed to validate against schema associated with property name 'x'"): the leaf
// error already says what is wrong, so the wrappers are dropped.
bool IsWrapperError(const std::string& description) {
  return description.rfind("Failed to validate against schema associated with property", 0) == 0 ||
         description.rfind("Failed to validate against schema associated with pattern", 0) == 0 ||
         description.rfind("Failed to validate against additional properties schema", 0) == 0 ||
         description.rfind("Failed to validate item #", 0) == 0 ||
         description.rfind("Failed to validate against child schema", 0) == 0 ||
         description.rfind("Failed to validate against a conditional schema", 0) == 0 ||
         description.rfind("Failed to validate against dependent schema", 0) == 0;
}

// oneOf/anyOf failures: their own message names the alternatives, so what each
// alternative said about the same value is dropped.
bool IsAlternativesError(const std::string& description) {
  return description.rfind("Failed to validate against any child schemas allowed by oneOf", 0) == 0 ||
         description.rfind("Failed to validate against any schemas allowed by anyOf", 0) == 0;
}

// The value at valijson's context path ["<root>", "[a]", "[0]"] and the path as people
// write it ("a[0]"), walking the document to tell array indices from keys.
struct Located {
  std::string path;
  const Json* value = nullptr;
  const Json* schema = nullptr;
};

// Follows a local "$ref" ("#/definitions/ports") to the schema it names.
const Json* Resolve(const Json* schema, const Json& root) {
  for (int hops = 0; schema != nullptr && schema->is_object() && hops < 16; ++hops) {
    auto ref = schema->find("$ref");
    if (ref == schema->end() || !ref->is_string()) return schema;
    const std::string& target = ref->get_ref<const std::string&>();
    if (target.rfind("#", 0) != 0) return nullptr;
    try {
      const Json::json_pointer pointer(target.substr(1));
      schema = root.contains(pointer) ? &root.at(pointer) : nullptr;
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  return schema;
}

// The schema a member `key` of `parent_value` answers to: items for an array element;
// for an object member its "properties" entry, else a matching "patternProperties"
// one, else "additionalProperties" when that is a schema.
const Json* SubSchema(const Json* schema, const Json* parent_value, const std::string& key,
                      const Json& root) {
  schema = Resolve(schema, root);
  if (schema == nullptr || !schema->is_object()) return nullptr;
  if (parent_value != nullptr && parent_value->is_array()) {
    auto items = schema->find("items");
    return items != schema->end() && items->is_object() ? Resolve(&*items, root) : nullptr;
  }
  auto props = schema->find("properties");
  if (props != schema->end() && props->is_object() && props->contains(key)) {
    return Resolve(&(*props)[key], root);
  }
  auto patterns = schema->find("patternProperties");
  if (patterns != schema->end() && patterns->is_object()) {
    for (const auto& [pattern, sub] : patterns->items()) {
      try {
        if (std::regex_search(key, std::regex(pattern))) return Resolve(&sub, root);
      } catch (const std::regex_error&) {
      }
    }
  }
  auto extra = schema->find("additionalProperties");
  return extra != schema->end() && extra->is_object() ? Resolve(&*extra, root) : nullptr;
}

Located Locate(const std::vector<std::string>& context, const Json& doc, const Json& schema,
               const std::string& root_path) {
  Located at{root_path, &doc, Resolve(&schema, schema)};
  for (size_t i = 1; i < context.size(); ++i) {
    std::string key = context[i];
    if (key.size() >= 2 && key.front() == '[' && key.back() == ']') key = key.substr(1, key.size() - 2);
    const Json* parent = at.value;
    at.schema = SubSchema(at.schema, parent, key, schema);
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
  std::string s = DumpJson(*value);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string RuleNumber(const Json* schema, const char* key) {
  if (schema == nullptr || !schema->contains(key)) return "?";
  return DumpJson((*schema)[key]);
}

// "table, images or model": the values an enum allows.
std::string Choices(const Json& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i].is_string() ? values[i].get<std::string>() : DumpJson(values[i]);
  }
  return out;
}

// One alternative of a oneOf/anyOf as people say it: "a number", "an object with min,
// max", "one of a, b".
std::string Alternative(const Json& alt) {
  if (!alt.is_object()) return DumpJson(alt);
  if (alt.contains("enum") && alt["enum"].is_array()) return "one of " + Choices(alt["enum"]);
  if (alt.contains("const")) return DumpJson(alt["const"]);
  std::string type = alt.contains("type") ? (alt["type"].is_string() ? alt["type"].get<std::string>()
                                                                      : Choices(alt["type"]))
                                          : "a value";
  std::string out = (type == "object" || type == "array" || type == "integer" ? "an " : "a ") + type;
  if (alt.contains("properties") && alt["properties"].is_object() && !alt["properties"].empty()) {
    std::string names;
    for (const auto& [k, v] : alt["properties"].items()) names += (names.empty() ? "" : ", ") + k;
    out += " with " + names;
  }
  return out;
}

std::string Alternatives(const Json* schema, const char* key) {
  if (schema == nullptr || !schema->contains(key) || !(*schema)[key].is_array()) return "an allowed form";
  std::string out;
  const Json& alts = (*schema)[key];
  for (size_t i = 0; i < alts.size(); ++i) {
    if (i > 0) out += i + 1 == alts.size() ? " or " : ", ";
    out += Alternative(alts[i]);
  }
  return out;
}

// Says the leaf error in our words where we recognise it; valijson's otherwise.
std::string Describe(const std::string& d, const Located& at) {
  auto starts = [&](const char* prefix) { return d.rfind(prefix, 0) == 0; };
  const std::string got = ", got " + Shown(at.value);
  if (starts("Value type not permitted by 'type' constraint")) {
    std::string want = at.schema != nullptr && at.schema->contains("type")
                           ? ((*at.schema)["type"].is_string()
                                  ? (*at.schema)["type"].get<std::string>()
                                  : DumpJson((*at.schema)["type"]))
                           : "another type";
    return "expected " + want + got;
  }
  if (starts("Expected number greater than or equal to")) return "must be >= " + RuleNumber(at.schema, "minimum") + got;
  if (starts("Expected number greater than")) return "must be > " + RuleNumber(at.schema, "exclusiveMinimum") + got;
  if (starts("Expected number less than or equal to")) return "must be <= " + RuleNumber(at.schema, "maximum") + got;
  if (starts("Expected number less than")) return "must be < " + RuleNumber(at.schema, "exclusiveMaximum") + got;
  if (starts("Failed to match against any enum values")) {
    if (at.schema == nullptr || !at.schema->contains("enum")) return "is not one of the allowed values" + got;
    return "must be one of " + Choices((*at.schema)["enum"]) + got;
  }
  if (starts("Failed to validate against any child schemas allowed by oneOf")) {
    return "must be " + Alternatives(at.schema, "oneOf") + got;
  }
  if (starts("Failed to validate against any schemas allowed by anyOf")) {
    return "must be " + Alternatives(at.schema, "anyOf") + got;
  }
  if (starts("Failed to validate against exactly one child schema")) {
    return "matches more than one of " + Alternatives(at.schema, "oneOf") + "; make it fit exactly one" + got;
  }
  if (starts("Failed to match expected value set by 'const'")) return "must be " + RuleNumber(at.schema, "const") + got;
  if (starts("Object should have no fewer than")) return "needs at least " + RuleNumber(at.schema, "minProperties") + " fields";
  if (starts("Object should have no more than")) return "takes at most " + RuleNumber(at.schema, "maxProperties") + " fields";
  if (starts("Value should be a multiple of")) return "must be a multiple of " + RuleNumber(at.schema, "multipleOf") + got;
  if (starts("Array contains more items than allowed") || starts("Cannot validate item #")) {
    return "has more items than allowed" + got;
  }
  if (starts("Elements at indexes")) return "items must be unique" + got;
  if (starts("Target should not validate against schema specified in 'not'")) return "this value is not allowed" + got;
  if (starts("String should be a valid date-time")) return "must be a date and time (2026-12-03T07:45:00Z)" + got;
  if (starts("String should be a valid date")) return "must be a date (2026-12-03)" + got;
  if (starts("String should be a valid time")) return "must be a time (07:45:00)" + got;
  if (starts("Missing dependency '")) {
    const size_t a = d.find('\''), b = d.find('\'', a + 1);
    return "needs field '" + d.substr(a + 1, b - a - 1) + "' as well";
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
  std::vector<valijson::ValidationResults::Error> errors;
  while (results.popError(error)) errors.push_back(error);
  std::set<std::vector<std::string>> alternatives_at;
  for (const auto& e : errors) {
    if (IsAlternativesError(e.description)) alternatives_at.insert(e.context);
  }
  std::vector<std::string> wrappers;
  for (const auto& e : errors) {
    const bool alternative_leaf = !IsAlternativesError(e.description) && alternatives_at.count(e.context);
    if (alternative_leaf) continue;
    const std::string at_path = FormatError(e.description, Locate(e.context, doc, source_, root_path));
    if (IsWrapperError(e.description)) {
      wrappers.push_back(at_path);
    } else if (std::find(out.begin(), out.end(), at_path) == out.end()) {
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
