/* example.c: prints the model's predictions for the rows of a CSV file.
 *
 *   cc example.c -o example -I. -L. -ltandem_predict -Wl,-rpath,'$ORIGIN'
 *   ./example rows.csv            (the model folder is the current one; or pass it second)
 *
 * The CSV has a header row naming its columns; the model's input columns are found by
 * name (others, like a label, are ignored). Plain comma-separated cells, no quoting.
 * Each output line holds one row's values, comma-separated, as the service answers them
 * (class probabilities, or the regression value). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem_predict.h"

#define MAX_LINE 65536
#define MAX_COLS 4096

/* Splits `line` in place at commas; returns the number of cells. */
static size_t split(char* line, char** cells) {
  size_t n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  cells[n++] = line;
  for (char* p = line; *p && n < MAX_COLS; ++p) {
    if (*p == ',') {
      *p = '\0';
      cells[n++] = p + 1;
    }
  }
  return n;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s ROWS.csv [MODEL_DIR]\n", argv[0]);
    return 2;
  }
  char err[1024];
  tandem_model* model = tandem_model_load(argc > 2 ? argv[2] : ".", err, sizeof err);
  if (!model) {
    fprintf(stderr, "error: %s\n", err);
    return 1;
  }
  FILE* in = fopen(argv[1], "r");
  if (!in) {
    fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 1;
  }
  static char header_line[MAX_LINE], line[MAX_LINE];
  static char* names[MAX_COLS];
  static char* cells[MAX_COLS];
  if (!fgets(header_line, sizeof header_line, in)) {
    fprintf(stderr, "error: %s is empty\n", argv[1]);
    return 1;
  }
  size_t cols = split(header_line, names);
  size_t width = tandem_model_output_width(model);
  float* out = malloc(width * sizeof(float));
  int status = 0;
  while (fgets(line, sizeof line, in)) {
    if (line[0] == '\n' || line[0] == '\0') continue;
    size_t n = split(line, cells);
    if (n != cols) {
      fprintf(stderr, "error: a row has %zu cells, the header %zu\n", n, cols);
      status = 1;
      break;
    }
    /* One row per call keeps the example short; pass many rows at once for speed. */
    if (tandem_predict_text(model, (const char* const*)cells, 1, cols, (const char* const*)names,
                            out, width, err, sizeof err) != 0) {
      fprintf(stderr, "error: %s\n", err);
      status = 1;
      break;
    }
    for (size_t k = 0; k < width; ++k) printf(k ? ",%.9g" : "%.9g", out[k]);
    printf("\n");
  }
  free(out);
  fclose(in);
  tandem_model_free(model);
  return status;
}
