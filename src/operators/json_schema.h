#pragma once
// JSON Schema (draft 7) checking through valijson, with messages people can act on:
// every violation at once, each led by the path of the offending value
// ("nodes.train.params.max_depth: must be >= 1, got 0"). Used for operator params
// (pipelines, operator tests, the built-in runner) and for operator manifests.
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace valijson {
class Schema;
}

namespace tandem::operators {

class JsonSchema {
 public:
  // kInvalidArgument "<what>: not a valid JSON Schema: <reason>".
  static Result<JsonSchema> Compile(const Json& schema, const std::string& what);

  // Every violation of `doc`, as "<root_path>.<field>: <message>" (root_path alone
  // for the document itself). Empty when valid.
  std::vector<std::string> Violations(const Json& doc, const std::string& root_path) const;

  const Json& source() const { return source_; }

 private:
  Json source_;
  std::shared_ptr<const valijson::Schema> schema_;
};

// `params` with the schema's defaults filled in (recursively, for absent properties of
// objects whose schema gives a "default"; a null property counts as absent; a whole
// float where an integer is wanted becomes that integer), checked against `schema`. kInvalidArgument
// with every violation joined by "; ", each led by its path under `root_path`.
Result<Json> ApplyParamsSchema(const Json& schema, const Json& params, const std::string& root_path);

// The same with a compiled schema (validating a pipeline of many nodes compiles each
// operator's schema once).
Result<Json> ApplyParamsSchema(const JsonSchema& schema, const Json& params,
                               const std::string& root_path);

}  // namespace tandem::operators
