#include "serving/replica.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <iostream>

#include "core/fs.h"
#include "core/log.h"
#include "http/http.h"
#include "serving/replica_app.h"

namespace tandem::serving {
namespace {

Result<int> ParseInt(const std::string& flag, const std::string& text, int min = INT_MIN) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(flag + ": expected an integer, got '" + text + "'");
  }
  if (v < min) return InvalidArgument(flag + ": must be at least " + std::to_string(min));
  return v;
}

// Restores the thread's signal mask when RunReplica returns, so a test or caller
// that goes on is left as it was.
class ScopedSignalMask {
 public:
  explicit ScopedSignalMask(const sigset_t& block) {
    pthread_sigmask(SIG_BLOCK, &block, &old_);
  }
  ~ScopedSignalMask() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

// See HttpThreads.
constexpr int kMaxBatchWaiters = 32;

}  // namespace

int HttpThreads(const ReplicaOptions& options) {
  // A handler blocks while its request waits in a batch, so the HTTP threads bound how
  // many one-row requests can meet in one. Past ~32 more threads cost more (contention
  // in the I/O loop, context switches) than larger batches save: measured with
  // bench/serving on 2 cores, 64 extra threads gave 2.5x fewer requests/s than 32.
  int threads = std::max(2, options.threads);
  if (options.batch_max > 1) threads += std::min(options.batch_max, kMaxBatchWaiters);
  return threads;
}

std::vector<std::string> ReplicaArgs(const ReplicaOptions& o) {
  std::vector<std::string> args = {"--name",      o.name,       "--version",   std::to_string(o.version),
                                   "--model-file", o.model_path, "--meta-file", o.meta_path,
                                   "--host",      o.host,       "--port",      std::to_string(o.port)};
  if (!o.port_file.empty()) {
    args.push_back("--port-file");
    args.push_back(o.port_file);
  }
  // Only what differs from the defaults, so the common command line stays short.
  const ReplicaOptions defaults;
  auto add_if_set = [&](const char* flag, int value, int fallback) {
    if (value == fallback) return;
    args.push_back(flag);
    args.push_back(std::to_string(value));
  };
  add_if_set("--threads", o.threads, defaults.threads);
  add_if_set("--batch-max", o.batch_max, defaults.batch_max);
  add_if_set("--batch-delay-us", o.batch_delay_us, defaults.batch_delay_us);
  add_if_set("--strict-inputs", o.strict_inputs ? 1 : 0, 0);
  return args;
}

Result<ReplicaOptions> ParseReplicaArgs(const std::vector<std::string>& args) {
  ReplicaOptions o;
  bool have_name = false, have_version = false, have_model = false, have_meta = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    if (auto eq = flag.find('='); eq != std::string::npos && flag.rfind("--", 0) == 0) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return InvalidArgument(flag + ": missing value");
      value = args[++i];
    }
    if (flag == "--name") {
      o.name = value;
      have_name = true;
    } else if (flag == "--version") {
      ASSIGN_OR_RETURN(o.version, ParseInt(flag, value));
      have_version = true;
    } else if (flag == "--model-file") {
      o.model_path = value;
      have_model = true;
    } else if (flag == "--meta-file") {
      o.meta_path = value;
      have_meta = true;
    } else if (flag == "--host") {
      o.host = value;
    } else if (flag == "--port") {
      ASSIGN_OR_RETURN(o.port, ParseInt(flag, value));
    } else if (flag == "--port-file") {
      o.port_file = value;
    } else if (flag == "--threads") {
      ASSIGN_OR_RETURN(o.threads, ParseInt(flag, value, 1));
    } else if (flag == "--batch-max") {
      ASSIGN_OR_RETURN(o.batch_max, ParseInt(flag, value, 1));
    } else if (flag == "--batch-delay-us") {
      ASSIGN_OR_RETURN(o.batch_delay_us, ParseInt(flag, value, 0));
    } else if (flag == "--strict-inputs") {
      ASSIGN_OR_RETURN(int strict, ParseInt(flag, value, 0));
      o.strict_inputs = strict != 0;
    } else {
      return InvalidArgument("unknown flag '" + flag + "'");
    }
  }
  if (!have_name) return InvalidArgument("--name is required");
  if (!have_version) return InvalidArgument("--version is required");
  if (!have_model) return InvalidArgument("--model-file is required");
  if (!have_meta) return InvalidArgument("--meta-file is required");
  return o;
}

Status RunReplica(const ReplicaOptions& options) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // Blocked before any thread exists (XGBoost's, the server's): they all inherit the
  // mask, so the signal stays pending for sigwait below instead of killing us.
  ScopedSignalMask mask(stop_signals);

  ASSIGN_OR_RETURN(auto app, ReplicaApp::Create(options));
  http::ServerOptions so;
  so.host = options.host;
  so.port = options.port;
  so.threads = HttpThreads(options);
  so.max_body_bytes = options.max_body_bytes;
  http::Server server(so);
  app->Register(server);
  RETURN_IF_ERROR(server.Start().WithContext("cannot listen on " + options.host + ":" +
                                             std::to_string(options.port)));
  if (!options.port_file.empty()) {
    RETURN_IF_ERROR(WriteFileAtomic(options.port_file, std::to_string(server.port()) + "\n"));
  }
  spdlog::info("replica '{}' version {} serving on {}:{}", options.name, options.version,
               options.host, server.port());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("replica '{}' stopping on signal {}", options.name, sig);
  server.Stop();
  return Status::Ok();
}

int ReplicaMain(const std::vector<std::string>& args) {
  auto options = ParseReplicaArgs(args);
  if (!options.ok()) {
    std::cerr << "replica: " << options.status().message() << "\n";
    return 2;
  }
  InitLogging("info");
  Status st = RunReplica(*options);
  if (!st.ok()) {
    std::cerr << "replica: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace tandem::serving
