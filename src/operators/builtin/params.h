#pragma once
// Private to the operators module: checks a params object against the subset of JSON
// Schema (draft 7) the built-in schemas use, and fills in defaults. The engine will
// validate with valijson; until then this keeps the operators safe on their own.
// Supported: type (string, integer, number, boolean), properties, required,
// additionalProperties: false, default, enum, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, minLength, pattern (the ERE subset of ECMAScript: anchors, classes, {m,n}).
#include "core/json.h"
#include "core/status.h"

namespace tandem::operators::builtin {

// The params with every absent property that has a default set to it. kInvalidArgument
// names the first bad param ("params.test_fraction: must be less than 1, got 1.5").
Result<Json> ApplyParamSchema(const Json& schema, const Json& params);

}  // namespace tandem::operators::builtin
