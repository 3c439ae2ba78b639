#include "operators/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/fs.h"
#include "core/yaml_json.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

const char* kGood = R"(
name: iqr-filter
version: 1
category: process
description: Drops rows whose value lies outside k interquartile ranges.
inputs:  {table: {type: table}}
outputs: {table: {type: table}, report: {type: report, optional: true}}
params:
  type: object
  required: [columns]
  properties:
    columns: {type: array, items: {type: string}, minItems: 1}
    k: {type: number, minimum: 0, default: 1.5}
ui: {columns: {"ui:widget": "column-picker"}}
runtime: {kind: python, entry: main.py}
resources: {cpus: 1, memory: 512Mi, environment: train}
tests:
  - name: drops-outlier
    params: {columns: [x]}
    inputs: {table: tests/five-rows.csv}
    expect: {outputs: {table: {rows: 4}}}
)";

Json Doc(const std::string& yaml) {
  auto doc = ParseYamlText(yaml, "operator.yaml");
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return doc.ok() ? *doc : Json();
}

std::string Problems(const Json& doc) {
  auto m = ParseManifest(doc, "operator.yaml");
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().message();
}

TEST(ManifestTest, ParsesTheIssueExample) {
  auto m = ParseManifest(Doc(kGood), "operator.yaml");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->def.name, "iqr-filter");
  EXPECT_EQ(m->def.runtime, "python");
  EXPECT_EQ(m->def.entry, "main.py");
  EXPECT_EQ(m->def.inputs.at("table").type, "table");
  EXPECT_TRUE(m->def.outputs.at("report").optional);
  EXPECT_EQ(m->def.ui["columns"]["ui:widget"], "column-picker");
  EXPECT_EQ(m->def.resources["memory"], "512Mi");
  ASSERT_EQ(m->tests.size(), 1u);
  EXPECT_EQ(m->tests[0].inputs.at("table"), "tests/five-rows.csv");
  EXPECT_EQ(m->tests[0].expect["outputs"]["table"]["rows"], 4);
}

TEST(ManifestTest, ReportsEveryProblemWithItsField) {
  Json doc = Doc(kGood);
  doc["name"] = "IQR filter";
  doc["version"] = "one";
  doc["category"] = "magic";
  doc["inputs"]["table"]["type"] = "spreadsheet";
  doc["runtime"] = {{"kind", "python"}};
  doc["colour"] = "blue";
  doc["outputs"]["Bad Port"] = {{"type", "table"}};
  const std::string p = Problems(doc);
  EXPECT_NE(p.find("operator.yaml: name: must match the pattern"), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: version: expected integer, got \"one\""), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: category: must be one of"), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: inputs.table.type: must be one of table, images, model, metrics, "
                   "report or file, got \"spreadsheet\""),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("operator.yaml: category: must be one of import, explore, "), std::string::npos) << p;
  EXPECT_EQ(p.find("?"), std::string::npos) << p;
  EXPECT_EQ(p.find("Failed to"), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: runtime.entry: required for runtime python"), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: colour: unknown field"), std::string::npos) << p;
  EXPECT_NE(p.find("operator.yaml: outputs.Bad Port: port names are lowercase"), std::string::npos) << p;
}

TEST(ManifestTest, AlternativesAreNamedNotValijsonsPhrase) {
  Json doc = Doc(kGood);
  doc["tests"][0]["expect"]["metrics"] = {{"rows_kept", "many"}};
  const std::string p = Problems(doc);
  EXPECT_NE(p.find("tests[0].expect.metrics.rows_kept: must be a number or an object with max, min, "
                   "got \"many\""),
            std::string::npos)
      << p;
  EXPECT_EQ(p.find("Failed to"), std::string::npos) << p;
  EXPECT_EQ(p.find("expected number"), std::string::npos) << p;  // the alternatives' own errors
}

TEST(ManifestTest, TestCasesMustFitTheOperator) {
  Json doc = Doc(kGood);
  doc["tests"][0]["params"] = {{"columns", Json::array()}, {"k", -2}};
  doc["tests"][0]["inputs"] = {{"tabel", "tests/five-rows.csv"}};
  doc["tests"][0]["expect"]["rowz"] = 1;
  const std::string p = Problems(doc);
  EXPECT_NE(p.find("tests[0].expect.rowz: unknown field"), std::string::npos) << p;
  doc["tests"][0]["expect"].erase("rowz");
  const std::string q = Problems(doc);
  EXPECT_NE(q.find("tests[0].params.columns: needs at least 1 items"), std::string::npos) << q;
  EXPECT_NE(q.find("tests[0].params.k: must be >= 0, got -2"), std::string::npos) << q;
  EXPECT_NE(q.find("tests[0].inputs.tabel: the operator has no input port 'tabel'"), std::string::npos) << q;
  EXPECT_NE(q.find("tests[0].inputs.table: required input is not given"), std::string::npos) << q;
}

TEST(ManifestTest, ARuntimeOrKindOfTheWrongTypeIsReportedNotThrown) {
  // fuzz/crashes/manifest/null_runtime.yaml: `runtime:` left empty threw type_error.306.
  for (const char* runtime : {"runtime:\n", "runtime: python\n", "runtime: {kind: [exec]}\n"}) {
    std::string problems;
    EXPECT_NO_THROW(problems = Problems(Doc(std::string("name: x\n") + runtime))) << runtime;
    EXPECT_NE(problems.find("runtime"), std::string::npos) << runtime << ": " << problems;
  }
}

TEST(ManifestTest, MalformedYamlNamesTheLine) {
  auto doc = ParseYamlText("name: x\nversion: [1,\n", "operator.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().message().rfind("operator.yaml: line ", 0), 0u) << doc.status().message();
}

TEST(ManifestTest, FilesMustExistInsideTheFolder) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "manifest-");
  ASSERT_TRUE(dir.ok());
  std::string yaml = kGood;
  yaml.replace(yaml.find("tests/five-rows.csv"), 19, "../../etc/passwd");
  ASSERT_TRUE(WriteFileAtomic(*dir / "operator.yaml", yaml).ok());
  auto m = LoadManifestDir(dir->string());
  ASSERT_FALSE(m.ok());
  const std::string p = m.status().message();
  EXPECT_NE(p.find("runtime.entry: no file 'main.py' in the operator folder"), std::string::npos) << p;
  EXPECT_NE(p.find("tests[0].inputs.table"), std::string::npos) << p;
  EXPECT_NE(p.find("../../etc/passwd"), std::string::npos) << p;
  fs::remove_all(*dir);
  EXPECT_EQ(LoadManifestDir("/nonexistent/op").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tandem::operators
