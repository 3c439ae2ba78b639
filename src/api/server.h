#pragma once
// `tandem server`: the platform behind its HTTP API, until SIGINT or SIGTERM.
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace tandem::api {

// Opens and starts the platform, serves config.listen, prints the URL, and blocks
// until SIGINT/SIGTERM; then stops the engine, the replicas it started and the HTTP
// server. Returns an error when the data dir cannot be opened or the port is taken.
Status RunServer(const Config& config, const std::string& self_exe);

}  // namespace tandem::api
