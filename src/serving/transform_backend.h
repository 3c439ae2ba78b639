#pragma once
// Serves a model whose training table went through fitted transforms (data/transform.h):
// the replica takes the raw columns and replays the chain before the model sees them,
// so a client sends what it has (age, "Paris") rather than what the model was fed
// (standardized age, city=Paris one-hot).
//
// A request is either
//   - one input per raw column, named as the column, shape [N] or [N,1]: numbers in
//     any numeric datatype (NaN or a JSON null = missing), or BYTES for text ("" or
//     null = missing). A column the chain imputes is optional: left out, every row
//     of it is missing and gets the fitted fill value; or
//   - one numeric matrix [N, R] of any name, its columns the raw columns in order
//     (text columns then get the number's text).
// Values the model can take only by guessing are answered, and named by CheckInputs
// (the replica reports them, or refuses them under strict input checking): a
// category the one-hot step never saw (it encodes as all zeros), a number sent for a
// text column (read as its text).
// The metadata lists the first form (FP64 or BYTES per column, shape [-1]) and keeps
// the inner model's outputs; parameters add "raw_columns", "optional_columns",
// "features" and "transforms".
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "data/transform.h"
#include "serving/backend.h"

namespace tandem::serving {

class TransformBackend : public Backend {
 public:
  // `transforms`: the meta's fitted chain; `features`: the model's feature columns,
  // in the order the inner backend takes them (meta.features; empty = the chain's
  // output columns). The inner backend must take one matrix input.
  static Result<std::unique_ptr<TransformBackend>> Create(std::unique_ptr<Backend> inner,
                                                          const Json& transforms,
                                                          std::vector<std::string> features);

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  Json Metadata() const override;
  // Unseen categories and numbers for text columns, row by row. A request Infer would
  // refuse anyway (a missing column, a bad shape) has none: Infer says what is wrong.
  std::vector<InputWarning> CheckInputs(const std::vector<Tensor>& inputs) const override;

  const std::vector<std::string>& raw_columns() const { return raw_columns_; }

 private:
  TransformBackend() = default;
  Result<data::Table> RawTable(const std::vector<Tensor>& inputs) const;

  std::unique_ptr<Backend> inner_;
  data::TransformChain chain_;
  std::vector<std::string> features_;
  std::vector<std::string> raw_columns_;
  std::vector<bool> raw_is_text_;   // by raw column: one-hot or text-imputed columns
  std::vector<bool> raw_optional_;  // by raw column: an impute step fills it
  // By raw column: the categories its one-hot step knows (empty: not one-hot).
  std::vector<std::set<std::string>> raw_categories_;
  std::string inner_input_;         // the inner backend's input name and datatype
  DataType inner_datatype_ = DataType::kFp32;
};

}  // namespace tandem::serving
