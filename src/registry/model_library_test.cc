#include "registry/model_library.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/fs.h"

namespace tandem::registry {
namespace {

class ModelLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-registry-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    auto store = store::OpenSqliteStore((dir_ / "tandem.db").string(), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    lib_ = std::make_unique<ModelLibrary>(*store_);
    AddVersion({{"accuracy", 0.9}, {"log_loss", 0.3}, {"confusion", {{1, 2}, {3, 4}}}});
    AddVersion({{"accuracy", 0.95}, {"log_loss", 0.2}, {"f1", 0.9}});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void AddVersion(Json metrics) {
    store::ModelVersionRecord v;
    v.model_name = "cancer";
    v.artifact_digest = "abc";
    v.format = "xgboost";
    v.metrics = std::move(metrics);
    ASSERT_TRUE(store_->CreateModelVersion(v).ok());
  }
  static ModelRef Ref(const std::string& text) { return *ParseModelRef(text); }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ModelLibrary> lib_;
};

TEST_F(ModelLibraryTest, ResolvesLatestPinnedAndAliasedVersions) {
  EXPECT_EQ(lib_->Resolve(Ref("cancer"))->version, 2);
  EXPECT_EQ(lib_->Resolve(Ref("cancer:1"))->version, 1);
  ASSERT_TRUE(lib_->SetAlias("production", Ref("cancer:1")).ok());
  EXPECT_EQ(lib_->Resolve(Ref("cancer@production"))->version, 1);
  ASSERT_TRUE(lib_->SetAlias("production", Ref("cancer")).ok());
  EXPECT_EQ(lib_->Resolve(Ref("cancer@production"))->version, 2);

  EXPECT_EQ(lib_->Resolve(Ref("cancer:7")).status().message(), "model 'cancer' has no version 7");
  EXPECT_EQ(lib_->Resolve(Ref("cancer@staging")).status().message(),
            "model 'cancer' has no alias 'staging'");
  EXPECT_EQ(lib_->Resolve(Ref("ghost@staging")).status().message(), "model 'ghost' not found");
  EXPECT_EQ(lib_->Resolve(Ref("ghost")).status().message(), "model 'ghost' not found");
  EXPECT_EQ(lib_->SetAlias("7up", Ref("cancer")).code(), StatusCode::kInvalidArgument);
}

TEST_F(ModelLibraryTest, DescribeShowsStagesTagsAndAliases) {
  ASSERT_TRUE(lib_->SetAlias("production", Ref("cancer:2")).ok());
  ASSERT_TRUE(lib_->SetAlias("baseline", Ref("cancer:1")).ok());
  ASSERT_TRUE(lib_->Tag(Ref("cancer:1"), "owner", "ana").ok());
  ASSERT_TRUE(lib_->SetStage(Ref("cancer:1"), "archived").ok());
  auto d = lib_->Describe("cancer");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)["aliases"], Json::parse(R"({"baseline": 1, "production": 2})"));
  const Json& v1 = (*d)["versions"][0];
  EXPECT_EQ(v1["stage"], "archived");
  EXPECT_EQ(v1["tags"], Json::parse(R"({"owner": "ana"})"));
  EXPECT_EQ(v1["aliases"], Json::parse(R"(["baseline"])"));
  EXPECT_EQ((*d)["versions"][1]["stage"], "production");

  auto v = lib_->DescribeVersion(Ref("cancer@baseline"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["version"], 1);
  EXPECT_EQ((*v)["tags"]["owner"], "ana");
  ASSERT_TRUE(lib_->Untag(Ref("cancer:1"), "owner").ok());
  EXPECT_EQ(lib_->Untag(Ref("cancer:1"), "owner").code(), StatusCode::kNotFound);
  EXPECT_EQ(lib_->Describe("ghost").status().code(), StatusCode::kNotFound);
}

TEST_F(ModelLibraryTest, ComparePutsMetricsSideBySide) {
  auto c = lib_->Compare(Ref("cancer:1"), Ref("cancer:2"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)["a"], 1);
  EXPECT_EQ((*c)["b"], 2);
  const Json& rows = (*c)["metrics"];
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["name"], "accuracy");
  EXPECT_DOUBLE_EQ(rows[0]["delta"].get<double>(), 0.95 - 0.9);
  EXPECT_EQ(rows[1]["name"], "confusion");
  EXPECT_TRUE(rows[1]["b"].is_null());
  EXPECT_TRUE(rows[1]["delta"].is_null());
  EXPECT_EQ(rows[2]["name"], "f1");
  EXPECT_TRUE(rows[2]["a"].is_null());
  EXPECT_EQ(rows[3]["name"], "log_loss");
}

}  // namespace
}  // namespace tandem::registry
