#include "serving/service_manager.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "exec/local_launcher.h"
#include "resources/inventory.h"
#include "serving/broker_allocator.h"
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
    RegisterModel("cancer", art->digest);  // version 2: same trees, told apart by version
    digest_ = art->digest;

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
  // Forwards an infer of two rows, checks the answer is the model's and returns the
  // model version that answered.
  std::string ExpectInferWorks(ServiceManager& m, const std::string& service) {
    auto r = m.Forward(service, "POST", "/v2/models/" + service + "/infer", InferBody(10, 2));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "";
    EXPECT_EQ(r->status, 200) << r->body;
    Json body = Json::parse(r->body);
    EXPECT_EQ(body["outputs"][0]["name"], "probabilities");
    EXPECT_EQ(body["outputs"][0]["shape"], Json::parse("[2,2]"));
    EXPECT_EQ(body["outputs"][1]["data"][0], trained_->data.y[10]);
    return body.value("model_version", "");
  }
  static registry::ModelRef Ref(const std::string& text) { return *registry::ParseModelRef(text); }
  Result<ServiceView> Deploy(const std::string& model, const std::string& name, int replicas = 1) {
    ServiceOptions o;
    o.replicas = replicas;
    return manager_->Deploy(name, Ref(model), o);
  }
  static ProcessHandle HandleOf(const store::ReplicaRecord& r) { return {r.pid, r.start_ticks}; }
  // Until the process is reaped: its leader shows as a zombie while its other threads
  // still exit, and until they have, its listening socket still takes connections.
  void WaitGone(const ProcessHandle& h) {
    for (int i = 0; i < 300 && !launcher_.Poll(h).has_value(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::filesystem::path dir_;
  std::string digest_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
  std::unique_ptr<testing::TrainedModel> trained_;
  exec::LocalLauncher launcher_;
  ServiceManagerOptions options_;
  std::unique_ptr<ServiceManager> manager_;
  std::vector<std::unique_ptr<ServiceManager>> retired_;
};

// A server that dies between spawning a replica and recording its pid: the launcher
// below starts the process and then "crashes" (throws out of the manager).
struct SimulatedCrash {};
class CrashAfterSpawnLauncher : public Launcher {
 public:
  Result<ProcessHandle> Start(const ProcessSpec& spec) override {
    auto h = inner_.Start(spec);
    if (h.ok()) spawned = *h;
    throw SimulatedCrash{};
  }
  std::optional<ExitInfo> Poll(const ProcessHandle& h) override { return inner_.Poll(h); }
  Status Kill(const ProcessHandle& h, int signal) override { return inner_.Kill(h, signal); }
  bool Alive(const ProcessHandle& h) override { return inner_.Alive(h); }
  ProcessHandle spawned;

 private:
  exec::LocalLauncher inner_;
};

TEST_F(ServiceManagerTest, AReplicaSpawnedJustBeforeACrashIsStoppedByTheNextServer) {
  CrashAfterSpawnLauncher crashing;
  {
    ServiceManager dying(options_, *store_, *artifacts_, crashing, RealClock());
    ServiceOptions o;
    EXPECT_THROW((void)dying.Deploy("leak-svc", Ref("cancer:1"), o), SimulatedCrash);
  }
  ASSERT_GT(crashing.spawned.pid, 0);
  // The start was recorded before the spawn: the row is there, without a pid.
  auto stored = store_->ListReplicas("leak-svc");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].id, "r1");
  EXPECT_EQ((*stored)[0].state, "starting");
  EXPECT_EQ((*stored)[0].pid, 0);
  // Let the orphan come up, as it would while the server restarts.
  const auto port_file = dir_ / "services/leak-svc/r1/port";
  for (int i = 0; i < 400 && !std::filesystem::exists(port_file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(crashing.Alive(crashing.spawned));

  Status restored = manager_->RestoreAll();
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  for (int i = 0; i < 300 && crashing.Alive(crashing.spawned); ++i) {
    crashing.Poll(crashing.spawned);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(crashing.Alive(crashing.spawned));  // stopped, not left alone
  auto view = manager_->Get("leak-svc");
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->replicas.size(), 1u);
  EXPECT_EQ(view->replicas[0].state, "ready");
  EXPECT_NE(view->replicas[0].pid, crashing.spawned.pid);
  EXPECT_EQ(ExpectInferWorks(*manager_, "leak-svc"), "1");
}

// A model file rewritten on disk (same name, other trees) is refused before a replica
// loads it, at deploy and at the watchdog's restart, naming the digest and the path.
TEST_F(ServiceManagerTest, RefusesAModelFileChangedOnDisk) {
  auto s = Deploy("cancer:1", "tampered-svc", 1);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::filesystem::path file = *artifacts_->PathOf(digest_);
  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  auto text = ReadFile(file);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(WriteFileAtomic(file, *text + " ").ok());  // the same model, other bytes

  auto refused = Deploy("cancer:2", "other-svc", 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(digest_), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find(file.string()), std::string::npos);
  EXPECT_TRUE(store_->ListReplicas("other-svc")->empty());

  // The running replica dies: its restart is refused too, and it stays out of rotation.
  const ProcessHandle h = HandleOf(s->replicas[0]);
  ASSERT_TRUE(launcher_.Kill(h, SIGKILL).ok());
  WaitGone(h);
  // A pass may not see the death yet (as in WatchdogRestartsADeadReplicaAndCountsIt).
  Status pass = manager_->CheckReplicas();
  for (int i = 0; i < 500 && pass.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pass = manager_->CheckReplicas();
  }
  EXPECT_NE(pass.message().find("no longer matches its digest"), std::string::npos) << pass.ToString();
  EXPECT_EQ(manager_->Get("tampered-svc")->replicas[0].state, "failed");
}

TEST_F(ServiceManagerTest, DeploysReplicasForwardsAndStops) {
  auto s = Deploy("cancer:1", "cancer-svc", 2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->service.state, "ready");
  EXPECT_EQ(s->service.model_name, "cancer");
  EXPECT_EQ(s->service.model_version, 1);
  ASSERT_EQ(s->replicas.size(), 2u);
  EXPECT_EQ(s->replicas[0].id, "r1");
  EXPECT_EQ(s->replicas[1].id, "r2");
  for (const auto& r : s->replicas) {
    EXPECT_EQ(r.state, "ready");
    EXPECT_EQ(r.track, "stable");
    EXPECT_GT(r.port, 0);
    EXPECT_TRUE(launcher_.Alive(HandleOf(r)));
  }
  auto stored = store_->ListReplicas("cancer-svc");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[1].port, s->replicas[1].port);
  EXPECT_EQ(store_->GetService("cancer-svc")->state, "ready");
  EXPECT_EQ(store_->GetServiceSpec("cancer-svc")->replicas, 2);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "services/cancer-svc/r2/meta.json"));

  for (int i = 0; i < 4; ++i) EXPECT_EQ(ExpectInferWorks(*manager_, "cancer-svc"), "1");
  auto md = manager_->Forward("cancer-svc", "GET", "/v2/models/cancer-svc", "");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(Json::parse(md->body)["versions"], Json::parse(R"(["1"])"));
  auto bad = manager_->Forward("cancer-svc", "POST", "/v2/models/cancer-svc/infer", "{");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(manager_->Forward("nope", "GET", "/v2/models/nope", "").status().code(),
            StatusCode::kNotFound);

  ASSERT_TRUE(manager_->Stop("cancer-svc").ok());
  for (const auto& r : s->replicas) EXPECT_FALSE(launcher_.Alive(HandleOf(r)));
  EXPECT_EQ(store_->GetService("cancer-svc")->state, "stopped");
  EXPECT_TRUE(store_->ListReplicas("cancer-svc")->empty());
  auto after = manager_->Forward("cancer-svc", "GET", "/v2/models/cancer-svc", "");
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(after.status().message().find("state stopped"), std::string::npos);
  EXPECT_EQ(manager_->Stop("nope").code(), StatusCode::kNotFound);
}

