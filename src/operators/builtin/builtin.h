#pragma once
// Private to the operators module: what one built-in operator is, and what it sees of
// its task. builtin_library.cc lists every operator in one explicit table (no static
// self-registration: the linker drops unreferenced objects from static libraries).
#include <iosfwd>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "operators/task_contract.h"

namespace tandem::operators::builtin {

// One task being run, seen from the operator. Not thread-safe; lives for one run.
class TaskContext {
 public:
  // `params` have been checked against the operator's schema and have its defaults.
  TaskContext(TaskSpec spec, Json params, std::ostream& progress);

  const TaskSpec& spec() const { return spec_; }
  const Json& params() const { return params_; }
  // Writes "progress <fraction> <message>" to stdout (the contract's progress line).
  void Progress(double fraction, const std::string& message);
  // The artifact on input `port`; kInvalidArgument when the engine gave none.
  Result<InputArtifact> Input(const std::string& port) const;
  // The absolute path of `file` in output `port`'s dir (created), recorded as the
  // port's output with `meta`. kInvalidArgument when the task has no such output.
  Result<std::string> AddOutput(const std::string& port, const std::string& file, Json meta);
  TaskOutputs& outputs() { return outputs_; }

 private:
  TaskSpec spec_;
  Json params_;
  std::ostream& progress_;
  TaskOutputs outputs_;
};

struct BuiltinOperator {
  // The definition without digest; the library adds it.
  OperatorDef (*definition)();
  // Runs the task. kInvalidArgument = bad params or inputs (exit code 2); anything
  // else = failure (exit code 1). Errors name the param ("params.label: ...").
  Status (*run)(TaskContext& ctx);
  // Part of the digest: bump it when the operator's behaviour changes, so cached
  // results of the old code are not reused.
  const char* code_version;
};

// One per file under builtin/.
BuiltinOperator DatasetLoadOperator();
BuiltinOperator CsvImportOperator();
BuiltinOperator SplitOperator();
BuiltinOperator XgboostTrainOperator();
BuiltinOperator EvaluateOperator();
BuiltinOperator RegisterModelOperator();
BuiltinOperator ImageFolderImportOperator();
BuiltinOperator ProfileOperator();
BuiltinOperator ImputeOperator();
BuiltinOperator DropMissingOperator();
BuiltinOperator OutlierFilterOperator();
BuiltinOperator SelectColumnsOperator();
BuiltinOperator StandardizeOperator();
BuiltinOperator MinMaxScaleOperator();
BuiltinOperator OneHotOperator();
BuiltinOperator BucketizeOperator();
BuiltinOperator ImageAugmentOperator();
BuiltinOperator LinearRegressionOperator();
BuiltinOperator LogisticRegressionOperator();
BuiltinOperator KMeansOperator();
BuiltinOperator PredictOperator();
BuiltinOperator DateFeaturesOperator();

}  // namespace tandem::operators::builtin
