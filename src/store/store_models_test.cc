// The model library's tags, aliases and stages, and service replica sets (0004).
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

class StoreModelsTest : public StoreTest {
 protected:
  void AddVersions(const std::string& name, int n) {
    for (int i = 0; i < n; ++i) {
      ModelVersionRecord v;
      v.model_name = name;
      v.artifact_digest = "d" + std::to_string(i);
      v.format = "xgboost";
      ASSERT_TRUE(store_->CreateModelVersion(v).ok());
    }
  }
};

TEST_F(StoreModelsTest, TagsAreSetReplacedListedAndRemoved) {
  AddVersions("m", 2);
  ASSERT_TRUE(store_->SetModelTag({"m", 2, "team", "risk"}).ok());
  ASSERT_TRUE(store_->SetModelTag({"m", 2, "team", "fraud"}).ok());
  ASSERT_TRUE(store_->SetModelTag({"m", 1, "note", ""}).ok());
  auto tags = store_->ListModelTags("m");
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0].version, 1);
  EXPECT_EQ((*tags)[0].key, "note");
  EXPECT_EQ((*tags)[1].value, "fraud");
  EXPECT_EQ(store_->SetModelTag({"m", 3, "a", "b"}).message(), "model 'm' has no version 3");
  ASSERT_TRUE(store_->RemoveModelTag("m", 2, "team").ok());
  EXPECT_EQ(store_->RemoveModelTag("m", 2, "team").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListModelTags("m")->size(), 1u);
}

TEST_F(StoreModelsTest, StageAliasesMoveTheStageWithThem) {
  AddVersions("m", 3);
  ASSERT_TRUE(store_->SetModelAlias("m", "production", 1).ok());
  ASSERT_TRUE(store_->SetModelAlias("m", "champion", 1).ok());
  EXPECT_EQ(store_->ListModelStages("m")->at(1), "production");
  ASSERT_TRUE(store_->SetModelAlias("m", "production", 2).ok());
  auto stages = store_->ListModelStages("m");
  ASSERT_TRUE(stages.ok());
  EXPECT_EQ(stages->at(1), "none");
  EXPECT_EQ(stages->at(2), "production");
  auto aliases = store_->ListModelAliases("m");
  ASSERT_TRUE(aliases.ok());
  ASSERT_EQ(aliases->size(), 2u);
  EXPECT_EQ((*aliases)[0].alias, "champion");
  EXPECT_EQ((*aliases)[0].version, 1);
  EXPECT_EQ((*aliases)[1].alias, "production");
  EXPECT_EQ((*aliases)[1].version, 2);
  EXPECT_EQ(store_->SetModelAlias("m", "production", 9).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListModelAliases("m")->at(1).version, 2);  // unchanged by the failure

  ASSERT_TRUE(store_->RemoveModelAlias("m", "production").ok());
  EXPECT_EQ(store_->ListModelStages("m")->at(2), "none");
  EXPECT_EQ(store_->RemoveModelAlias("m", "production").message(),
            "model 'm' has no alias 'production'");
  ASSERT_TRUE(store_->SetModelStage("m", 3, "archived").ok());
  EXPECT_EQ(store_->ListModelStages("m")->at(3), "archived");
  EXPECT_EQ(store_->SetModelStage("m", 3, "gold").code(), StatusCode::kInvalidArgument);
}

TEST_F(StoreModelsTest, ServiceStateReplacesTheReplicaSetAtomically) {
  ServiceRecord s;
  s.name = "svc";
  s.model_name = "m";
  s.model_version = 1;
  s.state = "ready";
  ServiceSpecRecord spec;
  spec.replicas = 2;
  spec.batch_max = 32;
  spec.batch_delay_us = 2000;
  spec.canary_model = "m";
  spec.canary_version = 2;
  spec.canary_weight = 10;
  spec.strict_inputs = true;
  ReplicaRecord r;
  r.id = "r1";
  r.track = "stable";
  r.model_name = "m";
  r.model_version = 1;
  r.state = "ready";
  r.port = 4000;
  r.restarts = 2;
  std::vector<ReplicaRecord> replicas = {r};
  r.id = "r10";
  replicas.push_back(r);
  r.id = "r2";
  replicas.push_back(r);
  ASSERT_TRUE(store_->PutServiceState(s, spec, replicas).ok());
  auto got = store_->GetServiceSpec("svc");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->replicas, 2);
  EXPECT_EQ(got->batch_delay_us, 2000);
  EXPECT_EQ(got->canary_weight, 10);
  EXPECT_TRUE(got->strict_inputs);
  auto listed = store_->ListReplicas("svc");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[1].id, "r2");
  EXPECT_EQ((*listed)[2].id, "r10");
  EXPECT_EQ((*listed)[0].restarts, 2);
  EXPECT_EQ((*listed)[0].service, "svc");

  replicas.resize(1);
  ASSERT_TRUE(store_->PutServiceState(s, spec, replicas).ok());
  EXPECT_EQ(store_->ListReplicas("svc")->size(), 1u);
  EXPECT_EQ(store_->GetServiceSpec("nope").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListReplicas("nope")->empty());
}

}  // namespace
}  // namespace tandem::store
