#pragma once
// A run's DAG drawn as text for `tandem run show`: layers top to bottom (a node's layer
// is one below the lowest of the nodes it waits for), each node as "<marker> <name>"
// followed by "<- a, b" naming what it waits for, layers joined by "|/v" connectors.
// A layer wider than the terminal wraps onto more lines, its nodes in pipeline order:
//
//   [ok] load
//     |
//     v
//   [ok] split <- load
//     |
//     v
//   [..] train <- split   [  ] check <- split
#include <string>
#include <vector>

namespace tandem::cli {

struct DagNode {
  std::string name;
  std::string state;               // a task state (store/records.h)
  std::vector<std::string> after;  // names of the nodes it waits for
};

// "[ok]" succeeded or cached, "[..]" running, "[!!]" failed, "[--]" cancelled,
// "[->]" skipped, "[  ]" pending or queued.
std::string StateMarker(const std::string& state);

// The drawing, lines ending in '\n', none longer than `width` unless one node is.
// Nodes waiting for a name that is not among `nodes` (or on a cycle) go in a last layer.
std::string DrawDag(const std::vector<DagNode>& nodes, size_t width = 100);

}  // namespace tandem::cli
