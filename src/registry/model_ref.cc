#include "registry/model_ref.h"

#include "core/digits.h"
#include "core/ids.h"

namespace tandem::registry {

std::string ModelRef::ToString() const {
  if (!alias.empty()) return name + "@" + alias;
  if (version > 0) return name + ":" + std::to_string(version);
  return name;
}

bool IsValidAlias(const std::string& alias) {
  return IsValidName(alias) && alias[0] >= 'a' && alias[0] <= 'z';
}

Result<ModelRef> ParseModelRef(const std::string& text) {
  ModelRef ref;
  const size_t sep = text.find_first_of(":@");
  ref.name = text.substr(0, sep);
  if (!IsValidName(ref.name)) return InvalidArgument(InvalidNameMessage("model name", ref.name));
  if (sep == std::string::npos) return ref;
  const std::string rest = text.substr(sep + 1);
  if (text[sep] == '@') {
    if (!IsValidAlias(rest)) {
      return InvalidArgument("model alias '" + rest + "' in '" + text +
                             "' must be a name starting with a letter (a-z, 0-9, '-', '_')");
    }
    ref.alias = rest;
    return ref;
  }
  auto version = ParseDigits(rest, 6);
  if (!version || *version == 0) {
    return InvalidArgument("model version '" + rest + "' in '" + text +
                           "' is not a positive number (use NAME, NAME:VERSION or NAME@ALIAS)");
  }
  ref.version = *version;
  return ref;
}

}  // namespace tandem::registry
