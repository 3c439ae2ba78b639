#include "operators/foreign_inputs.h"

#include <filesystem>
#include <fstream>

#include "data/table_file.h"

namespace tandem::operators {

namespace fs = std::filesystem;

namespace {

bool StartsWithTableMagic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[4] = {};
  in.read(head, sizeof(head));
  return in.gcount() == sizeof(head) && data::IsTableFile(std::string_view(head, sizeof(head)));
}

}  // namespace

Status PrepareForeignInputs(const OperatorDef& def, const std::string& task_dir, TaskSpec* spec) {
  if (def.runtime != "exec") return Status::Ok();
  for (auto& [port, in] : spec->inputs) {
    if (!StartsWithTableMagic(in.path)) continue;
    const fs::path csv = fs::path(task_dir) / "in" / port / "table.csv";
    Status st = data::ConvertToCsvFile(in.path, csv.string());
    if (!st.ok()) return st.WithContext("inputs." + port);
    in.path = csv.string();
  }
  return Status::Ok();
}

void RemoveForeignInputs(const std::string& task_dir) {
  std::error_code ec;
  fs::remove_all(fs::path(task_dir) / "in", ec);
}

}  // namespace tandem::operators
