#include "data/transform.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "data/dates.h"

namespace tandem::data {
namespace {

const char* const kKinds[] = {"impute", "standardize", "min-max-scale", "one-hot", "bucketize",
                              "select-columns", "date-parts"};

// ---- validation: every field a step's Apply reads is checked once, here ----

Status CheckStringArray(const Json& v, const std::string& path, bool non_empty) {
  if (!v.is_array()) return InvalidArgument(path + ": expected an array of names");
  if (non_empty && v.empty()) return InvalidArgument(path + ": must not be empty");
  for (const auto& item : v) {
    if (!item.is_string()) return InvalidArgument(path + ": expected names, got " + item.dump());
  }
  return Status::Ok();
}

Status CheckColumnEntry(const std::string& kind, const Json& v, const std::string& path) {
  if (kind == "impute") {
    if (v.is_number() || v.is_string()) return Status::Ok();
    return InvalidArgument(path + ": expected a number or a text fill value, got " + v.dump());
  }
  if (kind == "standardize") {
    if (!v.is_object()) return InvalidArgument(path + ": expected {\"mean\", \"std\"}");
    RETURN_IF_ERROR(GetNumber(v, "mean", path).status());
    ASSIGN_OR_RETURN(double std, GetNumber(v, "std", path));
    if (!(std > 0)) return InvalidArgument(JoinPath(path, "std") + ": must be greater than 0");
    return Status::Ok();
  }
  if (kind == "min-max-scale") {
    if (!v.is_object()) return InvalidArgument(path + ": expected {\"min\", \"max\"}");
    ASSIGN_OR_RETURN(double lo, GetNumber(v, "min", path));
    ASSIGN_OR_RETURN(double hi, GetNumber(v, "max", path));
    if (hi < lo) return InvalidArgument(JoinPath(path, "max") + ": must not be below min");
    return Status::Ok();
  }
  if (kind == "one-hot") return CheckStringArray(v, path, false);
  if (kind == "date-parts") {
    RETURN_IF_ERROR(CheckStringArray(v, path, true));
    const auto& known = DatePartNames();
    for (const auto& part : v) {
      if (std::find(known.begin(), known.end(), part.get<std::string>()) == known.end()) {
        return InvalidArgument(path + ": unknown date part " + part.dump() +
                               " (known: year, month, day, day_of_week, day_of_year, hour, minute, second)");
      }
    }
    return Status::Ok();
  }
  // bucketize
  if (!v.is_array() || v.empty()) return InvalidArgument(path + ": expected an array of edges");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number()) return InvalidArgument(path + ": expected numbers, got " + v[i].dump());
    if (i > 0 && !(v[i].get<double>() > v[i - 1].get<double>())) {
      return InvalidArgument(path + ": edges must be strictly ascending");
    }
  }
  return Status::Ok();
}

Status CheckStep(const Json& step, const std::string& path) {
  if (!step.is_object()) return InvalidArgument(path + ": expected an object");
  ASSIGN_OR_RETURN(std::string kind, GetString(step, "kind", path));
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
    return InvalidArgument(path + ".kind: unknown transform '" + kind +
                           "' (known: impute, standardize, min-max-scale, one-hot, bucketize, "
                           "select-columns)");
  }
  const std::string columns_path = path + ".columns";
  auto columns = step.find("columns");
  if (columns == step.end()) return InvalidArgument(columns_path + ": required field is missing");
  if (kind == "select-columns") return CheckStringArray(*columns, columns_path, true);
  if (!columns->is_object()) return InvalidArgument(columns_path + ": expected an object by column");
  for (const auto& [name, entry] : columns->items()) {
    RETURN_IF_ERROR(CheckColumnEntry(kind, entry, JoinPath(columns_path, name)));
  }
  return Status::Ok();
}

// ---- application ----

Result<Column*> FindColumn(Table& t, const std::string& name) {
  RETURN_IF_ERROR(t.Get(name, "columns." + name).status());
  for (Column& c : t.columns) {
    if (c.name == name) return &c;
  }
  return Internal("column vanished: " + name);
}

// A text column whose present values all read as numbers becomes a number column.
Status AsNumbers(Column* c) {
  if (c->type == ColumnType::kNumber) return Status::Ok();
  std::vector<double> numbers(c->strings.size(), NAN);
  for (size_t r = 0; r < numbers.size(); ++r) {
    if (c->missing[r]) continue;
    if (!ParseNumber(c->strings[r], &numbers[r])) {
      return InvalidArgument("column '" + c->name + "' is text ('" + c->strings[r] + "' in row " +
                             std::to_string(r + 1) + "), expected numbers");
    }
  }
  *c = Column::Numbers(c->name, std::move(numbers));
  return Status::Ok();
}

void AsText(Column* c) {
  if (c->type == ColumnType::kString) return;
  std::vector<std::string> text(c->numbers.size());
  std::vector<uint8_t> missing(c->numbers.size());
  for (size_t r = 0; r < text.size(); ++r) {
    text[r] = c->Text(r);
    missing[r] = c->IsMissing(r);
  }
  *c = Column::Strings(c->name, std::move(text), std::move(missing));
}

