#pragma once
// Exec operators are foreign programs: they read their table inputs as CSV, whatever
// form the artifact store keeps (TTB1 between Tandem's own operators, data/table_file.h).
// The CSV copy lives in the task dir only while the task runs.
#include <string>

#include "core/status.h"
#include "operators/catalog.h"
#include "operators/task_contract.h"

namespace tandem::operators {

// For an exec operator: every input whose file is TTB1 is written as CSV to
// <task_dir>/in/<port>/table.csv and spec->inputs[port].path names that file (so task.json
// and TANDEM_INPUT_<PORT> both do). Other runtimes read TTB1 themselves: nothing to do.
// The digest and meta stay the artifact's. Errors name the port.
Status PrepareForeignInputs(const OperatorDef& def, const std::string& task_dir, TaskSpec* spec);

// Removes <task_dir>/in/ (what PrepareForeignInputs wrote), when the task has ended.
void RemoveForeignInputs(const std::string& task_dir);

}  // namespace tandem::operators
