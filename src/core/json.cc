#include "core/json.h"

#include "core/parse_limits.h"

namespace tandem {

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  // Checked before a tree exists: copying or walking a 60,000-deep one overflows the stack.
  RETURN_IF_ERROR(CheckJsonDepth(text, std::string(what)));
  Json out = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    // Re-parse with exceptions only to recover the position for the message.
    try {
      Json ignored = Json::parse(text.begin(), text.end());
      (void)ignored;
    } catch (const Json::parse_error& e) {
      return InvalidArgument(std::string(what) + " is not valid JSON (byte " +
                             std::to_string(e.byte) + ")");
    } catch (const Json::exception& e) {
      // A number past double's range (1e400) is out_of_range, not a parse_error.
      return InvalidArgument(std::string(what) + " is not valid JSON: " +
                             (e.id == 406 ? "a number is out of range" : std::string(e.what())));
    }
    return InvalidArgument(std::string(what) + " is not valid JSON");
  }
  return out;
}

namespace {

const char* TypeName(const Json& v) {
  return v.type_name();
}

Status CheckObject(const Json& obj, const std::string& path) {
  if (!obj.is_object()) {
    return InvalidArgument((path.empty() ? std::string("value") : path) +
                           ": expected an object, got " + TypeName(obj));
  }
  return Status::Ok();
}

template <typename T, typename Check>
Result<T> GetTyped(const Json& obj, const std::string& key, const std::string& path,
                   const char* expected, Check check, const T* fallback) {
  RETURN_IF_ERROR(CheckObject(obj, path));
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (fallback) return *fallback;
    return InvalidArgument(JoinPath(path, key) + ": required field is missing");
  }
  if (!check(*it)) {
    return InvalidArgument(JoinPath(path, key) + ": expected " + expected + ", got " +
                           TypeName(*it));
  }
  return it->template get<T>();
}

bool IsString(const Json& v) { return v.is_string(); }
bool IsInt(const Json& v) {
  if (v.is_number_integer()) return true;
  if (v.is_number_float()) {
    double d = v.get<double>();
    return d == static_cast<double>(static_cast<int64_t>(d));
  }
  return false;
}
bool IsNumber(const Json& v) { return v.is_number(); }
bool IsBool(const Json& v) { return v.is_boolean(); }

}  // namespace

Result<std::string> GetString(const Json& obj, const std::string& key, const std::string& path) {
  return GetTyped<std::string>(obj, key, path, "a string", IsString, nullptr);
}
Result<int64_t> GetInt(const Json& obj, const std::string& key, const std::string& path) {
  auto r = GetTyped<double>(obj, key, path, "an integer", IsInt, nullptr);
  if (!r.ok()) return r.status();
  return static_cast<int64_t>(*r);
}
Result<double> GetNumber(const Json& obj, const std::string& key, const std::string& path) {
  return GetTyped<double>(obj, key, path, "a number", IsNumber, nullptr);
}
Result<bool> GetBool(const Json& obj, const std::string& key, const std::string& path) {
  return GetTyped<bool>(obj, key, path, "a boolean", IsBool, nullptr);
}
Result<std::string> GetStringOr(const Json& obj, const std::string& key, std::string fallback,
                                const std::string& path) {
  return GetTyped<std::string>(obj, key, path, "a string", IsString, &fallback);
}
Result<int64_t> GetIntOr(const Json& obj, const std::string& key, int64_t fallback,
                         const std::string& path) {
  double f = static_cast<double>(fallback);
  auto r = GetTyped<double>(obj, key, path, "an integer", IsInt, &f);
  if (!r.ok()) return r.status();
  return static_cast<int64_t>(*r);
}
Result<double> GetNumberOr(const Json& obj, const std::string& key, double fallback,
                           const std::string& path) {
  return GetTyped<double>(obj, key, path, "a number", IsNumber, &fallback);
}
Result<bool> GetBoolOr(const Json& obj, const std::string& key, bool fallback,
                       const std::string& path) {
  return GetTyped<bool>(obj, key, path, "a boolean", IsBool, &fallback);
}

std::string DumpJson(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tandem
