// The store's catalog side: migrations, versioned records, services, transactions.
#include <sqlite3.h>

#include "store/migrations.h"
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

// Counts rows of schema_migrations straight from SQLite, past the Store interface.
int CountMigrations(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM schema_migrations", -1, &q, nullptr);
  int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
  sqlite3_finalize(q);
  sqlite3_close(db);
  return n;
}

DatasetRecord Dataset(const std::string& name, const std::string& digest) {
  DatasetRecord d;
  d.name = name;
  d.artifact_digest = digest;
  d.schema = {{"columns", {"a", "b"}}, {"label", "b"}};
  d.rows = 150;
  d.source = name + ".csv";
  return d;
}

ModelVersionRecord ModelVersion(const std::string& name, const std::string& digest) {
  ModelVersionRecord v;
  v.model_name = name;
  v.artifact_digest = digest;
  v.format = "xgboost";
  return v;
}

TEST_F(StoreTest, MigrationsApplyOnceAndReopenAppliesNothing) {
  int builtin = static_cast<int>(BuiltinMigrations().size());
  ASSERT_GE(builtin, 1);
  EXPECT_EQ(BuiltinMigrations()[0].number, 1);
  EXPECT_EQ(CountMigrations(db_path()), builtin);
  Reopen();
  Reopen();
  EXPECT_EQ(CountMigrations(db_path()), builtin);
}

TEST_F(StoreTest, DatabaseIsInWalMode) {
  sqlite3* db = nullptr;
  sqlite3_open(db_path().c_str(), &db);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "wal");
  sqlite3_finalize(q);
  sqlite3_close(db);
}

TEST_F(StoreTest, RefusesADatabaseFromANewerBinary) {
  store_.reset();
  sqlite3* db = nullptr;
  sqlite3_open(db_path().c_str(), &db);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (9999, 'future.sql', 0)",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(db_path(), clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("9999"), std::string::npos);
}

TEST_F(StoreTest, DatasetVersionsCountUpAndLatestIsTheDefault) {
  auto v1 = store_->CreateDatasetVersion(Dataset("iris", "d1"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_FALSE(v1->id.empty());
  EXPECT_EQ(v1->created_ms, clock_.NowMs());
  clock_.Advance(1000);
  auto v2 = store_->CreateDatasetVersion(Dataset("iris", "d2"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  EXPECT_NE(v2->id, v1->id);

  auto latest = store_->GetDataset("iris");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->artifact_digest, "d2");
  EXPECT_EQ(latest->schema, Dataset("iris", "").schema);
  EXPECT_EQ(latest->rows, 150);
  EXPECT_EQ(latest->source, "iris.csv");
  EXPECT_EQ(latest->created_ms, clock_.NowMs());
  auto first = store_->GetDataset("iris", 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->artifact_digest, "d1");

  auto missing = store_->GetDataset("iris", 3);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("dataset 'iris' version 3"), std::string::npos);
  EXPECT_EQ(store_->GetDataset("wine").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ListDatasetsGivesTheLatestOfEachName) {
  ASSERT_TRUE(store_->CreateDatasetVersion(Dataset("wine", "w1")).ok());
  ASSERT_TRUE(store_->CreateDatasetVersion(Dataset("iris", "i1")).ok());
  ASSERT_TRUE(store_->CreateDatasetVersion(Dataset("iris", "i2")).ok());
  auto all = store_->ListDatasets();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "iris");
  EXPECT_EQ((*all)[0].version, 2);
  EXPECT_EQ((*all)[1].name, "wine");
  EXPECT_EQ((*all)[1].version, 1);
}

TEST_F(StoreTest, OperatorsPutReplaceAndLatest) {
  OperatorRecord op{"xgb_train", 1, "published", "builtin", {{"params", {{"type", "object"}}}},
                    "abc", 0};
  ASSERT_TRUE(store_->PutOperator(op).ok());
  op.version = 2;
  op.state = "draft";
  ASSERT_TRUE(store_->PutOperator(op).ok());
  op.state = "tested";  // replaces (name, version) 2
  ASSERT_TRUE(store_->PutOperator(op).ok());

  auto latest = store_->GetOperator("xgb_train");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->state, "tested");
  EXPECT_EQ(latest->manifest, op.manifest);
  EXPECT_EQ(latest->created_ms, clock_.NowMs());
  auto all = store_->ListOperators();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(store_->GetOperator("xgb_train", 7).status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, PipelineVersionChangesOnlyWithTheSpec) {
  PipelineRecord p;
  p.name = "train";
  p.spec = "nodes: []\n";
  auto v1 = store_->CreatePipelineVersion(p);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->digest.size(), 64u);  // filled in as sha256 of the spec
  auto again = store_->CreatePipelineVersion(p);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->id, v1->id);
  p.spec = "nodes: [a]\n";
  auto v2 = store_->CreatePipelineVersion(p);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(store_->GetPipeline("train")->spec, "nodes: [a]\n");
  EXPECT_EQ(store_->GetPipeline("train", 1)->spec, "nodes: []\n");
  EXPECT_EQ(store_->GetPipeline("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ModelVersionsCreateTheModelAndCountUp) {
  ModelVersionRecord v;
  v.model_name = "iris-xgb";
  v.artifact_digest = "m1";
  v.format = "xgboost";
  v.signature = {{"inputs", {{{"name", "x"}, {"datatype", "FP32"}}}}};
  v.metrics = {{"accuracy", 0.96}};
  v.lineage = {{"run_id", "run-1"}, {"dataset", {{"name", "iris"}, {"version", 2}}}};
  auto v1 = store_->CreateModelVersion(v);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  clock_.Advance(5);
  v.artifact_digest = "m2";
  auto v2 = store_->CreateModelVersion(v);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);

  auto latest = store_->GetModelVersion("iris-xgb");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->artifact_digest, "m2");
  EXPECT_EQ(latest->signature, v.signature);
  EXPECT_EQ(latest->metrics, v.metrics);
  EXPECT_EQ(latest->lineage, v.lineage);
  EXPECT_EQ(store_->GetModelVersion("iris-xgb", 1)->artifact_digest, "m1");
  auto missing = store_->GetModelVersion("iris-xgb", 9);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("model 'iris-xgb' version 9"), std::string::npos);

  auto models = store_->ListModels();
  ASSERT_TRUE(models.ok());
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ((*models)[0].name, "iris-xgb");
  EXPECT_EQ((*models)[0].latest_version, 2);
  EXPECT_EQ((*models)[0].version_count, 2);
  EXPECT_EQ((*models)[0].created_ms, v1->created_ms);
  auto versions = store_->ListModelVersions("iris-xgb");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_TRUE(store_->ListModelVersions("other")->empty());
}

