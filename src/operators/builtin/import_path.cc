#include "operators/builtin/import_path.h"

#include <cstdlib>

#include "core/fs.h"

namespace tandem::operators::builtin {

Result<std::string> ResolveImportPath(const std::string& path, const std::string& param,
                                      const std::string& who) {
  const char* root = std::getenv("TANDEM_IMPORT_DIR");
  if (root == nullptr || *root == '\0') return path;
  std::string relative = path;
  if (fs::path(path).is_absolute()) {
    std::error_code ec;
    fs::path rel = fs::weakly_canonical(path, ec).lexically_relative(fs::weakly_canonical(root, ec));
    relative = rel.empty() ? path : rel.string();
  }
  auto inside = PathInside(root, relative, param);
  if (!inside.ok()) {
    return InvalidArgument(inside.status().message() + " (" + who +
                           " reads only files under the import folder " + std::string(root) + ")");
  }
  return inside->string();
}

}  // namespace tandem::operators::builtin
