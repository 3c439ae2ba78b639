#include "api/server.h"

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

}  // namespace

Status RunServer(const Config& config, const std::string& self_exe) {
  sigset_t stop_signals = BlockStopSignals();
  http::ServerOptions options;
  RETURN_IF_ERROR(ParseHostPort(config.listen, &options.host, &options.port));
  options.threads = 4;
  options.max_body_bytes = size_t{256} << 20;  // e.g. operator code archives; datasets are uploads
  options.max_upload_bytes = static_cast<uint64_t>(config.max_upload_bytes);

  ASSIGN_OR_RETURN(auto platform, OpenPlatform(config, self_exe));
  options.upload_dir = UploadDir(platform->config);
  RETURN_IF_ERROR(RemoveStaleUploads(options.upload_dir));
  http::Server server(options);
  AddRoutes(server, *platform);
  RETURN_IF_ERROR(server.Start());
  RETURN_IF_ERROR(StartPlatform(*platform));
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
