#include "workflow/validate.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>

#include "core/problems.h"
#include "core/ids.h"
#include "operators/json_schema.h"
#include "workflow/params_template.h"

namespace tandem::workflow {
namespace {

// At most this many cycles are named: one is enough to act on, a dense tangle of
// thousands would drown the message.
constexpr size_t kMaxCyclesReported = 3;

class Problems {
 public:
  void Add(const std::string& p) { list_.push_back(p); }
  bool empty() const { return list_.empty(); }
  std::string Join() const { return JoinProblems(list_); }

 private:
  std::vector<std::string> list_;
};

std::string PortList(const std::map<std::string, operators::PortDef>& ports) {
  std::string out;
  for (const auto& [name, _] : ports) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// A model wire is refused at validation only when both ends say which formats they
// have and take; an end that does not know (a plug-in's model port without `formats`)
// leaves the check to the consuming operator at run time.
bool FormatsMeet(const std::vector<std::string>& produced, const std::vector<std::string>& taken) {
  if (produced.empty() || taken.empty()) return true;
  return std::any_of(produced.begin(), produced.end(), [&](const std::string& f) {
    return std::find(taken.begin(), taken.end(), f) != taken.end();
  });
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Kahn's algorithm; smallest YAML index first among the ready nodes so the order is
// stable and reads like the file. Returns the nodes it could not order (on cycles).
std::vector<size_t> TopologicalOrder(const std::vector<std::vector<size_t>>& downstream,
                                     std::vector<size_t>* order) {
  size_t n = downstream.size();
  std::vector<int> indegree(n, 0);
  for (const auto& outs : downstream) {
    for (size_t d : outs) ++indegree[d];
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push(i);
  }
  order->clear();
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    order->push_back(i);
    for (size_t d : downstream[i]) {
      if (--indegree[d] == 0) ready.push(d);
    }
  }
  std::vector<size_t> left;
  for (size_t i = 0; i < n; ++i) {
    if (indegree[i] > 0) left.push_back(i);
  }
  return left;
}

// Cycles among `left` (nodes Kahn could not order), found by an iterative DFS: each
// back edge closes one cycle, read off the DFS stack.
std::vector<std::vector<size_t>> FindCycles(const std::vector<std::vector<size_t>>& downstream,
                                            const std::vector<size_t>& left) {
  enum Color : char { kWhite, kGrey, kBlack };
  std::vector<Color> color(downstream.size(), kWhite);
  std::vector<std::vector<size_t>> cycles;
  for (size_t start : left) {
    if (color[start] != kWhite) continue;
    // (node, next edge index)
    std::vector<std::pair<size_t, size_t>> stack = {{start, 0}};
    color[start] = kGrey;
    while (!stack.empty() && cycles.size() < kMaxCyclesReported) {
      auto& [node, edge] = stack.back();
      if (edge == downstream[node].size()) {
        color[node] = kBlack;
        stack.pop_back();
        continue;
      }
      size_t next = downstream[node][edge++];
      if (color[next] == kWhite) {
        color[next] = kGrey;
        stack.push_back({next, 0});
      } else if (color[next] == kGrey) {
        std::vector<size_t> cycle;
        auto it = std::find_if(stack.begin(), stack.end(),
                               [&](const auto& frame) { return frame.first == next; });
        for (; it != stack.end(); ++it) cycle.push_back(it->first);
        cycles.push_back(std::move(cycle));
      }
    }
    if (cycles.size() >= kMaxCyclesReported) break;
  }
  return cycles;
}

}  // namespace

Status ValidatePipeline(const PipelineSpec& spec, const operators::Catalog& catalog,
                        PipelinePlan* plan, const Json& param_overrides, bool allow_drafts) {
  Problems problems;
  if (!IsValidName(spec.name)) problems.Add("name: " + InvalidNameMessage("pipeline name", spec.name));
  if (spec.nodes.empty()) problems.Add("nodes: a pipeline needs at least one node");

  const size_t n = spec.nodes.size();
  std::unordered_map<std::string, size_t> index;
  index.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!index.emplace(spec.nodes[i].name, i).second) {
      problems.Add("nodes." + spec.nodes[i].name + ": duplicate node");
    }
  }

  // Resolve each distinct operator reference once: pipelines repeat operators a lot.
  std::unordered_map<std::string, Result<operators::OperatorDef>> resolved;
  std::vector<const operators::OperatorDef*> defs(n, nullptr);
  for (size_t i = 0; i < n; ++i) {
    const NodeSpec& node = spec.nodes[i];
    const std::string path = "nodes." + node.name;
    if (!IsValidName(node.name)) problems.Add(path + ": " + InvalidNameMessage("node name", node.name));
    if (node.operator_ref.empty()) {
      problems.Add(path + ".operator: required field is missing");
      continue;
    }
    auto it = resolved.find(node.operator_ref);
    if (it == resolved.end()) {
      it = resolved.emplace(node.operator_ref, catalog.Find(node.operator_ref)).first;
    }
    if (it->second.ok()) {
      defs[i] = &*it->second;
      const std::string& state = defs[i]->state;
      if ((state == "draft" || state == "tested") && !allow_drafts) {
        problems.Add(path + ".operator: '" + node.operator_ref + "' is a " + state +
                     ", not published (publish it, or submit with --allow-drafts to try it)");
      } else if (state == "deprecated" && node.operator_ref.find('@') == std::string::npos) {
        problems.Add(path + ".operator: every version of '" + node.operator_ref +
                     "' is deprecated; name one explicitly (" + node.operator_ref + "@" +
                     std::to_string(defs[i]->version) + ") to keep using it");
      }
    } else {
      problems.Add(path + ".operator: " + it->second.status().message());
    }
  }