TEST_F(ServiceManagerTest, RollingUpdateUnderLoadFailsNoRequest) {
  auto first = Deploy("cancer:1", "svc", 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      while (!done) {
        auto r = manager_->Forward("svc", "POST", "/v2/models/svc/infer", InferBody(0, 1));
        (r.ok() && r->status == 200 ? ok : failed)++;
      }
    });
  }
  auto updated = manager_->Update("svc", Ref("cancer:2"), 0);
  done = true;
  for (auto& t : load) t.join();
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 10);
  EXPECT_EQ(updated->service.model_version, 2);
  ASSERT_EQ(updated->replicas.size(), 2u);
  EXPECT_EQ(updated->replicas[0].id, "r3");
  EXPECT_EQ(updated->replicas[1].model_version, 2);
  for (const auto& r : first->replicas) EXPECT_FALSE(launcher_.Alive(HandleOf(r)));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "2");
  EXPECT_EQ(store_->GetService("svc")->model_version, 2);
}

TEST_F(ServiceManagerTest, CanaryThenPromoteThenRollback) {
  ASSERT_TRUE(Deploy("cancer:1", "svc", 2).ok());
  auto canary = manager_->Update("svc", Ref("cancer:2"), 25);
  ASSERT_TRUE(canary.ok()) << canary.status().ToString();
  ASSERT_EQ(canary->replicas.size(), 3u);
  EXPECT_EQ(canary->replicas[2].track, "canary");
  EXPECT_EQ(store_->GetServiceSpec("svc")->canary_weight, 25);
  int v2 = 0;
  for (int i = 0; i < 20; ++i) v2 += ExpectInferWorks(*manager_, "svc") == "2";
  EXPECT_EQ(v2, 5);
  EXPECT_EQ(manager_->Update("svc", Ref("cancer:2"), 10).status().code(),
            StatusCode::kFailedPrecondition);

  auto promoted = manager_->Promote("svc");
  ASSERT_TRUE(promoted.ok()) << promoted.status().ToString();
  EXPECT_EQ(promoted->service.model_version, 2);
  ASSERT_EQ(promoted->replicas.size(), 2u);
  for (const auto& r : promoted->replicas) {
    EXPECT_EQ(r.track, "stable");
    EXPECT_EQ(r.model_version, 2);
  }
  for (const auto& r : canary->replicas) {
    if (r.model_version == 1) EXPECT_FALSE(launcher_.Alive(HandleOf(r)));
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "2");
  EXPECT_EQ(manager_->Promote("svc").status().code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(manager_->Update("svc", Ref("cancer:1"), 50).ok());
  auto rolled = manager_->Rollback("svc");
  ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
  EXPECT_EQ(rolled->replicas.size(), 2u);
  EXPECT_TRUE(rolled->spec.canary_model.empty());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "2");
  EXPECT_TRUE(store_->GetServiceSpec("svc")->canary_model.empty());
}

