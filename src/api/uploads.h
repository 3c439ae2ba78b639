#pragma once
// Where the API server streams upload bodies (http::Server::UploadRoute): one temp file
// per request under <data_dir>/uploads, removed when its handler returns.
#include <string>

#include "core/config.h"
#include "core/status.h"

namespace tandem::api {

// <data_dir>/uploads.
std::string UploadDir(const Config& config);

// Removes what a server killed mid-upload left in `dir` (nothing else writes there).
Status RemoveStaleUploads(const std::string& dir);

}  // namespace tandem::api
