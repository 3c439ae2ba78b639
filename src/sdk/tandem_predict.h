/* tandem_predict.h: predictions of a model exported by `tandem model export` (C API).
 *
 * The exported folder holds model.json (an XGBoost, linear or k-means model: meta.json's
 * "format"), meta.json (what the model predicts, its feature names and the fitted
 * feature transforms) and this library. Rows go in raw, as the service takes them: the
 * library replays the same transforms and the same prediction code, so the numbers
 * equal the service's.
 *
 * Outputs per row: classification, the probability of each class (width = number of
 * classes; a binary model gives [1-p, p] as the service does); regression, one value;
 * clustering (k-means), the index of the nearest centroid.
 *
 * Thread safety: a model may be used from several threads at once.
 * Errors: functions that can fail return NULL or -1 and write a message of at most
 * err_len bytes (NUL-terminated) into err when err is not NULL. */
#ifndef TANDEM_PREDICT_H
#define TANDEM_PREDICT_H

#include <stddef.h>

#if defined(__GNUC__)
#define TANDEM_PREDICT_API __attribute__((visibility("default")))
#else
#define TANDEM_PREDICT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tandem_model tandem_model;

/* Loads the model in folder `dir` (model.json + meta.json). */
TANDEM_PREDICT_API tandem_model* tandem_model_load(const char* dir, char* err, size_t err_len);
TANDEM_PREDICT_API void tandem_model_free(tandem_model* model);

/* The raw input columns a row has, in order, and whether each one is text (a category
 * the transforms one-hot encode) rather than a number. */
TANDEM_PREDICT_API size_t tandem_model_num_inputs(const tandem_model* model);
TANDEM_PREDICT_API const char* tandem_model_input_name(const tandem_model* model, size_t i);
TANDEM_PREDICT_API int tandem_model_input_is_text(const tandem_model* model, size_t i);

/* Values per row that the predict functions write. */
TANDEM_PREDICT_API size_t tandem_model_output_width(const tandem_model* model);
/* Class label of output column i ("" when the model does not name its classes or is a
 * regression). */
TANDEM_PREDICT_API const char* tandem_model_class_name(const tandem_model* model, size_t i);

/* Predicts `rows` rows of numbers, row-major, `cols` per row; names[c] is column c's
 * name (NULL names = exactly the model's inputs in order). Columns the model does not
 * use are ignored; NaN is a missing value. Writes rows * width floats to `out`
 * (out_len floats available). Returns 0, or -1 on error. */
TANDEM_PREDICT_API int tandem_predict(tandem_model* model, const double* values, size_t rows, size_t cols,
                   const char* const* names, float* out, size_t out_len, char* err,
                   size_t err_len);

/* The same for rows of text cells (as read from a CSV): number columns are parsed, an
 * empty cell is missing. */
TANDEM_PREDICT_API int tandem_predict_text(tandem_model* model, const char* const* cells, size_t rows, size_t cols,
                        const char* const* names, float* out, size_t out_len, char* err,
                        size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_PREDICT_H */
