# Build-time step: turns every migrations/NNNN_*.sql into one entry of a C++ header, so
# the binary carries its schema and the .sql files stay the source of truth.
# Inputs: SRC_DIR (the migrations folder), OUT (the header to write).
file(GLOB sql_files RELATIVE ${SRC_DIR} ${SRC_DIR}/[0-9][0-9][0-9][0-9]_*.sql)
list(SORT sql_files)
set(body "")
foreach(name ${sql_files})
  string(SUBSTRING ${name} 0 4 number)
  math(EXPR number "${number}")  # drops leading zeros: 0010 must not read as octal
  file(READ ${SRC_DIR}/${name} sql)
  string(FIND "${sql}" ")sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string terminator )sql\"")
  endif()
  string(APPEND body "    {${number}, \"${name}\", R\"sql(${sql})sql\"},\n")
endforeach()
set(text "// Generated from src/store/migrations/*.sql by embed_migrations.cmake. Do not edit.
#pragma once
#include \"store/migrations.h\"

namespace tandem::store {

inline constexpr EmbeddedMigration kEmbeddedMigrations[] = {
${body}};

}  // namespace tandem::store
")
# Rewrite only on change so that an unrelated build does not recompile the store.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE ${OUT} "${text}")
