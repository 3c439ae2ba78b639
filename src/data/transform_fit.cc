#include "data/transform_fit.h"

#include <algorithm>
#include <cmath>

#include "data/dates.h"
#include "data/schema.h"
#include "data/transform.h"
#include "data/stats.h"

namespace tandem::data {
namespace {

Result<const Column*> NumberColumn(const Table& table, const std::string& name) {
  ASSIGN_OR_RETURN(const Column* c, table.Get(name, "columns"));
  if (c->type != ColumnType::kNumber) {
    return InvalidArgument("column '" + name + "' is text; this step needs numbers");
  }
  return c;
}

// The column's present numbers, sorted; kInvalidArgument when it has none.
Result<std::vector<double>> SortedValues(const Table& table, const std::string& name,
                                         const std::string& purpose) {
  ASSIGN_OR_RETURN(const Column* c, NumberColumn(table, name));
  std::vector<double> values = PresentNumbers(*c);
  if (values.empty()) return InvalidArgument("column '" + name + "': no values to " + purpose);
  std::sort(values.begin(), values.end());
  return values;
}

Result<Json> FillValue(const Table& table, const ImputeRule& rule) {
  ASSIGN_OR_RETURN(const Column* c, table.Get(rule.column, "columns"));
  const bool numbers = c->type == ColumnType::kNumber;
  if (rule.strategy == "constant") return numbers ? Json(rule.fill_number) : Json(rule.fill_text);
  if (rule.strategy == "mode") {
    Mode mode = MostFrequent(*c);
    if (mode.count == 0) return InvalidArgument("column '" + rule.column + "': no values to take a mode of");
    if (!numbers) return Json(mode.text);
    double v = 0;
    ParseNumber(mode.text, &v);
    return Json(v);
  }
  if (rule.strategy == "mean" || rule.strategy == "median") {
    if (!numbers) {
      return InvalidArgument("column '" + rule.column + "' is text; " + rule.strategy +
                             " needs numbers (use mode or constant)");
    }
    ASSIGN_OR_RETURN(std::vector<double> v, SortedValues(table, rule.column, "take a " + rule.strategy + " of"));
    return Json(rule.strategy == "mean" ? Mean(v) : Quantile(v, 0.5));
  }
  return InvalidArgument("column '" + rule.column + "': unknown strategy '" + rule.strategy + "'");
}

Json Step(const char* kind, Json columns) { return {{"kind", kind}, {"columns", std::move(columns)}}; }

}  // namespace

Result<Json> FitImpute(const Table& table, const std::vector<ImputeRule>& rules) {
  Json columns = Json::object();
  for (const ImputeRule& rule : rules) {
    ASSIGN_OR_RETURN(columns[rule.column], FillValue(table, rule));
  }
  return Step("impute", std::move(columns));
}

Result<Json> FitStandardize(const Table& table, const std::vector<std::string>& columns) {
  Json out = Json::object();
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(std::vector<double> v, SortedValues(table, name, "standardize"));
    const double std = StdDev(v, 0);
    out[name] = {{"mean", Mean(v)}, {"std", std > 0 ? std : 1.0}};
  }
  return Step("standardize", std::move(out));
}

Result<Json> FitMinMaxScale(const Table& table, const std::vector<std::string>& columns) {
  Json out = Json::object();
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(std::vector<double> v, SortedValues(table, name, "scale"));
    out[name] = {{"min", v.front()}, {"max", v.back()}};
  }
  return Step("min-max-scale", std::move(out));
}

Result<Json> FitOneHot(const Table& table, const std::vector<std::string>& columns,
                       size_t max_categories) {
  Json out = Json::object();
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(const Column* c, table.Get(name, "columns"));
    std::vector<std::string> categories = DistinctValues(*c);
    if (categories.size() > max_categories) {
      return InvalidArgument("column '" + name + "' has " + std::to_string(categories.size()) +
                             " categories, more than the limit of " + std::to_string(max_categories));
    }
    out[name] = categories;
  }
  return Step("one-hot", std::move(out));
}

Result<Json> FitBucketize(const Table& table, const std::vector<std::string>& columns,
                          size_t buckets, const std::string& strategy) {
  if (buckets < 2) return InvalidArgument("buckets: need at least 2, got " + std::to_string(buckets));
  if (strategy != "uniform" && strategy != "quantile") {
    return InvalidArgument("strategy: expected uniform or quantile, got '" + strategy + "'");
  }
  Json out = Json::object();
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(std::vector<double> v, SortedValues(table, name, "bucketize"));
    std::vector<double> edges;
    for (size_t i = 1; i < buckets; ++i) {
      const double q = static_cast<double>(i) / static_cast<double>(buckets);
      double edge = strategy == "quantile" ? Quantile(v, q) : v.front() + (v.back() - v.front()) * q;
      if (edges.empty() || edge > edges.back()) edges.push_back(edge);
    }
    out[name] = edges;
  }
  return Step("bucketize", std::move(out));
}

Result<Json> FitDateParts(const Table& table, const std::vector<std::string>& columns,
                          const std::vector<std::string>& parts) {
  Json by_column = Json::object();
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(const Column* c, table.Get(name, "columns"));
    const DateKind kind = ColumnDateKind(*c);
    if (kind == DateKind::kNone) {
      return InvalidArgument("column '" + name + "' is not ISO dates (YYYY-MM-DD[THH:MM[:SS]])");
    }
    by_column[name] = parts.empty() ? DefaultDateParts(kind) : parts;
  }
  // The step's own check names an unknown part.
  Json step = Step("date-parts", by_column);
  TransformChain check;
  RETURN_IF_ERROR(check.Append(step));
  return step;
}

Result<Json> SelectColumnsStep(const Table& table, const std::vector<std::string>& columns) {
  if (columns.empty()) return InvalidArgument("columns: name at least one column to keep");
  for (const auto& name : columns) RETURN_IF_ERROR(table.Get(name, "columns").status());
  return Step("select-columns", columns);
}

}  // namespace tandem::data
