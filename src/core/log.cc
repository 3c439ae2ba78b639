#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tandem {

void InitLogging(const std::string& level) {
  // Logs go to stderr so that stdout stays for command output and the task contract.
  auto logger = spdlog::get("tandem");
  if (!logger) {
    logger = spdlog::stderr_color_mt("tandem");
    spdlog::set_default_logger(logger);
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%L%$ %v");
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  spdlog::set_level(lvl);
}

}  // namespace tandem
