#pragma once
// `tandem operator form NAME`: asks for each parameter of an operator in the terminal,
// from its JSON Schema alone — the same schema the web UI renders as a form — and gives
// the params object to paste into a pipeline node.
//
// For each property, in schema order: its name, description, type, choices (enum),
// bounds and default; an empty answer takes the default (or leaves an optional param
// out); a wrong answer is explained and asked again. Arrays are comma-separated.
#include <iosfwd>

#include "core/json.h"
#include "core/status.h"

namespace tandem::cli {

// Reads answers from `in` (one line each), writes questions to `out`. kInvalidArgument
// when `in` ends before a required param is answered.
Result<Json> AskParams(const Json& schema, std::istream& in, std::ostream& out);

// The params as YAML lines ("max_depth: 6"), values in JSON flow style (valid YAML).
std::string ParamsYaml(const Json& params);

}  // namespace tandem::cli
