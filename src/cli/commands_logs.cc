// `tandem run logs`: a task attempt's log text over GET /api/v1/runs/{id}/logs, and with
// -f a follow loop that polls it from the last next_offset.
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "cli/commands.h"

namespace tandem::cli {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(300);

std::string LogsPath(const std::string& id, const std::string& node, int attempt,
                     const std::string& stream, uint64_t offset) {
  std::string path = "/api/v1/runs/" + UrlEncode(id) + "/logs?stream=" + stream;
  if (!node.empty()) path += "&node=" + UrlEncode(node) + "&offset=" + std::to_string(offset);
  if (attempt > 0) path += "&attempt=" + std::to_string(attempt);
  return path;
}

// One node: prints from offset 0 until the text runs out; with `follow`, until the
// attempt is finished too.
int NodeLogs(const ApiClient& api, const std::string& id, const std::string& node, int attempt,
             const std::string& stream, bool follow) {
  uint64_t offset = 0;
  while (true) {
    auto got = api.Get(LogsPath(id, node, attempt, stream, offset));
    if (!got.ok()) return Fail(got.status());
    const std::string& data = (*got)["data"].get_ref<const std::string&>();
    std::cout << data << std::flush;
    offset = (*got)["next_offset"].get<uint64_t>();
    if (!data.empty()) continue;  // more may be there already (responses are capped)
    if (!follow || (*got)["finished"].get<bool>()) return 0;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Every node, as they write, under "==> NODE (attempt N) <==" whenever the node changes;
// until the run is finished and nothing new came.
int FollowRun(const ApiClient& api, const std::string& id, const std::string& stream) {
  struct Position { int attempt = 0; uint64_t offset = 0; };
  std::map<std::string, Position> at;
  std::string last_node;
  while (true) {
    auto run = api.Get("/api/v1/runs/" + UrlEncode(id));
    if (!run.ok()) return Fail(run.status());
    std::string state = (*run)["state"];
    bool run_finished = state == "succeeded" || state == "failed" || state == "cancelled";
    bool printed = false;
    for (const auto& t : (*run)["tasks"]) {
      int attempt = t["attempt"].get<int>();
      if (attempt < 1) continue;
      std::string node = t["node"];
      Position& pos = at[node];
      if (pos.attempt != attempt) pos = {attempt, 0};  // a retry: its own fresh log
      auto got = api.Get(LogsPath(id, node, attempt, stream, pos.offset));
      if (!got.ok()) return Fail(got.status());
      const std::string& data = (*got)["data"].get_ref<const std::string&>();
      pos.offset = (*got)["next_offset"].get<uint64_t>();
      if (data.empty()) continue;
      if (node != last_node) {
        std::cout << "==> " << node << " (attempt " << attempt << ") <==\n";
        last_node = node;
      }
      std::cout << data << std::flush;
      printed = true;
    }
    if (run_finished && !printed) return 0;
    if (!printed) std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

int RunLogs(const ApiClient& api, const std::string& id, const std::string& node, bool follow,
            int attempt, bool stderr_stream) {
  std::string stream = stderr_stream ? "stderr" : "stdout";
  if (!node.empty()) return NodeLogs(api, id, node, attempt, stream, follow);
  if (attempt > 0) return Fail(InvalidArgument("--attempt: give NODE too"));
  if (follow) return FollowRun(api, id, stream);
  auto got = api.Get(LogsPath(id, "", 0, stream, 0));
  if (!got.ok()) return Fail(got.status());
  std::cout << (*got)["data"].get<std::string>() << std::flush;
  return 0;
}

}  // namespace tandem::cli
