// Task logs: each attempt's stdout.log / stderr.log, read in byte ranges.
//
//   GET /api/v1/runs/{id}/logs?node=NODE&attempt=N&stream=stdout|stderr|both&offset=BYTES
//     {"run","node","attempt","stream","offset","next_offset","data","finished"}: the
//     text from `offset` (at most 1 MiB; continue from next_offset). attempt defaults to
//     the task's latest; stream to stdout. "finished": the attempt can write no more (the
//     task is in a terminal state, or a later attempt exists).
//     Offsets apply to one file only: stream=both (stdout, then stderr, each under a
//     "==> stdout <==" header) and a request without node (every task that ran, in
//     pipeline order, each under "==> NODE (attempt N) <==") take offset 0 only and
//     answer next_offset null; node and attempt are then null in the reply too when
//     node was not given. 404 names the unknown run, node or attempt.
//
//   GET /api/v1/runs/{id}/logs/stream?node=NODE&attempt=N&stream=stdout|stderr&offset=BYTES
//     Server-sent events over long polls. http::Server answers whole responses only, so
//     one request is one batch of events: the handler polls the file every 100 ms (store
//     reads only, never an engine lock) for up to 10 s until bytes exist past the offset
//     (the Last-Event-ID header, else ?offset, else 0) or the attempt is finished, then
//     answers text/event-stream: "retry: 100", "id: <next_offset>" and one "data:" line
//     per log line (complete lines only until the end), and "event: end" once the
//     attempt is finished and read to its end. The client reconnects to continue;
//     EventSource does so by itself, sending Last-Event-ID. A poll that found nothing
//     new answers only a comment and the same id. At most two requests wait at once
//     (the server has few threads, and Stop() waits for a parked poll); more are
//     answered at once, short-poll style.
#include <atomic>
#include <chrono>
#include <thread>

#include "api/log_reader.h"
#include "api/routes.h"
#include "core/digits.h"
#include "core/fs.h"