TEST_F(ServiceManagerTest, WatchdogRestartsADeadReplicaAndCountsIt) {
  auto s = Deploy("cancer", "svc", 2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(launcher_.Kill(HandleOf(s->replicas[0]), SIGKILL).ok());
  WaitGone(HandleOf(s->replicas[0]));
  // The dead one is skipped: requests keep working before the watchdog runs.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "2");
  ASSERT_TRUE(manager_->CheckReplicas().ok());
  // Under load the pass may not see the death yet (seen once in CI): pass again until
  // the restart lands; it is counted once, since a restarted replica is alive.
  auto after = manager_->Get("svc");
  for (int i = 0; i < 1000 && after.ok() && (after->replicas.size() != 2 ||
                                             after->replicas[0].restarts != 1 ||
                                             after->replicas[0].state != "ready"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(manager_->CheckReplicas().ok());  // a no-op once it is back
    after = manager_->Get("svc");
  }
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->replicas.size(), 2u);
  EXPECT_EQ(after->replicas[0].id, "r1");
  EXPECT_EQ(after->replicas[0].restarts, 1);
  EXPECT_EQ(after->replicas[0].state, "ready");
  EXPECT_NE(after->replicas[0].pid, s->replicas[0].pid);
  EXPECT_EQ(after->replicas[1].restarts, 0);
  EXPECT_EQ(store_->ListReplicas("svc")->at(0).restarts, 1);
  ExpectInferWorks(*manager_, "svc");
}

TEST_F(ServiceManagerTest, AReplicaWhoseGpuIsDrainedRestartsOnTheSliceItWasMovedTo) {
  // A declared node with two inference GPUs; replicas booked through the broker.
  Json cluster = {{"nodes", {{{"name", "box"}, {"cpus", 4}, {"memory", "8Gi"},
                              {"gpus", {{{"model", "T4"}, {"memory", "16Gi"}, {"count", 2}}}}}}}};
  auto config = resources::ServerCluster(cluster, {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto scheduler = scheduler::Scheduler::Create(scheduler::ClusterState(config->nodes), {});
  ASSERT_TRUE(scheduler.ok());
  resources::ResourceBroker broker(std::move(scheduler).value(), RealClock());
  BrokerReplicaAllocator allocator(broker);
  manager_->StopAll();
  options_.allocator = &allocator;
  manager_ = NewManager();

  ServiceOptions o;
  o.resources = {{"gpu", {{"fraction", 0.5}}}};
  auto s = manager_->Deploy("svc", Ref("cancer"), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto gpu_of_r1 = [&]() -> int {
    const Json snap = broker.Snapshot();
    for (const Json& j : snap["jobs"]) {
      if (j.value("holder", "") == "service svc replica r1" && j["state"] == "running") return j["gpus"][0];
    }
    return -1;
  };
  const int first = gpu_of_r1();
  ASSERT_GE(first, 0);

  ASSERT_TRUE(broker.Drain("box/" + std::to_string(first), "admin").ok());
  ASSERT_TRUE(manager_->CheckReplicas().ok());  // stops r1: its slice moved
  auto after = manager_->Get("svc");
  for (int i = 0; i < 1000 && after.ok() && (after->replicas[0].restarts != 1 ||
                                             after->replicas[0].state != "ready"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(manager_->CheckReplicas().ok());
    after = manager_->Get("svc");
  }
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->replicas[0].restarts, 1);
  EXPECT_EQ(after->replicas[0].state, "ready");
  EXPECT_NE(after->replicas[0].pid, s->replicas[0].pid);
  EXPECT_EQ(gpu_of_r1(), 1 - first);  // on the other GPU, booked once
  EXPECT_EQ(broker.Snapshot()["jobs"].size(), 1u);
  ExpectInferWorks(*manager_, "svc");
  ASSERT_TRUE(manager_->Stop("svc").ok());
  EXPECT_TRUE(broker.Snapshot()["jobs"].empty());  // a stopped service gives its slices back
  manager_.reset();
}

TEST_F(ServiceManagerTest, RestoreAllAdoptsLiveReplicasAndRestartsDeadOnes) {
  auto live = Deploy("cancer", "live");
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  auto dead = Deploy("cancer", "dead", 2);
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  ProcessHandle dead_handle = HandleOf(dead->replicas[1]);
  ASSERT_TRUE(launcher_.Kill(dead_handle, SIGKILL).ok());
  WaitGone(dead_handle);

  // A "restarted server": a fresh manager over the same store.
  retired_.push_back(std::move(manager_));
  manager_ = NewManager();
  ASSERT_TRUE(manager_->RestoreAll().ok());

  auto l = manager_->Get("live");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->replicas.size(), 1u);
  EXPECT_EQ(l->replicas[0].pid, live->replicas[0].pid);
  EXPECT_EQ(l->replicas[0].restarts, 0);
  auto d = manager_->Get("dead");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->service.state, "ready");
  ASSERT_EQ(d->replicas.size(), 2u);
  EXPECT_EQ(d->replicas[0].pid, dead->replicas[0].pid);
  EXPECT_EQ(d->replicas[1].id, "r2");
  EXPECT_NE(d->replicas[1].pid, dead_handle.pid);
  EXPECT_EQ(d->replicas[1].restarts, 1);
  auto port_file = ReadFile(dir_ / "services/dead/r2/port");
  ASSERT_TRUE(port_file.ok());
  EXPECT_EQ(std::stoi(*port_file), d->replicas[1].port);
  ExpectInferWorks(*manager_, "live");
  ExpectInferWorks(*manager_, "dead");
}

TEST_F(ServiceManagerTest, CorruptModelFailsWithTheReplicasMessage) {
  auto art = artifacts_->PutBytes("this is not an xgboost model", "model", trained_->meta);
  ASSERT_TRUE(art.ok()) << art.status().ToString();
  RegisterModel("broken", art->digest);
  auto s = Deploy("broken", "broken-svc");
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

  // A failed update leaves a serving service as it was, on its old version.
  ASSERT_TRUE(Deploy("cancer:1", "svc", 2).ok());
  auto again = manager_->Update("svc", Ref("broken"), 0);
  EXPECT_FALSE(again.ok());
  auto svc = manager_->Get("svc");
  EXPECT_EQ(svc->service.state, "ready");
  EXPECT_EQ(svc->service.model_version, 1);
  EXPECT_EQ(svc->replicas.size(), 2u);
  EXPECT_EQ(store_->GetService("svc")->model_name, "cancer");
  EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "1");
  EXPECT_FALSE(manager_->Update("svc", Ref("broken"), 10).ok());
  EXPECT_TRUE(manager_->Get("svc")->spec.canary_model.empty());
  EXPECT_EQ(manager_->Get("svc")->replicas.size(), 2u);
}

TEST_F(ServiceManagerTest, DeployOntoAServingNameNeedsReplace) {
  ASSERT_TRUE(Deploy("cancer:1", "svc").ok());
  auto refused = Deploy("cancer:2", "svc");
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(refused.status().message(),
            "service svc exists (serving cancer:1); use 'tandem service update svc --model MODEL' "
            "to roll it to another model version, or deploy with --replace to change its options too");
  EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "1");

  ServiceOptions o;
  o.replace = true;
  o.strict_inputs = true;
  auto replaced = manager_->Deploy("svc", Ref("cancer:2"), o);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(replaced->service.model_version, 2);
  EXPECT_TRUE(store_->GetServiceSpec("svc")->strict_inputs);
  EXPECT_EQ(ExpectInferWorks(*manager_, "svc"), "2");
  // Each ready replica reports its counters.
  auto stats = manager_->ReplicaStats("svc");
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats.begin()->second["input_warnings"], 0);
  EXPECT_GE(stats.begin()->second["inference_count"].get<int>(), 1);
  // A stopped service's name is free again.
  ASSERT_TRUE(manager_->Stop("svc").ok());
  EXPECT_TRUE(Deploy("cancer:1", "svc").ok());
}

