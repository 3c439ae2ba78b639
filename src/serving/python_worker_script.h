#pragma once
// The text of python/tandem_worker.py (generated into the build from that file).
namespace tandem::serving {

extern const char kPythonWorkerScript[];

}  // namespace tandem::serving
