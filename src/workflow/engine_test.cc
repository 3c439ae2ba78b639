#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/fs.h"
#include "operators/task_contract.h"
#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

namespace st = store::state;

TEST_F(EngineTest, RunsTheDagInDependencyOrderAndRecordsOutputs) {
  AddDataset("breast_cancer");
  store::RunRecord run = SubmitOk(kCancerYaml);
  EXPECT_EQ(run.state, "pending");
  EXPECT_EQ(run.pipeline_name, "cancer-gbdt");
  EXPECT_EQ(run.pipeline_version, 1);
  ASSERT_EQ(store_->ListTasks(run.id)->size(), 5u);

  store::RunRecord done = TickUntilDone(*engine_, run.id);
  EXPECT_EQ(done.state, "succeeded") << done.error;
  EXPECT_GT(done.started_ms, 0);
  EXPECT_GE(done.finished_ms, done.started_ms);
  auto started = launcher_.StartedNodes();
  EXPECT_EQ(started, (std::vector<std::string>{"load", "split", "train", "evaluate", "register"}));

  // Task dir layout and process contract.
  store::TaskRecord split = TaskOf(run.id, "split");
  EXPECT_EQ(split.state, "succeeded");
  EXPECT_EQ(split.attempt, 1);
  EXPECT_EQ(split.task_dir, "runs/" + run.id + "/split/attempt-1");
  fs::path split_dir = dir_ / split.task_dir;
  EXPECT_TRUE(fs::exists(split_dir / "task.json"));
  EXPECT_TRUE(fs::exists(split_dir / "outputs.json"));
  EXPECT_TRUE(fs::is_directory(split_dir / "out" / "train"));
  EXPECT_TRUE(fs::is_directory(split_dir / "out" / "test"));
  const FakeProcess& p = launcher_.processes()[1];
  EXPECT_EQ(p.spec.argv, (std::vector<std::string>{"/opt/tandem/bin/tandem", "task-exec",
                                                   split_dir.string()}));
  EXPECT_EQ(p.spec.cwd, split_dir.string());
  EXPECT_EQ(p.spec.env.at("TANDEM_TASK_DIR"), split_dir.string());
  EXPECT_EQ(p.spec.stdout_path, (split_dir / "stdout.log").string());
  EXPECT_EQ(p.spec.stderr_path, (split_dir / "stderr.log").string());
  EXPECT_EQ(split.pid, p.handle.pid);
  EXPECT_EQ(split.start_ticks, 777u);

  // Inputs are the producers' artifacts; the dataset comes resolved with its meta.
  store::TaskRecord load = TaskOf(run.id, "load");
  const std::string table_digest = load.outputs["table"]["digest"];
  EXPECT_EQ(load.outputs["table"]["type"], "table");
  EXPECT_EQ(load.outputs["table"]["meta"]["producer"], "load");
  EXPECT_EQ(p.task.inputs.at("table").digest, table_digest);
  EXPECT_EQ(p.task.inputs.at("table").path, artifacts_->PathOf(table_digest)->string());
  EXPECT_EQ(p.task.params["seed"], 7);
  EXPECT_EQ(split.inputs["table"]["from"], "load.table");
  const FakeProcess& lp = launcher_.processes()[0];
  ASSERT_TRUE(lp.task.inputs.count("dataset"));
  EXPECT_EQ(lp.task.inputs.at("dataset").type, "table");
  EXPECT_EQ(lp.task.inputs.at("dataset").meta["dataset"]["name"], "breast_cancer");
  EXPECT_EQ(lp.task.inputs.at("dataset").meta["schema"]["label"], "y");
  EXPECT_EQ(ReadFile(lp.task.inputs.at("dataset").path).value(), "x,y\n1,0\n2,1\n");

  store::TaskRecord evaluate = TaskOf(run.id, "evaluate");
  EXPECT_EQ(evaluate.outputs["_metrics"]["accuracy"], 0.97);
  EXPECT_EQ(evaluate.progress, 1);
}

