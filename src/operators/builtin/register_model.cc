// register-model: asks the engine to add a model version to the model library. It
// writes no artifact: outputs.json "register" names the input port holding the model,
// and the engine creates the version from that artifact (content-addressed already).
#include "core/fs.h"
#include "operators/builtin/builtin.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "register-model";
  def.category = "deploy";
  def.description = "Registers the model as a new version of a model in the model library.";
  def.inputs = {{"model", {"model"}}, {"metrics", {"metrics"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "required": ["name"],
    "properties": {
      "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$",
               "description": "Model name in the library: lowercase letters, digits, _ and -."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const std::string name = ctx.params()["name"].get<std::string>();
  ASSIGN_OR_RETURN(InputArtifact model, ctx.Input("model"));
  ASSIGN_OR_RETURN(InputArtifact metrics_in, ctx.Input("metrics"));
  ASSIGN_OR_RETURN(std::string text, ReadFile(metrics_in.path));
  auto metrics = ParseJson(text, "inputs.metrics");
  if (!metrics.ok()) return metrics.status();
  auto format = model.meta.find("format");
  if (format == model.meta.end() || !format->is_string()) {
    return InvalidArgument("inputs.model.meta.format: required string is missing");
  }
  ctx.outputs().register_model = {
      {"name", name}, {"model_port", "model"}, {"metrics", *metrics}, {"format", *format}};
  ctx.Progress(0.9, "registering model '" + name + "'");
  return Status::Ok();
}

}  // namespace

BuiltinOperator RegisterModelOperator() { return {Definition, Run, "register-model/1"}; }

}  // namespace tandem::operators::builtin
