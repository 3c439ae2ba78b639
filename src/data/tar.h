#pragma once
// The POSIX ustar format, the subset an images artifact needs: regular files only,
// written with mode 0644, uid/gid 0 and mtime 0, so equal contents give equal bytes
// (and equal digests, which the engine's cache relies on). `tar tf` lists the result.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tandem::data {

struct TarEntry {
  std::string path;   // relative, '/'-separated; at most 255 bytes (split at a '/')
  std::string bytes;
};

// kInvalidArgument names a path that is empty, absolute, holds "..", or cannot be
// stored in a ustar header.
Result<std::string> MakeTar(const std::vector<TarEntry>& entries);
// Bounds on what ReadTar returns, checked against the entries as they are read (never
// against a header's claim alone). Rationale: an images artifact of 200,000 files and
// 2 GiB is far beyond what the built-in image operators train on one machine, and what
// ReadTar returns is held in memory whole.
struct TarLimits {
  size_t max_entries = 200'000;                          // regular files returned
  unsigned long long max_total_bytes = 2ULL << 30;       // their contents together
};

// Regular files in archive order. Directories, links, devices and FIFOs are skipped;
// a GNU long name ('L') or a pax header's path ('x') names the next entry; pax global
// headers ('g') and GNU long link names ('K') are skipped. Refused with kInvalidArgument
// naming the offset: a truncated archive, a header whose checksum does not match, a GNU
// sparse file ('S'), a size in GNU base-256 or set by a pax header, any other entry
// type, and more entries or bytes than `limits` ("tar: more than 200000 files (the
// limit) at offset N").
Result<std::vector<TarEntry>> ReadTar(std::string_view archive, const TarLimits& limits = {});

}  // namespace tandem::data