TEST_F(EngineTest, RegisterCreatesAModelVersionWithLineage) {
  AddDataset("breast_cancer");
  store::RunRecord run = SubmitOk(kCancerYaml);
  ASSERT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  auto v = store_->GetModelVersion("cancer", 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->version, 1);
  EXPECT_EQ(v->format, "xgboost");
  EXPECT_EQ(v->signature["inputs"][0]["name"], "x");
  EXPECT_EQ(v->metrics["accuracy"], 0.97);
  store::TaskRecord train = TaskOf(run.id, "train");
  EXPECT_EQ(v->artifact_digest, train.outputs["model"]["digest"]);
  store::TaskRecord reg = TaskOf(run.id, "register");
  EXPECT_EQ(v->lineage["run_id"], run.id);
  EXPECT_EQ(v->lineage["pipeline"], "cancer-gbdt");
  EXPECT_EQ(v->lineage["pipeline_version"], 1);
  EXPECT_EQ(v->lineage["task_id"], reg.id);
  EXPECT_EQ(v->lineage["node"], "register");
  EXPECT_EQ(v->lineage["dataset"], (Json{{"name", "breast_cancer"}, {"version", 1}}));
  EXPECT_EQ(reg.outputs["_registered"], (Json{{"model", "cancer"}, {"version", 1}}));
}

// Forwards to a real store, failing UpdateTask when it would mark `fail_node` succeeded.
class FailingStore : public store::Store {
 public:
  FailingStore(store::Store& s, std::string fail_node) : s_(s), fail_node_(std::move(fail_node)) {}
  Status Transaction(const std::function<Status()>& fn) override { return s_.Transaction(fn); }
  Status PutArtifact(const store::ArtifactRecord& a) override { return s_.PutArtifact(a); }
  Result<store::ArtifactRecord> GetArtifact(const std::string& d) override { return s_.GetArtifact(d); }
  Result<store::DatasetRecord> CreateDatasetVersion(store::DatasetRecord d) override { return s_.CreateDatasetVersion(d); }
  Result<store::DatasetRecord> GetDataset(const std::string& n, int v) override { return s_.GetDataset(n, v); }
  Result<std::vector<store::DatasetRecord>> ListDatasets() override { return s_.ListDatasets(); }
  Status PutOperator(const store::OperatorRecord& o) override { return s_.PutOperator(o); }
  Result<store::OperatorRecord> GetOperator(const std::string& n, int v) override { return s_.GetOperator(n, v); }
  Result<std::vector<store::OperatorRecord>> ListOperators() override { return s_.ListOperators(); }
  Result<store::PipelineRecord> CreatePipelineVersion(store::PipelineRecord p) override { return s_.CreatePipelineVersion(p); }
  Result<store::PipelineRecord> GetPipeline(const std::string& n, int v) override { return s_.GetPipeline(n, v); }
  Status CreateRun(const store::RunRecord& r, const std::vector<store::TaskRecord>& t) override { return s_.CreateRun(r, t); }
  Status UpdateRun(const store::RunRecord& r) override { return s_.UpdateRun(r); }
  Result<store::RunRecord> GetRun(const std::string& id) override { return s_.GetRun(id); }
  Result<std::vector<store::RunRecord>> ListRuns(const store::RunFilter& f) override { return s_.ListRuns(f); }
  Result<std::vector<store::RunRecord>> ListUnfinishedRuns() override { return s_.ListUnfinishedRuns(); }
  Status UpdateTask(const store::TaskRecord& t) override {
    if (t.node == fail_node_ && t.state == "succeeded") return IoError("disk on fire");
    return s_.UpdateTask(t);
  }
  Result<store::TaskRecord> GetTask(const std::string& id) override { return s_.GetTask(id); }
  Result<std::vector<store::TaskRecord>> ListTasks(const std::string& id) override { return s_.ListTasks(id); }
  Result<std::optional<store::TaskRecord>> FindCachedTask(const std::string& key) override {
    return s_.FindCachedTask(key);
  }
  Result<store::ModelVersionRecord> CreateModelVersion(store::ModelVersionRecord v) override { return s_.CreateModelVersion(v); }
  Result<store::ModelVersionRecord> GetModelVersion(const std::string& n, int v) override { return s_.GetModelVersion(n, v); }
  Result<std::vector<store::ModelSummary>> ListModels() override { return s_.ListModels(); }
  Result<std::vector<store::ModelVersionRecord>> ListModelVersions(const std::string& n) override { return s_.ListModelVersions(n); }
  Status PutService(const store::ServiceRecord& s) override { return s_.PutService(s); }
  Result<store::ServiceRecord> GetService(const std::string& n) override { return s_.GetService(n); }
  Result<std::vector<store::ServiceRecord>> ListServices() override { return s_.ListServices(); }
  Status DeleteService(const std::string& n) override { return s_.DeleteService(n); }
  Status SetRunOrigin(const std::string& id, const store::RunOrigin& o) override { return s_.SetRunOrigin(id, o); }
  Result<store::RunOrigin> GetRunOrigin(const std::string& id) override { return s_.GetRunOrigin(id); }
  Status SetTaskNotBefore(const std::string& id, TimeMs t) override { return s_.SetTaskNotBefore(id, t); }
  Result<std::map<std::string, TimeMs>> ListTaskNotBefore(const std::string& id) override {
    return s_.ListTaskNotBefore(id);
  }

