#include "operators/operator_library.h"

#include <filesystem>

#include "core/fs.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/sha256.h"
#include "operators/code_archive.h"
#include "operators/manifest.h"

namespace tandem::operators {

namespace fs = std::filesystem;

namespace {

std::string Ref(const std::string& name, int version) { return name + "@" + std::to_string(version); }

bool IsImmutable(const std::string& state) { return state == "published" || state == "deprecated"; }

// Removes a staging folder however the publish ends.
struct StagingDir {
  fs::path path;
  ~StagingDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Publish and Check both unpack the archive into <staging>/code, read its manifest
// there, and run its tests in <staging>/tests.
Result<OperatorManifest> UnpackStaged(const std::string& archive, const fs::path& staging) {
  RETURN_IF_ERROR(UnpackArchive(archive, (staging / "code").string()));
  return LoadManifestDir((staging / "code").string());
}

Result<std::vector<TestCaseResult>> TestStaged(const OperatorManifest& m, const fs::path& staging,
                                               const RuntimeConfig& runtime, Launcher& launcher) {
  TestRunOptions options;
  options.runtime = runtime;
  options.work_dir = (staging / "tests").string();
  return RunOperatorTests(m, launcher, options);
}

}  // namespace

OperatorLibrary::OperatorLibrary(std::string data_dir, RuntimeConfig runtime, store::Store& store,
                                 store::ArtifactStore& artifacts, Catalog& catalog, Launcher& launcher)
    : data_dir_(std::move(data_dir)),
      runtime_(std::move(runtime)),
      store_(store),
      artifacts_(artifacts),
      catalog_(catalog),
      launcher_(launcher) {}

Result<OperatorDef> OperatorLibrary::Install(const store::OperatorRecord& row) {
  const fs::path dir = fs::path(data_dir_) / "operators" / row.name /
                       (std::to_string(row.version) + "-" + row.digest.substr(0, 12));
  std::error_code ec;
  if (!fs::exists(dir / kManifestFiles[0], ec) && !fs::exists(dir / kManifestFiles[1], ec) &&
      !fs::exists(dir / kManifestFiles[2], ec)) {
    ASSIGN_OR_RETURN(fs::path archive_path, artifacts_.PathOf(row.digest));
    ASSIGN_OR_RETURN(std::string archive, ReadFile(archive_path));
    const fs::path tmp = dir.string() + ".tmp-" + NewId("unpack");
    RETURN_IF_ERROR(UnpackArchive(archive, tmp.string()));
    fs::remove_all(dir, ec);
    fs::rename(tmp, dir, ec);
    if (ec) return IoError("cannot install operator code into '" + dir.string() + "': " + ec.message());
  }
  ASSIGN_OR_RETURN(OperatorManifest m, LoadManifestDir(dir.string()));
  m.def.digest = row.digest;
  m.def.state = row.state;
  catalog_.Put(m.def);
  return m.def;
}

Status OperatorLibrary::LoadAll() {
  ASSIGN_OR_RETURN(auto rows, store_.ListOperators());
  for (const auto& row : rows) {
    if (row.runtime == "builtin") continue;
    auto installed = Install(row);
    if (!installed.ok()) {
      spdlog::error("operator {}: cannot load it: {}", Ref(row.name, row.version),
                    installed.status().message());
    }
  }
  return Status::Ok();
}

Result<PublishOutcome> OperatorLibrary::Publish(const std::string& archive, bool draft) {
  StagingDir staging{fs::path(data_dir_) / "operators" / ".staging" / NewId("publish")};
  ASSIGN_OR_RETURN(OperatorManifest m, UnpackStaged(archive, staging.path));
  const std::string ref = Ref(m.def.name, m.def.version);
  if (m.def.runtime == "builtin") {
    return InvalidArgument("runtime.kind: builtin operators are compiled into tandem; "
                           "publish python or exec operators");
  }
  auto builtin = catalog_.Find(ref);
  if (builtin.ok() && builtin->runtime == "builtin") {
    return AlreadyExists("operator '" + m.def.name + "' is a built-in; choose another name");
  }
  const std::string digest = Sha256Hex(archive);
  auto existing = store_.GetOperator(m.def.name, m.def.version);
  if (existing.ok() && IsImmutable(existing->state)) {
    if (existing->digest != digest) {
      return AlreadyExists("operator '" + ref + "' is " + existing->state +
                           " and immutable; give the changed code a new version");
    }
    ASSIGN_OR_RETURN(OperatorDef def, catalog_.Find(ref));
    return PublishOutcome{def, {}, true};
  }
  if (!draft && m.tests.empty()) {
    return FailedPrecondition("publish refused: '" + ref + "' has no tests; add at least one under tests:");
  }

  ASSIGN_OR_RETURN(auto results, TestStaged(m, staging.path, runtime_, launcher_));
  const std::string failures = DescribeFailures(results);
  if (!draft && !failures.empty()) return FailedPrecondition("publish refused: " + failures);

  store::OperatorRecord row;
  row.name = m.def.name;
  row.version = m.def.version;
  row.state = draft ? (failures.empty() ? "tested" : "draft") : "published";
  row.runtime = m.def.runtime;
  row.manifest = m.source;
  row.digest = digest;
  ASSIGN_OR_RETURN(auto stored, artifacts_.PutBytes(archive, "file", {{"operator", ref}}));
  if (stored.digest != digest) return Internal("operator archive digest mismatch for " + ref);
  RETURN_IF_ERROR(store_.PutOperator(row));
  ASSIGN_OR_RETURN(OperatorDef def, Install(row));
  spdlog::info("operator {} stored as {} ({} tests)", ref, row.state, results.size());
  return PublishOutcome{def, std::move(results), false};
}

Result<PublishOutcome> OperatorLibrary::Check(const std::string& archive) {
  StagingDir staging{fs::path(data_dir_) / "operators" / ".staging" / NewId("check")};
  ASSIGN_OR_RETURN(OperatorManifest m, UnpackStaged(archive, staging.path));
  ASSIGN_OR_RETURN(auto results, TestStaged(m, staging.path, runtime_, launcher_));
  m.def.state = DescribeFailures(results).empty() ? "tested" : "draft";
  m.def.digest = Sha256Hex(archive);
  m.def.code_dir.clear();  // the staging folder is gone when this returns
  return PublishOutcome{m.def, std::move(results), false};
}

Status OperatorLibrary::Deprecate(const std::string& name, int version) {
  ASSIGN_OR_RETURN(auto rows, store_.ListOperators());
  bool found = false;
  for (auto row : rows) {
    if (row.name != name || (version != 0 && row.version != version)) continue;
    if (row.runtime == "builtin") {
      return FailedPrecondition("operator '" + name + "' is a built-in and cannot be deprecated");
    }
    found = true;
    row.state = "deprecated";
    RETURN_IF_ERROR(store_.PutOperator(row));
    ASSIGN_OR_RETURN(OperatorDef def, catalog_.Find(Ref(row.name, row.version)));
    def.state = "deprecated";
    catalog_.Put(def);
  }
  if (!found) {
    return NotFound(version == 0 ? "unknown operator '" + name + "'"
                                 : "operator '" + name + "' has no version " + std::to_string(version));
  }
  return Status::Ok();
}

}  // namespace tandem::operators