  std::vector<std::vector<size_t>> downstream(n);
  for (size_t i = 0; i < n; ++i) {
    const NodeSpec& node = spec.nodes[i];
    const operators::OperatorDef* def = defs[i];
    const std::string path = "nodes." + node.name + ".inputs.";
    for (const auto& [port, ref] : node.inputs) {
      const std::string ppath = path + port;
      const operators::PortDef* in_port = nullptr;
      if (def != nullptr) {
        auto pit = def->inputs.find(port);
        if (pit == def->inputs.end()) {
          problems.Add(ppath + ": operator '" + def->name + "' has no input port '" + port +
                       "' (inputs: " + PortList(def->inputs) + ")");
        } else {
          in_port = &pit->second;
        }
      }
      auto nit = index.find(ref.node);
      if (nit == index.end()) {
        problems.Add(ppath + ": unknown node '" + ref.node + "'");
        continue;
      }
      size_t producer = nit->second;
      downstream[producer].push_back(i);
      const operators::OperatorDef* pdef = defs[producer];
      if (pdef == nullptr) continue;  // its unknown operator is reported already
      auto oit = pdef->outputs.find(ref.port);
      if (oit == pdef->outputs.end()) {
        problems.Add(ppath + ": node '" + ref.node + "' has no output port '" + ref.port +
                     "' (outputs: " + PortList(pdef->outputs) + ")");
        continue;
      }
      if (in_port != nullptr && in_port->type != oit->second.type) {
        problems.Add(ppath + ": type mismatch: '" + ref.node + "." + ref.port + "' is " +
                     oit->second.type + ", port '" + port + "' takes " + in_port->type);
      } else if (in_port != nullptr && !FormatsMeet(oit->second.formats, in_port->formats)) {
        problems.Add(ppath + ": format mismatch: '" + ref.node + "." + ref.port + "' is a " +
                     Joined(oit->second.formats) + " model, operator '" + def->name +
                     "' takes " + Joined(in_port->formats) + " models");
      }
    }
    if (def != nullptr) {
      for (const auto& [port, pd] : def->inputs) {
        if (!pd.optional && !node.inputs.count(port)) {
          problems.Add(path + port + ": required input is not wired");
        }
      }
    }
  }

  std::vector<std::string> more;
  Json values = ResolvePipelineParams(spec.params, param_overrides, &more);
  std::vector<NodeOptions> options;
  std::vector<Json> params;
  std::unordered_map<std::string, Result<operators::JsonSchema>> schemas;
  options.reserve(n);
  params.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const NodeSpec& node = spec.nodes[i];
    const std::string path = "nodes." + node.name;
    const size_t problems_before = more.size();
    params.push_back(SubstituteParams(node.params, spec.params, values, path + ".params", &more));
    // Checked against the operator's schema (defaults filled in) once the pipeline
    // params are substituted; each distinct operator's schema is compiled once.
    if (defs[i] != nullptr && more.size() == problems_before) {
      const std::string key = defs[i]->name + "@" + std::to_string(defs[i]->version);
      auto sit = schemas.find(key);
      if (sit == schemas.end()) {
        sit = schemas.emplace(key, operators::JsonSchema::Compile(defs[i]->params_schema,
                                                                  "operator '" + key + "' params schema")).first;
      }
      if (!sit->second.ok()) {
        more.push_back(path + ".operator: " + sit->second.status().message());
      } else {
        auto checked = operators::ApplyParamsSchema(*sit->second, params.back(), path + ".params");
        if (checked.ok()) {
          params.back() = std::move(checked).value();
        } else {
          more.push_back(checked.status().message());
        }
      }
    }
    options.push_back(ParseNodeOptions(node.reserved, path, &more));
    if (!options.back().when) continue;
    const std::string& upstream = options.back().when->node;
    auto nit = index.find(upstream);
    if (nit == index.end()) {
      more.push_back(path + ".when: unknown node '" + upstream + "'");
    } else if (nit->second == i) {
      more.push_back(path + ".when: a node cannot depend on its own metrics");
    } else {
      downstream[nit->second].push_back(i);  // the implicit edge
    }
  }
  for (auto& p : more) problems.Add(std::move(p));

  std::vector<size_t> order;
  std::vector<size_t> left = TopologicalOrder(downstream, &order);
  if (!left.empty()) {
    for (const auto& cycle : FindCycles(downstream, left)) {
      std::string text = "cycle: ";
      for (size_t i : cycle) text += spec.nodes[i].name + " -> ";
      problems.Add(text + spec.nodes[cycle.front()].name);
    }
  }

  if (!problems.empty()) return InvalidArgument(problems.Join());
  if (plan != nullptr) {
    plan->operators.clear();
    plan->operators.reserve(n);
    for (size_t i = 0; i < n; ++i) plan->operators.push_back(*defs[i]);
    plan->order = std::move(order);
    plan->options = std::move(options);
    plan->params = std::move(params);
    plan->param_values = std::move(values);
  }
  return Status::Ok();
}

}  // namespace tandem::workflow
