#pragma once
// The client commands of `tandem`. Each prints its result on stdout, an error on
// stderr ("error: ..."), and returns the process exit code.
#include <string>
#include <vector>

#include "cli/api_client.h"

namespace tandem::cli {

// `delimiter`: "" (detect), one character or "tab" (data/csv.h ParseDelimiter).
int DatasetImport(const ApiClient& api, const std::string& name, const std::string& file,
                  const std::string& label, const std::string& format,
                  const std::string& delimiter = "");
int DatasetList(const ApiClient& api, bool json = false);
// `ref` is NAME (the latest version) or NAME:VERSION; `json` prints the raw document.
int DatasetShow(const ApiClient& api, const std::string& ref, bool json = false);

// Submits the pipeline file and prints the run id; with `wait`, follows the run's
// progress and returns 0 only if it succeeded. `no_cache` runs every task even when an
// earlier identical one could be reused; `allow_drafts` accepts unpublished operators;
// `param_args` ("NAME=VALUE") set pipeline params (workflow/param_args.h). Ctrl-C while
// waiting says the run goes on and how to follow it, and exits 130.
int RunSubmit(const ApiClient& api, const std::string& file, bool wait, bool no_cache,
              bool allow_drafts = false, const std::vector<std::string>& param_args = {});
int RunShow(const ApiClient& api, const std::string& id);
int RunList(const ApiClient& api, const std::string& pipeline, const std::string& state);
int RunCancel(const ApiClient& api, const std::string& id);
// Prints a task's log (stdout, or stderr with `stderr_stream`) of `attempt` (0 = the
// latest); without `node`, every task that ran, each under "==> NODE (attempt N) <==".
// With `follow`, keeps polling every 300 ms and printing new text until the task (or,
// without node, the whole run) is finished. kNotFound names an unknown run or node.
int RunLogs(const ApiClient& api, const std::string& id, const std::string& node, bool follow,
            int attempt, bool stderr_stream);

// Without `port`, lists the node's output ports (type, size, digest); with it, writes
// the port's artifact to `out_file`, or to stdout when "" or "-" (refusing binary
// content on a terminal); a table as CSV unless `raw`. kNotFound names an unknown run,
// node or port.
int RunOutput(const ApiClient& api, const std::string& run, const std::string& node,
              const std::string& port, const std::string& out_file, bool raw = false);

// `json` prints the server's document instead of a table (here and in the shows below).
// The key metric is the production version's when an alias "production" exists.
int ModelList(const ApiClient& api, bool json = false);
// `ref` is NAME (a table of every version), NAME:VERSION or NAME@ALIAS (that version:
// scalar metrics in a table, curves and matrices summarised, cli/metrics_view.h).
int ModelShow(const ApiClient& api, const std::string& ref, bool json = false);
// Metrics of two versions (numbers or aliases) side by side, with the difference.
int ModelCompare(const ApiClient& api, const std::string& name, const std::string& a,
                 const std::string& b, bool json = false);
// Sets KEY=VALUE tags (a bare KEY sets an empty value) and removes `remove` keys.
int ModelTag(const ApiClient& api, const std::string& ref, const std::vector<std::string>& tags,
             const std::vector<std::string>& remove);
int ModelAliasSet(const ApiClient& api, const std::string& name, const std::string& alias,
                  int version);
int ModelAliasRemove(const ApiClient& api, const std::string& name, const std::string& alias);
int ModelStage(const ApiClient& api, const std::string& ref, const std::string& stage);
// Writes an SDK folder for the version: `format` is c-sdk or python (sdk/exporter.h).
int ModelExport(const ApiClient& api, const std::string& ref, const std::string& format,
                const std::string& out_dir);

// `model` is NAME (latest version), NAME:VERSION or NAME@ALIAS; `batch` is "" or
// "max=32,delay=2ms" (delay in us, ms or s). Onto a name already serving only with
// `replace` (the server refuses otherwise).
int ServiceDeploy(const ApiClient& api, const std::string& model, const std::string& name,
                  int replicas, const std::string& batch, const Json& resources = Json::object(),
                  bool strict_inputs = false, bool replace = false);
int ServiceList(const ApiClient& api);
int ServiceShow(const ApiClient& api, const std::string& name);
// canary 0 = rolling update of every replica; 1..100 = a canary with that share.
int ServiceUpdate(const ApiClient& api, const std::string& name, const std::string& model,
                  int canary);
int ServicePromote(const ApiClient& api, const std::string& name);
int ServiceRollback(const ApiClient& api, const std::string& name);
int ServiceStop(const ApiClient& api, const std::string& name);

// Prints "error: <message>" on stderr, one line per problem when the message joins
// several (core/problems.h), and returns 1.
int Fail(const Status& status);

}  // namespace tandem::cli
