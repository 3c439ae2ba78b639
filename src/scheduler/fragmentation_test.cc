#include "scheduler/fragmentation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "scheduler/test_util.h"

namespace tandem::scheduler {
namespace {

using testing::Node;
using testing::Occupy;
using testing::Slice;

// Shape counts kept up to date by Add and Remove give the same numbers, bit for bit, as
// a model built from scratch over what is left (in another order): the live scheduler
// relies on it to follow its job table without rebuilding.
TEST(FragmentationTest, CountsKeptUpToDateEqualARebuild) {
  ClusterState c({Node("a", 16, 4, "A10"), Node("b", 8, 2, "T4"), Node("c", 64, 8, "A10")});
  Occupy(c, Slice(300), 0, 0b0001);
  Occupy(c, Slice(700, 4), 1, 0b01);
  Occupy(c, testing::Gpus(3, 40), 2, 0b0111);
  const std::vector<TaskShape> kinds = {
      {1000, 1000, 1, ""}, {4000, 500, 1, ""}, {2000, 250, 1, "T4"}, {16000, 1000, 2, "A10"},
      {1000, 0, 0, ""},    {12000, 1000, 8, ""}, {6000, 800, 1, "A10|T4"}};
  std::mt19937_64 rng(7);
  FragmentationModel incremental(c);
  std::vector<TaskShape> held;
  for (int step = 0; step < 400; ++step) {
    if (held.empty() || rng() % 3 != 0) {
      held.push_back(kinds[rng() % kinds.size()]);
      incremental.Add(held.back());
    } else {
      const size_t k = rng() % held.size();
      incremental.Remove(held[k]);
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (step % 20 != 19) continue;
    std::vector<TaskShape> shuffled = held;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    FragmentationModel rebuilt(c);
    for (const TaskShape& s : shuffled) rebuilt.Add(s);
    for (int n = 0; n < c.node_count(); ++n) {
      EXPECT_EQ(incremental.CachedNodeFragmentation(c.node(n)), rebuilt.NodeFragmentation(c.node(n)))
          << "step " << step << " node " << n;
    }
    EXPECT_EQ(incremental.FragmentedShare(c), rebuilt.FragmentedShare(c)) << "step " << step;
    EXPECT_EQ(incremental.workload().size(), rebuilt.workload().size());
  }
  // Emptied, the model sees no fragment; a shape never added is not removed.
  for (const TaskShape& s : held) incremental.Remove(s);
  incremental.Remove(kinds[0]);
  EXPECT_EQ(incremental.NodeFragmentation(c.node(0)), 0.0);
  EXPECT_TRUE(incremental.workload().empty());
}

}  // namespace
}  // namespace tandem::scheduler
