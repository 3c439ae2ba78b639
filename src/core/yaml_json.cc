#include "core/yaml_json.h"

#include <cerrno>
#include <cstdlib>

#include "core/parse_limits.h"

namespace tandem {
namespace {

// YAML 1.2 core schema for plain scalars; quoted ones (tag "!") stay strings.
Json ScalarToJson(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  long long i = std::strtoll(begin, &end, 10);
  if (*end == '\0' && errno == 0) return static_cast<int64_t>(i);
  errno = 0;
  double d = std::strtod(begin, &end);
  bool numeric_start = (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.';
  if (*end == '\0' && errno == 0 && numeric_start) return d;
  return s;
}

}  // namespace

Json YamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return ScalarToJson(n);
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : n) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : n) out[kv.first.Scalar()] = YamlToJson(kv.second);
      return out;
    }
    default:
      return nullptr;
  }
}

Result<Json> ParseYamlText(const std::string& text, const std::string& what) {
  RETURN_IF_ERROR(CheckYamlLimits(text, what));
  try {
    return YamlToJson(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(what + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace tandem