TEST_F(StoreTest, ServicesPutReplaceDelete) {
  ServiceRecord s;
  s.name = "iris";
  s.model_name = "iris-xgb";
  s.model_version = 1;
  s.state = "starting";
  s.host = "127.0.0.1";
  s.port = 9001;
  s.pid = 1234;
  s.start_ticks = 1ull << 40;
  ASSERT_TRUE(store_->PutService(s).ok());
  auto got = store_->GetService("iris");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->start_ticks, 1ull << 40);
  EXPECT_EQ(got->port, 9001);
  EXPECT_EQ(got->created_ms, clock_.NowMs());

  TimeMs created = got->created_ms;
  clock_.Advance(100);
  s.state = "ready";
  s.model_version = 2;
  s.updated_ms = clock_.NowMs();
  ASSERT_TRUE(store_->PutService(s).ok());
  got = store_->GetService("iris");
  EXPECT_EQ(got->state, "ready");
  EXPECT_EQ(got->model_version, 2);
  EXPECT_EQ(got->created_ms, created);
  EXPECT_EQ(got->updated_ms, clock_.NowMs());
  EXPECT_EQ(store_->ListServices()->size(), 1u);

  ASSERT_TRUE(store_->DeleteService("iris").ok());
  EXPECT_EQ(store_->GetService("iris").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteService("iris").code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListServices()->empty());
}

TEST_F(StoreTest, FailedTransactionLeavesNothing) {
  Status st = store_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_->CreateDatasetVersion(Dataset("iris", "d1")).status());
    RETURN_IF_ERROR(store_->CreateModelVersion(ModelVersion("m", "x")).status());
    return Internal("changed my mind");
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(store_->GetDataset("iris").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListModels()->empty());
  // The connection is usable again, and versions restart at 1.
  EXPECT_EQ(store_->CreateDatasetVersion(Dataset("iris", "d1"))->version, 1);
}

TEST_F(StoreTest, NestedTransactionsCommitOnlyAtTheOutermost) {
  Status st = store_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_->CreateDatasetVersion(Dataset("a", "1")).status());
    // An inner failure rolls back only the inner part when the outer carries on.
    Status inner = store_->Transaction([&]() -> Status {
      RETURN_IF_ERROR(store_->CreateDatasetVersion(Dataset("b", "1")).status());
      return InvalidArgument("inner fails");
    });
    EXPECT_EQ(inner.code(), StatusCode::kInvalidArgument);
    return store_->Transaction([&]() -> Status {
      return store_->CreateDatasetVersion(Dataset("c", "1")).status();
    });
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(store_->GetDataset("a").ok());
  EXPECT_FALSE(store_->GetDataset("b").ok());
  EXPECT_TRUE(store_->GetDataset("c").ok());

  // An outer failure undoes inner work that had succeeded.
  st = store_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_->Transaction([&]() -> Status {
      return store_->CreateDatasetVersion(Dataset("d", "1")).status();
    }));
    return Internal("outer fails");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(store_->GetDataset("d").ok());
}

TEST_F(StoreTest, ThrowingCallbackRollsBackAndReportsAnError) {
  Status st = store_->Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_->CreateDatasetVersion(Dataset("a", "1")).status());
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("boom"), std::string::npos);
  EXPECT_FALSE(store_->GetDataset("a").ok());
}

TEST_F(StoreTest, DataSurvivesReopen) {
  ASSERT_TRUE(store_->CreateDatasetVersion(Dataset("iris", "d1")).ok());
  ASSERT_TRUE(store_->CreateModelVersion(ModelVersion("m", "x")).ok());
  Reopen();
  EXPECT_EQ(store_->GetDataset("iris")->artifact_digest, "d1");
  EXPECT_EQ(store_->CreateModelVersion(ModelVersion("m", "y"))->version, 2);
}

TEST_F(StoreTest, ValuesAreBoundNotSpliced) {
  std::string evil = "x'); DROP TABLE datasets; --";
  ASSERT_TRUE(store_->CreateDatasetVersion(Dataset(evil, "d")).ok());
  EXPECT_EQ(store_->GetDataset(evil)->name, evil);
  EXPECT_EQ(store_->ListDatasets()->size(), 1u);
}

TEST(StateTest, TerminalStates) {
  for (const char* s : {"succeeded", "failed", "cancelled", "cached", "skipped"}) {
    EXPECT_TRUE(state::IsTerminal(s)) << s;
  }
  for (const char* s : {"pending", "queued", "running", ""}) {
    EXPECT_FALSE(state::IsTerminal(s)) << s;
  }
}

}  // namespace
}  // namespace tandem::store
