#pragma once
// What a job asks the scheduler for. GPUs follow the FGD model (Weng et al., ATC'23): a
// sharing request takes `milli` thousandths of ONE GPU; a multi-GPU request takes whole
// GPUs (milli == 1000 each). A slice given as {memory, compute} also reserves GPU memory.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::scheduler {

inline constexpr int kMilliPerGpu = 1000;

// Every device belongs to one or more environments; a request names one.
enum class Environment : uint8_t { kTrain = 1, kTest = 2, kInfer = 4 };
using EnvironmentMask = uint8_t;
inline constexpr EnvironmentMask kAllEnvironments = 7;
inline EnvironmentMask MaskOf(Environment e) { return static_cast<EnvironmentMask>(e); }
const char* EnvironmentName(Environment e);
// "train" | "test" | "infer"; `field` names the offending field in the error.
Result<Environment> ParseEnvironment(const std::string& text, const std::string& field);

// fixed: reserved, never oversubscribed, never preempted (the inference default).
// elastic: compute may be oversubscribed while memory fits; preemptible (training default).
enum class Mode : uint8_t { kFixed, kElastic };
const char* ModeName(Mode m);

struct GpuAsk {
  int count = 0;           // GPUs; 1 for a slice
  int milli = 0;           // thousandths of each GPU: 1000 = whole, less = a shared slice
  int64_t memory_mib = 0;  // GPU memory per GPU; 0 = no memory reservation (whole GPUs own it all)

  bool sharing() const { return count == 1 && milli < kMilliPerGpu; }
  int64_t total_milli() const { return int64_t{count} * milli; }
};

struct Request {
  std::string name;
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
  GpuAsk gpu;
  std::vector<std::string> models;  // allowed GPU models; empty = any
  int priority = 0;                 // higher runs first and may preempt lower elastic work
  std::string project;
  Environment environment = Environment::kTrain;
  Mode mode = Mode::kElastic;
};

// Parses the JSON (or YAML-as-JSON) form of a gpu ask: {"count": 2} | {"fraction": 0.25} |
// {"memory": "8Gi", "compute": 30} (compute in percent of one GPU). `path` prefixes errors.
Result<GpuAsk> ParseGpuAsk(const Json& obj, const std::string& path);
// "512Mi", "8Gi", "1Ti" or a plain number of MiB.
Result<int64_t> ParseMebibytes(const Json& value, const std::string& field);
// A request: cpus (cores, may be fractional), memory, gpu, models, priority, project,
// environment, mode (default: elastic in train/test, fixed in infer).
Result<Request> ParseRequest(const Json& obj, const std::string& path);

}  // namespace tandem::scheduler
