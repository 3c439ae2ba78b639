#include "cli/metrics_view.h"

#include "cli/text_table.h"

namespace tandem::cli {
namespace {

bool IsCurve(const Json& v) { return v.is_object() && v.contains("fpr") && v.contains("tpr"); }

bool IsConfusionMatrix(const Json& v) {
  return v.is_object() && v.contains("matrix") && v["matrix"].is_array() && v.contains("classes");
}

// An array of objects with a "class": per-class precision, recall, ...
bool IsPerClass(const Json& v) {
  return v.is_array() && !v.empty() && v[0].is_object() && v[0].contains("class");
}

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : MetricCell(v); }

std::string Names(const Json& names, size_t max_names) {
  std::string out;
  size_t shown = 0;
  for (const auto& n : names) {
    if (shown == max_names) {
      out += ", ... (+" + std::to_string(names.size() - max_names) + ")";
      break;
    }
    out += (shown++ ? ", " : "") + Text(n);
  }
  return out;
}

std::string Specs(const Json& specs) {
  std::string out;
  if (!specs.is_array()) return "?";
  for (const auto& s : specs) {
    if (!out.empty()) out += ", ";
    out += s.value("name", "?") + " " + s.value("datatype", "?") + " " +
           (s.contains("shape") ? s["shape"].dump() : "[]");
  }
  return out.empty() ? "-" : out;
}

void PrintConfusionMatrix(std::ostream& out, const std::string& name, const Json& cm,
                          const std::string& indent) {
  std::vector<std::string> header = {"truth \\ predicted"};
  for (const auto& c : cm["classes"]) header.push_back(Text(c));
  TextTable table(header);
  for (size_t r = 0; r < cm["matrix"].size(); ++r) {
    std::vector<std::string> row = {r < cm["classes"].size() ? Text(cm["classes"][r]) : "?"};
    for (const auto& cell : cm["matrix"][r]) row.push_back(Text(cell));
    table.Add(row);
  }
  out << indent << name << ":\n";
  table.Print(out, indent + "  ");
}

void PrintPerClass(std::ostream& out, const std::string& name, const Json& rows,
                   const std::string& indent) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : rows[0].items()) {
    if (k != "class" && IsScalarMetric(v)) keys.push_back(k);
  }
  std::vector<std::string> header = {"CLASS"};
  for (const auto& k : keys) header.push_back(k);
  TextTable table(header);
  for (const auto& r : rows) {
    std::vector<std::string> row = {Text(r.value("class", Json()))};
    for (const auto& k : keys) row.push_back(MetricCell(r.value(k, Json())));
    table.Add(row);
  }
  out << indent << name << ":\n";
  table.Print(out, indent + "  ");
}

}  // namespace

bool IsScalarMetric(const Json& v) { return v.is_number() || v.is_string() || v.is_boolean() || v.is_null(); }

std::string MetricCell(const Json& v) {
  if (v.is_null()) return "-";
  if (v.is_number()) return FormatNumber(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (IsCurve(v)) return "curve, " + std::to_string(v["fpr"].size()) + " points";
  if (IsConfusionMatrix(v)) {
    const std::string n = std::to_string(v["matrix"].size());
    return n + "x" + n + " matrix";
  }
  if (IsPerClass(v)) return std::to_string(v.size()) + " classes";
  if (v.is_array()) return std::to_string(v.size()) + " values";
  return "{" + std::to_string(v.size()) + " fields}";
}

void PrintMetrics(std::ostream& out, const Json& metrics, const std::string& indent,
                  size_t max_matrix_classes) {
  if (!metrics.is_object() || metrics.empty()) {
    out << indent << "(no metrics)\n";
    return;
  }
  TextTable table({"METRIC", "VALUE"});
  for (const auto& [name, v] : metrics.items()) {
    std::string cell = MetricCell(v);
    // A curve's AUC, when reported beside it ("roc_curve" next to "roc_auc").
    if (IsCurve(v)) {
      const std::string stem = name.substr(0, name.rfind("_curve"));
      if (metrics.contains(stem + "_auc") && metrics[stem + "_auc"].is_number()) {
        cell += ", AUC " + FormatNumber(metrics[stem + "_auc"].get<double>());
      }
    }
    table.Add({name, cell});
  }
  table.Print(out, indent);
  for (const auto& [name, v] : metrics.items()) {
    if (IsConfusionMatrix(v) && v["matrix"].size() <= max_matrix_classes) {
      PrintConfusionMatrix(out, name, v, indent);
    } else if (IsPerClass(v)) {
      PrintPerClass(out, name, v, indent);
    }
  }
}

std::string SignatureSummary(const Json& signature, size_t max_names) {
  if (!signature.is_object() || signature.empty()) return "-";
  std::string out = Specs(signature.value("inputs", Json())) + " -> " +
                    Specs(signature.value("outputs", Json()));
  const Json features = signature.value("features", Json::array());
  if (features.is_array() && !features.empty()) {
    out += "; " + std::to_string(features.size()) + " features: " + Names(features, max_names);
  }
  const Json classes = signature.value("classes", Json::array());
  if (classes.is_array() && !classes.empty()) {
    out += "; classes: " + Names(classes, max_names);
  }
  return out;
}

}  // namespace tandem::cli
