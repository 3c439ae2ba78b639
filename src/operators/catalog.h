#pragma once
// The operator catalog: what the workflow engine knows about every operator it can
// run — ports, parameter schema, runtime. Built-in operators add themselves here
// (builtin_library.h); plug-in operators come from their manifests (manifest.h), as
// published or draft versions kept in the store (operator_library.h).
// Thread-safe after setup: Add() before the engine starts, lookups from any thread.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::operators {

// Port types; the engine refuses to wire ports of different types.
// table | images | model | metrics | report | file
struct PortDef {
  std::string type;
  bool optional = false;
  // Model ports: on an output, the formats its model may have (empty = not known until
  // run time); on an input, the formats the operator takes (empty = any). Validation
  // refuses a wire whose two lists do not meet.
  std::vector<std::string> formats = {};
};

struct OperatorDef {
  std::string name;          // [a-z0-9-]
  int version = 1;
  std::string category;      // import|explore|process|augment|feature|train|evaluate|deploy|other
  std::string description;
  std::map<std::string, PortDef> inputs;
  std::map<std::string, PortDef> outputs;
  Json params_schema = Json::object();   // JSON Schema (draft 7) of the params object
  std::string runtime = "builtin";       // builtin | python | exec
  // python | exec: the code's folder (absolute) and the entry file in it.
  std::string code_dir;
  std::string entry;
  // draft | tested | published | deprecated. Pipelines use published (and deprecated
  // ones named with an explicit version); drafts only when the submit allows them.
  std::string state = "published";
  Json ui = Json::object();         // form hints per param, passed through to clients
  Json resources = Json::object();  // default resources of a task: cpus, memory, environment
  // When non-empty: the param of this name names a dataset (and an optional
  // "<param>_version"); the engine resolves it from the store and hands the dataset's
  // table to the operator as input port "dataset" (type table).
  std::string dataset_param;
  // When non-empty: the param of this name may name a registered model version (NAME,
  // NAME:VERSION, NAME@ALIAS); the engine resolves it at submit, pins that version, and
  // hands its model to the operator as input port "model" (workflow/model_input.h).
  std::string model_param;
  // Digest of the operator's definition and code: part of every cache key.
  std::string digest;
};

// {"port": {"type": "table", "optional": false}, ...}: ports as the API shows them and
// as operator digests hash them.
Json PortsJson(const std::map<std::string, PortDef>& ports);

class Catalog {
 public:
  // kAlreadyExists when (name, version) is taken.
  Status Add(OperatorDef def);
  // Adds or replaces (name, version): drafts are replaced while people iterate on them,
  // and deprecation changes a version's state.
  void Put(OperatorDef def);
  // "name" = latest version that is not deprecated (or the latest of all, when every
  // version is); "name@2" = that version. kNotFound names the reference.
  Result<OperatorDef> Find(const std::string& reference) const;
  std::vector<OperatorDef> List() const;  // every version, by name then version

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<int, OperatorDef>> defs_;
};

}  // namespace tandem::operators
