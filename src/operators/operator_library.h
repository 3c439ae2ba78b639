#pragma once
// The project's plug-in operators: publishing (draft -> tested -> published), deprecation,
// and loading every stored version into the catalog when the server starts.
//
// A version arrives as the tar archive of its folder (code_archive.h; the CLI packs it).
// Publishing unpacks it into a staging folder, checks the manifest, runs every test case
// through the real runtime (test_runner.h), and only then stores the archive as an
// artifact and the version as a store row: its digest is the archive's sha256, so a
// published version is immutable — the same (name, version) with other bytes is refused,
// the same bytes again is a no-op. Drafts (publish with draft=true) skip the gate: they
// are stored as "tested" when every test passed, else "draft", and may be replaced.
// Code lives unpacked under <data_dir>/operators/<name>/<version>-<digest 12>/.
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "operators/runtime.h"
#include "operators/test_runner.h"
#include "store/artifact_store.h"
#include "store/store.h"

namespace tandem::operators {

struct PublishOutcome {
  OperatorDef def;                     // as now in the catalog
  std::vector<TestCaseResult> tests;   // empty when the same bytes were published before
  bool unchanged = false;              // this exact version was already stored
};

class OperatorLibrary {
 public:
  OperatorLibrary(std::string data_dir, RuntimeConfig runtime, store::Store& store,
                  store::ArtifactStore& artifacts, Catalog& catalog, Launcher& launcher);

  // Every plug-in version in the store into the catalog, unpacking code that is missing
  // on disk. A version whose code cannot be restored is logged and skipped.
  Status LoadAll();

  // kInvalidArgument naming every manifest problem; kFailedPrecondition when (not a
  // draft) a test fails ("publish refused: 1 of 2 tests failed: drops-outlier: ...") or
  // there are no tests; kAlreadyExists for changed bytes under a published version.
  Result<PublishOutcome> Publish(const std::string& archive, bool draft);

  // `operator validate` and `operator test` on the server: checks the manifest and runs
  // every test case of the archive, storing nothing. def.state is "tested" when every
  // test passed, else "draft". kInvalidArgument naming every manifest problem.
  Result<PublishOutcome> Check(const std::string& archive);

  // Marks a version deprecated (version 0 = every version). kNotFound names it;
  // kFailedPrecondition for a built-in.
  Status Deprecate(const std::string& name, int version);

 private:
  Result<OperatorDef> Install(const store::OperatorRecord& row);

  std::string data_dir_;
  RuntimeConfig runtime_;
  store::Store& store_;
  store::ArtifactStore& artifacts_;
  Catalog& catalog_;
  Launcher& launcher_;
};

}  // namespace tandem::operators
