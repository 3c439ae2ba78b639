// Garbage collection: references of every kind keep their artifacts; only old,
// unreferenced ones (and crash leftovers) go; retention spares runs something refers to.
#include "store/gc.h"

#include <thread>

#include <chrono>

#include "core/fs.h"
#include "store/gc_daily.h"
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

class GcTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // Files carry real modification times: the fake clock must run near them.
    real_now_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    clock_.Set(real_now_);
    artifacts_ = std::make_unique<ArtifactStore>(dir_, *store_);
  }
  std::string Put(const std::string& content, const Json& meta = Json::object()) {
    auto a = artifacts_->PutBytes(content, "file", meta);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? a->digest : "";
  }
  bool Exists(const std::string& digest) { return artifacts_->PathOf(digest).ok() && store_->GetArtifact(digest).ok(); }
  void AddRun(const std::string& id, TimeMs finished_ms, Json outputs) {
    RunRecord run;
    run.id = id;
    run.pipeline_name = "p";
    run.state = state::kSucceeded;
    run.finished_ms = finished_ms;
    TaskRecord task;
    task.id = id + "-t";
    task.run_id = id;
    task.node = "n";
    task.state = state::kSucceeded;
    task.outputs = std::move(outputs);
    ASSERT_TRUE(store_->CreateRun(run, {task}).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_ / "runs" / id / "n" / "attempt-1" / "stdout.log", "log").ok());
  }

  TimeMs real_now_ = 0;
  std::unique_ptr<ArtifactStore> artifacts_;
};

TEST_F(GcTest, NothingReferencedIsRemovedAndUnreferencedFilesAre) {
  const std::string dataset = Put("dataset table");
  const std::string output = Put("task output");
  const std::string named_in_meta = Put("a file a task output's meta names");
  const std::string input = Put("task input");
  const std::string companion = Put("a file the model artifact's meta names");
  const std::string model = Put("model bytes", {{"companion", companion}});
  const std::string code = Put("operator archive");
  const std::string garbage = Put("nobody's");

  DatasetRecord d;
  d.name = "iris";
  d.artifact_digest = dataset;
  ASSERT_TRUE(store_->CreateDatasetVersion(d).ok());
  AddRun("r1", real_now_, {{"table", {{"digest", output}, {"type", "table"}, {"meta", {{"stats", named_in_meta}}}}}});
  TaskRecord t = *store_->GetTask("r1-t");
  t.inputs = {{"table", {{"digest", input}, {"from", "a.table"}}}};
  ASSERT_TRUE(store_->UpdateTask(t).ok());
  ModelVersionRecord v;
  v.model_name = "m";
  v.artifact_digest = model;
  v.format = "xgboost";
  ASSERT_TRUE(store_->CreateModelVersion(v).ok());
  ServiceRecord svc;
  svc.name = "web";
  svc.model_name = "m";
  svc.model_version = 1;
  svc.state = "ready";
  ServiceSpecRecord spec;
  spec.name = "web";
  ASSERT_TRUE(store_->PutServiceState(svc, spec, {}).ok());
  OperatorRecord op;
  op.name = "my-op";
  op.version = 1;
  op.state = "published";
  op.runtime = "python";
  op.digest = code;
  ASSERT_TRUE(store_->PutOperator(op).ok());

  // Leftovers of a crash: a content file with no row, a temp file.
  const std::string stray(64, 'c');
  ASSERT_TRUE(WriteFileAtomic(dir_ / "artifacts" / "sha256" / "cc" / stray, "stray").ok());
  ASSERT_TRUE(WriteFileAtomic(dir_ / "artifacts" / "tmp-abc123", "half").ok());

  // Two hours on: something written now is in flight and must stay.
  clock_.Advance(2 * kHourMs);
  const std::string in_flight = Put("an import not recorded yet");

  auto report = CollectGarbage(*store_, *artifacts_, dir_, clock_, GcOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const auto& kept : {dataset, output, named_in_meta, input, companion, model, code, in_flight}) {
    EXPECT_TRUE(Exists(kept)) << kept;
  }
  EXPECT_FALSE(Exists(garbage));
  EXPECT_FALSE(fs::exists(dir_ / "artifacts" / "sha256" / garbage.substr(0, 2) / garbage));
  EXPECT_EQ(report->artifacts_removed, 1);
  EXPECT_EQ(report->bytes_freed, 8);
  EXPECT_EQ(report->stray_files, 2);
  EXPECT_FALSE(fs::exists(dir_ / "artifacts" / "sha256" / "cc" / stray));
  EXPECT_FALSE(fs::exists(dir_ / "artifacts" / "tmp-abc123"));

  // Storing garbage's content again makes it new: a sweep right after keeps it.
  const std::string again = Put("nobody's");
  EXPECT_EQ(again, garbage);
  ASSERT_TRUE(CollectGarbage(*store_, *artifacts_, dir_, clock_, GcOptions{}).ok());
  EXPECT_TRUE(Exists(again));

  // Once its references go, an artifact goes on the next sweep.
  ASSERT_TRUE(store_->DeleteRun("r1").ok());
  clock_.Advance(2 * kHourMs);
  ASSERT_TRUE(CollectGarbage(*store_, *artifacts_, dir_, clock_, GcOptions{}).ok());
  EXPECT_FALSE(Exists(output));
  EXPECT_FALSE(Exists(named_in_meta));
  EXPECT_TRUE(Exists(model));
  EXPECT_TRUE(Exists(companion));
}

