#pragma once
// `tandem operator init NAME --runtime python|exec`: a working operator to start from —
// manifest, code, a test input and one passing test — so the first thing a user does
// with it (`operator test`, then `operator publish`) succeeds.
#include <string>

#include "core/status.h"

namespace tandem::operators {

// Creates `dir` (which must not exist or be empty) with the operator NAME.
// kInvalidArgument for a bad name or runtime; kAlreadyExists for a non-empty dir.
Status ScaffoldOperator(const std::string& dir, const std::string& name, const std::string& runtime);

}  // namespace tandem::operators
