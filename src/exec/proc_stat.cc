#include "exec/proc_stat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "exec/local_launcher.h"

namespace tandem::exec {

Result<ProcStat> ParseProcStat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos) return Internal("/proc stat: no ')' after the command");
  // After ") " come fields 3 (state), 4, ... separated by single spaces.
  std::string_view rest = text.substr(close + 1);
  ProcStat out;
  int field = 2;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view token = rest.substr(pos, end - pos);
    pos = end;
    if (token.empty()) break;
    ++field;
    if (field == 3) out.state = token[0];
    if (field == 22) {
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), out.start_ticks);
      if (ec != std::errc() || p != token.data() + token.size()) {
        return Internal("/proc stat: start time '" + std::string(token) + "' is not a number");
      }
      return out;
    }
  }
  return Internal("/proc stat: fewer than 22 fields");
}

Result<ProcStat> ReadProcStat(int pid) {
  if (pid <= 0) return InvalidArgument("pid " + std::to_string(pid) + " is not a process id");
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ESRCH) {
      return NotFound("process " + std::to_string(pid) + " not found");
    }
    return IoError("cannot open '" + path + "': " + std::strerror(errno));
  }
  // One read: the kernel produces the file whole, and 52 numeric fields fit in 4 KiB.
  char buf[4096];
  ssize_t n;
  do {
    n = ::read(fd, buf, sizeof(buf));
  } while (n < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (n < 0) {
    // The process may exit between open and read.
    if (err == ESRCH) return NotFound("process " + std::to_string(pid) + " not found");
    return IoError("cannot read '" + path + "': " + std::strerror(err));
  }
  auto stat = ParseProcStat(std::string_view(buf, static_cast<size_t>(n)));
  if (!stat.ok()) return stat.status().WithContext(path);
  return stat;
}

Result<uint64_t> ProcessStartTicks(int pid) {
  ASSIGN_OR_RETURN(ProcStat stat, ReadProcStat(pid));
  return stat.start_ticks;
}

}  // namespace tandem::exec
