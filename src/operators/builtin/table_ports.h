#pragma once
// Private to the operators module: tables on operator ports. A table artifact is a CSV
// file with a header (data/csv.h); its meta is its schema (data/schema.h) plus the
// "dataset" it came from, when known, passed along so models keep their lineage.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"
#include "operators/builtin/builtin.h"

namespace tandem::operators::builtin {

struct TableInput {
  data::Table table;
  Json schema;                // recomputed for the rows read; label/task/classes from the meta
  Json dataset = nullptr;     // the meta's "dataset", or null
};

// The file name every table output gets in its port dir.
inline constexpr const char* kTableFile = "table.csv";

// Reads the table on input `port`; meta is its schema.
Result<TableInput> ReadTableInput(const TaskContext& ctx, const std::string& port);

// The schema of `table` keeping `parent`'s label, task and classes: a subset of rows
// must not turn a regression label into classes, nor reorder the classes.
Result<Json> DeriveSchema(const data::Table& table, const Json& parent);

// Writes `table` as output `port` with meta = schema (+ "dataset" when not null).
Status WriteTableOutput(TaskContext& ctx, const std::string& port, const data::Table& table,
                        const Json& schema, const Json& dataset);

}  // namespace tandem::operators::builtin
