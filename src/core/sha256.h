#pragma once
// SHA-256 (OpenSSL) as lowercase hex: the content address of every artifact.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tandem {

std::string Sha256Hex(std::string_view data);
// Streams the file; never loads it whole.
Result<std::string> Sha256File(const std::filesystem::path& path);

}  // namespace tandem