// Rewrites every present value of the named number column with `f`.
template <typename F>
Status MapNumbers(Table& t, const std::string& name, F f) {
  ASSIGN_OR_RETURN(Column * c, FindColumn(t, name));
  RETURN_IF_ERROR(AsNumbers(c));
  for (double& v : c->numbers) {
    if (!std::isnan(v)) v = f(v);
  }
  return Status::Ok();
}

Status Impute(Table& t, const std::string& name, const Json& fill) {
  ASSIGN_OR_RETURN(Column * c, FindColumn(t, name));
  if (fill.is_number()) {
    RETURN_IF_ERROR(AsNumbers(c));
    const double value = fill.get<double>();
    for (double& v : c->numbers) {
      if (std::isnan(v)) v = value;
    }
    return Status::Ok();
  }
  AsText(c);
  for (size_t r = 0; r < c->strings.size(); ++r) {
    if (c->missing[r]) c->strings[r] = fill.get<std::string>(), c->missing[r] = 0;
  }
  return Status::Ok();
}

// Puts `expanded` where column `c` of `t` was.
void ReplaceColumn(Table& t, const Column* c, std::vector<Column> expanded) {
  auto at = t.columns.erase(t.columns.begin() + (c - t.columns.data()));
  t.columns.insert(at, std::make_move_iterator(expanded.begin()),
                   std::make_move_iterator(expanded.end()));
}

Status OneHot(Table& t, const std::string& name, const Json& categories) {
  ASSIGN_OR_RETURN(Column * c, FindColumn(t, name));
  std::vector<Column> expanded;
  for (const auto& category : categories) {
    const std::string& cat = category.get_ref<const std::string&>();
    std::vector<double> flags(t.rows, 0.0);
    for (size_t r = 0; r < t.rows; ++r) {
      if (!c->IsMissing(r) && c->Text(r) == cat) flags[r] = 1.0;
    }
    expanded.push_back(Column::Numbers(OneHotColumnName(name, cat), std::move(flags)));
  }
  ReplaceColumn(t, c, std::move(expanded));
  return Status::Ok();
}

// Replaces a column of ISO dates by one number column per part; a missing cell gives
// missing parts, text that is no ISO date an error naming the row.
Status DateParts(Table& t, const std::string& name, const Json& parts) {
  ASSIGN_OR_RETURN(Column * c, FindColumn(t, name));
  std::vector<std::vector<double>> values(parts.size(), std::vector<double>(t.rows, NAN));
  for (size_t r = 0; r < t.rows; ++r) {
    if (c->IsMissing(r)) continue;
    CivilTime time;
    const std::string text = c->Text(r);
    if (!ParseIsoTime(text, &time)) {
      return InvalidArgument("column '" + name + "': '" + text + "' in row " + std::to_string(r + 1) +
                             " is not an ISO date (YYYY-MM-DD[THH:MM[:SS]])");
    }
    for (size_t p = 0; p < parts.size(); ++p) values[p][r] = DatePart(time, parts[p].get<std::string>());
  }
  std::vector<Column> expanded;
  for (size_t p = 0; p < parts.size(); ++p) {
    expanded.push_back(Column::Numbers(DatePartColumnName(name, parts[p].get<std::string>()),
                                       std::move(values[p])));
  }
  ReplaceColumn(t, c, std::move(expanded));
  return Status::Ok();
}

Status SelectColumns(Table& t, const Json& names, const std::vector<std::string>& pass_through) {
  std::vector<Column> kept;
  std::set<std::string> listed;
  for (const auto& n : names) {
    const std::string& name = n.get_ref<const std::string&>();
    ASSIGN_OR_RETURN(Column * c, FindColumn(t, name));
    kept.push_back(*c);
    listed.insert(name);
  }
  for (const Column& c : t.columns) {
    bool pass = std::find(pass_through.begin(), pass_through.end(), c.name) != pass_through.end();
    if (pass && !listed.count(c.name)) kept.push_back(c);
  }
  t.columns = std::move(kept);
  return Status::Ok();
}

Status ApplyStep(const Json& step, const std::vector<std::string>& pass_through, Table& t) {
  const std::string& kind = step["kind"].get_ref<const std::string&>();
  const Json& columns = step["columns"];
  if (kind == "select-columns") return SelectColumns(t, columns, pass_through);
  for (const auto& [name, entry] : columns.items()) {
    if (kind == "impute") {
      RETURN_IF_ERROR(Impute(t, name, entry));
    } else if (kind == "standardize") {
      const double mean = entry["mean"].get<double>(), std = entry["std"].get<double>();
      RETURN_IF_ERROR(MapNumbers(t, name, [&](double v) { return (v - mean) / std; }));
    } else if (kind == "min-max-scale") {
      const double lo = entry["min"].get<double>(), range = entry["max"].get<double>() - lo;
      RETURN_IF_ERROR(MapNumbers(t, name, [&](double v) { return range > 0 ? (v - lo) / range : 0.0; }));
    } else if (kind == "one-hot") {
      RETURN_IF_ERROR(OneHot(t, name, entry));
    } else if (kind == "date-parts") {
      RETURN_IF_ERROR(DateParts(t, name, entry));
    } else {  // bucketize
      std::vector<double> edges = entry.get<std::vector<double>>();
      RETURN_IF_ERROR(MapNumbers(t, name, [&](double v) {
        return static_cast<double>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
      }));
    }
  }
  return Status::Ok();
}

