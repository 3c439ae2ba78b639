#pragma once
// Private to the operators module: model quality metrics, as scikit-learn defines
// them, so numbers shown in Tandem match what a data scientist computes by hand.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace tandem::operators::builtin {

// Area under the ROC curve by the Mann-Whitney U statistic; tied scores get the mean
// rank (a tie between a positive and a negative counts one half). NaN when all labels
// are positive or all negative (undefined).
double RocAuc(const std::vector<uint8_t>& positive, const std::vector<double>& score);

// The ROC curve as scikit-learn 1.2's roc_curve draws it (drop_intermediate=True):
// {"fpr": [...], "tpr": [...], "thresholds": [...]}, a point per distinct score from the
// highest down (a row counts as positive when its score >= the threshold) except points
// on a straight segment between their neighbours, after a first point (0, 0) whose
// threshold is the highest score + 1. fpr or tpr is null-filled when there are no
// negatives or no positives.
Json RocCurve(const std::vector<uint8_t>& positive, const std::vector<double>& score);

// Index of the largest of each row's k values (the first on ties).
std::vector<int> ArgMax(const std::vector<double>& probabilities, size_t k);

// For `truth` class indices and `probabilities` (truth.size() rows x classes.size(),
// row-major), the object
//   {"accuracy", "precision", "recall", "f1", "roc_auc", "log_loss",
//    "confusion_matrix": {"classes": [...], "matrix": [[...]]}, "n",
//    "per_class": [{"class", "precision", "recall", "f1", "support"}, ...],  // class order
//    "roc_curve": {...}}                                 // two classes only (RocCurve)
// Two classes: precision/recall/f1/roc_auc of class index 1 as the positive class.
// More: macro averages (roc_auc one-vs-rest over the classes present in `truth`).
// Precision of a class never predicted is 0. log_loss clips probabilities to
// [1e-15, 1 - 1e-15]. Undefined values (roc_auc with one class) are null.
// kInvalidArgument when sizes disagree, fewer than 2 classes, or no rows.
Result<Json> ClassificationMetrics(const std::vector<int>& truth,
                                   const std::vector<double>& probabilities,
                                   const std::vector<std::string>& classes);

// {"rmse", "mae", "r2", "n"}; r2 is null when the truth is constant.
// kInvalidArgument when sizes disagree or no rows.
Result<Json> RegressionMetrics(const std::vector<double>& truth,
                               const std::vector<double>& predicted);

}  // namespace tandem::operators::builtin
