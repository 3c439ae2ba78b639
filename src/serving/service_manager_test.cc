#include "serving/service_manager.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "exec/local_launcher.h"
#include "serving/test_util.h"

namespace tandem::serving {
namespace {

class ServiceManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-services-test-");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    auto store = store::OpenSqliteStore((dir_ / "tandem.db").string(), RealClock());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    artifacts_ = std::make_unique<store::ArtifactStore>(dir_, *store_);

    trained_ = std::make_unique<testing::TrainedModel>(testing::TrainBreastCancer());
    auto model_file = dir_ / "trained.json";
    ASSERT_TRUE(trained_->model.Save(model_file.string()).ok());
    auto art = artifacts_->PutFile(model_file, "model", trained_->meta);
    ASSERT_TRUE(art.ok()) << art.status().ToString();
    RegisterModel("cancer", art->digest);

    options_.data_dir = dir_.string();
    options_.replica_command = {SERVING_TEST_REPLICA};
    options_.ready_timeout_ms = 20000;
    manager_ = NewManager();
  }
  void TearDown() override {
    if (manager_) manager_->StopAll();
    for (auto& m : retired_) m->StopAll();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<ServiceManager> NewManager() {
    return std::make_unique<ServiceManager>(options_, *store_, *artifacts_, launcher_, RealClock());
  }
  void RegisterModel(const std::string& name, const std::string& digest) {
    store::ModelVersionRecord v;
    v.model_name = name;
    v.artifact_digest = digest;
    v.format = "xgboost";
    auto r = store_->CreateModelVersion(v);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::string InferBody(size_t first, size_t n) {
    Json rows = Json::array();
    for (size_t r = first; r < first + n; ++r) rows.push_back(testing::Row(trained_->data.x, r));
    return Json({{"inputs", {{{"name", "input"}, {"datatype", "FP32"},
                              {"shape", {n, trained_->data.x.cols}}, {"data", rows}}}}})
        .dump();
  }
  // Forwards an infer of two rows and checks the answer is the model's.
  void ExpectInferWorks(ServiceManager& m, const std::string& service) {
    auto r = m.Forward(service, "POST", "/v2/models/" + service + "/infer", InferBody(10, 2));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
    Json body = Json::parse(r->body);
    EXPECT_EQ(body["outputs"][0]["name"], "probabilities");
    EXPECT_EQ(body["outputs"][0]["shape"], Json::parse("[2,2]"));
    EXPECT_EQ(body["outputs"][1]["data"][0], trained_->data.y[10]);
  }
  void WaitGone(const ProcessHandle& h) {
    for (int i = 0; i < 300 && launcher_.Alive(h); ++i) {
      launcher_.Poll(h);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
  std::unique_ptr<testing::TrainedModel> trained_;
  exec::LocalLauncher launcher_;
  ServiceManagerOptions options_;
  std::unique_ptr<ServiceManager> manager_;
  std::vector<std::unique_ptr<ServiceManager>> retired_;
};

TEST_F(ServiceManagerTest, DeploysForwardsAndStops) {
  auto s = manager_->Deploy("cancer", 0, "cancer-svc");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->state, "ready");
  EXPECT_EQ(s->model_name, "cancer");
  EXPECT_EQ(s->model_version, 1);
  EXPECT_GT(s->port, 0);
  ProcessHandle h{s->pid, s->start_ticks};
  EXPECT_TRUE(launcher_.Alive(h));
  auto row = store_->GetService("cancer-svc");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->state, "ready");
  EXPECT_EQ(row->port, s->port);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "services/cancer-svc/meta.json"));

  ExpectInferWorks(*manager_, "cancer-svc");
  auto md = manager_->Forward("cancer-svc", "GET", "/v2/models/cancer-svc", "");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(Json::parse(md->body)["versions"], Json::parse(R"(["1"])"));
  auto bad = manager_->Forward("cancer-svc", "POST", "/v2/models/cancer-svc/infer", "{");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);

  auto unknown = manager_->Forward("nope", "GET", "/v2/models/nope", "");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(manager_->Stop("cancer-svc").ok());
  EXPECT_FALSE(launcher_.Alive(h));
  row = store_->GetService("cancer-svc");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->state, "stopped");
  auto after = manager_->Forward("cancer-svc", "GET", "/v2/models/cancer-svc", "");
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(after.status().message().find("state stopped"), std::string::npos);
  EXPECT_EQ(manager_->Stop("nope").code(), StatusCode::kNotFound);
}

