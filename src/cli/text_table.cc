#include "cli/text_table.h"

#include <locale.h>
#include <wchar.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace tandem::cli {
namespace {

// Decodes one UTF-8 character at text[*i] and moves past it; -1 for an invalid byte.
long NextCodePoint(const std::string& text, size_t* i) {
  const unsigned char lead = static_cast<unsigned char>(text[*i]);
  const size_t extra = lead < 0x80             ? 0
                       : (lead & 0xE0) == 0xC0 ? 1
                       : (lead & 0xF0) == 0xE0 ? 2
                       : (lead & 0xF8) == 0xF0 ? 3
                                               : 4;
  if (extra == 0) return ++*i, lead;
  if (extra == 4 || *i + extra >= text.size()) return ++*i, -1;
  long cp = lead & (0x7F >> (extra + 1));
  for (size_t k = 1; k <= extra; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[*i + k]);
    if ((next & 0xC0) != 0x80) return ++*i, -1;
    cp = (cp << 6) | (next & 0x3F);
  }
  *i += extra + 1;
  return cp;
}

// wcwidth answers for the calling thread's locale; the CLI's own locale is "C", which
// knows no wide characters, so the width is asked under C.UTF-8 (built into glibc).
class Utf8Locale {
 public:
  Utf8Locale() : locale_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {}
  ~Utf8Locale() {
    if (locale_ != static_cast<locale_t>(0)) freelocale(locale_);
  }
  int Width(long cp) const {
    if (cp < 0x80) return cp < 0x20 || cp == 0x7F ? 0 : 1;
    if (locale_ == static_cast<locale_t>(0)) return 1;
    locale_t old = uselocale(locale_);
    int w = wcwidth(static_cast<wchar_t>(cp));
    uselocale(old);
    return w < 0 ? 1 : w;
  }

 private:
  locale_t locale_;
};

}  // namespace

size_t DisplayWidth(const std::string& text) {
  static const Utf8Locale utf8;
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    long cp = NextCodePoint(text, &i);
    width += cp < 0 ? 1 : static_cast<size_t>(utf8.Width(cp));
  }
  return width;
}

void TextTable::Print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    while (line.size() > indent.size() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

std::string FormatTime(long long ms) {
  if (ms <= 0) return "-";
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string FormatNumber(double v) {
  char buf[32];
  if (v == static_cast<double>(static_cast<long long>(v)) && v > -1e15 && v < 1e15) {
    std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(v));
    return buf;
  }
  std::snprintf(buf, sizeof(buf), "%.4f", v);
  return buf;
}

}  // namespace tandem::cli