TEST_F(GcTest, RetentionDeletesOldRunsExceptThoseSomethingRefersTo) {
  const std::string model = Put("model bytes");
  const std::string table = Put("dataset table");
  const std::string old_output = Put("an old run's output");
  const TimeMs long_ago = real_now_ - 40 * kDayMs;
  AddRun("old-plain", long_ago, {{"table", {{"digest", old_output}}}});
  AddRun("old-model-output", long_ago, {{"model", {{"digest", model}}}});
  AddRun("old-lineage", long_ago, Json::object());
  AddRun("old-dataset-output", long_ago, {{"table", {{"digest", table}}}});
  AddRun("recent", real_now_ - 2 * kDayMs, Json::object());
  ModelVersionRecord v;
  v.model_name = "m";
  v.artifact_digest = model;
  v.format = "xgboost";
  v.lineage = {{"run_id", "old-lineage"}};
  ASSERT_TRUE(store_->CreateModelVersion(v).ok());
  DatasetRecord d;
  d.name = "made-by-a-run";
  d.artifact_digest = table;
  ASSERT_TRUE(store_->CreateDatasetVersion(d).ok());
  clock_.Advance(2 * kHourMs);

  GcOptions dry;
  dry.keep_runs_days = 30;
  dry.dry_run = true;
  auto preview = CollectGarbage(*store_, *artifacts_, dir_, clock_, dry);
  ASSERT_TRUE(preview.ok()) << preview.status().ToString();
  EXPECT_EQ(preview->runs_deleted, std::vector<std::string>{"old-plain"});
  EXPECT_TRUE(store_->GetRun("old-plain").ok());
  EXPECT_TRUE(Exists(old_output));

  GcOptions options;
  options.keep_runs_days = 30;
  auto report = CollectGarbage(*store_, *artifacts_, dir_, clock_, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->runs_deleted, std::vector<std::string>{"old-plain"});
  EXPECT_EQ(report->runs_kept.size(), 3u);
  EXPECT_EQ(store_->GetRun("old-plain").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "old-plain"));
  EXPECT_FALSE(Exists(old_output));  // its only reference went with the run
  for (const char* kept : {"old-model-output", "old-lineage", "old-dataset-output", "recent"}) {
    EXPECT_TRUE(store_->GetRun(kept).ok()) << kept;
    EXPECT_TRUE(fs::exists(dir_ / "runs" / kept)) << kept;
  }
  EXPECT_TRUE(Exists(model));
  EXPECT_TRUE(Exists(table));
}

TEST_F(GcTest, PeriodicGcRunsRetentionOnItsOwn) {
  AddRun("old", real_now_ - 40 * kDayMs, Json::object());
  GcOptions options;
  options.keep_runs_days = 30;
  PeriodicGc daily(*store_, *artifacts_, dir_, clock_, options);
  daily.Start(10);
  for (int i = 0; i < 500 && daily.passes() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  daily.Stop();
  EXPECT_GE(daily.passes(), 1);
  EXPECT_EQ(store_->GetRun("old").status().code(), StatusCode::kNotFound);
}

TEST_F(GcTest, LinkFileKeepsOneCopyOnDisk) {
  const fs::path out = dir_ / "runs" / "r" / "n" / "attempt-1" / "out" / "table" / "table.ttb";
  ASSERT_TRUE(WriteFileAtomic(out, "table bytes").ok());
  auto a = artifacts_->LinkFile(out, "table");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto stored = artifacts_->PathOf(a->digest);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(fs::equivalent(out, *stored));  // one inode, two names
  EXPECT_EQ(fs::hard_link_count(*stored), 2u);
  EXPECT_EQ(*ReadFile(*stored), "table bytes");

  // The same content from another task: its file becomes a third name of the one copy.
  const fs::path twin = dir_ / "runs" / "r2" / "n" / "attempt-1" / "out" / "table" / "table.ttb";
  ASSERT_TRUE(WriteFileAtomic(twin, "table bytes").ok());
  auto b = artifacts_->LinkFile(twin, "table");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->digest, a->digest);
  EXPECT_TRUE(fs::equivalent(twin, *stored));
  EXPECT_EQ(fs::hard_link_count(*stored), 3u);
  // Linking again (a collect repeated after a crash) finds the same name.
  EXPECT_EQ(artifacts_->LinkFile(out, "table")->digest, a->digest);
}

TEST_F(GcTest, VerifyOnlyReportsChangedArtifactsAndQuarantinesOnRequest) {
  const std::string kept = Put("as stored");
  const std::string changed = Put("model bytes");
  const fs::path path = *artifacts_->PathOf(changed);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_TRUE(WriteFileAtomic(path, "other bytes").ok());
  GcOptions o;
  o.verify = true;
  o.grace_minutes = 0;  // a sweep now would remove both: verify must not sweep
  auto report = CollectGarbage(*store_, *artifacts_, dir_, clock_, o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->mismatched.size(), 1u);
  EXPECT_EQ(report->mismatched[0].digest, changed);
  EXPECT_EQ(report->artifacts_removed, 0);
  EXPECT_TRUE(Exists(kept));
  EXPECT_TRUE(Exists(changed));
  o.quarantine = true;
  report = CollectGarbage(*store_, *artifacts_, dir_, clock_, o);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->mismatched.size(), 1u);
  EXPECT_FALSE(report->mismatched[0].moved_to.empty());
  EXPECT_FALSE(artifacts_->PathOf(changed).ok());
  EXPECT_TRUE(Exists(kept));
}

}  // namespace
}  // namespace tandem::store
