// The C API of exported models (tandem_predict.h) over the same code the service runs:
// data::TransformChain for the fitted transforms and ml::XgbModel, ml::LinearModel or
// ml::KMeansModel (meta.format) for the prediction, so an exported model predicts
// exactly what its service answers.
#include "sdk/tandem_predict.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/json.h"
#include "data/table.h"
#include "data/transform.h"
#include "ml/linear_model.h"
#include "ml/xgboost_model.h"

struct tandem_model {
  // The model of meta.format, set by tandem_model_load; thread-safe as the model is.
  std::function<tandem::Result<tandem::ml::Prediction>(const tandem::ml::DenseMatrix&)> predict;
  size_t num_features = 0;
  tandem::data::TransformChain chain;
  std::vector<std::string> features;  // the model's columns, in its order
  std::vector<std::string> inputs;    // the raw columns a row supplies
  std::vector<bool> input_is_text;
  std::vector<std::string> classes;
  bool binary = false;                // one p(class 1) column expanded to [1-p, p]
  size_t width = 1;
};

namespace {

using tandem::Json;
using tandem::Result;
using tandem::Status;

int Fail(const Status& st, char* err, size_t err_len) {
  if (err && err_len > 0) {
    std::snprintf(err, err_len, "%s", st.message().c_str());
  }
  return -1;
}

Result<std::vector<std::string>> Strings(const Json& meta, const char* key) {
  std::vector<std::string> out;
  auto it = meta.find(key);
  if (it == meta.end() || it->is_null()) return out;
  if (!it->is_array()) return tandem::InvalidArgument(std::string("meta.") + key + ": expected an array");
  for (const Json& v : *it) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

// The prediction function and feature count of the model file, by format.
Status LoadModel(const std::string& path, const std::string& format, tandem_model* m) {
  if (format == "xgboost") {
    ASSIGN_OR_RETURN(tandem::ml::XgbModel xgb, tandem::ml::XgbModel::Load(path));
    auto model = std::make_shared<tandem::ml::XgbModel>(std::move(xgb));
    m->num_features = model->num_features();
    m->predict = [model](const tandem::ml::DenseMatrix& x) { return model->Predict(x); };
    return Status::Ok();
  }
  if (format != "linear" && format != "kmeans") {
    return tandem::InvalidArgument("meta.format: '" + format + "' is not xgboost, linear or kmeans");
  }
  ASSIGN_OR_RETURN(Json j, tandem::ml::ReadModelJson(path));
  if (format == "linear") {
    ASSIGN_OR_RETURN(tandem::ml::LinearModel linear, tandem::ml::LinearModel::FromJson(j));
    auto model = std::make_shared<tandem::ml::LinearModel>(std::move(linear));
    m->num_features = model->features.size();
    m->predict = [model](const tandem::ml::DenseMatrix& x) { return model->Predict(x); };
  } else {
    ASSIGN_OR_RETURN(tandem::ml::KMeansModel kmeans, tandem::ml::KMeansModel::FromJson(j));
    auto model = std::make_shared<tandem::ml::KMeansModel>(std::move(kmeans));
    m->num_features = model->features.size();
    m->predict = [model](const tandem::ml::DenseMatrix& x) { return model->Predict(x); };
  }
  return Status::Ok();
}

Status Load(const std::string& dir, tandem_model* m) {
  ASSIGN_OR_RETURN(std::string meta_text, tandem::ReadFile(dir + "/meta.json"));
  ASSIGN_OR_RETURN(Json meta, tandem::ParseJson(meta_text, "meta.json"));
  RETURN_IF_ERROR(LoadModel(dir + "/model.json", meta.value("format", "xgboost"), m));
  const Json transforms = meta.value("transforms", Json::array());
  ASSIGN_OR_RETURN(m->chain, tandem::data::TransformChain::FromJson(transforms));
  ASSIGN_OR_RETURN(m->features, Strings(meta, "features"));
  ASSIGN_OR_RETURN(m->classes, Strings(meta, "classes"));
  if (m->features.empty()) {
    if (!m->chain.empty()) {
      m->features = m->chain.OutputColumns(m->chain.InputColumns());
    } else {
      for (size_t i = 0; i < m->num_features; ++i) m->features.push_back("f" + std::to_string(i));
    }
  }
  if (m->features.size() != m->num_features) {
    return tandem::InvalidArgument("meta.features: lists " + std::to_string(m->features.size()) +
                                   " names but the model takes " +
                                   std::to_string(m->num_features) + " features");
  }
  m->inputs = m->chain.empty() ? m->features : m->chain.InputColumnsFor(m->features);
  const std::set<std::string> text = m->chain.TextInputColumns();
  for (const auto& c : m->inputs) m->input_is_text.push_back(text.count(c) > 0);

  // As the service decides: classification when the objective or the task says so,
  // and one value per row (binary:logistic) means [1-p, p].
  const std::string objective = meta.value("objective", "");
  const bool classifier = meta.value("task", objective.rfind("binary:", 0) == 0 ||
                                                     objective.rfind("multi:", 0) == 0
                                                 ? "classification"
                                                 : "regression") == "classification";
  const size_t f = m->num_features;
  tandem::ml::DenseMatrix probe{std::vector<float>(f, std::numeric_limits<float>::quiet_NaN()), 1, f};
  ASSIGN_OR_RETURN(tandem::ml::Prediction p, m->predict(probe));
  m->binary = classifier && p.width == 1;
  m->width = m->binary ? 2 : p.width;
  return Status::Ok();
}

// The raw rows as a table of the model's input columns, found by name in `names`.
Result<tandem::data::Table> RawTable(const tandem_model& m, size_t rows, size_t cols,
                                     const char* const* names,
                                     const std::function<double(size_t, size_t)>& number,
                                     const std::function<const char*(size_t, size_t)>& text) {
  tandem::data::Table table;
  table.rows = rows;
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    size_t col = i;
    if (names) {
      col = cols;
      for (size_t c = 0; c < cols; ++c) {
        if (names[c] && m.inputs[i] == names[c]) col = c;
      }
    }
    if (col >= cols) {
      return tandem::InvalidArgument("no column named '" + m.inputs[i] + "' in the rows (the model "
                                     "reads " + std::to_string(m.inputs.size()) + " columns)");
    }
    if (m.input_is_text[i]) {
      std::vector<std::string> values(rows);
      std::vector<uint8_t> missing(rows, 0);
      for (size_t r = 0; r < rows; ++r) {
        if (text) {
          const char* cell = text(r, col);
          values[r] = cell ? cell : "";
        } else {
          const double v = number(r, col);
          if (!std::isnan(v)) values[r] = tandem::data::FormatNumber(v);
        }
        missing[r] = values[r].empty() ? 1 : 0;
      }
      table.columns.push_back(tandem::data::Column::Strings(m.inputs[i], std::move(values), std::move(missing)));
      continue;
    }
    std::vector<double> values(rows);
    for (size_t r = 0; r < rows; ++r) {
      if (!text) {
        values[r] = number(r, col);
        continue;
      }
      const char* cell = text(r, col);
      const std::string s = cell ? cell : "";
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!s.empty() && !tandem::data::ParseNumber(s, &v)) {
        return tandem::InvalidArgument("row " + std::to_string(r + 1) + ", column '" + m.inputs[i] +
                                       "': '" + s + "' is not a number");
      }
      values[r] = v;
    }
    table.columns.push_back(tandem::data::Column::Numbers(m.inputs[i], std::move(values)));
  }
  return table;
}

