#pragma once
// Rows of the model library's tags, aliases and stages, and of services that run
// several replicas (migration 0004). Plain structs like records.h.
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/json.h"

namespace tandem::store {

// Lifecycle stages of a model version, kept in model_versions.stage.
namespace stage {
inline constexpr const char* kNone = "none";
inline constexpr const char* kStaging = "staging";
inline constexpr const char* kProduction = "production";
inline constexpr const char* kArchived = "archived";
bool IsValid(const std::string& s);
}  // namespace stage

struct ModelTagRecord {
  std::string model_name;
  int version = 0;
  std::string key;
  std::string value;
};

struct ModelAliasRecord {
  std::string model_name;
  std::string alias;
  int version = 0;
  TimeMs updated_ms = 0;
};

// What a service should run beyond its stable version (ServiceRecord.model_*).
struct ServiceSpecRecord {
  std::string name;
  int replicas = 1;              // stable replicas
  int batch_max = 0;             // 0 = the replica's default
  int batch_delay_us = 0;
  std::string canary_model;      // "" = no canary
  int canary_version = 0;
  int canary_weight = 0;         // percent of requests sent to the canary, 0..100
  Json resources = Json::object();  // per replica (resources/resource_request.h)
  bool strict_inputs = false;    // replicas refuse raw rows that need a guess
  TimeMs updated_ms = 0;
};

// One replica process of a service.
struct ReplicaRecord {
  std::string service;
  std::string id;                // "r1", "r2", ... unique within the service
  std::string track;             // stable | canary
  std::string model_name;
  int model_version = 0;
  std::string state;             // starting | ready | draining
  std::string host;
  int port = 0;
  int pid = 0;
  uint64_t start_ticks = 0;
  int restarts = 0;              // times the watchdog started it again after it died
  TimeMs created_ms = 0;
  TimeMs updated_ms = 0;
};

}  // namespace tandem::store
