#pragma once
// How people name a model version: "NAME" (the latest version), "NAME:VERSION" or
// "NAME@ALIAS" (whatever version the alias points at when it is resolved).
#include <string>

#include "core/status.h"

namespace tandem::registry {

struct ModelRef {
  std::string name;
  int version = 0;      // 0 = latest, unless alias is set
  std::string alias;    // "" = none

  // Back to the text form: "cancer", "cancer:3", "cancer@production".
  std::string ToString() const;
};

// kInvalidArgument naming the bad part: a model name or alias that is not a valid name
// (core/ids.h), an alias made of digits only, a version that is not a positive number.
Result<ModelRef> ParseModelRef(const std::string& text);

// Alias names follow the rules of names and must start with a letter, so "3" is never
// both an alias and a version.
bool IsValidAlias(const std::string& alias);

}  // namespace tandem::registry
