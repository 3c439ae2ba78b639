#include "data/csv.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "data/csv_records.h"

#include <cmath>
#include <filesystem>

namespace tandem::data {
namespace {

Table Read(const std::string& text, const std::string& format = "csv") {
  auto t = ReadCsvText(text, {format});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : Table{};
}

TEST(CsvTest, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  Table t = Read("name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\nbob,\"two\nlines\"\r\n");
  ASSERT_EQ(t.rows, 2u);
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].strings[0], "Smith, J");
  EXPECT_EQ(t.columns[1].strings[0], "said \"hi\"");
  EXPECT_EQ(t.columns[1].strings[1], "two\nlines");
}

TEST(CsvTest, WrongFieldCountNamesThePhysicalLine) {
  // The quoted line break makes the bad record start on line 4.
  auto t = ReadCsvText("a,b\n1,\"x\ny\"\n2,3\n4\n", {"csv"});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "line 5: expected 2 fields, got 1");
}

TEST(CsvTest, UnclosedQuoteAndStrayQuoteAreErrors) {
  auto a = ReadCsvText("a\n\"open\n", {"csv"});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("line 2: quoted field is not closed"), std::string::npos);
  auto b = ReadCsvText("a,b\n\"x\"y,1\n", {"csv"});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("line 2"), std::string::npos);
}

TEST(CsvTest, EmptyTextIsAnError) {
  EXPECT_FALSE(ReadCsvText("", {"csv"}).ok());
  EXPECT_FALSE(ReadCsvText("\n\n", {"auto"}).ok());
  EXPECT_EQ(ReadCsvText("", {"csv"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvTest, HeaderOnlyGivesZeroRows) {
  Table t = Read("a,b\n");
  EXPECT_EQ(t.rows, 0u);
  EXPECT_EQ(t.columns.size(), 2u);
}

TEST(CsvTest, HeaderOnlyIsRefusedWhereRowsAreRequired) {
  CsvOptions options;
  options.require_rows = true;
  auto t = ReadCsvText("a;b\n", options);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "no data rows: the file has a header row (line 1) and nothing else");
}

TEST(CsvTest, DelimiterIsDetected) {
  struct Case { const char* text; char delimiter; };
  for (const Case& c : {Case{"a;b;c\n1,5;2;x\n3;4;\"y;z\"\n", ';'}, Case{"a\tb\n1\t2\n", '\t'},
                        Case{"a|b\n1|2\n", '|'}, Case{"a,b\n1,2\n", ','}, Case{"only\n1\n", ','},
                        // commas inside a field do not outvote the steady semicolon
                        Case{"name;n\n\"x, y, z\";1\nw,v,u,t;2\n", ';'}}) {
    EXPECT_EQ(DetectDelimiter(c.text), c.delimiter) << c.text;
  }
  Table t = Read("a;b;c\n1,5;2;x\n3;4;\"y;z\"\n");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].type, ColumnType::kString);  // "1,5" is no number
  EXPECT_EQ(t.columns[1].numbers, (std::vector<double>{2, 4}));
  EXPECT_EQ(t.columns[2].strings[1], "y;z");
}

TEST(CsvTest, DelimiterCanBeGiven) {
  CsvOptions options;
  options.delimiter = '|';
  auto t = ReadCsvText("a,b|c\n1,2|3\n", options);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(t->columns[0].name, "a,b");
  EXPECT_EQ(*ParseDelimiter("tab"), '\t');
  EXPECT_EQ(*ParseDelimiter("\\t"), '\t');
  EXPECT_EQ(*ParseDelimiter(";"), ';');
  EXPECT_EQ(*ParseDelimiter("auto"), '\0');
  EXPECT_FALSE(ParseDelimiter("::").ok());
  EXPECT_FALSE(ParseDelimiter("\"").ok());
}

