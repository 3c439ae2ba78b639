// The ceiling of the serving bench: a model's predict rate in process, with no HTTP
// and no JSON, through the same backend a replica uses.
//   serving_inprocess_bench MODEL META BODY ROWS SECONDS THREADS
// BODY is a one-row KServe v2 request; its row is repeated ROWS times per call. THREADS
// threads call Infer for SECONDS; prints one JSON line: calls/s, rows/s and the p50/p99
// latency of a call in microseconds.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/fs.h"
#include "serving/backend.h"
#include "serving/v2_codec.h"

using namespace tandem;
using namespace tandem::serving;
using Clock = std::chrono::steady_clock;

int Fail(const Status& st) {
  fprintf(stderr, "serving_inprocess_bench: %s\n", st.ToString().c_str());
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s MODEL META BODY ROWS SECONDS THREADS\n", argv[0]);
    return 2;
  }
  const int rows = std::stoi(argv[4]), threads = std::stoi(argv[6]);
  const double seconds = std::stod(argv[5]);
  auto meta_text = ReadFile(argv[2]);
  if (!meta_text.ok()) return Fail(meta_text.status());
  auto meta = ParseJson(*meta_text, "meta");
  if (!meta.ok()) return Fail(meta.status());
  auto body = ReadFile(argv[3]);
  if (!body.ok()) return Fail(body.status());
  auto request = DecodeInferRequest(*body);
  if (!request.ok()) return Fail(request.status());
  auto backend = LoadBackend(argv[1], *meta, {.threads = 1, .workers = threads});
  if (!backend.ok()) return Fail(backend.status());

  std::vector<Tensor> batch = request->inputs;
  for (Tensor& t : batch) {
    const std::vector<double> row = t.numbers;
    t.shape[0] = rows;
    for (int r = 1; r < rows; ++r) t.numbers.insert(t.numbers.end(), row.begin(), row.end());
  }
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> latencies(threads);
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      while (Clock::now() < end) {
        auto start = Clock::now();
        if (!(*backend)->Infer(batch).ok()) failed = true;
        latencies[i].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      }
    });
  }
  for (auto& w : workers) w.join();
  if (failed) return Fail(Internal("a prediction failed"));
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const double calls = static_cast<double>(all.size()) / seconds;
  printf("{\"calls_per_s\": %.1f, \"rows_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f}\n", calls,
         calls * rows, all[all.size() / 2], all[std::min(all.size() - 1, all.size() * 99 / 100)]);
  return 0;
}
