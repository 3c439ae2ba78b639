#pragma once
// Which replica of a service answers the next request: the service manager's traffic
// policy, pure logic over a snapshot of the replicas so it is tested without processes.
//
// Rationale: a canary must receive its share exactly, not on average, so that a short
// test (or a cautious operator watching the first hundred requests) sees the weight it
// asked for: of every 100 requests, `canary_weight` go to the canary track (spread
// evenly, not in a block). Within a track the replica with the fewest requests in
// flight wins (least busy), ties broken round robin so idle replicas share the load.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem::serving {

struct RouteCandidate {
  bool canary = false;   // on the canary track (else stable)
  bool routable = false; // ready and not draining
  int in_flight = 0;
  bool excluded = false; // already failed for this request
};

class TrafficRouter {
 public:
  // The index of the replica for the next request, or nullopt when none is routable.
  // `canary_weight` is a percentage 0..100; a track without a routable replica passes
  // its share to the other. Not thread-safe: the manager calls it under its lock.
  std::optional<size_t> Pick(const std::vector<RouteCandidate>& replicas, int canary_weight);

 private:
  uint64_t requests_ = 0;   // requests routed so far: decides the track
  uint64_t rotation_ = 0;   // where ties within a track start
};

// How a forwarded request failed. kNotSent: the replica refused the connection or
// nothing listens (it died before, or is not up yet): nothing reached it, so the
// request may go to another replica. kTaken: the replica accepted the request and then
// died, dropped the connection or did not answer in time. Sending such a request again
// could kill the next replica too (a "poisonous" input), so it fails alone.
enum class ForwardFailure { kNotSent, kTaken };
// Classifies an error of http::Call, which says "cannot reach <url>: ..." exactly
// when no connection was made (http/client.cc).
ForwardFailure ClassifyForwardFailure(const Status& call_error);

}  // namespace tandem::serving
