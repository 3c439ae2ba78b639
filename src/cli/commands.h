#pragma once
// The client commands of `tandem`. Each prints its result on stdout, an error on
// stderr ("error: ..."), and returns the process exit code.
#include <string>

#include "cli/api_client.h"

namespace tandem::cli {

int DatasetImport(const ApiClient& api, const std::string& name, const std::string& file,
                  const std::string& label, const std::string& format);
int DatasetList(const ApiClient& api);
int DatasetShow(const ApiClient& api, const std::string& name);

// Submits the pipeline file and prints the run id; with `wait`, follows the run's
// progress and returns 0 only if it succeeded. `no_cache` runs every task even when an
// earlier identical one could be reused.
int RunSubmit(const ApiClient& api, const std::string& file, bool wait, bool no_cache);
int RunShow(const ApiClient& api, const std::string& id);
int RunList(const ApiClient& api, const std::string& pipeline, const std::string& state);
int RunCancel(const ApiClient& api, const std::string& id);
// Prints a task's log (stdout, or stderr with `stderr_stream`) of `attempt` (0 = the
// latest); without `node`, every task that ran, each under "==> NODE (attempt N) <==".
// With `follow`, keeps polling every 300 ms and printing new text until the task (or,
// without node, the whole run) is finished. kNotFound names an unknown run or node.
int RunLogs(const ApiClient& api, const std::string& id, const std::string& node, bool follow,
            int attempt, bool stderr_stream);

int ModelList(const ApiClient& api);
int ModelShow(const ApiClient& api, const std::string& name);

// `model` is "NAME" (latest version) or "NAME:VERSION".
int ServiceDeploy(const ApiClient& api, const std::string& model, const std::string& name);
int ServiceList(const ApiClient& api);
int ServiceStop(const ApiClient& api, const std::string& name);

// Prints "error: <message>" on stderr and returns 1.
int Fail(const Status& status);

}  // namespace tandem::cli
