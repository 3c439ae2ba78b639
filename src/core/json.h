#pragma once
// JSON helpers over nlohmann::json that return Result instead of throwing, and name
// the offending field in every error ("params.max_depth: expected an integer").
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace tandem {

using Json = nlohmann::json;

// Parses text; the error names `what` and the byte offset of the problem.
Result<Json> ParseJson(std::string_view text, std::string_view what = "JSON");

// Typed field access on an object. `path` is the object's own path for messages
// ("" at the top). A missing required field or a wrong type is kInvalidArgument.
Result<std::string> GetString(const Json& obj, const std::string& key, const std::string& path = "");
Result<int64_t> GetInt(const Json& obj, const std::string& key, const std::string& path = "");
Result<double> GetNumber(const Json& obj, const std::string& key, const std::string& path = "");
Result<bool> GetBool(const Json& obj, const std::string& key, const std::string& path = "");

// Optional variants: the default when absent, an error only when present with a wrong type.
Result<std::string> GetStringOr(const Json& obj, const std::string& key, std::string fallback,
                                const std::string& path = "");
Result<int64_t> GetIntOr(const Json& obj, const std::string& key, int64_t fallback,
                         const std::string& path = "");
Result<double> GetNumberOr(const Json& obj, const std::string& key, double fallback,
                           const std::string& path = "");
Result<bool> GetBoolOr(const Json& obj, const std::string& key, bool fallback,
                       const std::string& path = "");

// Json::dump (compact) that never throws: a string that is not UTF-8 (a file name, a
// client's tensor name, a CSV cell echoed back) has its bad bytes replaced by U+FFFD.
std::string DumpJson(const Json& json);

// "a.b" from ("a", "b"); "b" from ("", "b").
std::string JoinPath(const std::string& path, const std::string& key);

}  // namespace tandem
