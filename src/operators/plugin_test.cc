// Plug-in operators end to end inside one process: scaffold, test through the real
// runtimes (python3 and a shell script), pack, publish through the library into a real
// SQLite store, deprecate, reload after a "restart".
#include <gtest/gtest.h>

#include <filesystem>

#include "core/clock.h"
#include "core/fs.h"
#include "exec/cgroup.h"
#include "exec/local_launcher.h"
#include "operators/code_archive.h"
#include "operators/operator_library.h"
#include "operators/scaffold.h"
#include "operators/test_runner.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(fs::temp_directory_path(), "plugin-");
    ASSERT_TRUE(dir.ok());
    root_ = *dir;
    runtime_.python_lib_dir = (root_ / "lib").string();
    ASSERT_TRUE(InstallPythonSupport(runtime_.python_lib_dir).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<TestCaseResult> RunTests(const std::string& dir) {
    auto m = LoadManifestDir(dir);
    EXPECT_TRUE(m.ok()) << m.status().message();
    if (!m.ok()) return {};
    TestRunOptions options;
    options.runtime = runtime_;
    options.work_dir = (root_ / "work").string();
    auto results = RunOperatorTests(*m, launcher_, options);
    EXPECT_TRUE(results.ok());
    return results.ok() ? *results : std::vector<TestCaseResult>{};
  }

  void OpenLibrary() {
    library_.reset();
    store_.reset();
    fs::create_directories(root_ / "data");
    auto s = store::OpenSqliteStore((root_ / "data" / "tandem.db").string(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    artifacts_ = std::make_unique<store::ArtifactStore>(root_ / "data", *store_);
    catalog_ = std::make_unique<Catalog>();
    library_ = std::make_unique<OperatorLibrary>((root_ / "data").string(), runtime_, *store_,
                                                 *artifacts_, *catalog_, launcher_);
  }

  fs::path root_;
  RuntimeConfig runtime_;
  exec::LocalLauncher launcher_;
  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<OperatorLibrary> library_;
};

TEST_F(PluginTest, ScaffoldedOperatorsPassTheirOwnTests) {
  for (std::string runtime : {"python", "exec"}) {
    const std::string dir = (root_ / ("op-" + runtime)).string();
    ASSERT_TRUE(ScaffoldOperator(dir, "my-" + runtime, runtime).ok());
    auto results = RunTests(dir);
    ASSERT_EQ(results.size(), 1u) << runtime;
    EXPECT_TRUE(results[0].passed) << runtime << ": " << results[0].reason;
  }
  EXPECT_EQ(ScaffoldOperator((root_ / "op-python").string(), "again", "python").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ScaffoldOperator((root_ / "x").string(), "Bad Name", "python").code(),
            StatusCode::kInvalidArgument);
}

// The train template fits, reports evaluate's metrics and saves a python model; its own
// tests (one of which loads the saved model.py and predicts the test rows) pass.
TEST_F(PluginTest, ScaffoldedTrainOperatorPassesItsTests) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
  const std::string dir = (root_ / "trainer").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "my-trainer", "python", "train").ok());
  auto m = LoadManifestDir(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->def.category, "train");
  EXPECT_EQ(m->def.outputs.at("model").formats, std::vector<std::string>{"python"});
  auto results = RunTests(dir);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_TRUE(r.passed) << r.name << ": " << r.reason;
  EXPECT_EQ(ScaffoldOperator((root_ / "t2").string(), "t2", "exec", "train").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ScaffoldOperator((root_ / "t3").string(), "t3", "python", "serve").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PluginTest, AFailingTestSaysWhichCheckAndWhy) {
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "strict", "python").ok());
  auto yaml = ReadFile(fs::path(dir) / "operator.yaml");
  ASSERT_TRUE(yaml.ok());
  std::string text = *yaml;
  text.replace(text.find("rows: 3"), 7, "rows: 4");
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "operator.yaml", text).ok());
  auto results = RunTests(dir);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].reason, "outputs.table.rows: expected 4, got 3");
  EXPECT_EQ(DescribeFailures(results),
            "1 of 1 tests failed: keeps-three-rows: outputs.table.rows: expected 4, got 3");
}

