// kmeans: k-means clustering (k-means++ seeding, Lloyd iterations, best of n_init runs)
// on a table's number columns, the label excluded. Writes a "kmeans" model
// (ml/linear_model.h): serving answers each row's nearest cluster.
#include "core/fs.h"
#include "data/schema.h"
#include "ml/kmeans.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/table_ports.h"
#include "operators/builtin/train_target.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "kmeans";
  def.category = "train";
  def.description = "Clusters rows with k-means (k-means++ seeding); the label, if any, is ignored.";
  def.inputs = {{"train", {"table"}}};
  def.outputs = {{"model", {"model", false, {"kmeans"}}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "k": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 8, "description": "Number of clusters."},
      "max_iter": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 300,
                   "description": "Most Lloyd iterations per run."},
      "n_init": {"type": "integer", "minimum": 1, "maximum": 100, "default": 3,
                 "description": "Runs from different seeds; the one with the lowest inertia is kept."},
      "tolerance": {"type": "number", "minimum": 0, "default": 0.0001,
                    "description": "A run stops when no centroid moves further than this."},
      "seed": {"type": "integer", "minimum": 0, "default": 0,
               "description": "Random seed; the same seed gives the same clusters."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "train"));
  const std::string label = data::SchemaLabel(in.schema);
  ASSIGN_OR_RETURN(std::vector<std::string> features, FeatureColumns(in.table, label));
  ASSIGN_OR_RETURN(ml::DenseMatrix x, FeatureMatrix(in.table, features));
  ml::KMeansOptions o;
  o.k = p["k"].get<size_t>();
  o.max_iter = p["max_iter"].get<size_t>();
  o.n_init = p["n_init"].get<size_t>();
  o.tolerance = p["tolerance"].get<double>();
  o.seed = p["seed"].get<uint64_t>();
  ctx.Progress(0.2, "clustering " + std::to_string(x.rows) + " rows into " + std::to_string(o.k));
  auto fit = ml::FitKMeans(x, features, o);
  if (!fit.ok()) {
    const std::string& why = fit.status().message();
    return InvalidArgument((why.rfind("k:", 0) == 0 ? "params." : "inputs.train: ") + why);
  }
  std::vector<size_t> sizes(o.k, 0);
  for (int c : fit->assignment) sizes[c]++;
  ctx.outputs().metrics = {{"inertia", fit->inertia}, {"iterations", fit->iterations},
                           {"cluster_sizes", sizes}};
  Target target{label, "clustering", {}};
  Json outputs = Json::array({{{"name", "cluster"}, {"datatype", "INT64"}, {"shape", {-1}}}});
  Json meta = ModelMeta("kmeans", target, features, in.lineage, std::move(outputs));
  meta["k"] = o.k;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("model", "model.json", std::move(meta)));
  return WriteFileAtomic(path, fit->model.ToJson().dump(2));
}

}  // namespace

BuiltinOperator KMeansOperator() { return {Definition, Run, "kmeans/1"}; }

}  // namespace tandem::operators::builtin
