#include "operators/builtin_library.h"

#include <iostream>
#include <vector>

#include "core/sha256.h"
#include "operators/builtin/builtin.h"
#include "operators/json_schema.h"
#include "operators/task_contract.h"

namespace tandem::operators {
namespace {

using builtin::BuiltinOperator;

// Every built-in, in one explicit list: adding one is a file under builtin/ and a line here.
const std::vector<BuiltinOperator>& Builtins() {
  static const std::vector<BuiltinOperator> kAll = {
      builtin::DatasetLoadOperator(), builtin::CsvImportOperator(),
      builtin::SplitOperator(),       builtin::XgboostTrainOperator(),
      builtin::EvaluateOperator(),    builtin::RegisterModelOperator(),
      // The data-to-model library (issue 3): import, explore, process, feature, augment, train.
      builtin::ImageFolderImportOperator(), builtin::ProfileOperator(),
      builtin::ImputeOperator(),            builtin::DropMissingOperator(),
      builtin::OutlierFilterOperator(),     builtin::SelectColumnsOperator(),
      builtin::StandardizeOperator(),       builtin::MinMaxScaleOperator(),
      builtin::OneHotOperator(),            builtin::BucketizeOperator(),
      builtin::ImageAugmentOperator(),      builtin::LinearRegressionOperator(),
      builtin::LogisticRegressionOperator(), builtin::KMeansOperator(),
      builtin::PredictOperator(),
      builtin::DateFeaturesOperator(),
  };
  return kAll;
}

// Everything that defines the operator's behaviour for the engine, digest excluded.
Json DefinitionJson(const OperatorDef& def) {
  return {{"name", def.name},
          {"version", def.version},
          {"category", def.category},
          {"description", def.description},
          {"inputs", PortsJson(def.inputs)},
          {"outputs", PortsJson(def.outputs)},
          {"params_schema", def.params_schema},
          {"runtime", def.runtime},
          {"dataset_param", def.dataset_param},
          {"model_param", def.model_param}};
}

OperatorDef FullDefinition(const BuiltinOperator& op) {
  OperatorDef def = op.definition();
  def.runtime = "builtin";
  def.digest = Sha256Hex(DefinitionJson(def).dump() + "\n" + op.code_version);
  return def;
}

int ExitCodeFor(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int Fail(const std::string& who, const Status& status) {
  std::cerr << who << ": " << status.message() << std::endl;
  return ExitCodeFor(status);
}

}  // namespace

Status RegisterBuiltins(Catalog& catalog) {
  for (const auto& op : Builtins()) RETURN_IF_ERROR(catalog.Add(FullDefinition(op)));
  return Status::Ok();
}

int RunBuiltinTask(const std::string& task_dir) {
  auto spec = ReadTaskSpec(task_dir);
  if (!spec.ok()) return Fail("task.json", spec.status());
  // A copy: the spec is moved into the task's context below, and the name still leads
  // every error line after that (a reference printed "" and errors read ": params...").
  const std::string name = spec->operator_name;
  const BuiltinOperator* op = nullptr;
  for (const auto& candidate : Builtins()) {
    if (candidate.definition().name == name) op = &candidate;
  }
  if (op == nullptr) return Fail(name, InvalidArgument("not a built-in operator"));
  OperatorDef def = op->definition();
  if (spec->operator_version != def.version) {
    return Fail(name, InvalidArgument("version " + std::to_string(spec->operator_version) +
                                      " is not built in (have " + std::to_string(def.version) +
                                      ")"));
  }
  auto params = ApplyParamsSchema(def.params_schema, spec->params, "params");
  if (!params.ok()) return Fail(name, params.status());
  builtin::TaskContext ctx(std::move(spec).value(), std::move(params).value(), std::cout);
  Status status = op->run(ctx);
  if (!status.ok()) return Fail(name, status);
  status = WriteTaskOutputs(task_dir, ctx.outputs());
  if (!status.ok()) return Fail(name, status);
  ctx.Progress(1, "done");
  return 0;
}

}  // namespace tandem::operators
