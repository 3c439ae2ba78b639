#include "workflow/when_expr.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace tandem::workflow {

Result<WhenExpr> ParseWhen(const std::string& text) {
  std::istringstream in(text);
  std::string left, op, right, extra;
  in >> left >> op >> right;
  const std::string form = "expected '<node>.metrics.<name> <op> <number>', got '" + text + "'";
  if (left.empty() || op.empty() || right.empty() || (in >> extra)) return InvalidArgument(form);
  WhenExpr w;
  auto d1 = left.find(".metrics.");
  if (d1 == std::string::npos || d1 == 0 || d1 + 9 >= left.size()) return InvalidArgument(form);
  w.node = left.substr(0, d1);
  w.metric = left.substr(d1 + 9);
  if (op != ">=" && op != ">" && op != "<=" && op != "<" && op != "==" && op != "!=") {
    return InvalidArgument("unknown operator '" + op + "' (use >=, >, <=, <, ==, !=)");
  }
  w.op = op;
  char* end = nullptr;
  errno = 0;
  w.value = std::strtod(right.c_str(), &end);
  if (*end != '\0' || errno != 0) return InvalidArgument("'" + right + "' is not a number");
  return w;
}

bool EvaluateWhen(const WhenExpr& w, const Json& outputs) {
  if (!outputs.is_object() || !outputs.contains("_metrics")) return false;
  const Json& metrics = outputs["_metrics"];
  if (!metrics.is_object() || !metrics.contains(w.metric) || !metrics[w.metric].is_number()) {
    return false;
  }
  const double v = metrics[w.metric].get<double>();
  if (w.op == ">=") return v >= w.value;
  if (w.op == ">") return v > w.value;
  if (w.op == "<=") return v <= w.value;
  if (w.op == "<") return v < w.value;
  if (w.op == "==") return v == w.value;
  return v != w.value;
}

}  // namespace tandem::workflow
