#include "core/parse_limits.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/utf8.h"

namespace tandem {

Status CheckJsonDepth(std::string_view text, const std::string& what, const ParseLimits& limits) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return InvalidArgument(what + ": nested deeper than " + std::to_string(limits.max_depth) +
                               " levels (at byte " + std::to_string(i) + ")");
      }
    } else if (c == ']' || c == '}') {
      depth = std::max(0, depth - 1);
    }
  }
  return Status::Ok();
}

namespace {

// Counts the values of a YAML document as its events arrive, adding for each alias the
// size its anchor had, so the count is that of the document with every alias expanded.
class ExpansionCounter : public YAML::EventHandler {
 public:
  // Thrown out of yaml-cpp's parser at the first limit passed: the rest is not read.
  struct LimitPassed {};

  // A node takes at least a byte of text but for the implicit ones ("a:" is a map, a
  // key and a null: 3 events of 2 bytes), so more than 4 events per byte means yaml-cpp
  // is looping on malformed text: ">-\n," made it emit nulls until the value limit,
  // 1 second of CPU per 4-byte request under ASan.
  ExpansionCounter(const ParseLimits& limits, size_t text_bytes)
      : limits_(limits), max_events_(4 * static_cast<uint64_t>(text_bytes) + 64) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor, 1); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = sizes_.find(anchor);
    Leaf(mark, 0, it == sizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    Leaf(mark, anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

  // The first limit passed, with the line where it happened ("" = none).
  const std::string& problem() const { return problem_; }

 private:
  struct OpenCollection {
    YAML::anchor_t anchor;
    uint64_t count_at_start;
  };

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, uint64_t size) {
    Event(mark);
    Add(mark, size);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = size;
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Event(mark);
    Add(mark, 1);
    open_.push_back({anchor, count_});
    if (static_cast<int>(open_.size()) > limits_.max_depth && problem_.empty()) {
      problem_ = At(mark) + "nested deeper than " + std::to_string(limits_.max_depth) + " levels";
      throw LimitPassed();
    }
  }
  void Close() {
    if (open_.empty()) return;
    const OpenCollection c = open_.back();
    open_.pop_back();
    if (c.anchor != YAML::NullAnchor) sizes_[c.anchor] = count_ - c.count_at_start + 1;
  }
  void Event(const YAML::Mark& mark) {
    if (++events_ > max_events_ && problem_.empty()) {
      problem_ = At(mark) + "malformed YAML (the parser stopped making progress here)";
      throw LimitPassed();
    }
  }
  void Add(const YAML::Mark& mark, uint64_t n) {
    // Saturating: a bomb's sizes grow geometrically and would overflow.
    count_ = n > limits_.max_values ? limits_.max_values + 1 : std::min(count_ + n, limits_.max_values + 1);
    if (count_ > limits_.max_values && problem_.empty()) {
      problem_ = At(mark) + "more than " + std::to_string(limits_.max_values) +
                 " values once its aliases are expanded";
      throw LimitPassed();
    }
  }
  static std::string At(const YAML::Mark& mark) {
    return mark.is_null() ? "" : "line " + std::to_string(mark.line + 1) + ": ";
  }

  const ParseLimits& limits_;
  const uint64_t max_events_;
  uint64_t events_ = 0;
  uint64_t count_ = 0;
  std::vector<OpenCollection> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> sizes_;
  std::string problem_;
};

std::string Hex(char byte) {
  char out[8];
  std::snprintf(out, sizeof out, "0x%02X", static_cast<unsigned char>(byte));
  return out;
}

// "line L, column C" (both from 1) of byte `offset` of `text`.
std::string LineAndColumn(std::string_view text, size_t offset) {
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

}  // namespace

Status CheckYamlLimits(const std::string& text, const std::string& what, const ParseLimits& limits) {
  // YAML is Unicode (YAML 1.2 5.2); yaml-cpp would keep any bytes in a scalar, and they
  // would fail later, far from the text, when the value is shown or stored.
  const size_t bad = FirstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return InvalidArgument(what + ": " + LineAndColumn(text, bad) + ": byte " + Hex(text[bad]) +
                           " is not UTF-8 (save the file as UTF-8)");
  }
  // Nor may it hold C0 controls but tab, LF and CR, or DEL (YAML 1.2 5.1 c-printable):
  // yaml-cpp turns a NUL into a stream of millions of events.
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      return InvalidArgument(what + ": " + LineAndColumn(text, i) + ": control character " + Hex(text[i]) +
                             " is not allowed in YAML");
    }
  }
  std::istringstream in(text);
  ExpansionCounter counter(limits, text.size());
  try {
    YAML::Parser parser(in);
    while (counter.problem().empty() && parser.HandleNextDocument(counter)) {
    }
  } catch (const ExpansionCounter::LimitPassed&) {
    // problem() says which; the rest of the document is not read.
  } catch (const YAML::Exception&) {
    // Malformed: the real parse reports it with its own position.
  }
  if (!counter.problem().empty()) return InvalidArgument(what + ": " + counter.problem());
  return Status::Ok();
}

}  // namespace tandem
