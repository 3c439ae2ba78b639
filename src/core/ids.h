#pragma once
// Identifiers: "<prefix>-<12 lowercase base32 chars>", time-ordered so that ids sort
// by creation, with random low bits so two servers never collide.
#include <string>
#include <string_view>

namespace tandem {

// NewId("run") -> "run-0h2k9x3m7q4a". Thread-safe.
std::string NewId(std::string_view prefix);

// True for names users give things (datasets, models, services, pipelines, nodes):
// [a-z0-9][a-z0-9_-]{0,62}. Keeps names safe in paths, URLs and SQL.
bool IsValidName(std::string_view name);
// The error message for an invalid name of `what` ("dataset name 'A B' must ...").
std::string InvalidNameMessage(std::string_view what, std::string_view name);

}  // namespace tandem