TEST(CsvTest, RaggedFileListsTheFirstTwentyBadLines) {
  std::string text = "a,b\n";
  for (int i = 0; i < 60; ++i) text += i % 2 ? "1,2\n" : "1,2,3\n";  // lines 2, 4, ... 60 are bad
  auto t = ReadCsvText(text, {"csv"});
  ASSERT_FALSE(t.ok());
  const std::string& m = t.status().message();
  EXPECT_EQ(m.rfind("line 2: expected 2 fields, got 3; line 4: expected 2 fields, got 3; ", 0), 0u) << m;
  EXPECT_NE(m.find("line 40: expected 2 fields, got 3; and 10 more lines: 30 lines in all have the wrong "
                   "number of fields"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("line 42:"), std::string::npos) << m;
}

TEST(CsvTest, MissingValuesAndTypeInference) {
  Table t = Read("x,y,z,w\n1,a,,NA\n2.5,NA,3,N/A\nNaN,c,null,None\n");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].type, ColumnType::kNumber);
  EXPECT_TRUE(std::isnan(t.columns[0].numbers[2]));
  EXPECT_EQ(t.columns[0].MissingCount(), 1u);
  EXPECT_EQ(t.columns[1].type, ColumnType::kString);
  EXPECT_TRUE(t.columns[1].IsMissing(1));
  EXPECT_EQ(t.columns[1].MissingCount(), 1u);
  EXPECT_EQ(t.columns[2].type, ColumnType::kNumber);
  EXPECT_EQ(t.columns[2].MissingCount(), 2u);
  EXPECT_EQ(t.columns[3].type, ColumnType::kNumber);  // all missing: nothing says text
  EXPECT_EQ(t.columns[3].MissingCount(), 3u);
}

TEST(CsvTest, NumbersParseStrictly) {
  Table t = Read("a,b,c\n1e3, 2 ,+4\n-0.5,2x,7\n");
  EXPECT_EQ(t.columns[0].type, ColumnType::kNumber);
  EXPECT_EQ(t.columns[0].numbers[0], 1000);
  EXPECT_EQ(t.columns[1].type, ColumnType::kString);
  EXPECT_EQ(t.columns[2].numbers[0], 4);
}

TEST(CsvTest, HeaderNamesEmptyBecomePositionalDuplicatesFail) {
  Table t = Read(",b\n1,2\n");
  EXPECT_EQ(t.columns[0].name, "column_1");
  auto d = ReadCsvText("a,a\n1,2\n", {"csv"});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "line 1: duplicate column name 'a'");
}

TEST(CsvTest, AByteOrderMarkInAColumnNameIsDroppedSoTheTableWritesBack) {
  // fuzz/crashes/csv/bom_header_roundtrip.csv: a header of a lone U+FEFF after a blank
  // line named a column that FormatCsv wrote at byte 0, where it reads as the file's BOM.
  Table t = Read("\n\xEF\xBB\xBF\na\nb\n");
  ASSERT_EQ(t.columns.size(), 1u);
  EXPECT_EQ(t.columns[0].name, "column_1");
  EXPECT_EQ(t.rows, 2u);
  auto back = ReadCsvText(FormatCsv(t), {"csv"});
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->rows, 2u);
  EXPECT_EQ(Read("\xEF\xBB\xBF\xEF\xBB\xBFx,y\n1,2\n").columns[0].name, "x");
}