 private:
  store::Store& s_;
  std::string fail_node_;
};

TEST_F(EngineTest, RegistrationRollsBackWhenTheTaskCannotBeMarkedSucceeded) {
  AddDataset("breast_cancer");
  FailingStore failing(*store_, "register");
  Engine engine(options_, failing, *artifacts_, catalog_, launcher_, clock_);
  auto run = engine.Submit(kCancerYaml);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  store::RunRecord done = TickUntilDone(engine, run->id);
  EXPECT_EQ(done.state, "failed");
  EXPECT_NE(done.error.find("node register failed: recording the outputs: disk on fire"),
            std::string::npos) << done.error;
  // The model version was created inside the transaction that failed: it is gone too.
  EXPECT_TRUE(store_->ListModels()->empty());
  EXPECT_FALSE(store_->GetModelVersion("cancer", 0).ok());
}

TEST_F(EngineTest, NeverRunsMoreThanMaxParallel) {
  std::string yaml = "name: wide\nnodes:\n  g: {operator: gen}\n";
  for (int i = 0; i < 8; ++i) yaml += "  p" + std::to_string(i) + ": {operator: pass, inputs: {in: g.out}}\n";
  for (int i = 0; i < 8; ++i) launcher_.by_node[Numbered("p", i)].hold = true;
  store::RunRecord run = SubmitOk(yaml);
  for (int i = 0; i < 5; ++i) engine_->Tick();
  EXPECT_EQ(launcher_.running(), 2);
  EXPECT_EQ(engine_->RunningCount(), 2);
  EXPECT_EQ(store_->GetRun(run.id)->state, "running");
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < 8; ++i) launcher_.Finish(Numbered("p", i));
    engine_->Tick();
    EXPECT_LE(launcher_.running(), 2);
  }
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  EXPECT_EQ(launcher_.max_running(), 2);
  EXPECT_EQ(launcher_.processes().size(), 9u);
}

TEST_F(EngineTest, FailureCancelsDownstreamAndKeepsFinishedWork) {
  AddDataset("breast_cancer");
  launcher_.by_node["train"].exit_code = 1;
  launcher_.by_node["train"].stderr_text = "loading\nxgboost: bad objective\n\n";
  std::string yaml = std::string(kCancerYaml) +
                     "  side:     {operator: pass, inputs: {in: split.test}}\n";
  store::RunRecord run = SubmitOk(yaml);
  store::RunRecord done = TickUntilDone(*engine_, run.id);
  EXPECT_EQ(done.state, "failed");
  EXPECT_EQ(done.error, "node train failed: exit code 1: xgboost: bad objective");
  EXPECT_EQ(TaskOf(run.id, "load").state, "succeeded");
  EXPECT_EQ(TaskOf(run.id, "split").state, "succeeded");
  EXPECT_EQ(TaskOf(run.id, "side").state, "succeeded");
  store::TaskRecord train = TaskOf(run.id, "train");
  EXPECT_EQ(train.state, "failed");
  EXPECT_EQ(train.exit_code, 1);
  EXPECT_EQ(train.error, "exit code 1: xgboost: bad objective");
  EXPECT_EQ(TaskOf(run.id, "evaluate").state, "cancelled");
  EXPECT_EQ(TaskOf(run.id, "register").state, "cancelled");
  auto started = launcher_.StartedNodes();
  EXPECT_EQ(std::count(started.begin(), started.end(), "evaluate"), 0);
  EXPECT_TRUE(store_->ListModels()->empty());
}