// Records what it is asked to start; every process "ends" as the kernel's OOM killer
// would end one that passed its memory limit.
class OomLauncher : public Launcher {
 public:
  Result<ProcessHandle> Start(const ProcessSpec& spec) override {
    specs.push_back(spec);
    return ProcessHandle{static_cast<int>(specs.size()), 0};
  }
  std::optional<ExitInfo> Poll(const ProcessHandle&) override {
    ExitInfo info;
    info.signaled = true;
    info.signal = 9;
    info.out_of_memory = true;
    info.memory_limit_bytes = specs.back().limits ? specs.back().limits->memory_bytes : 0;
    return info;
  }
  Status Kill(const ProcessHandle&, int) override { return Status::Ok(); }
  bool Alive(const ProcessHandle&) override { return false; }
  std::vector<ProcessSpec> specs;
};

TEST_F(PluginTest, TestsRunUnderTheManifestsResourcesOrADefaultAndReportOutOfMemory) {
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "hungry", "python").ok());  // resources: cpus 1, 256Mi
  auto m = LoadManifestDir(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  TestRunOptions options;
  options.runtime = runtime_;
  options.work_dir = (root_ / "work").string();
  OomLauncher launcher;
  auto results = RunOperatorTests(*m, launcher, options);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(launcher.specs.size(), 1u);
  ASSERT_TRUE(launcher.specs[0].limits.has_value());
  EXPECT_EQ(launcher.specs[0].limits->memory_bytes, 256u << 20);
  EXPECT_EQ(launcher.specs[0].limits->cpus, 1);
  EXPECT_EQ((*results)[0].reason, "out of memory (limit 256 MiB)");

  m->def.resources = Json::object();  // none given: the default, and no CPU limit
  auto defaulted = RunOperatorTests(*m, launcher, options);
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(launcher.specs.back().limits->memory_bytes, 1024u << 20);
  EXPECT_EQ(launcher.specs.back().limits->cpus, 0);
  EXPECT_EQ((*defaulted)[0].reason, "out of memory (limit 1024 MiB)");
}

// The same through the real launcher and the kernel, where cgroups can be written.
TEST_F(PluginTest, ATestThatPassesItsMemoryLimitFailsOutOfMemory) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
  auto cgroups = exec::Cgroups::ForThisProcess();
  if (!cgroups.ok()) GTEST_SKIP() << "cgroups are not writable here: " << cgroups.status().message();
  exec::LocalLauncher launcher(std::move(*cgroups));
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "hog", "python").ok());
  auto yaml = ReadFile(fs::path(dir) / "operator.yaml");
  ASSERT_TRUE(yaml.ok());
  std::string text = *yaml;
  text.replace(text.find("memory: 256Mi"), 13, "memory: 64Mi");
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "operator.yaml", text).ok());
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "main.py",
                              "hog = bytearray(400 * 1024 * 1024)\n"
                              "for i in range(0, len(hog), 4096): hog[i] = 1\n").ok());
  auto m = LoadManifestDir(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  TestRunOptions options;
  options.runtime = runtime_;
  options.work_dir = (root_ / "work").string();
  auto results = RunOperatorTests(*m, launcher, options);
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 1u);
  EXPECT_FALSE((*results)[0].passed);
  EXPECT_EQ((*results)[0].reason.rfind("out of memory (limit 64 MiB)", 0), 0u) << (*results)[0].reason;
}

TEST_F(PluginTest, ACrashIsReportedWithItsStderr) {
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "crashy", "python").ok());
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "main.py",
                              "import tandem_op\n\n@tandem_op.main\ndef run(task):\n"
                              "    raise tandem_op.BadInput('params.column: no good')\n").ok());
  auto results = RunTests(dir);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].reason, "exit_code: expected 0, got exit code 2 (stderr: params.column: no good)");
}