TEST_F(ServiceManagerTest, RefusesBadNamesOptionsAndMissingVersions) {
  EXPECT_EQ(Deploy("cancer", "Bad Name").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Deploy("cancer", "svc", 0).status().message(), "replicas: must be 1..64, got 0");
  ServiceOptions big_batch;
  big_batch.batch_max = 5000;
  EXPECT_EQ(manager_->Deploy("svc", Ref("cancer"), big_batch).status().message(),
            "batch.max: must be 0..4096, got 5000");
  ServiceOptions slow_batch;
  slow_batch.batch_delay_us = -1;
  EXPECT_EQ(manager_->Deploy("svc", Ref("cancer"), slow_batch).status().message(),
            "batch.delay_us: must be 0..10000000, got -1");
  auto missing = Deploy("cancer:9", "svc");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "model 'cancer' has no version 9");
  EXPECT_EQ(Deploy("ghost", "svc").status().message(), "model 'ghost' not found");
  EXPECT_EQ(Deploy("cancer@production", "svc").status().message(),
            "model 'cancer' has no alias 'production'");
  EXPECT_FALSE(store_->GetService("svc").ok());
  EXPECT_EQ(manager_->Update("svc", Ref("cancer"), 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(manager_->Update("svc", Ref("cancer"), 101).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->Rollback("svc").status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ServiceManagerTest, TimesOutAReplicaThatNeverGetsReady) {
  options_.replica_command = {"/bin/sh", "-c", "echo warming up forever; sleep 60", "sh"};
  options_.ready_timeout_ms = 500;
  manager_ = NewManager();
  auto s = Deploy("cancer", "slow");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("not ready within 500 ms: warming up forever"),
            std::string::npos)
      << s.status().message();
  EXPECT_EQ(store_->GetService("slow")->state, "failed");
}

}  // namespace
}  // namespace tandem::serving
