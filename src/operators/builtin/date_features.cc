// date-features: replaces each column of ISO dates or times by number columns of its
// calendar parts ("sold.year", "sold.month", "sold.day_of_week", ...), a date-parts step
// of the table's transform chain, so a service computes the same parts from raw dates.
#include "data/dates.h"
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "date-features";
  def.category = "feature";
  def.description =
      "Turns date and datetime columns into number columns of their parts (year, month, day, "
      "day of week, hour, ...).";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "parts": {"type": "array", "uniqueItems": true, "minItems": 1,
                "items": {"enum": ["year", "month", "day", "day_of_week", "day_of_year", "hour", "minute", "second"]},
                "description": "Parts to make of each column; when absent year, month, day and day_of_week, plus hour and minute for datetimes."}
    }
  })json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Date or datetime columns; every one but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  const bool named = ctx.params().contains("columns");
  const std::vector<std::string> parts =
      ctx.params().value("parts", Json::array()).get<std::vector<std::string>>();
  return FitAndWriteTable(ctx, ColumnKind::kText,
                          [named, &parts](const data::Table& t, const std::vector<std::string>& columns)
                              -> Result<Json> {
    std::vector<std::string> dates = columns;
    if (!named) {  // of the text columns, those that hold dates
      std::erase_if(dates, [&t](const std::string& c) {
        return data::ColumnDateKind(*t.Find(c)) == data::DateKind::kNone;
      });
      if (dates.empty()) {
        return InvalidArgument("the table has no date columns besides the label (ISO dates, YYYY-MM-DD)");
      }
    }
    return data::FitDateParts(t, dates, parts);
  });
}

}  // namespace

BuiltinOperator DateFeaturesOperator() { return {Definition, Run, "date-features/1"}; }

}  // namespace tandem::operators::builtin
