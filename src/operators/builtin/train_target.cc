#include "operators/builtin/train_target.h"

#include "data/schema.h"
#include "data/transform.h"

namespace tandem::operators::builtin {

Result<Target> ReadTarget(const Json& params, const TableInput& in) {
  Json schema = in.schema;
  if (params.contains("label") && params["label"] != schema["label"]) {
    auto fresh = data::InferSchema(in.table, params["label"].get<std::string>());
    if (!fresh.ok()) return InvalidArgument("params." + fresh.status().message());
    schema = *fresh;
  }
  Target t;
  t.label = data::SchemaLabel(schema);
  if (t.label.empty()) {
    return InvalidArgument("params.label: the input table has no label; name the column to predict");
  }
  t.task = data::SchemaTask(schema);
  t.classes = data::SchemaClasses(schema);
  return t;
}

Status RequireClasses(const TableInput& in, Target& t) {
  t.task = "classification";
  if (t.classes.empty()) t.classes = data::DistinctValues(*in.table.Find(t.label));
  if (t.classes.size() < 2) {
    return InvalidArgument("params.label: classification needs at least 2 classes; label '" + t.label +
                           "' has " + std::to_string(t.classes.size()));
  }
  return Status::Ok();
}

Status RequireNumericLabel(const TableInput& in, Target& t) {
  if (in.table.Find(t.label)->type != data::ColumnType::kNumber) {
    return InvalidArgument("params.label: a regression needs a numeric label; '" + t.label + "' is text");
  }
  t.task = "regression";
  t.classes.clear();
  return Status::Ok();
}

Json PredictionOutputs(const Target& t) {
  if (t.task == "regression") {
    return Json::array({{{"name", "predictions"}, {"datatype", "FP32"}, {"shape", {-1}}}});
  }
  return Json::array({{{"name", "probabilities"},
                       {"datatype", "FP32"},
                       {"shape", {-1, static_cast<int64_t>(t.classes.size())}}}});
}

Json ModelMeta(const std::string& format, const Target& t, const std::vector<std::string>& features,
               const Lineage& lineage, Json outputs) {
  const auto f = static_cast<int64_t>(features.size());
  Json signature = {
      {"inputs", Json::array({{{"name", "input"}, {"datatype", "FP32"}, {"shape", {-1, f}}}})},
      {"outputs", std::move(outputs)},
      {"features", features},
      {"classes", t.classes},
      {"task", t.task}};
  Json meta = {{"format", format},      {"task", t.task},       {"label", t.label},
               {"features", features},  {"classes", t.classes}, {"signature", signature}};
  if (!lineage.dataset.is_null()) meta["dataset"] = lineage.dataset;
  if (!lineage.transforms.empty()) {
    // Already validated when the table was read.
    auto chain = data::TransformChain::FromJson(lineage.transforms);
    meta["transforms"] = lineage.transforms;
    if (chain.ok()) meta["raw_features"] = chain->InputColumnsFor(features);
  }
  return meta;
}

}  // namespace tandem::operators::builtin