namespace tandem::api {
namespace {

// One attempt of one task, resolved from the store.
struct AttemptLogs {
  store::TaskRecord task;
  int attempt = 0;
  std::filesystem::path dir;  // "" when the task never ran (pending, cached, skipped)
  bool finished = false;
};

Result<AttemptLogs> Resolve(Platform& p, const store::TaskRecord& task, int attempt) {
  AttemptLogs out;
  out.task = task;
  out.attempt = attempt > 0 ? attempt : task.attempt;
  if (out.attempt > task.attempt || (attempt > 0 && task.task_dir.empty())) {
    return NotFound("node '" + task.node + "' of run '" + task.run_id + "' has no attempt " +
                    std::to_string(out.attempt));
  }
  out.finished = store::state::IsTerminal(task.state) || out.attempt < task.attempt;
  if (task.task_dir.empty() || out.attempt < 1) return out;
  std::string rel = (std::filesystem::path(task.task_dir).parent_path() /
                     ("attempt-" + std::to_string(out.attempt))).string();
  ASSIGN_OR_RETURN(out.dir, PathInside(p.config.data_dir, rel, "task_dir"));
  return out;
}

Result<AttemptLogs> ResolveNode(Platform& p, const std::string& run_id, const std::string& node,
                                int attempt) {
  RETURN_IF_ERROR(p.store->GetRun(run_id).status());
  ASSIGN_OR_RETURN(auto tasks, p.store->ListTasks(run_id));
  for (const auto& t : tasks) {
    if (t.node == node) return Resolve(p, t, attempt);
  }
  return NotFound("run '" + run_id + "' has no node '" + node + "'");
}

Result<std::string> StreamParam(const http::Request& req, bool allow_both) {
  auto it = req.query.find("stream");
  std::string s = it == req.query.end() || it->second.empty() ? "stdout" : it->second;
  if (s == "stdout" || s == "stderr" || (allow_both && s == "both")) return s;
  return InvalidArgument("query parameter stream: '" + s + "' is not stdout, stderr" +
                         (allow_both ? " or both" : ""));
}

Result<LogChunk> ReadStream(const AttemptLogs& a, const std::string& stream, uint64_t offset,
                            uint64_t max) {
  if (a.dir.empty()) return LogChunk{"", offset, 0};
  return ReadLogChunk(a.dir / (stream + ".log"), offset, max);
}

// stream=both, or every node: whole files from offset 0 under header lines.
Result<std::string> ReadWhole(const AttemptLogs& a, const std::string& stream, uint64_t* budget) {
  std::string out;
  static const std::string kStreams[] = {"stdout", "stderr"};
  for (const std::string& s : kStreams) {
    if (stream != "both" && s != stream) continue;
    ASSIGN_OR_RETURN(LogChunk c, ReadStream(a, s, 0, *budget));
    *budget -= c.data.size();
    if (stream == "both") out += "==> " + s + " <==\n";
    out += c.data;
    if (!c.data.empty() && c.data.back() != '\n') out += "\n";
  }
  return out;
}

Result<Json> Logs(Platform& p, const http::Request& req) {
  const std::string& run_id = req.params.at("id");
  ASSIGN_OR_RETURN(int offset, QueryInt(req, "offset", 0));
  ASSIGN_OR_RETURN(int attempt, QueryInt(req, "attempt", 0));
  ASSIGN_OR_RETURN(std::string stream, StreamParam(req, true));
  auto node = req.query.find("node");
  bool has_node = node != req.query.end() && !node->second.empty();
  if (offset > 0 && (!has_node || stream == "both")) {
    return InvalidArgument("query parameter offset: give node and stream stdout or stderr to read from an offset");
  }
  Json out = {{"run", run_id}, {"stream", stream}, {"offset", offset}};
  if (has_node) {
    ASSIGN_OR_RETURN(AttemptLogs a, ResolveNode(p, run_id, node->second, attempt));
    out["node"] = a.task.node;
    out["attempt"] = a.attempt;
    out["finished"] = a.finished;
    if (stream == "both") {
      uint64_t budget = kMaxLogChunk;
      ASSIGN_OR_RETURN(out["data"], ReadWhole(a, stream, &budget));
      out["next_offset"] = nullptr;
    } else {
      ASSIGN_OR_RETURN(LogChunk c, ReadStream(a, stream, offset, kMaxLogChunk));
      out["data"] = c.data;
      out["next_offset"] = c.next_offset;
    }
    return out;
  }
  if (attempt > 0) return InvalidArgument("query parameter attempt: give node too");
  RETURN_IF_ERROR(p.store->GetRun(run_id).status());
  ASSIGN_OR_RETURN(auto tasks, p.store->ListTasks(run_id));
  std::string data;
  bool finished = true;
  uint64_t budget = kMaxLogChunk;
  for (const auto& t : tasks) {
    ASSIGN_OR_RETURN(AttemptLogs a, Resolve(p, t, 0));
    finished = finished && a.finished;
    if (a.dir.empty()) continue;
    data += "==> " + t.node + " (attempt " + std::to_string(a.attempt) + ") <==\n";
    ASSIGN_OR_RETURN(std::string text, ReadWhole(a, stream, &budget));
    data += text;
  }
  out["node"] = nullptr;
  out["attempt"] = nullptr;
  out["next_offset"] = nullptr;
  out["data"] = data;
  out["finished"] = finished;
  return out;
}

// The events for `chunk` (see the header comment); `end` adds "event: end".
std::string Events(const LogChunk& chunk, bool end) {
  std::string body = "retry: 100\nid: " + std::to_string(chunk.next_offset) + "\n";
  if (chunk.data.empty() && !end) return body + ": no new output\n\n";
  if (!chunk.data.empty()) {
    size_t start = 0;
    while (start < chunk.data.size()) {
      size_t nl = chunk.data.find('\n', start);
      size_t stop = nl == std::string::npos ? chunk.data.size() : nl;
      body += "data: " + chunk.data.substr(start, stop - start) + "\n";
      start = stop + 1;
    }
    body += "\n";
  }
  if (end) body += "event: end\ndata: finished\n\n";
  return body;
}

constexpr int kMaxWaiting = 2;
std::atomic<int> g_waiting{0};  // stream requests inside their wait loop

Result<http::Response> Stream(Platform& p, const http::Request& req) {
  const std::string& run_id = req.params.at("id");
  auto node = req.query.find("node");
  if (node == req.query.end() || node->second.empty()) {
    return InvalidArgument("query parameter node: required by the log stream");
  }
  ASSIGN_OR_RETURN(int offset, QueryInt(req, "offset", 0));
  if (auto h = req.headers.find("last-event-id"); h != req.headers.end() && !h->second.empty()) {
    const std::string& id = h->second;
    auto value = ParseDigits(id, 9);
    if (!value) return InvalidArgument("header Last-Event-ID: '" + id + "' is not a byte offset");
    offset = *value;
  }
  ASSIGN_OR_RETURN(int attempt, QueryInt(req, "attempt", 0));
  ASSIGN_OR_RETURN(std::string stream, StreamParam(req, false));
  ASSIGN_OR_RETURN(AttemptLogs a, ResolveNode(p, run_id, node->second, attempt));
  attempt = a.attempt;  // a retry during this poll must not switch files under the offset
  // Handlers run on the server's few threads: past kMaxWaiting parked polls, answer now.
  bool may_wait = g_waiting.fetch_add(1) < kMaxWaiting;
  struct Leave { ~Leave() { g_waiting.fetch_sub(1); } } leave;
  auto deadline = std::chrono::steady_clock::now() +
                  (may_wait ? std::chrono::seconds(10) : std::chrono::seconds(0));
  while (true) {
    bool finished = a.finished;  // read before the file: then the file holds every byte
    ASSIGN_OR_RETURN(LogChunk c, ReadStream(a, stream, offset, kMaxLogChunk));
    bool at_end = c.next_offset >= c.file_size;
    if (!finished && !c.data.empty()) {  // hold back an unfinished last line
      size_t nl = c.data.rfind('\n');
      if (nl != std::string::npos) {
        c.data.resize(nl + 1);
      } else if (c.data.size() < kMaxLogChunk / 2) {
        c.data.clear();  // a line still being written; a huge one goes out in pieces
      }
      c.next_offset = offset + c.data.size();
    }
    if (!c.data.empty() || finished || std::chrono::steady_clock::now() >= deadline) {
      http::Response r;
      r.content_type = "text/event-stream";
      r.headers["Cache-Control"] = "no-cache";
      r.body = Events(c, finished && at_end);
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSIGN_OR_RETURN(a, ResolveNode(p, run_id, node->second, attempt));
  }
}

}  // namespace

void AddLogRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/runs/{id}/logs", [&p](const http::Request& req) {
    return Reply(Logs(p, req));
  });
  server.Route("GET", "/api/v1/runs/{id}/logs/stream", [&p](const http::Request& req) {
    auto r = Stream(p, req);
    return r.ok() ? *r : http::ErrorResponse(r.status());
  });
}

}  // namespace tandem::api
