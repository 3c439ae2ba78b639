#include "data/table_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/fs.h"
#include "core/json.h"

namespace tandem::data {
namespace {

Table Sample() {
  Table t;
  t.rows = 4;
  t.columns.push_back(Column::Numbers("x", {1.5, std::nan(""), -0.0, 1e300}));
  t.columns.push_back(Column::Numbers("n", {std::numeric_limits<double>::infinity(), 2, 3, 4}));
  t.columns.push_back(Column::Strings("s", {"a,b", "", "line\nbreak \"q\"", "é"}, {0, 1, 0, 0}));
  return t;
}

void ExpectSameTable(const Table& a, const Table& b) {
  ASSERT_EQ(a.rows, b.rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const Column& x = a.columns[c];
    const Column& y = b.columns[c];
    EXPECT_EQ(x.name, y.name);
    ASSERT_EQ(x.type, y.type) << x.name;
    for (size_t r = 0; r < a.rows; ++r) {
      ASSERT_EQ(x.IsMissing(r), y.IsMissing(r)) << x.name << " row " << r;
      if (x.type == ColumnType::kNumber && !x.IsMissing(r)) {
        EXPECT_EQ(std::signbit(x.numbers[r]), std::signbit(y.numbers[r]));
        EXPECT_EQ(x.numbers[r], y.numbers[r]) << x.name << " row " << r;
      }
      if (x.type == ColumnType::kString) {
        EXPECT_EQ(x.strings[r], y.strings[r]);
      }
    }
  }
}

TEST(TableFile, RoundTripsEveryColumnTypeAndMissingCells) {
  std::string bytes = EncodeTable(Sample());
  ASSERT_TRUE(IsTableFile(bytes));
  auto back = DecodeTable(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameTable(Sample(), *back);
}

TEST(TableFile, DecimalColumnsRoundTripExactlyAndCompress) {
  Table t;
  t.rows = 10000;
  std::vector<double> decimals, doubles;
  for (size_t i = 0; i < t.rows; ++i) {
    decimals.push_back(i % 7 == 0 ? std::nan("") : static_cast<double>(static_cast<int>(i * 7919 % 100000) - 50000) / 1e4);
    doubles.push_back(std::sqrt(static_cast<double>(i) + 0.5));
  }
  decimals[1] = 0.1;
  decimals[2] = 123456.123456789;  // scale 9 still fits in 2^53
  t.columns = {Column::Numbers("decimal", decimals), Column::Numbers("double", doubles),
               Column::Numbers("ints", std::vector<double>(t.rows, 3)), Column::Numbers("negzero", {})};
  t.columns[3].numbers.assign(t.rows, 1);
  t.columns[3].numbers[5] = -0.0;  // not a decimal: -0 would come back as +0
  const std::string bytes = EncodeTable(t);
  auto back = DecodeTable(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameTable(t, *back);
  const Json header = Json::parse(bytes.substr(8, bytes[4] + 256 * static_cast<unsigned char>(bytes[5])));
  EXPECT_EQ(header["columns"][0]["encoding"], "decimal");
  EXPECT_EQ(header["columns"][0]["scale"], 9);
  EXPECT_EQ(header["columns"][1]["encoding"], "float64");
  EXPECT_EQ(header["columns"][2]["scale"], 0);
  EXPECT_EQ(header["columns"][3]["encoding"], "float64");
  EXPECT_LT(header["columns"][2]["stored"].get<int>(), 100);  // a constant column is nearly free
}

TEST(TableFile, RoundTripsEmptyTables) {
  Table none;
  auto back = DecodeTable(EncodeTable(none));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->rows, 0u);
  EXPECT_TRUE(back->columns.empty());

  Table no_rows;
  no_rows.columns = {Column::Numbers("a", {}), Column::Strings("b", {})};
  auto back2 = DecodeTable(EncodeTable(no_rows));
  ASSERT_TRUE(back2.ok()) << back2.status().ToString();
  ExpectSameTable(no_rows, *back2);
}

TEST(TableFile, SameTableGivesSameBytesWhateverNanItHeld) {
  Table a = Sample();
  Table b = Sample();
  // Another NaN bit pattern is still "missing" and must not change the digest.
  b.columns[0].numbers[1] = -std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(EncodeTable(a), EncodeTable(b));
  EXPECT_EQ(EncodeTable(a), EncodeTable(*DecodeTable(EncodeTable(a))));
}

TEST(TableFile, CorruptFilesGiveClearErrors) {
  std::string good = EncodeTable(Sample());
  auto truncated = DecodeTable(good.substr(0, good.size() - 3));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("column 's'"), std::string::npos)
      << truncated.status().message();

  std::string flipped = good;
  flipped[flipped.size() - 5] ^= 0x5a;
  EXPECT_FALSE(DecodeTable(flipped).ok());

  auto short_header = DecodeTable(std::string("TTB1\xff\xff\x00\x00{}", 10));
  ASSERT_FALSE(short_header.ok());
  EXPECT_NE(short_header.status().message().find("table file"), std::string::npos);

  auto bad_json = DecodeTable(std::string("TTB1\x02\x00\x00\x00[]", 10));
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.status().message().find("header"), std::string::npos);

  EXPECT_FALSE(DecodeTable(good + "x").ok());
}

TEST(TableFile, ReaderTakesBothFormatsAndConvertsToCsv) {
  const fs::path bin = UniqueTempPath("table", ".ttb");
  const fs::path csv = UniqueTempPath("table", ".csv");
  const fs::path csv2 = UniqueTempPath("table", ".csv");
  ASSERT_TRUE(WriteTableFile(Sample(), bin.string()).ok());
  ASSERT_TRUE(ConvertToCsvFile(bin.string(), csv.string()).ok());
  auto text = ReadFile(csv);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, FormatCsv(Sample()));
  auto from_bin = ReadTableFile(bin.string());
  auto from_csv = ReadTableFile(csv.string());
  ASSERT_TRUE(from_bin.ok() && from_csv.ok());
  ExpectSameTable(Sample(), *from_bin);
  EXPECT_EQ(from_csv->columns.size(), 3u);
  // A CSV source is handed on byte for byte.
  ASSERT_TRUE(ConvertToCsvFile(csv.string(), csv2.string()).ok());
  EXPECT_EQ(*ReadFile(csv2), *text);

  auto missing = ReadTableFile("/nonexistent/t.ttb");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  for (const auto& p : {bin, csv, csv2}) fs::remove(p);
}

}  // namespace
}  // namespace tandem::data
