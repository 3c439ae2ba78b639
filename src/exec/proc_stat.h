#pragma once
// Private to exec: reading /proc/PID/stat.
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace tandem::exec {

struct ProcStat {
  char state = '?';          // R, S, D, Z, T, ...
  uint64_t start_ticks = 0;  // field 22
};

// Parses the text of /proc/PID/stat. The command name (field 2) is in parentheses and
// may itself contain spaces and ')', so fields are counted from the last ')'.
Result<ProcStat> ParseProcStat(std::string_view text);
// Reads and parses /proc/PID/stat; kNotFound when the process does not exist.
Result<ProcStat> ReadProcStat(int pid);

}  // namespace tandem::exec