TEST(CsvTest, WriteThenReadGivesTheSameTable) {
  Table t;
  t.rows = 3;
  t.columns.push_back(Column::Numbers("x", {0.1, 1e300, NAN}));
  t.columns.push_back(Column::Numbers("third", {1.0 / 3, -2, 123456789.125}));
  t.columns.push_back(Column::Strings("s, \"q\"", {"a,b", " pad ", ""}, {0, 0, 1}));
  t.columns.push_back(Column::Strings("multi", {"l1\nl2", "x\"y", "plain"}));
  auto path = UniqueTempPath("tandem-csv-roundtrip", ".csv");
  ASSERT_TRUE(WriteCsv(t, path.string()).ok());
  auto back = ReadCsvFile(path.string(), {"csv"});
  std::filesystem::remove(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->rows, 3u);
  ASSERT_EQ(back->columns.size(), 4u);
  for (size_t c = 0; c < 4; ++c) {
    EXPECT_EQ(back->columns[c].name, t.columns[c].name);
    EXPECT_EQ(back->columns[c].type, t.columns[c].type);
    for (size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(back->columns[c].IsMissing(r), t.columns[c].IsMissing(r));
      EXPECT_EQ(back->columns[c].Text(r), t.columns[c].Text(r)) << c << "," << r;
    }
  }
  EXPECT_EQ(back->columns[1].numbers[0], 1.0 / 3);  // bit-exact round trip
}

TEST(CsvTest, SingleColumnMissingValueSurvivesWriting) {
  Table t;
  t.rows = 2;
  t.columns.push_back(Column::Numbers("x", {NAN, 2}));
  auto back = ReadCsvText(FormatCsv(t), {"csv"});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->rows, 2u);
}

TEST(CsvTest, FileErrorsNameThePath) {
  auto t = ReadCsvFile("/nonexistent/x.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_NE(t.status().message().find("/nonexistent/x.csv"), std::string::npos);
}

// The message ReadCsvText gives for `text` ("(read fine)" when it reads).
std::string ErrorOf(const std::string& text, const CsvOptions& options = {"csv"}) {
  auto t = ReadCsvText(text, options);
  if (t.ok()) return "(read fine)";
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  return t.status().message();
}

TEST(CsvTest, TooManyColumnsIsRefusedNamingTheLimitAndLine) {
  auto row = [](size_t n, const std::string& cell) {
    std::string r;
    for (size_t i = 0; i < n; ++i) r += (i ? "," : "") + cell + std::to_string(i);
    return r + "\n";
  };
  EXPECT_EQ(ErrorOf(row(10'000, "c") + row(10'000, "")), "(read fine)");
  EXPECT_EQ(ErrorOf(row(10'001, "c") + row(10'001, "")),
            "line 1: more than 10000 columns (the limit per table)");
  // A data row that runs on is refused at its line, not only counted as ragged.
  EXPECT_EQ(ErrorOf("a,b\n1,2\n" + row(20'000, "")),
            "line 3: more than 10000 columns (the limit per table)");
  CsvOptions narrow{"csv"};
  narrow.limits.max_columns = 2;
  EXPECT_EQ(ErrorOf("a,b,c\n1,2,3\n", narrow), "line 1: more than 2 columns (the limit per table)");
}

TEST(CsvTest, FieldsAndColumnNamesOverTheLimitsAreRefusedNamingLineAndColumn) {
  const std::string big(1024 * 1024 + 1, 'x');
  EXPECT_EQ(ErrorOf("a,b\n1,2\n3," + big + "\n"),
            "line 3, column 2: a field of more than 1048576 bytes (the limit)");
  EXPECT_EQ(ErrorOf("a,b\n1,2\n\"3\n" + big + "\",4\n"),
            "line 3, column 1: a field of more than 1048576 bytes (the limit)");
  EXPECT_EQ(ErrorOf("a,b\n1,\"" + std::string(1024 * 1024, 'y') + "\"\n"), "(read fine)");
  EXPECT_EQ(ErrorOf("a," + std::string(1025, 'n') + "\n1,2\n"),
            "line 1, column 2: a column name of 1025 bytes (the limit is 1024)");
  EXPECT_EQ(ErrorOf("a," + std::string(1024, 'n') + "\n1,2\n"), "(read fine)");
}

TEST(CsvTest, UnknownFormatIsAnError) {
  auto t = ReadCsvText("a\n1\n", {"tsv"});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("format"), std::string::npos);
}

}  // namespace
}  // namespace tandem::data