TEST_F(EngineTest, ProgressLinesAreRecorded) {
  launcher_.by_node["g"].hold = true;
  launcher_.by_node["g"].stdout_text = "starting\nprogress 0.25 reading\n";
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen}\n");
  engine_->Tick();
  engine_->Tick();
  store::TaskRecord g = TaskOf(run.id, "g");
  EXPECT_EQ(g.state, "running");
  EXPECT_DOUBLE_EQ(g.progress, 0.25);
  EXPECT_EQ(g.message, "reading");
  launcher_.AppendStdout("g", "progress 0.5 training round");  // no newline yet
  engine_->Tick();
  EXPECT_DOUBLE_EQ(TaskOf(run.id, "g").progress, 0.25);
  launcher_.AppendStdout("g", " 50\nprogress 2 ignored\nnoise\n");
  engine_->Tick();
  g = TaskOf(run.id, "g");
  EXPECT_DOUBLE_EQ(g.progress, 0.5);
  EXPECT_EQ(g.message, "training round 50");
  launcher_.Finish("g");
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
}

TEST_F(EngineTest, AnOutputFileEscapingItsPortDirFailsTheTask) {
  launcher_.by_node["g"].claim_file["out"] = "../../task.json";
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen}\n");
  store::RunRecord done = TickUntilDone(*engine_, run.id);
  EXPECT_EQ(done.state, "failed");
  store::TaskRecord g = TaskOf(run.id, "g");
  EXPECT_NE(g.error.find("outputs.json: outputs.out.file"), std::string::npos) << g.error;
  EXPECT_NE(g.error.find("escapes its folder"), std::string::npos) << g.error;
}

TEST_F(EngineTest, AMissingRequiredOutputFailsTheTask) {
  launcher_.by_node["g"].skip_ports = {"out"};
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen}\n");
  EXPECT_EQ(TickUntilDone(*engine_, run.id).error,
            "node g failed: outputs.json: outputs.out: required output is missing");
}

TEST_F(EngineTest, ExitZeroWithoutOutputsJsonFailsTheTask) {
  launcher_.by_node["g"].write_outputs = false;
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen}\n");
  EXPECT_EQ(TickUntilDone(*engine_, run.id).error,
            "node g failed: the operator wrote no outputs.json");
}

TEST_F(EngineTest, CancelKillsRunningTasksAndCancelsTheRest) {
  std::string yaml = "name: wide\nnodes:\n  g: {operator: gen}\n";
  for (int i = 0; i < 4; ++i) {
    yaml += "  p" + std::to_string(i) + ": {operator: pass, inputs: {in: g.out}}\n";
    launcher_.by_node[Numbered("p", i)].hold = true;
  }
  launcher_.by_node["p0"].ignore_sigterm = true;
  store::RunRecord run = SubmitOk(yaml);
  for (int i = 0; i < 3; ++i) engine_->Tick();
  ASSERT_EQ(launcher_.running(), 2);
  int pid0 = launcher_.Latest("p0")->handle.pid;
  int pid1 = launcher_.Latest("p1")->handle.pid;

  ASSERT_TRUE(engine_->Cancel(run.id).ok());
  EXPECT_EQ(launcher_.kills(), (std::vector<std::pair<int, int>>{{pid0, SIGTERM}, {pid1, SIGTERM}}));
  store::RunRecord r = *store_->GetRun(run.id);
  EXPECT_EQ(r.state, "cancelled");
  EXPECT_EQ(TaskOf(run.id, "g").state, "succeeded");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(TaskOf(run.id, Numbered("p", i)).state, "cancelled");

  // p1 ended on SIGTERM; p0 ignores it and gets SIGKILL after the grace period.
  engine_->Tick();
  EXPECT_EQ(engine_->RunningCount(), 1);
  EXPECT_EQ(launcher_.kills().size(), 2u);
  clock_.Advance(options_.kill_grace_ms);
  engine_->Tick();
  EXPECT_EQ(launcher_.kills().back(), (std::pair<int, int>{pid0, SIGKILL}));
  engine_->Tick();
  EXPECT_EQ(engine_->RunningCount(), 0);
  EXPECT_EQ(launcher_.processes().size(), 3u);  // nothing new started
  for (int i = 0; i < 3; ++i) engine_->Tick();
  EXPECT_EQ(store_->GetRun(run.id)->state, "cancelled");
  EXPECT_EQ(engine_->Cancel(run.id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Cancel("run-nope").code(), StatusCode::kNotFound);
}

// The largest pipeline the limits allow (pipeline_spec.h) submits quickly, ticks without
// starving the engine and cancels completely: the budget is generous for a loaded CI
// machine; on a dev machine the submit takes well under a second.
TEST_F(EngineTest, ATwoThousandNodePipelineSubmitsTicksAndCancelsQuickly) {
  std::string yaml = "name: big\nnodes:\n  g: {operator: gen}\n";
  for (int i = 1; i < 2000; ++i) {
    // Half a chain, half a fan: both deep and wide.
    std::string from = i < 1000 ? (i == 1 ? "g" : Numbered("n", i - 1)) : Numbered("n", i % 1000 + 1);
    yaml += "  " + Numbered("n", i) + ": {operator: pass, inputs: {in: " + from + ".out}}\n";
  }
  launcher_.by_node["g"].hold = true;
  auto started = std::chrono::steady_clock::now();
  store::RunRecord run = SubmitOk(yaml);
  auto submitted = std::chrono::steady_clock::now();
  Ticks(3);
  auto ticked = std::chrono::steady_clock::now();
  ASSERT_TRUE(engine_->Cancel(run.id).ok());
  auto cancelled = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
  };
  std::printf("2000 nodes: submit %lld ms, 3 ticks %lld ms, cancel %lld ms\n",
              static_cast<long long>(ms(started, submitted)),
              static_cast<long long>(ms(submitted, ticked)),
              static_cast<long long>(ms(ticked, cancelled)));
  EXPECT_LT(ms(started, submitted), 5000);
  EXPECT_LT(ms(submitted, ticked), 5000);
  EXPECT_LT(ms(ticked, cancelled), 5000);
  EXPECT_EQ(store_->GetRun(run.id)->state, "cancelled");
  auto tasks = store_->ListTasks(run.id);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2000u);
  for (const auto& t : *tasks) EXPECT_EQ(t.state, "cancelled") << t.node;
  EXPECT_EQ(launcher_.kills().size(), 1u);  // g, the one that ran
}