TEST_F(ServiceManagerTest, RedeployStartsTheNewReplicaThenStopsTheOld) {
  auto first = manager_->Deploy("cancer", 1, "svc");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = manager_->Deploy("cancer", 1, "svc");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(first->pid, second->pid);
  EXPECT_EQ(second->created_ms, first->created_ms);
  EXPECT_FALSE(launcher_.Alive({first->pid, first->start_ticks}));
  ExpectInferWorks(*manager_, "svc");
}

TEST_F(ServiceManagerTest, RestoreAllAdoptsLiveReplicasAndRestartsDeadOnes) {
  auto live = manager_->Deploy("cancer", 0, "live");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  auto dead = manager_->Deploy("cancer", 0, "dead");
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ProcessHandle dead_handle{dead->pid, dead->start_ticks};
  ASSERT_TRUE(launcher_.Kill(dead_handle, SIGKILL).ok());
  WaitGone(dead_handle);

  // A "restarted server": a fresh manager over the same store.
  retired_.push_back(std::move(manager_));
  manager_ = NewManager();
  ASSERT_TRUE(manager_->RestoreAll().ok());

  auto l = store_->GetService("live");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->pid, live->pid);
  EXPECT_EQ(l->port, live->port);
  auto d = store_->GetService("dead");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state, "ready");
  EXPECT_NE(d->pid, dead->pid);
  EXPECT_GT(d->port, 0);
  auto port_file = ReadFile(dir_ / "services/dead/port");
  ASSERT_TRUE(port_file.ok());
  EXPECT_EQ(std::stoi(*port_file), d->port);
  ExpectInferWorks(*manager_, "live");
  ExpectInferWorks(*manager_, "dead");
}

TEST_F(ServiceManagerTest, CorruptModelFailsWithTheReplicasMessage) {
  auto art = artifacts_->PutBytes("this is not an xgboost model", "model", trained_->meta);
  ASSERT_TRUE(art.ok()) << art.status().ToString();
  RegisterModel("broken", art->digest);
  auto s = manager_->Deploy("broken", 0, "broken-svc");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("exited (exit code 1)"), std::string::npos)
      << s.status().message();
  EXPECT_NE(s.status().message().find("cannot load the XGBoost model"), std::string::npos)
      << s.status().message();
  auto row = store_->GetService("broken-svc");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->state, "failed");
  EXPECT_NE(row->error.find("cannot load the XGBoost model"), std::string::npos) << row->error;
  auto f = manager_->Forward("broken-svc", "GET", "/v2/models/broken-svc", "");
  EXPECT_EQ(f.status().code(), StatusCode::kUnavailable);

  // A failed redeploy leaves a serving service as it was.
  ASSERT_TRUE(manager_->Deploy("cancer", 0, "svc").ok());
  auto again = manager_->Deploy("broken", 0, "svc");
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(store_->GetService("svc")->state, "ready");
  ExpectInferWorks(*manager_, "svc");
}

TEST_F(ServiceManagerTest, RefusesBadNamesAndMissingVersions) {
  auto bad = manager_->Deploy("cancer", 0, "Bad Name");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto missing = manager_->Deploy("cancer", 9, "svc");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "model 'cancer' has no version 9");
  EXPECT_EQ(manager_->Deploy("ghost", 0, "svc").status().message(), "model 'ghost' not found");
  EXPECT_FALSE(store_->GetService("svc").ok());
}

TEST_F(ServiceManagerTest, TimesOutAReplicaThatNeverGetsReady) {
  options_.replica_command = {"/bin/sh", "-c", "echo warming up forever; sleep 60", "sh"};
  options_.ready_timeout_ms = 500;
  manager_ = NewManager();
  auto s = manager_->Deploy("cancer", 0, "slow");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("not ready within 500 ms: warming up forever"),
            std::string::npos)
      << s.status().message();
  EXPECT_EQ(store_->GetService("slow")->state, "failed");
}

}  // namespace
}  // namespace tandem::serving
