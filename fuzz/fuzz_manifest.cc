// An operator manifest (operator.yaml or operator.json) as a user writes it: the YAML
// reader, then ParseManifest's schema and field checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/yaml_json.h"
#include "operators/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = tandem::ParseYamlText(std::string(reinterpret_cast<const char*>(data), size), "operator.yaml");
  if (!doc.ok()) return 0;
  (void)tandem::operators::ParseManifest(*doc, "operator.yaml");
  return 0;
}
