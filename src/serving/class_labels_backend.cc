#include "serving/class_labels_backend.h"

#include <algorithm>
#include <cmath>

namespace tandem::serving {
namespace {

bool ListsOutput(const Json& metadata, const std::string& name) {
  const Json& outputs = metadata.value("outputs", Json::array());
  return outputs.is_array() && std::any_of(outputs.begin(), outputs.end(), [&](const Json& o) {
           return o.is_object() && o.value("name", "") == name;
         });
}

// A class as the client should read it: names as written, numbers as their text.
std::string ClassName(const Json& c) {
  if (c.is_string()) return c.get<std::string>();
  if (c.is_number_float() && c.get<double>() == std::trunc(c.get<double>())) {
    return std::to_string(static_cast<int64_t>(c.get<double>()));
  }
  return c.dump();
}

const Tensor* Find(const std::vector<Tensor>& tensors, const std::string& name) {
  for (const Tensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<Backend> ClassLabelsBackend::Wrap(std::unique_ptr<Backend> inner, const Json& meta) {
  const Json classes = meta.is_object() ? meta.value("classes", Json()) : Json();
  if (!classes.is_array() || classes.empty()) return inner;
  const Json md = inner->Metadata();
  if (!ListsOutput(md, "probabilities") || ListsOutput(md, "class")) return inner;
  std::vector<std::string> names;
  for (const Json& c : classes) names.push_back(ClassName(c));
  const bool has_label = ListsOutput(md, "label");
  return std::unique_ptr<Backend>(new ClassLabelsBackend(std::move(inner), std::move(names), has_label));
}

ClassLabelsBackend::ClassLabelsBackend(std::unique_ptr<Backend> inner,
                                       std::vector<std::string> classes, bool inner_has_label)
    : inner_(std::move(inner)), classes_(std::move(classes)), inner_has_label_(inner_has_label) {}

Result<std::vector<Tensor>> ClassLabelsBackend::Infer(const std::vector<Tensor>& inputs) {
  ASSIGN_OR_RETURN(std::vector<Tensor> out, inner_->Infer(inputs));
  const Tensor* probs = Find(out, "probabilities");
  const size_t k = classes_.size();
  if (!probs || probs->shape.size() != 2 || probs->shape[1] != static_cast<int64_t>(k)) {
    return Internal("the model's 'probabilities' output is " +
                    (probs ? ShapeString(probs->shape) : std::string("missing")) +
                    ", not [N," + std::to_string(k) + "] for its " + std::to_string(k) +
                    " classes (meta.classes)");
  }
  const int64_t rows = probs->shape[0];
  Tensor label{"label", DataType::kInt64, {rows}, {}, {}};
  if (const Tensor* given = Find(out, "label")) {
    label = *given;
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      auto first = probs->numbers.begin() + r * k;
      label.numbers.push_back(static_cast<double>(std::max_element(first, first + k) - first));
    }
  }
  Tensor names{"class", DataType::kBytes, {rows}, {}, {}};
  for (double index : label.numbers) {
    if (!(index >= 0 && index < static_cast<double>(k)) || index != std::trunc(index)) {
      return Internal("the model's label " + std::to_string(index) + " is not a class index 0.." +
                      std::to_string(k - 1));
    }
    names.strings.push_back(classes_[static_cast<size_t>(index)]);
  }
  if (!inner_has_label_) out.push_back(std::move(label));
  out.push_back(std::move(names));
  return out;
}

Json ClassLabelsBackend::Metadata() const {
  Json md = inner_->Metadata();
  if (!inner_has_label_) {
    md["outputs"].push_back({{"name", "label"}, {"datatype", "INT64"}, {"shape", {-1}}});
  }
  md["outputs"].push_back({{"name", "class"}, {"datatype", "BYTES"}, {"shape", {-1}}});
  md["parameters"]["classes"] = classes_;
  return md;
}

}  // namespace tandem::serving
