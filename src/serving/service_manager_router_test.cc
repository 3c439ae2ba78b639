#include "serving/service_manager_router.h"

#include <gtest/gtest.h>

#include <set>

namespace tandem::serving {
namespace {

TEST(TrafficRouterTest, CanaryGetsExactlyItsShareSpreadEvenly) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, true, 0, false}, {false, true, 0, false},
                                          {true, true, 0, false}};
  int canary = 0, first_half = 0;
  for (int i = 0; i < 100; ++i) {
    auto pick = router.Pick(replicas, 10);
    ASSERT_TRUE(pick.has_value());
    if (replicas[*pick].canary) {
      ++canary;
      if (i < 50) ++first_half;
    }
  }
  EXPECT_EQ(canary, 10);
  EXPECT_EQ(first_half, 5);
}

TEST(TrafficRouterTest, LeastBusyWinsAndTiesRotate) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, true, 3, false}, {false, true, 1, false},
                                          {false, true, 2, false}};
  EXPECT_EQ(router.Pick(replicas, 0), 1u);
  replicas[1].in_flight = 2;
  std::set<size_t> seen;
  for (int i = 0; i < 4; ++i) seen.insert(*router.Pick(replicas, 0));
  EXPECT_EQ(seen, (std::set<size_t>{1, 2}));
}

TEST(TrafficRouterTest, SkipsDrainingAndFailedReplicasAndEmptyTracks) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, false, 0, false}, {false, true, 0, true},
                                          {true, true, 5, false}};
  // Only the canary can answer, whatever the weight says.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(router.Pick(replicas, 0), 2u);
  replicas[2].routable = false;
  EXPECT_FALSE(router.Pick(replicas, 50).has_value());
  EXPECT_FALSE(router.Pick({}, 0).has_value());
}

}  // namespace
}  // namespace tandem::serving
