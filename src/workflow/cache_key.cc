#include "workflow/cache_key.h"

#include "core/sha256.h"

namespace tandem::workflow {

bool OperatorIsCacheable(const operators::OperatorDef& def) {
  return !def.digest.empty() && !def.outputs.empty() && def.category != "deploy" && def.name != "register-model";
}

std::string CacheKey(const operators::OperatorDef& def, const Json& params,
                     const std::map<std::string, operators::InputArtifact>& inputs) {
  // Json objects keep keys sorted, so dump() is canonical; std::map sorts the ports.
  Json doc = Json::object();
  doc["operator"] = def.name + "@" + std::to_string(def.version);
  doc["digest"] = def.digest;
  doc["params"] = params;
  Json in = Json::object();
  // The whole artifact but its path: the meta (a table's label and schema, a dataset's
  // version) changes what an operator does with the same bytes.
  for (const auto& [port, artifact] : inputs) {
    in[port] = {{"digest", artifact.digest}, {"type", artifact.type}, {"meta", artifact.meta}};
  }
  doc["inputs"] = std::move(in);
  return Sha256Hex(doc.dump());
}

}  // namespace tandem::workflow
