#include "cli/dag_view.h"

#include <algorithm>
#include <map>

namespace tandem::cli {
namespace {

constexpr const char* kIndent = "  ";
constexpr const char* kGap = "   ";

// Layer of every node: 0 for sources, else 1 + the highest layer it waits for. Nodes
// never resolved (unknown producers, cycles) get one layer past all others.
std::vector<size_t> Layers(const std::vector<DagNode>& nodes) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].name, i);
  constexpr size_t kUnset = static_cast<size_t>(-1);
  std::vector<size_t> layer(nodes.size(), kUnset);
  // Rounds of relaxation: each round places every node whose producers are placed; at
  // most one round per node, so a cycle cannot loop forever.
  for (size_t round = 0; round < nodes.size(); ++round) {
    bool placed_any = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (layer[i] != kUnset) continue;
      size_t l = 0;
      bool ready = true;
      for (const std::string& p : nodes[i].after) {
        auto it = index.find(p);
        if (it == index.end() || layer[it->second] == kUnset) {
          ready = false;
          break;
        }
        l = std::max(l, layer[it->second] + 1);
      }
      if (!ready) continue;
      layer[i] = l;
      placed_any = true;
    }
    if (!placed_any) break;
  }
  size_t last = 0;
  for (size_t l : layer) {
    if (l != kUnset) last = std::max(last, l + 1);
  }
  for (size_t& l : layer) {
    if (l == kUnset) l = last;
  }
  return layer;
}

std::string Cell(const DagNode& n) {
  std::string cell = StateMarker(n.state) + " " + n.name;
  for (size_t i = 0; i < n.after.size(); ++i) cell += (i == 0 ? " <- " : ", ") + n.after[i];
  return cell;
}

}  // namespace

std::string StateMarker(const std::string& state) {
  if (state == "succeeded" || state == "cached") return "[ok]";
  if (state == "failed") return "[!!]";
  if (state == "running") return "[..]";
  if (state == "cancelled") return "[--]";
  if (state == "skipped") return "[->]";
  return "[  ]";
}

std::string DrawDag(const std::vector<DagNode>& nodes, size_t width) {
  if (nodes.empty()) return "";
  std::vector<size_t> layer = Layers(nodes);
  const size_t layers = *std::max_element(layer.begin(), layer.end()) + 1;
  std::string out;
  for (size_t l = 0; l < layers; ++l) {
    if (l > 0) out += std::string(kIndent) + "  |\n" + kIndent + "  v\n";
    std::string line;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (layer[i] != l) continue;
      std::string cell = Cell(nodes[i]);
      if (!line.empty() && line.size() + std::string(kGap).size() + cell.size() > width) {
        out += line + "\n";
        line.clear();
      }
      line += line.empty() ? kIndent + cell : kGap + cell;
    }
    if (!line.empty()) out += line + "\n";
  }
  return out;
}

}  // namespace tandem::cli