TEST_F(EngineTest, SubmitRefusesBadPipelinesAndRecordsNothing) {
  auto bad = engine_->Submit("name: x\nnodes:\n  t: {operator: xgboost-trian}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "nodes.t.operator: unknown operator 'xgboost-trian'");

  auto unknown_ds = engine_->Submit(kCancerYaml);
  ASSERT_FALSE(unknown_ds.ok());
  EXPECT_EQ(unknown_ds.status().message(), "nodes.load.params.dataset: unknown dataset 'breast_cancer'");

  AddDataset("breast_cancer");
  const std::string yaml = kCancerYaml;
  const size_t at = yaml.find("breast_cancer}");
  const std::string pinned =
      yaml.substr(0, at) + "breast_cancer, dataset_version: 2}" + yaml.substr(at + 14);
  auto bad_version = engine_->Submit(pinned);
  ASSERT_FALSE(bad_version.ok());
  EXPECT_EQ(bad_version.status().message(),
            "nodes.load.params.dataset: unknown dataset 'breast_cancer' version 2");
  EXPECT_TRUE(store_->ListRuns({})->empty());
}

TEST_F(EngineTest, SubmitPinsTheDatasetVersion) {
  AddDataset("breast_cancer");
  store::RunRecord run = SubmitOk(kCancerYaml);
  AddDataset("breast_cancer");  // version 2 arrives before the run starts
  ASSERT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  EXPECT_EQ(TaskOf(run.id, "load").inputs["dataset"]["dataset"]["version"], 1);
  EXPECT_EQ(launcher_.processes()[0].task.inputs.at("dataset").meta["dataset"]["version"], 1);
}

TEST_F(EngineTest, StartAndStopRunTheLoopThread) {
  // Real time for the loop's wait; the fake launcher finishes at once.
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen}\n  h: {operator: pass, inputs: {in: g.out}}\n");
  ASSERT_TRUE(engine_->Start().ok());
  EXPECT_EQ(engine_->Start().code(), StatusCode::kFailedPrecondition);
  std::string state;
  for (int i = 0; i < 500 && !st::IsTerminal(state); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    state = store_->GetRun(run.id)->state;
  }
  engine_->Stop();
  engine_->Stop();
  EXPECT_EQ(state, "succeeded");
}

}  // namespace
}  // namespace tandem::workflow::testing
