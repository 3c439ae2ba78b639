#pragma once
// Pipeline-level params and their use in node params.
//
//   params:
//     rounds:    {type: integer, default: 100}        # string | integer | number | boolean
//     objective: {type: string, default: "binary:logistic"}
//   nodes:
//     train: {operator: xgboost-train, params: {num_rounds: "{{params.rounds}}"}}
//
// A string that is exactly one "{{params.NAME}}" takes the param's typed value; a
// reference inside a longer string is replaced by the value's text. Problems are
// appended to *problems, each led by its path, so validation reports them all at once.
#include <string>
#include <vector>

#include "core/json.h"

namespace tandem::workflow {

// The value of every declared param: the override when given, else the default.
// Problems: a malformed declaration ("params.x.type: ..."), an override of an unknown
// param ("params.rouns: unknown pipeline param 'rouns'"), a value of the wrong type
// ("params.rounds: expected integer, got \"abc\""), a param with no value at all.
Json ResolvePipelineParams(const Json& declarations, const Json& overrides,
                           std::vector<std::string>* problems);

// `params` with every reference replaced from `values`; a reference to an undeclared
// param is a problem at its path: "nodes.train.params.num_rounds: unknown pipeline
// param 'rouns'". A reference to a declared param without a valid value is left as
// written (ResolvePipelineParams reported it). `path` is the path of `params` itself.
Json SubstituteParams(const Json& params, const Json& declarations, const Json& values,
                      const std::string& path, std::vector<std::string>* problems);

}  // namespace tandem::workflow
