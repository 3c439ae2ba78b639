#include "api/json_views.h"

namespace tandem::api {

Json ToJson(const store::DatasetRecord& d) {
  return {{"id", d.id},           {"name", d.name},     {"version", d.version},
          {"digest", d.artifact_digest}, {"schema", d.schema}, {"rows", d.rows},
          {"source", d.source},   {"created_ms", d.created_ms}};
}

Json ToJson(const store::RunRecord& r) {
  return {{"id", r.id},
          {"pipeline", r.pipeline_name},
          {"pipeline_version", r.pipeline_version},
          {"state", r.state},
          {"error", r.error},
          {"params", r.params},
          {"created_ms", r.created_ms},
          {"started_ms", r.started_ms},
          {"finished_ms", r.finished_ms}};
}

Json ToJson(const store::TaskRecord& t) {
  return {{"id", t.id},
          {"node", t.node},
          {"operator", t.operator_name},
          {"operator_version", t.operator_version},
          {"state", t.state},
          {"attempt", t.attempt},
          {"params", t.params},
          {"inputs", t.inputs},
          {"outputs", t.outputs},
          {"exit_code", t.exit_code},
          {"error", t.error},
          {"progress", t.progress},
          {"message", t.message},
          {"started_ms", t.started_ms},
          {"finished_ms", t.finished_ms}};
}

Json ToJson(const store::ModelVersionRecord& v) {
  return {{"model", v.model_name}, {"version", v.version},   {"digest", v.artifact_digest},
          {"format", v.format},    {"signature", v.signature}, {"metrics", v.metrics},
          {"lineage", v.lineage},  {"created_ms", v.created_ms}};
}

Json ToJson(const store::ModelSummary& m) {
  return {{"name", m.name},
          {"latest_version", m.latest_version},
          {"versions", m.version_count},
          {"created_ms", m.created_ms}};
}

Json ToJson(const store::ServiceRecord& s) {
  return {{"name", s.name},
          {"model", s.model_name},
          {"model_version", s.model_version},
          {"state", s.state},
          {"endpoint", s.port ? "http://" + s.host + ":" + std::to_string(s.port) : ""},
          {"error", s.error},
          {"created_ms", s.created_ms},
          {"updated_ms", s.updated_ms}};
}

}  // namespace tandem::api
