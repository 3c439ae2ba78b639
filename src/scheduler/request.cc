#include "scheduler/request.h"

#include <charconv>
#include <cmath>

namespace tandem::scheduler {

const char* EnvironmentName(Environment e) {
  switch (e) {
    case Environment::kTrain: return "train";
    case Environment::kTest: return "test";
    case Environment::kInfer: return "infer";
  }
  return "?";
}

Result<Environment> ParseEnvironment(const std::string& text, const std::string& field) {
  if (text == "train") return Environment::kTrain;
  if (text == "test") return Environment::kTest;
  if (text == "infer") return Environment::kInfer;
  return InvalidArgument(field + ": expected train, test or infer, got '" + text + "'");
}

const char* ModeName(Mode m) { return m == Mode::kFixed ? "fixed" : "elastic"; }

Result<int64_t> ParseMebibytes(const Json& value, const std::string& field) {
  // Past an exbibyte no machine has the memory, and llround past int64 is undefined.
  constexpr double kMaxMib = 1024.0 * 1024 * 1024 * 1024;
  auto checked = [&](double mib) -> Result<int64_t> {
    if (!(mib >= 0)) return InvalidArgument(field + ": must not be negative");
    if (mib > kMaxMib) return InvalidArgument(field + ": more than 1Ei is not a memory size");
    return static_cast<int64_t>(std::llround(mib));
  };
  if (value.is_number()) return checked(value.get<double>());
  if (!value.is_string()) return InvalidArgument(field + ": expected a size such as 8Gi");
  const std::string text = value.get<std::string>();
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  // from_chars, not stod: "." or "1.2.3" must be an error here, not an exception.
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec == std::errc::result_out_of_range && end == text.data() + digits) return checked(HUGE_VAL);
  if (digits == 0 || ec != std::errc() || end != text.data() + digits) {
    return InvalidArgument(field + ": expected a size such as 8Gi, got '" + text + "'");
  }
  const std::string unit = text.substr(digits);
  if (unit == "Mi" || unit.empty()) return checked(number);
  if (unit == "Gi") return checked(number * 1024);
  if (unit == "Ti") return checked(number * 1024 * 1024);
  return InvalidArgument(field + ": unknown unit '" + unit + "' (use Mi, Gi or Ti)");
}

Result<GpuAsk> ParseGpuAsk(const Json& obj, const std::string& path) {
  if (!obj.is_object()) return InvalidArgument(path + ": expected an object");
  GpuAsk ask;
  if (obj.contains("count")) {
    ASSIGN_OR_RETURN(int64_t count, GetInt(obj, "count", path));
    if (count < 0) return InvalidArgument(JoinPath(path, "count") + ": must not be negative");
    ask.count = static_cast<int>(count);
    ask.milli = count > 0 ? kMilliPerGpu : 0;
    return ask;
  }
  if (obj.contains("fraction")) {
    ASSIGN_OR_RETURN(double fraction, GetNumber(obj, "fraction", path));
    if (fraction <= 0 || fraction > 1) {
      return InvalidArgument(JoinPath(path, "fraction") + ": must be in (0, 1]");
    }
    ask.count = 1;
    ask.milli = static_cast<int>(std::lround(fraction * kMilliPerGpu));
    return ask;
  }
  if (obj.contains("compute") || obj.contains("memory")) {
    ASSIGN_OR_RETURN(double compute, GetNumberOr(obj, "compute", 100, path));
    if (compute <= 0 || compute > 100) {
      return InvalidArgument(JoinPath(path, "compute") + ": must be a percent in (0, 100]");
    }
    ask.count = 1;
    ask.milli = static_cast<int>(std::lround(compute * 10));
    if (obj.contains("memory")) {
      ASSIGN_OR_RETURN(ask.memory_mib, ParseMebibytes(obj["memory"], JoinPath(path, "memory")));
    }
    return ask;
  }
  return InvalidArgument(path + ": expected one of count, fraction, or memory/compute");
}

Result<Request> ParseRequest(const Json& obj, const std::string& path) {
  if (!obj.is_object()) return InvalidArgument(path + ": expected an object");
  Request r;
  ASSIGN_OR_RETURN(r.name, GetStringOr(obj, "name", "", path));
  ASSIGN_OR_RETURN(double cpus, GetNumberOr(obj, "cpus", 0, path));
  if (cpus < 0) return InvalidArgument(JoinPath(path, "cpus") + ": must not be negative");
  r.cpu_milli = static_cast<int64_t>(std::llround(cpus * 1000));
  if (obj.contains("memory")) {
    ASSIGN_OR_RETURN(r.memory_mib, ParseMebibytes(obj["memory"], JoinPath(path, "memory")));
  }
  if (obj.contains("gpu")) {
    ASSIGN_OR_RETURN(r.gpu, ParseGpuAsk(obj["gpu"], JoinPath(path, "gpu")));
  }
  if (obj.contains("models")) {
    const Json& models = obj["models"];
    if (!models.is_array()) return InvalidArgument(JoinPath(path, "models") + ": expected a list");
    for (const auto& m : models) {
      if (!m.is_string()) return InvalidArgument(JoinPath(path, "models") + ": expected strings");
      r.models.push_back(m.get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(int64_t priority, GetIntOr(obj, "priority", 0, path));
  r.priority = static_cast<int>(priority);
  ASSIGN_OR_RETURN(r.project, GetStringOr(obj, "project", "default", path));
  ASSIGN_OR_RETURN(std::string env, GetStringOr(obj, "environment", "train", path));
  ASSIGN_OR_RETURN(r.environment, ParseEnvironment(env, JoinPath(path, "environment")));
  const std::string default_mode = r.environment == Environment::kInfer ? "fixed" : "elastic";
  ASSIGN_OR_RETURN(std::string mode, GetStringOr(obj, "mode", default_mode, path));
  if (mode == "fixed") r.mode = Mode::kFixed;
  else if (mode == "elastic") r.mode = Mode::kElastic;
  else return InvalidArgument(JoinPath(path, "mode") + ": expected fixed or elastic, got '" + mode + "'");
  return r;
}

}  // namespace tandem::scheduler
