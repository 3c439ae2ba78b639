#pragma once
// Bounds on what a parser may be asked to build, checked on the text before a document
// tree is made, so that a small request can neither overflow the stack of the recursive
// code that copies and walks a tree nor expand into unbounded memory (a "billion laughs"
// document of nested YAML aliases is 415 bytes).
//
// Rationale for the defaults: Tandem's own documents (pipelines, manifests, schemas,
// metrics, inference requests) nest fewer than 12 levels; 64 leaves room for any real
// one. 1,000,000 values once aliases are expanded is ~100 MB of tree, far above a real
// pipeline (a 2,000-node pipeline has ~20,000).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tandem {

struct ParseLimits {
  int max_depth = 64;                  // nested arrays/objects (sequences/mappings)
  uint64_t max_values = 1'000'000;     // YAML: values after every alias is expanded
};

// kInvalidArgument "<what>: nested deeper than 64 levels (at byte N)" when the JSON
// text's arrays and objects nest deeper than limits.max_depth. Strings (with escapes)
// are skipped; the text need not be valid JSON (the parser reports that).
Status CheckJsonDepth(std::string_view text, const std::string& what,
                      const ParseLimits& limits = {});

// kInvalidArgument naming `what`, the line and column of the first byte that is not
// UTF-8; or naming `what`, the line and the limit when the YAML text nests deeper
// than limits.max_depth or would hold more than limits.max_values values with its
// aliases expanded; malformed text is left for the real parse to report (Ok here).
Status CheckYamlLimits(const std::string& text, const std::string& what,
                       const ParseLimits& limits = {});

}  // namespace tandem
