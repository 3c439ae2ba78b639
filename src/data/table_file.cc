#include "data/table_file.h"

#include <zstd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "core/fs.h"
#include "core/json.h"

namespace tandem::data {
namespace {

static_assert(std::endian::native == std::endian::little, "TTB1 is written little-endian");

// zstd's default level: ~the speed of writing CSV, a fraction of its size.
constexpr int kZstdLevel = 3;

void PutU32(uint32_t v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 4); }

uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Byte-transposed 8-byte images: all first bytes, then all second bytes, ...
void PutTransposed(const std::vector<uint64_t>& images, std::string* out) {
  const size_t n = images.size(), at = out->size();
  out->resize(at + 8 * n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t b = 0; b < 8; ++b) (*out)[at + b * n + i] = static_cast<char>(images[i] >> (8 * b));
  }
}

std::vector<uint64_t> GetTransposed(std::string_view raw, size_t n) {
  std::vector<uint64_t> images(n, 0);
  for (size_t b = 0; b < 8; ++b) {
    const char* plane = raw.data() + b * n;
    for (size_t i = 0; i < n; ++i) images[i] |= static_cast<uint64_t>(static_cast<unsigned char>(plane[i])) << (8 * b);
  }
  return images;
}

constexpr int kMaxScale = 9;
constexpr double kPow10[kMaxScale + 1] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

// The smallest k such that every value is exactly (an integer below 2^53) / 10^k, or -1.
// Most measured data (CSV with a few decimals) is; its integers take 2-4 bytes after zstd
// where the doubles take 6-8.
int DecimalScale(const std::vector<double>& values) {
  for (int k = 0; k <= kMaxScale; ++k) {
    bool fits = true;
    for (double v : values) {
      if (std::isnan(v)) continue;
      const double scaled = v * kPow10[k];
      if (!(std::fabs(scaled) < 9007199254740992.0) || (v == 0 && std::signbit(v)) ||
          std::nearbyint(scaled) / kPow10[k] != v) {
        fits = false;
        break;
      }
    }
    if (fits) return k;
  }
  return -1;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t z) { return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1); }

// "float64": the doubles' images (missing = the one quiet-NaN image).
// "decimal" (scale k): N missing flags, then the zigzag integers v * 10^k.
std::string NumberBlock(const std::vector<double>& values, int scale) {
  const size_t n = values.size();
  std::vector<uint64_t> images(n);
  std::string raw;
  if (scale < 0) {
    const uint64_t nan_image = std::bit_cast<uint64_t>(std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < n; ++i) images[i] = std::isnan(values[i]) ? nan_image : std::bit_cast<uint64_t>(values[i]);
  } else {
    raw.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const bool missing = std::isnan(values[i]);
      raw[i] = missing ? 1 : 0;
      images[i] = missing ? 0 : ZigZag(static_cast<int64_t>(std::nearbyint(values[i] * kPow10[scale])));
    }
  }
  PutTransposed(images, &raw);
  return raw;
}

std::vector<double> NumbersFrom(std::string_view raw, size_t n, int scale) {
  std::vector<double> values(n);
  if (scale < 0) {
    std::vector<uint64_t> images = GetTransposed(raw, n);
    for (size_t i = 0; i < n; ++i) values[i] = std::bit_cast<double>(images[i]);
    return values;
  }
  std::vector<uint64_t> images = GetTransposed(raw.substr(n), n);
  for (size_t i = 0; i < n; ++i) {
    values[i] = raw[i] ? std::numeric_limits<double>::quiet_NaN()
                       : static_cast<double>(UnZigZag(images[i])) / kPow10[scale];
  }
  return values;
}

std::string StringBlock(const Column& c) {
  std::string raw(c.missing.begin(), c.missing.end());
  for (const auto& s : c.strings) PutU32(static_cast<uint32_t>(s.size()), &raw);
  for (const auto& s : c.strings) raw += s;
  return raw;
}

Status StringsFrom(std::string_view raw, size_t n, Column* c) {
  if (raw.size() < n * 5) return InvalidArgument("string block shorter than its row count");
  c->missing.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n));
  const char* lengths = raw.data() + n;
  size_t offset = n * 5;
  c->strings.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    size_t len = GetU32(lengths + 4 * i);
    if (len > raw.size() - offset) return InvalidArgument("string " + std::to_string(i) + " runs past its block");
    c->strings.emplace_back(raw.substr(offset, len));
    offset += len;
  }
  if (offset != raw.size()) return InvalidArgument("string block has bytes after its strings");
  return Status::Ok();
}

// Each frame carries its content size and a checksum, so a flipped byte is an error,
// not silently different data.
std::string Compress(const std::string& raw) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  size_t n = ZSTD_compress2(cctx.get(), out.data(), out.size(), raw.data(), raw.size());
  // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

Result<std::string> Decompress(std::string_view block, size_t raw_size) {
  std::string raw(raw_size, '\0');
  size_t n = ZSTD_decompress(raw.data(), raw.size(), block.data(), block.size());
  if (ZSTD_isError(n)) return InvalidArgument(std::string("bad zstd block: ") + ZSTD_getErrorName(n));
  if (n != raw_size) return InvalidArgument("block holds " + std::to_string(n) + " bytes, its header says " + std::to_string(raw_size));
  return raw;
}

Status BadFile(const std::string& what) { return InvalidArgument("table file: " + what); }

}  // namespace

bool IsTableFile(std::string_view bytes) { return bytes.substr(0, kTableFileMagic.size()) == kTableFileMagic; }

