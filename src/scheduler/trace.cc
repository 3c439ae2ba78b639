#include "scheduler/trace.h"

#include <charconv>
#include <map>
#include <sstream>

namespace tandem::scheduler {

namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (char ch : line) {
    if (ch == ',') {
      out.push_back(cell);
      cell.clear();
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  out.push_back(cell);
  return out;
}

// The CSV as rows of named cells; kInvalidArgument for a missing column or a short row.
struct Table {
  std::map<std::string, size_t> column;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> line_numbers;
};

Result<Table> ReadTable(const std::string& csv, const std::string& what,
                        const std::vector<std::string>& required) {
  Table t;
  std::istringstream in(csv);
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    if (t.column.empty()) {
      for (size_t i = 0; i < cells.size(); ++i) t.column[cells[i]] = i;
      for (const std::string& name : required) {
        if (!t.column.count(name)) return InvalidArgument(what + ": missing column '" + name + "'");
      }
      continue;
    }
    if (cells.size() < t.column.size()) {
      return InvalidArgument(what + ": line " + std::to_string(line_number) + ": expected " +
                             std::to_string(t.column.size()) + " cells, got " + std::to_string(cells.size()));
    }
    t.rows.push_back(std::move(cells));
    t.line_numbers.push_back(line_number);
  }
  if (t.column.empty()) return InvalidArgument(what + ": empty file");
  return t;
}

Result<int64_t> IntCell(const Table& t, size_t row, const std::string& name, const std::string& what) {
  const std::string& cell = t.rows[row][t.column.at(name)];
  int64_t value = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || end != cell.data() + cell.size() || value < 0) {
    return InvalidArgument(what + ": line " + std::to_string(t.line_numbers[row]) + ": " + name +
                           ": expected a non-negative integer, got '" + cell + "'");
  }
  return value;
}

std::optional<double> SecondsCell(const std::string& cell) {
  if (cell.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || end != cell.data() + cell.size()) return std::nullopt;
  return value;
}

int64_t GpuMemoryMib(const std::string& model) {
  // Device memory of the trace's models (MiB, as the devices report it).
  static const std::map<std::string, int64_t> kMemory = {
      {"T4", 15109}, {"V100M16", 16160}, {"P100", 16280}, {"A10", 22731}, {"V100M32", 32510}};
  auto it = kMemory.find(model);
  return it == kMemory.end() ? 16384 : it->second;
}

}  // namespace

Result<std::vector<NodeSpec>> ParseOpenbNodes(const std::string& csv, const std::string& what) {
  ASSIGN_OR_RETURN(Table t, ReadTable(csv, what, {"sn", "cpu_milli", "memory_mib", "gpu", "model"}));
  std::vector<NodeSpec> nodes;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    NodeSpec n;
    n.name = t.rows[i][t.column["sn"]];
    ASSIGN_OR_RETURN(n.cpu_milli, IntCell(t, i, "cpu_milli", what));
    ASSIGN_OR_RETURN(n.memory_mib, IntCell(t, i, "memory_mib", what));
    ASSIGN_OR_RETURN(int64_t gpus, IntCell(t, i, "gpu", what));
    if (gpus > kMaxGpusPerNode) {
      return InvalidArgument(what + ": line " + std::to_string(t.line_numbers[i]) + ": gpu: at most " +
                             std::to_string(kMaxGpusPerNode) + " per node");
    }
    const std::string model = t.rows[i][t.column["model"]];
    for (int64_t g = 0; g < gpus; ++g) n.gpus.push_back(GpuSpec{model, GpuMemoryMib(model), true, kAllEnvironments});
    nodes.push_back(std::move(n));
  }
  return nodes;
}

Result<std::vector<TracePod>> ParseOpenbPods(const std::string& csv, const std::string& what) {
  ASSIGN_OR_RETURN(Table t, ReadTable(csv, what, {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"}));
  auto optional_cell = [&](size_t row, const char* name) -> std::string {
    auto it = t.column.find(name);
    return it == t.column.end() ? "" : t.rows[row][it->second];
  };
  std::vector<TracePod> pods;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    TracePod p;
    Request& r = p.request;
    r.name = t.rows[i][t.column["name"]];
    ASSIGN_OR_RETURN(r.cpu_milli, IntCell(t, i, "cpu_milli", what));
    ASSIGN_OR_RETURN(r.memory_mib, IntCell(t, i, "memory_mib", what));
    ASSIGN_OR_RETURN(int64_t count, IntCell(t, i, "num_gpu", what));
    ASSIGN_OR_RETURN(int64_t milli, IntCell(t, i, "gpu_milli", what));
    if (milli > kMilliPerGpu || (count > 1 && milli != kMilliPerGpu && milli != 0)) {
      return InvalidArgument(what + ": line " + std::to_string(t.line_numbers[i]) +
                             ": gpu_milli: a multi-GPU task takes whole GPUs (1000)");
    }
    r.gpu.count = milli == 0 ? 0 : static_cast<int>(count);
    r.gpu.milli = r.gpu.count == 0 ? 0 : static_cast<int>(milli);
    const std::string spec = optional_cell(i, "gpu_spec");
    for (size_t start = 0; !spec.empty() && start <= spec.size();) {
      size_t bar = spec.find('|', start);
      if (bar == std::string::npos) bar = spec.size();
      r.models.push_back(spec.substr(start, bar - start));
      start = bar + 1;
    }
    p.qos = optional_cell(i, "qos");
    const bool latency_sensitive = p.qos == "LS" || p.qos == "Guaranteed";
    r.environment = latency_sensitive ? Environment::kInfer : Environment::kTrain;
    r.mode = latency_sensitive ? Mode::kFixed : Mode::kElastic;
    r.priority = latency_sensitive ? 1 : 0;
    r.project = "openb";
    p.creation_s = SecondsCell(optional_cell(i, "creation_time"));
    p.deletion_s = SecondsCell(optional_cell(i, "deletion_time"));
    pods.push_back(std::move(p));
  }
  return pods;
}

std::vector<Request> RequestsOf(const std::vector<TracePod>& pods) {
  std::vector<Request> out;
  out.reserve(pods.size());
  for (const TracePod& p : pods) out.push_back(p.request);
  return out;
}

}  // namespace tandem::scheduler
