#include "serving/transform_backend.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace tandem::serving {
namespace {

// What the chain's steps say about the raw columns (data/transform.h's JSON form).
struct ColumnFacts {
  std::set<std::string> imputed;   // filled when missing: a request may leave them out
  std::map<std::string, std::set<std::string>> categories;  // of one-hot columns
};

ColumnFacts FactsOf(const Json& steps) {
  ColumnFacts facts;
  for (const Json& step : steps) {
    const Json& columns = step.value("columns", Json::object());
    if (!columns.is_object()) continue;
    const std::string kind = step.value("kind", "");
    for (const auto& [name, value] : columns.items()) {
      if (kind == "impute") facts.imputed.insert(name);
      if (kind == "one-hot" && value.is_array()) {
        auto& known = facts.categories[name];
        for (const Json& c : value) {
          if (c.is_string()) known.insert(c.get<std::string>());
        }
      }
    }
  }
  return facts;
}

std::string Known(const std::set<std::string>& categories) {
  constexpr size_t kShown = 8;
  std::string out;
  size_t i = 0;
  for (const auto& c : categories) {
    if (i++ == kShown) return out + ", ...";
    out += (out.empty() ? "" : ", ") + c;
  }
  return out;
}

data::Column NumberColumn(const std::string& name, const Tensor& t, size_t column, size_t stride,
                          size_t rows, bool as_text) {
  std::vector<double> values(rows);
  for (size_t r = 0; r < rows; ++r) values[r] = t.numbers[r * stride + column];
  if (!as_text) return data::Column::Numbers(name, std::move(values));
  std::vector<std::string> text(rows);
  std::vector<uint8_t> missing(rows, 0);
  for (size_t r = 0; r < rows; ++r) {
    missing[r] = std::isnan(values[r]) ? 1 : 0;
    text[r] = data::FormatNumber(values[r]);
  }
  return data::Column::Strings(name, std::move(text), std::move(missing));
}

const Tensor* ColumnInput(const std::vector<Tensor>& inputs, const std::string& column) {
  for (const Tensor& t : inputs) {
    if (t.name == column) return &t;
  }
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<TransformBackend>> TransformBackend::Create(
    std::unique_ptr<Backend> inner, const Json& transforms, std::vector<std::string> features) {
  std::unique_ptr<TransformBackend> b(new TransformBackend());
  auto chain = data::TransformChain::FromJson(transforms);
  if (!chain.ok()) return chain.status().WithContext("meta");
  b->chain_ = std::move(chain).value();
  const Json inner_md = inner->Metadata();
  const Json& inner_inputs = inner_md["inputs"];
  if (!inner_inputs.is_array() || inner_inputs.size() != 1) {
    return InvalidArgument("meta.transforms: the model must take one feature matrix to be "
                           "served behind transforms, but it takes " +
                           std::to_string(inner_inputs.is_array() ? inner_inputs.size() : 0) +
                           " inputs");
  }
  b->inner_input_ = inner_inputs[0].value("name", "input");
  b->inner_datatype_ =
      ParseDataType(inner_inputs[0].value("datatype", "FP32")).value_or(DataType::kFp32);
  if (features.empty()) features = b->chain_.OutputColumns(b->chain_.InputColumns());
  b->features_ = std::move(features);
  b->raw_columns_ = b->chain_.InputColumnsFor(b->features_);
  const ColumnFacts facts = FactsOf(transforms);
  const std::set<std::string> text = b->chain_.TextInputColumns();
  for (const auto& c : b->raw_columns_) {
    b->raw_is_text_.push_back(text.count(c) > 0);
    b->raw_optional_.push_back(facts.imputed.count(c) > 0);
    auto known = facts.categories.find(c);
    b->raw_categories_.push_back(known == facts.categories.end() ? std::set<std::string>{}
                                                                 : known->second);
  }
  b->inner_ = std::move(inner);
  return b;
}

Result<data::Table> TransformBackend::RawTable(const std::vector<Tensor>& inputs) const {
  data::Table table;
  const size_t width = raw_columns_.size();
  const bool named = std::any_of(inputs.begin(), inputs.end(), [&](const Tensor& t) {
    return std::find(raw_columns_.begin(), raw_columns_.end(), t.name) != raw_columns_.end();
  });
  if (!named) {
    // The matrix form.
    if (inputs.size() != 1) {
      return InvalidArgument("expected one input per raw column (" + std::to_string(width) +
                             ": the model's metadata lists them) or one [N," +
                             std::to_string(width) + "] matrix, got " +
                             std::to_string(inputs.size()) + " inputs none of which is a column");
    }
    const Tensor& m = inputs[0];
    const std::string where = "input '" + m.name + "'";
    if (m.datatype == DataType::kBytes) {
      return InvalidArgument(where + ": a raw-column matrix must be numeric; send text columns "
                             "as BYTES inputs named after their column");
    }
    if (m.shape.size() != 2 || m.shape[1] != static_cast<int64_t>(width)) {
      return InvalidArgument(where + ": expected shape [N," + std::to_string(width) +
                             "] (the raw columns), got " + ShapeString(m.shape));
    }
    table.rows = static_cast<size_t>(m.shape[0]);
    for (size_t c = 0; c < width; ++c) {
      table.columns.push_back(
          NumberColumn(raw_columns_[c], m, c, width, table.rows, raw_is_text_[c]));
    }
    return table;
  }

  int64_t rows = -1;
  for (size_t c = 0; c < width; ++c) {
    const Tensor* t = ColumnInput(inputs, raw_columns_[c]);
    if (!t) continue;
    const std::string where = "input '" + t->name + "'";
    if (t->shape.empty() || t->shape.size() > 2 || (t->shape.size() == 2 && t->shape[1] != 1)) {
      return InvalidArgument(where + ": expected shape [N] or [N,1], got " + ShapeString(t->shape));
    }
    if (rows >= 0 && t->shape[0] != rows) {
      return InvalidArgument(where + ": has " + std::to_string(t->shape[0]) + " rows, other inputs " +
                             std::to_string(rows));
    }
    rows = t->shape[0];
  }
  for (size_t c = 0; c < width; ++c) {
    const std::string& name = raw_columns_[c];
    const Tensor* found = ColumnInput(inputs, name);
    if (!found && raw_optional_[c]) {
      // Left out: every row missing, for the fitted impute to fill.
      const size_t n = static_cast<size_t>(rows);
      table.columns.push_back(
          raw_is_text_[c]
              ? data::Column::Strings(name, std::vector<std::string>(n), std::vector<uint8_t>(n, 1))
              : data::Column::Numbers(name, std::vector<double>(n, std::nan(""))));
      continue;
    }
    if (!found) return InvalidArgument("missing input '" + name + "' (a raw column)");
    const Tensor& t = *found;
    if (t.datatype == DataType::kBytes) {
      std::vector<uint8_t> missing(t.strings.size());
      for (size_t r = 0; r < t.strings.size(); ++r) missing[r] = t.strings[r].empty() ? 1 : 0;
      table.columns.push_back(data::Column::Strings(name, t.strings, std::move(missing)));
    } else {
      table.columns.push_back(NumberColumn(name, t, 0, 1, t.numbers.size(), raw_is_text_[c]));
    }
  }
  for (const Tensor& t : inputs) {
    if (std::find(raw_columns_.begin(), raw_columns_.end(), t.name) == raw_columns_.end()) {
      return InvalidArgument("input '" + t.name + "': not a raw column of this model");
    }
  }
  table.rows = static_cast<size_t>(rows);
  return table;
}

Result<std::vector<Tensor>> TransformBackend::Infer(const std::vector<Tensor>& inputs) {
  ASSIGN_OR_RETURN(data::Table raw, RawTable(inputs));
  ASSIGN_OR_RETURN(data::Table shaped, chain_.Apply(raw));
  Tensor x{inner_input_, inner_datatype_,
           {static_cast<int64_t>(shaped.rows), static_cast<int64_t>(features_.size())}, {}, {}};
  x.numbers.resize(shaped.rows * features_.size());
  for (size_t f = 0; f < features_.size(); ++f) {
    ASSIGN_OR_RETURN(const data::Column* col, shaped.Get(features_[f], "after the transforms"));
    if (col->type != data::ColumnType::kNumber) {
      return InvalidArgument("feature '" + features_[f] + "' is text after the transforms");
    }
    for (size_t r = 0; r < shaped.rows; ++r) x.numbers[r * features_.size() + f] = col->numbers[r];
  }
  return inner_->Infer({std::move(x)});
}

std::vector<InputWarning> TransformBackend::CheckInputs(const std::vector<Tensor>& inputs) const {
  std::vector<InputWarning> warnings;
  const size_t width = raw_columns_.size();
  const bool named = std::any_of(raw_columns_.begin(), raw_columns_.end(), [&](const auto& c) {
    return ColumnInput(inputs, c) != nullptr;
  });
  // The matrix form: one numeric [N, R] input, its columns the raw columns (any other
  // shape Infer refuses).
  const bool matrix = !named && inputs.size() == 1 && inputs[0].datatype != DataType::kBytes &&
                      inputs[0].shape.size() == 2 &&
                      inputs[0].shape[1] == static_cast<int64_t>(width);
  if (!named && !matrix) return warnings;
  for (size_t c = 0; c < width; ++c) {
    if (!raw_is_text_[c]) continue;
    const Tensor* t = matrix ? &inputs[0] : ColumnInput(inputs, raw_columns_[c]);
    if (!t || t->size() == 0) continue;
    const std::string& column_name = raw_columns_[c];
    const std::set<std::string>& known = raw_categories_[c];
    // The matrix's warnings name the column within the matrix.
    const std::string input = matrix ? t->name : column_name;
    const std::string prefix = matrix ? "column '" + column_name + "': " : "";
    const size_t stride = matrix ? width : 1;
    const size_t column = matrix ? c : 0;
    const size_t rows = t->size() / stride;
    for (size_t r = 0; r < rows; ++r) {
      std::string text;
      if (t->datatype == DataType::kBytes) {
        text = t->strings[r];
        if (text.empty()) continue;  // missing
      } else {
        const double v = t->numbers[r * stride + column];
        if (std::isnan(v)) continue;  // missing
        text = data::FormatNumber(v);
        warnings.push_back({input, static_cast<int64_t>(r),
                            prefix + "a number (" + text + ") for a text column; read as the text '" +
                                text + "'"});
      }
      if (!known.empty() && known.count(text) == 0) {
        warnings.push_back({input, static_cast<int64_t>(r),
                            prefix + "category '" + text + "' was not seen in training (known: " +
                                Known(known) + "); it encodes as all zeros"});
      }
    }
  }
  return warnings;
}

Json TransformBackend::Metadata() const {
  Json md = inner_->Metadata();
  Json inputs = Json::array();
  for (size_t c = 0; c < raw_columns_.size(); ++c) {
    inputs.push_back({{"name", raw_columns_[c]},
                      {"datatype", raw_is_text_[c] ? "BYTES" : "FP64"},
                      {"shape", {-1}}});
  }
  md["inputs"] = std::move(inputs);
  md["parameters"]["raw_columns"] = raw_columns_;
  std::vector<std::string> optional;
  for (size_t c = 0; c < raw_columns_.size(); ++c) {
    if (raw_optional_[c]) optional.push_back(raw_columns_[c]);
  }
  md["parameters"]["optional_columns"] = optional;
  md["parameters"]["features"] = features_;
  md["parameters"]["transforms"] = chain_.ToJson();
  return md;
}

}  // namespace tandem::serving
