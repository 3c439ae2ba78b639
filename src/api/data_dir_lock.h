#pragma once
// One server per data dir: an advisory lock (flock) on <data_dir>/tandem.lock, held for
// the life of the server and released by the kernel when its process ends, kill -9
// included. The file holds the owner's pid so that a second server can say who has it.
#include <memory>
#include <string>

#include "core/status.h"

namespace tandem::api {

class DataDirLock {
 public:
  // Creates <data_dir>/tandem.lock if needed and locks it without waiting; writes this
  // process's pid into it. kFailedPrecondition "data dir DIR in use by pid N" when
  // another open of the file holds it (another process, or another DataDirLock here);
  // kIoError when the file cannot be opened.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();  // closes the file: the lock is released
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tandem::api
