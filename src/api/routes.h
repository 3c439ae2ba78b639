#pragma once
// The REST API under /api/v1, the health check, and the inference endpoints of
// deployed services (KServe v2 paths, forwarded to the replicas).
#include "api/platform.h"
#include "http/http.h"

namespace tandem::api {

void AddRoutes(http::Server& server, Platform& platform);

// Pieces of AddRoutes, one per resource.
void AddDatasetRoutes(http::Server& server, Platform& platform);
void AddRunRoutes(http::Server& server, Platform& platform);
// Task logs of a run (routes_logs.cc): JSON byte ranges and a long-poll SSE stream.
void AddLogRoutes(http::Server& server, Platform& platform);
void AddModelRoutes(http::Server& server, Platform& platform);
void AddOperatorRoutes(http::Server& server, Platform& platform);
void AddServiceRoutes(http::Server& server, Platform& platform);
// Schedules and events (routes_triggers.cc); a run's DAG shape (routes_run_graph.cc).
void AddTriggerRoutes(http::Server& server, Platform& platform);
void AddRunGraphRoutes(http::Server& server, Platform& platform);
// Devices, allocations and the queue; drain and restore (routes_resources.cc).
void AddResourceRoutes(http::Server& server, Platform& platform);
// Artifact download, metadata and table preview by digest (routes_artifacts.cc).
void AddArtifactRoutes(http::Server& server, Platform& platform);
// Deletes of runs, datasets, model versions, stopped services; gc (routes_cleanup.cc).
void AddCleanupRoutes(http::Server& server, Platform& platform);
// Tables as CSV for people and tools, whatever their stored form (routes_tables.cc).
void AddTableRoutes(http::Server& server, Platform& platform);

// The response for a handler's outcome: the JSON with `ok_status`, or the error.
http::Response Reply(const Result<Json>& result, int ok_status = 200);

// True when the query parameter is given as 1 or true (?no_cache=1).
bool QueryFlag(const http::Request& req, const std::string& key);

// Parses an optional integer query parameter; errors name it.
Result<int> QueryInt(const http::Request& req, const std::string& key, int fallback);

}  // namespace tandem::api
