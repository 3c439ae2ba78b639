#include "cli/dag_view.h"

#include <gtest/gtest.h>

namespace tandem::cli {
namespace {

TEST(DagViewTest, LayersTopToBottomWithEdgesAndStates) {
  std::vector<DagNode> nodes = {
      {"load", "succeeded", {}},
      {"split", "cached", {"load"}},
      {"train", "running", {"split"}},
      {"evaluate", "pending", {"train", "split"}},
      {"check", "failed", {"split"}},
      {"report", "cancelled", {"check"}},
      {"deploy", "skipped", {"evaluate"}},
  };
  EXPECT_EQ(DrawDag(nodes),
            "  [ok] load\n"
            "    |\n"
            "    v\n"
            "  [ok] split <- load\n"
            "    |\n"
            "    v\n"
            "  [..] train <- split   [!!] check <- split\n"
            "    |\n"
            "    v\n"
            "  [  ] evaluate <- train, split   [--] report <- check\n"
            "    |\n"
            "    v\n"
            "  [->] deploy <- evaluate\n");
}

TEST(DagViewTest, AWideLayerWrapsAtTheWidth) {
  std::vector<DagNode> nodes = {{"g", "succeeded", {}}};
  for (int i = 0; i < 4; ++i) nodes.push_back({"p" + std::to_string(i), "running", {"g"}});
  // "  [..] p0 <- g" is 14 wide; two cells with the gap are 14 + 3 + 12 = 29.
  EXPECT_EQ(DrawDag(nodes, 30),
            "  [ok] g\n"
            "    |\n"
            "    v\n"
            "  [..] p0 <- g   [..] p1 <- g\n"
            "  [..] p2 <- g   [..] p3 <- g\n");
}

TEST(DagViewTest, NodesOnACycleOrWaitingForUnknownNodesGoLast) {
  std::vector<DagNode> nodes = {{"a", "pending", {"b"}}, {"b", "pending", {"a"}}, {"c", "pending", {}}};
  EXPECT_EQ(DrawDag(nodes),
            "  [  ] c\n"
            "    |\n"
            "    v\n"
            "  [  ] a <- b   [  ] b <- a\n");
  EXPECT_EQ(DrawDag({}), "");
}

}  // namespace
}  // namespace tandem::cli
