#pragma once
// Tables on disk between tasks: "TTB1", a compact columnar binary form, and one reader
// that takes it or CSV alike (the format is told by the first bytes, not the name).
//
// Layout (all integers little-endian):
//   "TTB1"                     4 bytes, the magic
//   u32 header_size            then header_size bytes of JSON:
//     {"rows": N, "columns": [{"name": "...", "type": "number"|"string",
//                              "encoding": "float64"|"decimal", "scale": K  (numbers)
//                              "raw": R, "stored": S}, ...]}
//   one block per column, in header order, S bytes each: a zstd frame of R bytes with
//   its content size and checksum. Inside, 8-byte values are byte-transposed (all first
//   bytes, then all second bytes, ...) so zstd sees the slowly varying bytes together:
//     number, float64: the N doubles' images. Missing is NaN, always one quiet-NaN image.
//     number, decimal: N missing flags (1 byte each), then N zigzag int64 v * 10^K: used
//             when every value is exactly such an integer / 10^K (K <= 9), the common
//             case of measured data, whose integers compress to 2-4 bytes a value.
//     string: N missing flags (1 byte each), N u32 lengths, then the strings' bytes.
// The encoding is deterministic (the header is dumped with sorted keys, one zstd level,
// one NaN image), so the same table always gives the same bytes and the same digest.
// declared_label / declared_classes are not kept: they are hints of a source file only.
#include <string>
#include <string_view>

#include "core/status.h"
#include "data/csv.h"
#include "data/table.h"

namespace tandem::data {

inline constexpr std::string_view kTableFileMagic = "TTB1";

// True when `bytes` starts with the TTB1 magic.
bool IsTableFile(std::string_view bytes);

std::string EncodeTable(const Table& table);
// kInvalidArgument naming what is wrong for anything that is not a whole TTB1 file
// ("table file: column 'x': block ends after 10 of 32 bytes").
Result<Table> DecodeTable(std::string_view bytes);

// A TTB1 file, or else CSV text read with `csv` (for CSV only). Errors are prefixed with
// the path; kNotFound when it cannot be opened.
Result<Table> ReadTableFile(const std::string& path, const CsvOptions& csv = {"csv"});
// Writes EncodeTable atomically (core/fs.h WriteFileAtomic) after table.Validate().
Status WriteTableFile(const Table& table, const std::string& path);

// The table at `path` (TTB1 or CSV) as CSV text: what people and foreign programs get.
// A CSV file is returned as it is. Errors are prefixed with the path.
Result<std::string> ReadTableAsCsv(const std::string& path);
// Writes ReadTableAsCsv(src) atomically to `dest`.
Status ConvertToCsvFile(const std::string& src, const std::string& dest);

}  // namespace tandem::data
