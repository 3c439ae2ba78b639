#include "serving/replica.h"

#include <pthread.h>
#include <signal.h>

#include <charconv>

#include "core/fs.h"
#include "core/log.h"
#include "http/http.h"
#include "serving/replica_app.h"

namespace tandem::serving {
namespace {

Result<int> ParseInt(const std::string& flag, const std::string& text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(flag + ": expected an integer, got '" + text + "'");
  }
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

}  // namespace

std::vector<std::string> ReplicaArgs(const ReplicaOptions& o) {
  std::vector<std::string> args = {"--name",      o.name,       "--version",   std::to_string(o.version),
                                   "--model-file", o.model_path, "--meta-file", o.meta_path,
                                   "--host",      o.host,       "--port",      std::to_string(o.port)};
  if (!o.port_file.empty()) {
    args.push_back("--port-file");
    args.push_back(o.port_file);
  }
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
  so.threads = options.threads;
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

}  // namespace tandem::serving
