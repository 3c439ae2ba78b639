#pragma once
// How the store's records look in the REST API (and so to the CLI and the web UI).
#include "core/json.h"
#include "store/records.h"

namespace tandem::api {

Json ToJson(const store::DatasetRecord& d);
Json ToJson(const store::RunRecord& r);
Json ToJson(const store::TaskRecord& t);
Json ToJson(const store::ModelVersionRecord& v);
Json ToJson(const store::ModelSummary& m);
Json ToJson(const store::ServiceRecord& s);

}  // namespace tandem::api