Status Predict(tandem_model& m, const tandem::data::Table& raw, float* out, size_t out_len) {
  const size_t rows = raw.rows;
  if (out_len < rows * m.width) {
    return tandem::InvalidArgument("out holds " + std::to_string(out_len) + " floats; " +
                                   std::to_string(rows * m.width) + " are needed");
  }
  tandem::data::Table shaped = raw;
  if (!m.chain.empty()) {
    ASSIGN_OR_RETURN(shaped, m.chain.Apply(raw));
  }
  const size_t f = m.features.size();
  tandem::ml::DenseMatrix x{std::vector<float>(rows * f), rows, f};
  for (size_t c = 0; c < f; ++c) {
    ASSIGN_OR_RETURN(const tandem::data::Column* col, shaped.Get(m.features[c], "after the transforms"));
    if (col->type != tandem::data::ColumnType::kNumber) {
      return tandem::InvalidArgument("feature '" + m.features[c] + "' is text after the transforms");
    }
    for (size_t r = 0; r < rows; ++r) x.values[r * f + c] = static_cast<float>(col->numbers[r]);
  }
  ASSIGN_OR_RETURN(tandem::ml::Prediction p, m.predict(x));
  for (size_t r = 0; r < rows; ++r) {
    if (m.binary) {
      out[r * 2] = 1.0f - p.values[r];
      out[r * 2 + 1] = p.values[r];
    } else {
      for (size_t k = 0; k < m.width; ++k) out[r * m.width + k] = p.values[r * m.width + k];
    }
  }
  return Status::Ok();
}

}  // namespace