std::string EncodeTable(const Table& table) {
  Json columns = Json::array();
  std::vector<std::string> blocks;
  for (const auto& c : table.columns) {
    Json head = {{"name", c.name}, {"type", ColumnTypeName(c.type)}};
    std::string raw;
    if (c.type == ColumnType::kNumber) {
      const int scale = DecimalScale(c.numbers);
      raw = NumberBlock(c.numbers, scale);
      head["encoding"] = scale < 0 ? "float64" : "decimal";
      if (scale >= 0) head["scale"] = scale;
    } else {
      raw = StringBlock(c);
    }
    blocks.push_back(Compress(raw));
    head["raw"] = raw.size();
    head["stored"] = blocks.back().size();
    columns.push_back(std::move(head));
  }
  const std::string header = Json{{"rows", table.rows}, {"columns", columns}}.dump();
  std::string out(kTableFileMagic);
  PutU32(static_cast<uint32_t>(header.size()), &out);
  out += header;
  for (const auto& b : blocks) out += b;
  return out;
}

Result<Table> DecodeTable(std::string_view bytes) {
  if (!IsTableFile(bytes)) return BadFile("does not start with 'TTB1'");
  if (bytes.size() < 8) return BadFile("ends inside its header size");
  const size_t header_size = GetU32(bytes.data() + 4);
  if (header_size > bytes.size() - 8) return BadFile("ends inside its header");
  Json header = Json::parse(bytes.substr(8, header_size), nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("rows") ||
      !header["rows"].is_number_unsigned() || !header.contains("columns") || !header["columns"].is_array()) {
    return BadFile("header is not JSON with 'rows' and 'columns'");
  }
  Table table;
  table.rows = header["rows"].get<size_t>();
  size_t offset = 8 + header_size;
  for (const auto& h : header["columns"]) {
    if (!h.is_object() || !h.contains("name") || !h["name"].is_string() || !h.contains("type") ||
        !h.contains("raw") || !h["raw"].is_number_unsigned() || !h.contains("stored") ||
        !h["stored"].is_number_unsigned()) {
      return BadFile("a column header lacks name, type, raw or stored");
    }
    Column c;
    c.name = h["name"].get<std::string>();
    const std::string where = "column '" + c.name + "': ";
    const std::string type = h["type"].is_string() ? h["type"].get<std::string>() : "";
    if (type != "number" && type != "string") return BadFile(where + "unknown type '" + type + "'");
    c.type = type == "number" ? ColumnType::kNumber : ColumnType::kString;
    const size_t stored = h["stored"].get<size_t>();
    const size_t raw_size = h["raw"].get<size_t>();
    if (stored > bytes.size() - offset) {
      return BadFile(where + "block ends after " + std::to_string(bytes.size() - offset) + " of " +
                     std::to_string(stored) + " bytes");
    }
    // Checked before anything is allocated: a number block is exactly 8 bytes a row, a
    // string block at least 5, and the zstd frame must say the same size.
    const std::string_view block = bytes.substr(offset, stored);
    int scale = -1;
    if (c.type == ColumnType::kNumber) {
      const std::string encoding = h.contains("encoding") && h["encoding"].is_string() ? h["encoding"].get<std::string>() : "";
      if (encoding == "decimal" && h.contains("scale") && h["scale"].is_number_integer()) scale = h["scale"].get<int>();
      if ((encoding != "float64" && encoding != "decimal") || (encoding == "decimal" && (scale < 0 || scale > kMaxScale))) {
        return BadFile(where + "unknown number encoding '" + encoding + "'");
      }
    }
    const size_t row_bytes = c.type == ColumnType::kString ? 5 : scale < 0 ? 8 : 9;
    const bool sized = c.type == ColumnType::kNumber ? raw_size == table.rows * row_bytes
                                                     : raw_size / row_bytes >= table.rows;
    if (!sized || ZSTD_getFrameContentSize(block.data(), block.size()) != raw_size) {
      return BadFile(where + "block size does not fit " + std::to_string(table.rows) + " rows");
    }
    auto raw = Decompress(block, raw_size);
    if (!raw.ok()) return BadFile(where + raw.status().message());
    offset += stored;
    if (c.type == ColumnType::kNumber) {
      c.numbers = NumbersFrom(*raw, table.rows, scale);
    } else if (Status st = StringsFrom(*raw, table.rows, &c); !st.ok()) {
      return BadFile(where + st.message());
    }
    table.columns.push_back(std::move(c));
  }
  if (offset != bytes.size()) return BadFile("has bytes after its last column");
  RETURN_IF_ERROR(table.Validate());
  return table;
}

Result<Table> ReadTableFile(const std::string& path, const CsvOptions& csv) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  auto table = IsTableFile(bytes) ? DecodeTable(bytes) : ReadCsvText(bytes, csv);
  if (!table.ok()) return table.status().WithContext(path);
  return table;
}

Status WriteTableFile(const Table& table, const std::string& path) {
  RETURN_IF_ERROR(table.Validate());
  return WriteFileAtomic(path, EncodeTable(table));
}

Result<std::string> ReadTableAsCsv(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  if (!IsTableFile(bytes)) return bytes;
  auto table = DecodeTable(bytes);
  if (!table.ok()) return table.status().WithContext(path);
  return FormatCsv(*table);
}

Status ConvertToCsvFile(const std::string& src, const std::string& dest) {
  ASSIGN_OR_RETURN(std::string csv, ReadTableAsCsv(src));
  return WriteFileAtomic(dest, csv);
}

}  // namespace tandem::data
