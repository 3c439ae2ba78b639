#include "serving/test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>

#include "core/fs.h"

namespace tandem::serving::testing {
namespace {

const char* kDataDir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

Json Meta(const LabeledData& d, const std::string& objective) {
  Json features = Json::array();
  for (size_t i = 0; i < d.x.cols; ++i) features.push_back("f" + std::to_string(i));
  return {{"format", "xgboost"},
          {"task", "classification"},
          {"objective", objective},
          {"features", features},
          {"classes", d.classes},
          {"signature",
           {{"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {-1, d.x.cols}}}}}}}};
}

ml::XgbModel Train(const LabeledData& d, std::map<std::string, std::string> params) {
  params["max_depth"] = "3";
  params["seed"] = "1";
  params["nthread"] = "1";
  auto m = ml::XgbModel::Train(d.x, d.y, params, 10);
  if (!m.ok()) {
    // Nothing in the test can go on without the model.
    fprintf(stderr, "training failed: %s\n", m.status().ToString().c_str());
    std::abort();
  }
  return std::move(m).value();
}

}  // namespace

LabeledData LoadSklearnCsv(const std::string& name) {
  LabeledData d;
  std::ifstream in(std::string(kDataDir) + name);
  std::string line;
  if (!std::getline(in, line)) {
    ADD_FAILURE() << "cannot read " << name;
    return d;
  }
  auto head = Split(line);
  size_t rows = std::stoul(head[0]);
  d.x.cols = std::stoul(head[1]);
  d.classes.assign(head.begin() + 2, head.end());
  while (std::getline(in, line)) {
    auto cells = Split(line);
    if (cells.size() != d.x.cols + 1) continue;
    for (size_t c = 0; c < d.x.cols; ++c) d.x.values.push_back(std::stof(cells[c]));
    d.y.push_back(std::stof(cells[d.x.cols]));
    ++d.x.rows;
  }
  EXPECT_EQ(d.x.rows, rows);
  return d;
}

std::vector<double> Row(const ml::DenseMatrix& x, size_t r) {
  return std::vector<double>(x.values.begin() + r * x.cols, x.values.begin() + (r + 1) * x.cols);
}

TrainedModel TrainBreastCancer() {
  LabeledData d = LoadSklearnCsv("breast_cancer.csv");
  ml::XgbModel m = Train(d, {{"objective", "binary:logistic"}});
  Json meta = Meta(d, "binary:logistic");
  return {std::move(m), std::move(meta), std::move(d)};
}

TrainedModel TrainIris() {
  LabeledData d = LoadSklearnCsv("iris.csv");
  ml::XgbModel m = Train(d, {{"objective", "multi:softprob"}, {"num_class", "3"}});
  Json meta = Meta(d, "multi:softprob");
  return {std::move(m), std::move(meta), std::move(d)};
}

bool RunPython(const std::string& script, const std::vector<std::string>& args) {
  TempDir dir;
  const std::string path = dir / "script.py", log = dir / "output.txt";
  std::ofstream(path) << script;
  std::string command = "/usr/bin/python3 " + path;
  for (const auto& a : args) command += " '" + a + "'";
  int rc = std::system((command + " > " + log + " 2>&1").c_str());
  if (rc != 0) {
    std::ifstream in(log);
    std::stringstream output;
    output << in.rdbuf();
    ADD_FAILURE() << "python failed (" << rc << "): " << output.str();
  }
  return rc == 0;
}

TempDir::TempDir() {
  auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-serving-test-");
  if (!dir.ok()) {
    fprintf(stderr, "cannot make a temp dir: %s\n", dir.status().ToString().c_str());
    std::abort();
  }
  path_ = dir->string();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace tandem::serving::testing
