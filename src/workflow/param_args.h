#pragma once
// Pipeline params given as text, `--param NAME=VALUE` (tandem run, tandem schedule
// create): each value is read as the type the pipeline declares for NAME, so
// `--param rounds=50` is the integer 50 and `--param tag=50` the string "50" when `tag`
// is a string param.
//   integer: a JSON integer (-3, 50)     number: a JSON number (1, 0.5, 1e-3)
//   boolean: true | false                string: the text as written
// The server checks the values again (ResolvePipelineParams) when the run is submitted.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::workflow {

// The params object from `args` ("NAME=VALUE" each; a later NAME wins) against the
// pipeline's `declarations` (PipelineSpec::params). kInvalidArgument listing every bad
// argument at once, each led by "--param NAME": not NAME=VALUE, an undeclared param
// ("--param rouns: unknown pipeline param (declared: rounds, seed)"), or a value that is
// not of the declared type ("--param rounds=abc: expected integer, the param's declared type").
Result<Json> ParamsFromArgs(const Json& declarations, const std::vector<std::string>& args);

// The same for a pipeline's YAML text: its declarations are read from it (a YAML that
// does not parse is that error).
Result<Json> ParamsFromArgs(const std::string& pipeline_yaml, const std::vector<std::string>& args);

}  // namespace tandem::workflow
