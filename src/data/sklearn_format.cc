#include "data/sklearn_format.h"

#include <cmath>
#include <cstdint>

namespace tandem::data {
namespace {

// Feature names of the bundled files that have no header line, as scikit-learn's
// loaders name them; matched by feature count and class names.
struct KnownDataset {
  std::vector<std::string> classes;
  std::vector<std::string> features;
};

const std::vector<KnownDataset>& KnownDatasets() {
  static const std::vector<KnownDataset> kKnown = [] {
    std::vector<KnownDataset> k;
    k.push_back({{"setosa", "versicolor", "virginica"},
                 {"sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                  "petal width (cm)"}});
    std::vector<std::string> cancer;
    const char* base[] = {"radius",      "texture",        "perimeter", "area",
                          "smoothness",  "compactness",    "concavity", "concave points",
                          "symmetry",    "fractal dimension"};
    for (const char* b : base) cancer.push_back(std::string("mean ") + b);
    for (const char* b : base) cancer.push_back(std::string(b) + " error");
    for (const char* b : base) cancer.push_back(std::string("worst ") + b);
    k.push_back({{"malignant", "benign"}, cancer});
    k.push_back({{"class_0", "class_1", "class_2"},
                 {"alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
                  "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
                  "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"}});
    return k;
  }();
  return kKnown;
}

bool ParseCount(const std::string& text, int64_t* out) {
  double v = 0;
  if (!ParseNumber(text, &v) || v < 0 || v > 1e12 || v != std::floor(v)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool AllNumericOrMissing(const CsvRecord& rec) {
  for (const auto& f : rec.fields) {
    double v = 0;
    if (!IsMissingText(f) && !ParseNumber(f, &v)) return false;
  }
  return true;
}

std::vector<std::string> DefaultNames(size_t n_features, const std::vector<std::string>& classes) {
  for (const auto& k : KnownDatasets()) {
    if (k.features.size() == n_features && k.classes == classes) {
      std::vector<std::string> names = k.features;
      names.push_back("target");
      return names;
    }
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < n_features; ++i) names.push_back("feature_" + std::to_string(i));
  names.push_back("target");
  return names;
}

// Replaces the class indices in the last column by the class names.
Status DecodeClasses(const std::vector<CsvRecord>& records, size_t first, Table* table) {
  Column& target = table->columns.back();
  const auto& classes = table->declared_classes;
  if (target.type != ColumnType::kNumber) {
    return InvalidArgument("column '" + target.name + "': expected class indices 0.." +
                           std::to_string(classes.size() - 1));
  }
  std::vector<std::string> names;
  std::vector<uint8_t> missing;
  for (size_t r = 0; r < table->rows; ++r) {
    double v = target.numbers[r];
    if (std::isnan(v)) {
      names.emplace_back();
      missing.push_back(1);
      continue;
    }
    if (v < 0 || v != std::floor(v) || v >= static_cast<double>(classes.size())) {
      return InvalidArgument("line " + std::to_string(records[first + r].line) + ": target " +
                             FormatNumber(v) + " is not a class index 0.." +
                             std::to_string(classes.size() - 1));
    }
    names.push_back(classes[static_cast<size_t>(v)]);
    missing.push_back(0);
  }
  target = Column::Strings(target.name, std::move(names), std::move(missing));
  return Status::Ok();
}

}  // namespace

bool LooksLikeSklearn(const std::vector<CsvRecord>& records) {
  if (records.empty() || records[0].fields.size() < 2) return false;
  const auto& f = records[0].fields;
  int64_t a = 0, b = 0;
  if (!ParseCount(f[0], &a) || !ParseCount(f[1], &b) || b < 1) return false;
  for (size_t i = 2; i < f.size(); ++i) {
    double v = 0;
    if (ParseNumber(f[i], &v)) return false;
  }
  return true;
}

Result<Table> TableFromSklearnRecords(const std::vector<CsvRecord>& records,
                                      const CsvLimits& limits) {
  if (records.empty()) return InvalidArgument("empty file: expected 'n_samples,n_features'");
  const auto& head = records[0].fields;
  int64_t n_samples = 0, n_features = 0;
  if (head.size() < 2 || !ParseCount(head[0], &n_samples) || !ParseCount(head[1], &n_features) ||
      n_features < 1) {
    return InvalidArgument("line " + std::to_string(records[0].line) +
                           ": expected 'n_samples,n_features[,class names]' with integers");
  }
  // The header's claim decides how many default names are made: bounded before that.
  if (static_cast<uint64_t>(n_features) + 1 > limits.max_columns) {
    return InvalidArgument("line " + std::to_string(records[0].line) + ": declares " +
                           std::to_string(n_features) + " features; more than " +
                           std::to_string(limits.max_columns) + " columns (the limit per table)");
  }
  std::vector<std::string> classes;
  for (size_t i = 2; i < head.size(); ++i) {
    if (!head[i].empty()) classes.push_back(head[i]);
  }
  size_t first = 1;
  std::vector<std::string> names;
  const size_t width = static_cast<size_t>(n_features) + 1;
  if (records.size() > 1 && !AllNumericOrMissing(records[1])) {
    ASSIGN_OR_RETURN(names, HeaderNames(records[1].fields, records[1].line, limits));
    if (names.size() != width) {
      return InvalidArgument("line " + std::to_string(records[1].line) + ": expected " +
                             std::to_string(width) + " names, got " +
                             std::to_string(names.size()));
    }
    first = 2;
  } else {
    names = DefaultNames(static_cast<size_t>(n_features), classes);
  }
  ASSIGN_OR_RETURN(Table table, TableFromRecords(names, records, first));
  if (table.rows != static_cast<size_t>(n_samples)) {
    return InvalidArgument("line " + std::to_string(records[0].line) + ": declares " +
                           std::to_string(n_samples) + " samples, found " +
                           std::to_string(table.rows));
  }
  table.declared_label = table.columns.back().name;
  table.declared_classes = classes;
  if (!classes.empty()) RETURN_IF_ERROR(DecodeClasses(records, first, &table));
  return table;
}

}  // namespace tandem::data
