#include "logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace pyfn {

void InitLogging(const std::string& level) {
  static bool installed = false;
  if (!installed) {
    auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("pyfn", sink);
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%eZ] [%l] %v", spdlog::pattern_time_type::utc);
    spdlog::flush_on(spdlog::level::trace);
    installed = true;
  }
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace pyfn
