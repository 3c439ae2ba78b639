#pragma once
// Request-target helpers shared by the router and the server: splitting a target into
// path and query, and percent-decoding. Pure functions, no I/O.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::http {

// Decodes %XX escapes; with `plus_is_space` (query strings) also '+' -> ' '.
// A malformed escape ("%zz", a trailing "%") is kept as written: being lenient here
// costs nothing and a 400 for a stray '%' would only puzzle users.
std::string PercentDecode(std::string_view text, bool plus_is_space = false);

// "/a/b?x=1#frag" -> path "/a/b", query "x=1" (both still encoded; fragment dropped).
void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

// "a=1&b=x%20y&flag" -> {a: "1", b: "x y", flag: ""}. A repeated key keeps its last value.
std::map<std::string, std::string> ParseQuery(std::string_view query);

// The decoded segments of an encoded path: "/a/b%2Fc/" -> {"a", "b/c", ""}; "/" -> {""}.
// Segments are decoded one by one, so an encoded '/' stays inside its segment.
std::vector<std::string> PathSegments(std::string_view path);

// ASCII lower case, for header names and for system error messages quoted mid-sentence.
std::string AsciiLower(std::string_view text);

}  // namespace tandem::http
