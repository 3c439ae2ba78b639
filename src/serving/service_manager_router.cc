#include "serving/service_manager_router.h"

namespace tandem::serving {

std::optional<size_t> TrafficRouter::Pick(const std::vector<RouteCandidate>& replicas,
                                          int canary_weight) {
  auto best_on = [&](bool canary) -> std::optional<size_t> {
    std::optional<size_t> best;
    const size_t n = replicas.size();
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (rotation_ + k) % n;
      const RouteCandidate& r = replicas[i];
      if (r.canary != canary || !r.routable || r.excluded) continue;
      if (!best || r.in_flight < replicas[*best].in_flight) best = i;
    }
    return best;
  };
  // Request n goes to the canary when the running count of canary requests,
  // floor(n * w / 100), steps up: exactly w of every 100, evenly spread.
  const uint64_t n = ++requests_;
  const uint64_t w = static_cast<uint64_t>(canary_weight < 0 ? 0 : canary_weight > 100 ? 100
                                                                                       : canary_weight);
  const bool canary_turn = (n * w) / 100 != ((n - 1) * w) / 100;
  ++rotation_;
  if (auto first = best_on(canary_turn)) return first;
  return best_on(!canary_turn);
}

ForwardFailure ClassifyForwardFailure(const Status& call_error) {
  const std::string& m = call_error.message();
  if (call_error.code() == StatusCode::kUnavailable && m.rfind("cannot reach ", 0) == 0) {
    return ForwardFailure::kNotSent;
  }
  // A URL that does not parse never left this process either.
  if (call_error.code() == StatusCode::kInvalidArgument) return ForwardFailure::kNotSent;
  return ForwardFailure::kTaken;
}

}  // namespace tandem::serving
