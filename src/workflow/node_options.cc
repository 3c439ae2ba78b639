#include "workflow/node_options.h"

#include <cctype>

#include "workflow/duration.h"

namespace tandem::workflow {
namespace {

// Attempts are cheap to ask for and expensive to run: a sanity bound, not a policy.
constexpr int kMaxRetries = 100;

void ParseRetries(const Json& v, const std::string& path, NodeOptions* o,
                  std::vector<std::string>* problems) {
  const Json* count = &v;
  if (v.is_object()) {
    for (const auto& [k, _] : v.items()) {
      if (k != "count" && k != "backoff") problems->push_back(path + "." + k + ": unknown key");
    }
    if (v.contains("backoff")) {
      auto ms = ParseDurationMs(v["backoff"]);
      if (ms) {
        o->backoff_ms = *ms;
      } else {
        problems->push_back(path + ".backoff: expected a duration like 1s, 500ms, 2m");
      }
    }
    if (!v.contains("count")) {
      problems->push_back(path + ".count: required field is missing");
      return;
    }
    count = &v["count"];
  }
  if (!count->is_number_integer() || count->get<int64_t>() < 0 || count->get<int64_t>() > kMaxRetries) {
    problems->push_back(path + ": expected a count 0.." + std::to_string(kMaxRetries) +
                        " or {count, backoff}");
    return;
  }
  o->retries = count->get<int>();
}

// "512Mi", "2Gi", "1024Ki" -> MiB (rounded up).
std::optional<int64_t> MemoryMib(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 12) return std::nullopt;
  const int64_t n = std::stoll(s.substr(0, i));
  const std::string unit = s.substr(i);
  if (unit == "Ki") return (n + 1023) / 1024;
  if (unit == "Mi") return n;
  if (unit == "Gi") return n * 1024;
  if (unit == "Ti") return n * 1024 * 1024;
  return std::nullopt;
}

void ParseResources(const Json& v, const std::string& path, NodeOptions* o,
                    std::vector<std::string>* problems) {
  if (!v.is_object()) {
    problems->push_back(path + ": expected a mapping {cpus, memory, gpu, environment}");
    return;
  }
  Json& a = o->allocation;
  for (const auto& [k, item] : v.items()) {
    const std::string p = path + "." + k;
    if (k == "cpus") {
      if (item.is_number() && item.get<double>() > 0) {
        a["cpus"] = item;
      } else {
        problems->push_back(p + ": expected a number > 0");
      }
    } else if (k == "memory") {
      auto mib = MemoryMib(item);
      if (mib) {
        a["memory_mib"] = *mib;
      } else {
        problems->push_back(p + ": expected a size like 512Mi or 2Gi");
      }
    } else if (k == "gpu") {
      const bool whole = item.is_number() && item.get<double>() >= 0;
      const bool fraction = item.is_object() && item.size() == 1 && item.contains("fraction") &&
                            item["fraction"].is_number() && item["fraction"].get<double>() > 0 &&
                            item["fraction"].get<double>() <= 1;
      if (whole || fraction) {
        a["gpu"] = item;
      } else {
        problems->push_back(p + ": expected a number >= 0 or {fraction: 0..1}");
      }
    } else if (k == "environment") {
      if (item == "train" || item == "test" || item == "infer") {
        a["environment"] = item;
      } else {
        problems->push_back(p + ": expected train, test or infer");
      }
    } else {
      problems->push_back(p + ": unknown key");
    }
  }
}

}  // namespace

NodeOptions ParseNodeOptions(const Json& reserved, const std::string& path,
                             std::vector<std::string>* problems) {
  NodeOptions o;
  if (!reserved.is_object()) return o;
  if (reserved.contains("retries")) ParseRetries(reserved["retries"], path + ".retries", &o, problems);
  if (reserved.contains("timeout")) {
    auto ms = ParseDurationMs(reserved["timeout"]);
    if (ms && *ms > 0) {
      o.timeout_ms = *ms;
    } else {
      problems->push_back(path + ".timeout: expected a duration like 30s, 500ms, 10m, 1h");
    }
  }
  if (reserved.contains("cache")) {
    if (reserved["cache"].is_boolean()) {
      o.cache = reserved["cache"].get<bool>();
    } else {
      problems->push_back(path + ".cache: expected true or false");
    }
  }
  if (reserved.contains("when")) {
    if (!reserved["when"].is_string()) {
      problems->push_back(path + ".when: expected a string like \"evaluate.metrics.accuracy >= 0.9\"");
    } else {
      auto w = ParseWhen(reserved["when"].get<std::string>());
      if (w.ok()) {
        o.when = *w;
      } else {
        problems->push_back(path + ".when: " + w.status().message());
      }
    }
  }
  if (reserved.contains("resources")) ParseResources(reserved["resources"], path + ".resources", &o, problems);
  return o;
}

}  // namespace tandem::workflow
