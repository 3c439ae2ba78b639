#include "core/ids.h"

#include <atomic>
#include <chrono>
#include <random>

namespace tandem {

std::string NewId(std::string_view prefix) {
  static const char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  // A counter from a random start: unique within a process for 2^18 ids per
  // millisecond, and unlikely to collide with another process's ids.
  static std::atomic<uint64_t> counter{std::random_device{}()};
  using namespace std::chrono;
  uint64_t ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  // 42 bits of milliseconds (good until 2109), then 18 bits of counter + randomness.
  uint64_t low = counter.fetch_add(1) & ((1ULL << 18) - 1);
  uint64_t v = ((ms & ((1ULL << 42) - 1)) << 18) | low;
  std::string out(12, '0');
  for (int i = 11; i >= 0; --i) {
    out[i] = kAlphabet[v & 31];
    v >>= 5;
  }
  return std::string(prefix) + "-" + out;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name[0])) return false;
  for (char c : name) {
    if (!lower_or_digit(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string InvalidNameMessage(std::string_view what, std::string_view name) {
  return std::string(what) + " '" + std::string(name) +
         "' must be 1-63 characters of a-z, 0-9, '-' or '_', starting with a letter or digit";
}

}  // namespace tandem
