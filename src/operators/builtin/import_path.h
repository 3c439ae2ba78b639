#pragma once
// Private to the operators module: where import operators may read from. The server
// names the one folder pipelines may import from (TANDEM_IMPORT_DIR), so a pipeline
// cannot read arbitrary files of the server's machine. Without it (operator tests, a
// developer's shell) a path is used as given.
#include <string>

#include "core/status.h"

namespace tandem::operators::builtin {

// `path` (relative paths from the import folder) checked to lie inside the import
// folder. kInvalidArgument names `param` ("params.path: ...").
Result<std::string> ResolveImportPath(const std::string& path, const std::string& param,
                                      const std::string& who);

}  // namespace tandem::operators::builtin
