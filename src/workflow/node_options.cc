#include "workflow/node_options.h"

#include "resources/resource_request.h"
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
  if (reserved.contains("resources")) {
    const size_t before = problems->size();
    resources::CheckResources(reserved["resources"], path + ".resources", problems);
    if (problems->size() == before) o.resources = reserved["resources"];
  }
  return o;
}

}  // namespace tandem::workflow
