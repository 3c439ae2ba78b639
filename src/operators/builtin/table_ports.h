#pragma once
// Private to the operators module: tables on operator ports. A table artifact is a TTB1
// file (data/table_file.h), or CSV with a header from a foreign operator; its meta is its schema (data/schema.h) plus its
// lineage: the "dataset" it came from, when known, and the "transforms" fitted on the
// way (data/transform.h), passed along so that models keep both.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"
#include "operators/builtin/builtin.h"

namespace tandem::operators::builtin {

// What a table hands on to the tables and models made from it.
struct Lineage {
  Json dataset = nullptr;             // the meta's "dataset", or null
  Json transforms = Json::array();    // the meta's "transforms": the chain so far
};

struct TableInput {
  data::Table table;
  Json schema;                // recomputed for the rows read; label/task/classes from the meta
  Lineage lineage;
};

// The file name every table output gets in its port dir.
inline constexpr const char* kTableFile = "table.ttb";

// Reads the table on input `port`; meta is its schema and lineage. kInvalidArgument
// names a meta "transforms" that is not a valid chain.
Result<TableInput> ReadTableInput(const TaskContext& ctx, const std::string& port);

// The schema of `table` keeping `parent`'s label, task and classes: a subset of rows
// must not turn a regression label into classes, nor reorder the classes.
Result<Json> DeriveSchema(const data::Table& table, const Json& parent);

// Writes `table` as output `port` with meta = schema (+ "dataset" when not null,
// + "transforms" when not empty).
Status WriteTableOutput(TaskContext& ctx, const std::string& port, const data::Table& table,
                        const Json& schema, const Lineage& lineage);

}  // namespace tandem::operators::builtin
