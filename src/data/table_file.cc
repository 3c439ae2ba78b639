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

std::string NumberBlock(const std::vector<double>& values) {
  const size_t n = values.size();
  std::string raw(n * 8, '\0');
  const uint64_t nan_image = std::bit_cast<uint64_t>(std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < n; ++i) {
    uint64_t image = std::isnan(values[i]) ? nan_image : std::bit_cast<uint64_t>(values[i]);
    for (size_t b = 0; b < 8; ++b) raw[b * n + i] = static_cast<char>(image >> (8 * b));
  }
  return raw;
}

std::vector<double> NumbersFrom(std::string_view raw, size_t n) {
  std::vector<double> values(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t image = 0;
    for (size_t b = 0; b < 8; ++b) {
      image |= static_cast<uint64_t>(static_cast<unsigned char>(raw[b * n + i])) << (8 * b);
    }
    values[i] = std::bit_cast<double>(image);
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
    std::string raw = c.type == ColumnType::kNumber ? NumberBlock(c.numbers) : StringBlock(c);
    blocks.push_back(Compress(raw));
    columns.push_back({{"name", c.name}, {"type", ColumnTypeName(c.type)},
                       {"raw", raw.size()}, {"stored", blocks.back().size()}});
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
    const bool sized = c.type == ColumnType::kNumber ? raw_size / 8 == table.rows && raw_size % 8 == 0
                                                     : raw_size / 5 >= table.rows;
    if (!sized || ZSTD_getFrameContentSize(block.data(), block.size()) != raw_size) {
      return BadFile(where + "block size does not fit " + std::to_string(table.rows) + " rows");
    }
    auto raw = Decompress(block, raw_size);
    if (!raw.ok()) return BadFile(where + raw.status().message());
    offset += stored;
    if (c.type == ColumnType::kNumber) {
      c.numbers = NumbersFrom(*raw, table.rows);
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

Status ConvertToCsvFile(const std::string& src, const std::string& dest) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(src));
  if (!IsTableFile(bytes)) return WriteFileAtomic(dest, bytes);
  auto table = DecodeTable(bytes);
  if (!table.ok()) return table.status().WithContext(src);
  return WriteFileAtomic(dest, FormatCsv(*table));
}

}  // namespace tandem::data