// The columns a step reads: its "columns" keys, or the names of a select-columns step.
std::vector<std::string> StepColumns(const Json& step) {
  std::vector<std::string> out;
  const Json& columns = step["columns"];
  if (columns.is_array()) return columns.get<std::vector<std::string>>();
  for (const auto& [name, entry] : columns.items()) out.push_back(name);
  return out;
}

// The columns a step replaces by several new ones (one-hot, date-parts), each with the
// names of the columns made of it, in order; empty for the other kinds.
std::vector<std::pair<std::string, std::vector<std::string>>> Expansions(const Json& step) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  const bool one_hot = step["kind"] == "one-hot";
  if (!one_hot && step["kind"] != "date-parts") return out;
  for (const auto& [name, entry] : step["columns"].items()) {
    std::vector<std::string> made;
    for (const auto& item : entry) {
      made.push_back(one_hot ? OneHotColumnName(name, item) : DatePartColumnName(name, item));
    }
    out.emplace_back(name, std::move(made));
  }
  return out;
}

void AddOnce(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

}  // namespace

std::string OneHotColumnName(const std::string& column, const std::string& category) {
  return column + "=" + category;
}

Result<TransformChain> TransformChain::FromJson(const Json& steps) {
  TransformChain chain;
  if (steps.is_null()) return chain;
  if (!steps.is_array()) return InvalidArgument("transforms: expected an array of steps");
  for (const auto& step : steps) RETURN_IF_ERROR(chain.Append(step));
  return chain;
}

Json TransformChain::ToJson() const { return Json(steps_); }

Status TransformChain::Append(const Json& step) {
  RETURN_IF_ERROR(CheckStep(step, "transforms[" + std::to_string(steps_.size()) + "]"));
  steps_.push_back(step);
  return Status::Ok();
}

Result<Table> TransformChain::Apply(const Table& raw,
                                    const std::vector<std::string>& pass_through) const {
  Table t = raw;
  for (size_t i = 0; i < steps_.size(); ++i) {
    Status s = ApplyStep(steps_[i], pass_through, t);
    if (!s.ok()) {
      return s.WithContext("transforms[" + std::to_string(i) + "] (" +
                           steps_[i]["kind"].get<std::string>() + ")");
    }
  }
  return t;
}

std::vector<std::string> TransformChain::InputColumns() const {
  std::vector<std::string> out;
  std::set<std::string> produced;
  for (const Json& step : steps_) {
    for (const auto& name : StepColumns(step)) {
      if (!produced.count(name)) AddOnce(out, name);
    }
    for (const auto& [name, made] : Expansions(step)) produced.insert(made.begin(), made.end());
  }
  return out;
}

std::set<std::string> TransformChain::TextInputColumns() const {
  std::set<std::string> text;
  std::set<std::string> produced;  // "city=Paris", "sold.year": numbers a step made
  for (const Json& step : steps_) {
    const std::string kind = step.value("kind", "");
    const Json& columns = step.value("columns", Json::object());
    if (columns.is_object()) {
      for (const auto& [name, value] : columns.items()) {
        if (produced.count(name)) continue;
        if (kind == "one-hot" || kind == "date-parts" || (kind == "impute" && value.is_string())) {
          text.insert(name);
        }
      }
    }
    for (const auto& [name, made] : Expansions(step)) produced.insert(made.begin(), made.end());
  }
  return text;
}

std::vector<std::string> TransformChain::InputColumnsFor(
    const std::vector<std::string>& features) const {
  std::map<std::string, std::string> source;  // an expanded column -> the raw one it came from
  for (const Json& step : steps_) {
    for (const auto& [name, made] : Expansions(step)) {
      auto from = source.find(name);
      for (const auto& m : made) source[m] = from == source.end() ? name : from->second;
    }
  }
  std::vector<std::string> out;
  for (const auto& f : features) {
    auto it = source.find(f);
    AddOnce(out, it == source.end() ? f : it->second);
  }
  for (const auto& name : InputColumns()) AddOnce(out, name);
  return out;
}

std::vector<std::string> TransformChain::OutputColumns(
    const std::vector<std::string>& input_columns) const {
  std::vector<std::string> cols = input_columns;
  for (const Json& step : steps_) {
    if (step["kind"] == "select-columns") {
      cols = StepColumns(step);
      continue;
    }
    for (const auto& [name, made] : Expansions(step)) {
      auto at = std::find(cols.begin(), cols.end(), name);
      if (at == cols.end()) continue;
      at = cols.erase(at);
      cols.insert(at, made.begin(), made.end());
    }
  }
  return cols;
}

}  // namespace tandem::data