TEST_F(PluginTest, ArchivesAreDeterministicAndUnpackFaithfully) {
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "packed", "exec").ok());
  auto a = PackDirectory(dir);
  ASSERT_TRUE(a.ok()) << a.status().message();
  fs::last_write_time(fs::path(dir) / "main.sh", fs::file_time_type::clock::now() - std::chrono::hours(5));
  auto b = PackDirectory(dir);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);  // timestamps do not change the digest
  ASSERT_TRUE(UnpackArchive(*a, (root_ / "copy").string()).ok());
  EXPECT_EQ(*ReadFile(root_ / "copy" / "main.sh"), *ReadFile(fs::path(dir) / "main.sh"));
  EXPECT_NE(fs::status(root_ / "copy" / "main.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_FALSE(UnpackArchive("not a tar", (root_ / "bad").string()).ok());
}

TEST_F(PluginTest, PublishGatesOnTestsAndMakesVersionsImmutable) {
  OpenLibrary();
  const std::string dir = (root_ / "op").string();
  ASSERT_TRUE(ScaffoldOperator(dir, "keep-big", "python").ok());

  // A failing test: publish refused, naming the test and the check; a draft is kept.
  auto yaml = *ReadFile(fs::path(dir) / "operator.yaml");
  std::string broken = yaml;
  broken.replace(broken.find("rows: 3"), 7, "rows: 9");
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "operator.yaml", broken).ok());
  auto refused = library_->Publish(*PackDirectory(dir), /*draft=*/false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "publish refused: 1 of 1 tests failed: keeps-three-rows: outputs.table.rows: expected 9, got 3");
  EXPECT_FALSE(catalog_->Find("keep-big").ok());
  auto checked = library_->Check(*PackDirectory(dir));  // stores nothing
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->def.state, "draft");
  ASSERT_EQ(checked->tests.size(), 1u);
  EXPECT_EQ(checked->tests[0].reason, "outputs.table.rows: expected 9, got 3");
  EXPECT_FALSE(catalog_->Find("keep-big").ok());
  auto draft = library_->Publish(*PackDirectory(dir), /*draft=*/true);
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  EXPECT_EQ(draft->def.state, "draft");

  // Fixed: published, runnable from its installed code folder, immutable.
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "operator.yaml", yaml).ok());
  auto published = library_->Publish(*PackDirectory(dir), false);
  ASSERT_TRUE(published.ok()) << published.status().message();
  EXPECT_EQ(published->def.state, "published");
  EXPECT_EQ(published->tests.size(), 1u);
  EXPECT_TRUE(fs::exists(fs::path(published->def.code_dir) / "main.py"));
  EXPECT_EQ(catalog_->Find("keep-big")->digest, published->def.digest);
  auto again = library_->Publish(*PackDirectory(dir), false);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->unchanged);
  ASSERT_TRUE(WriteFileAtomic(fs::path(dir) / "main.py", "# changed\n" + *ReadFile(fs::path(dir) / "main.py")).ok());
  auto changed = library_->Publish(*PackDirectory(dir), false);
  EXPECT_EQ(changed.status().code(), StatusCode::kAlreadyExists);

  // Deprecation sticks, and a restarted server loads every version from the store.
  ASSERT_TRUE(library_->Deprecate("keep-big", 1).ok());
  EXPECT_EQ(library_->Deprecate("nope", 0).code(), StatusCode::kNotFound);
  fs::remove_all(root_ / "data" / "operators");  // code is restored from the artifact
  OpenLibrary();
  ASSERT_TRUE(library_->LoadAll().ok());
  auto loaded = catalog_->Find("keep-big@1");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, "deprecated");
  EXPECT_EQ(loaded->digest, published->def.digest);
  EXPECT_TRUE(fs::exists(fs::path(loaded->code_dir) / "main.py"));
}

}  // namespace
}  // namespace tandem::operators
