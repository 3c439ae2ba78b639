// Pipeline YAML as a user submits it: ParsePipelineYaml, then ValidatePipeline against
// a small catalog shaped like the built-in operators the examples use (no store).
#include <cstddef>
#include <cstdint>
#include <string>

#include "operators/catalog.h"
#include "workflow/pipeline_spec.h"
#include "workflow/validate.h"

namespace {

using tandem::Json;
using tandem::operators::Catalog;
using tandem::operators::OperatorDef;
using tandem::operators::PortDef;

OperatorDef Def(const std::string& name, std::map<std::string, PortDef> inputs,
                std::map<std::string, PortDef> outputs, const char* params_schema) {
  OperatorDef def;
  def.name = name;
  def.category = "process";
  def.inputs = std::move(inputs);
  def.outputs = std::move(outputs);
  def.params_schema = Json::parse(params_schema);
  return def;
}

Catalog* MakeCatalog() {
  auto* catalog = new Catalog;
  OperatorDef load = Def("dataset-load", {}, {{"table", {"table"}}},
      R"({"type":"object","required":["dataset"],"properties":{"dataset":{"type":"string"},
          "dataset_version":{"type":"integer","minimum":1}}})");
  load.dataset_param = "dataset";
  catalog->Put(load);
  catalog->Put(Def("split", {{"table", {"table"}}}, {{"train", {"table"}}, {"test", {"table"}}},
      R"({"type":"object","additionalProperties":false,"properties":{
          "test_fraction":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1,"default":0.2},
          "seed":{"type":"integer","default":0},"stratify":{"type":"boolean","default":false}}})"));
  OperatorDef train = Def("xgboost-train", {{"train", {"table"}}, {"test", {"table", true}}},
      {{"model", {"model", false, {"xgboost"}}}, {"metrics", {"metrics"}}},
      R"({"type":"object","properties":{"objective":{"type":"string","default":"auto"},
          "num_rounds":{"type":"integer","minimum":1,"default":100},
          "max_depth":{"type":"integer","minimum":1,"maximum":20,"default":6},
          "model":{"type":"string"}}})");
  train.model_param = "model";
  catalog->Put(train);
  train.version = 2;
  catalog->Put(train);
  catalog->Put(Def("evaluate", {{"model", {"model"}}, {"test", {"table"}}}, {{"metrics", {"metrics"}}},
      R"({"type":"object"})"));
  catalog->Put(Def("register-model", {{"model", {"model"}}, {"metrics", {"metrics", true}}}, {},
      R"({"type":"object","required":["name"],"properties":{"name":{"type":"string","pattern":"^[a-z0-9-]+$"}}})"));
  for (const char* name : {"impute", "standardize", "outlier-filter"}) {
    catalog->Put(Def(name, {{"table", {"table"}}}, {{"table", {"table"}}},
        R"({"type":"object","properties":{"columns":{"type":"array","items":{"type":"string"}},
            "k":{"type":"number","minimum":0,"default":1.5}}})"));
  }
  OperatorDef profile = Def("profile", {{"table", {"table"}}}, {{"report", {"report"}}}, "{}");
  profile.state = "draft";
  catalog->Put(profile);
  return catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Catalog* catalog = MakeCatalog();
  auto spec = tandem::workflow::ParsePipelineYaml(std::string(reinterpret_cast<const char*>(data), size));
  if (!spec.ok()) return 0;
  tandem::workflow::PipelinePlan plan;
  (void)tandem::workflow::ValidatePipeline(*spec, *catalog, &plan);
  (void)tandem::workflow::ValidatePipeline(*spec, *catalog, nullptr, Json{{"rounds", 3}, {"name", "x"}}, true);
  return 0;
}
