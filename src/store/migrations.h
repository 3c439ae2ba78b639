#pragma once
// Numbered schema migrations. The files src/store/migrations/NNNN_name.sql are the source
// of truth; the build embeds them (embed_migrations.cmake) so the binary needs no files.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem::store {

class Db;

struct EmbeddedMigration {
  int number;        // NNNN from the file name; applied in increasing order
  const char* name;  // the file name, for messages
  const char* sql;   // the file's text
};

// The migrations built into this binary, in order.
std::vector<EmbeddedMigration> BuiltinMigrations();

// Applies, in one transaction, every migration whose number is not yet recorded in
// schema_migrations, and records it. A second call applies nothing. Fails with
// kFailedPrecondition when the database has a migration this binary does not know
// (it was written by a newer Tandem).
Status ApplyMigrations(Db& db, const std::vector<EmbeddedMigration>& migrations,
                       int64_t now_ms);

}  // namespace tandem::store
