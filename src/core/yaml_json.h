#pragma once
// YAML documents as JSON values: pipelines, operator manifests and config files are
// written in YAML by people and handled as JSON inside. JSON text is YAML too.
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/json.h"
#include "core/status.h"

namespace tandem {

// The node as JSON: plain scalars by the YAML 1.2 core schema (null, booleans, integers,
// floats), quoted scalars always strings, mappings keyed by their scalar keys.
Json YamlToJson(const YAML::Node& node);

// Parses `text` (YAML or JSON). kInvalidArgument "<what>: line 3, column 5: <reason>"
// for malformed text.
Result<Json> ParseYamlText(const std::string& text, const std::string& what);

}  // namespace tandem
