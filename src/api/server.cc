#include "api/server.h"

#include <sys/resource.h>

#include <csignal>
#include <cstdio>

#include "api/platform.h"
#include "api/routes.h"
#include "api/uploads.h"
#include "core/log.h"
#include "http/http.h"

namespace tandem::api {
namespace {

// Blocks SIGINT/SIGTERM in every thread (call before starting any), then waits.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Up to max_connections sockets plus the store, logs and replicas' pipes: the soft
// descriptor limit (often 1,024) would refuse connections long before the cap.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

Status RunServer(const Config& config, const std::string& self_exe) {
  sigset_t stop_signals = BlockStopSignals();
  http::ServerOptions options;
  RETURN_IF_ERROR(ParseHostPort(config.listen, &options.host, &options.port));
  options.threads = 4;  // I/O only: every handler but /healthz runs in its class's pool
  options.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  options.max_inference_body_bytes = static_cast<uint64_t>(config.max_inference_body_bytes);
  options.max_archive_bytes = static_cast<uint64_t>(config.max_archive_bytes);
  options.max_upload_bytes = static_cast<uint64_t>(config.max_upload_bytes);
  options.name_settings = true;
  // Admission (rationale): inference handlers mostly wait on a replica, so many of them
  // and a deep queue (1,024 clients each with a request in flight fit); control handlers
  // are short store reads and writes; long operations (operator tests, run submits,
  // dataset imports) use whole cores, so two at a time on a small machine, and a short
  // queue beyond which a client is told to retry rather than left to time out.
  options.control = {8, 256};
  options.inference = {16, 4096};
  options.long_ops = {2, 16};
  options.idle_timeout_s = config.idle_timeout_s;
  options.max_connections = config.max_connections;
  options.check_origin = true;
  options.allowed_hosts = config.allowed_hosts;
  options.allowed_origins = config.allowed_origins;
  options.start_ready = false;  // SetReady once the platform has started, below
  RaiseFileLimit();

  ASSIGN_OR_RETURN(auto platform, OpenPlatform(config, self_exe));
  options.upload_dir = UploadDir(platform->config);
  RETURN_IF_ERROR(RemoveStaleUploads(options.upload_dir));
  http::Server server(options);
  AddRoutes(server, *platform);
  RETURN_IF_ERROR(server.Start());
  RETURN_IF_ERROR(StartPlatform(*platform));
  server.SetReady();
  spdlog::info("tandem server listening on http://{}:{} (data dir {})", options.host, server.port(),
               platform->config.data_dir);
  std::printf("tandem server listening on http://%s:%d\n", options.host.c_str(), server.port());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: shutting down", sig);
  server.Stop();
  platform->engine->Stop();
  platform->services->StopAll();
  return Status::Ok();
}

}  // namespace tandem::api
