#pragma once
// The model library above the store: resolves references (NAME, NAME:V, NAME@ALIAS),
// describes models with their stages, tags and aliases, moves aliases, and compares
// two versions' metrics. The JSON it returns is the REST API's view of the library.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "registry/model_ref.h"
#include "store/store.h"

namespace tandem::registry {

// Thread-safe as the store is. `store` must outlive the library.
class ModelLibrary {
 public:
  explicit ModelLibrary(store::Store& store) : store_(store) {}

  // The version `ref` names now. kNotFound says what is missing: "model 'x' not
  // found", "model 'x' has no version 3", "model 'x' has no alias 'prod'".
  Result<store::ModelVersionRecord> Resolve(const ModelRef& ref);

  // {"name", "created_ms", "aliases": {alias: version}, "versions": [view...]}, where a
  // version's view is {"model", "version", "digest", "format", "signature", "metrics",
  // "lineage", "created_ms", "stage", "tags": {k: v}, "aliases": [names]}.
  Result<Json> Describe(const std::string& name);
  // The view of the one version `ref` names.
  Result<Json> DescribeVersion(const ModelRef& ref);

  // Tags of the version `ref` names. kInvalidArgument for an empty key.
  Status Tag(const ModelRef& ref, const std::string& key, const std::string& value);
  Status Untag(const ModelRef& ref, const std::string& key);
  // Points `alias` at the version `target` names, in one store transaction.
  Status SetAlias(const std::string& alias, const ModelRef& target);
  Status RemoveAlias(const std::string& model, const std::string& alias);
  Status SetStage(const ModelRef& ref, const std::string& stage);

  // Metrics of two versions side by side:
  //   {"model", "a": version, "b": version,
  //    "metrics": [{"name", "a", "b", "delta"}]}   (delta = b - a; null unless both numbers)
  // A metric only one version has shows null on the other side. Sorted by name.
  Result<Json> Compare(const ModelRef& a, const ModelRef& b);

 private:
  Result<Json> VersionViews(const std::string& name, Json* aliases_by_name);

  store::Store& store_;
};

}  // namespace tandem::registry