extern "C" {

tandem_model* tandem_model_load(const char* dir, char* err, size_t err_len) {
  if (!dir) {
    Fail(tandem::InvalidArgument("dir is NULL"), err, err_len);
    return nullptr;
  }
  auto m = std::make_unique<tandem_model>();
  Status st = Load(dir, m.get());
  if (!st.ok()) {
    Fail(st.WithContext(std::string("loading '") + dir + "'"), err, err_len);
    return nullptr;
  }
  return m.release();
}

void tandem_model_free(tandem_model* model) { delete model; }

size_t tandem_model_num_inputs(const tandem_model* model) { return model ? model->inputs.size() : 0; }

const char* tandem_model_input_name(const tandem_model* model, size_t i) {
  return model && i < model->inputs.size() ? model->inputs[i].c_str() : nullptr;
}

int tandem_model_input_is_text(const tandem_model* model, size_t i) {
  return model && i < model->input_is_text.size() && model->input_is_text[i] ? 1 : 0;
}

size_t tandem_model_output_width(const tandem_model* model) { return model ? model->width : 0; }

const char* tandem_model_class_name(const tandem_model* model, size_t i) {
  if (!model || i >= model->classes.size()) return "";
  return model->classes[i].c_str();
}

int tandem_predict(tandem_model* model, const double* values, size_t rows, size_t cols,
                   const char* const* names, float* out, size_t out_len, char* err,
                   size_t err_len) {
  if (!model || (!values && rows > 0) || (!out && rows > 0)) {
    return Fail(tandem::InvalidArgument("model, values and out must not be NULL"), err, err_len);
  }
  auto raw = RawTable(*model, rows, cols, names,
                      [&](size_t r, size_t c) { return values[r * cols + c]; }, nullptr);
  if (!raw.ok()) return Fail(raw.status(), err, err_len);
  Status st = Predict(*model, *raw, out, out_len);
  return st.ok() ? 0 : Fail(st, err, err_len);
}

int tandem_predict_text(tandem_model* model, const char* const* cells, size_t rows, size_t cols,
                        const char* const* names, float* out, size_t out_len, char* err,
                        size_t err_len) {
  if (!model || (!cells && rows > 0) || (!out && rows > 0)) {
    return Fail(tandem::InvalidArgument("model, cells and out must not be NULL"), err, err_len);
  }
  auto raw = RawTable(*model, rows, cols, names, nullptr,
                      [&](size_t r, size_t c) { return cells[r * cols + c]; });
  if (!raw.ok()) return Fail(raw.status(), err, err_len);
  Status st = Predict(*model, *raw, out, out_len);
  return st.ok() ? 0 : Fail(st, err, err_len);
}

}  // extern "C"
