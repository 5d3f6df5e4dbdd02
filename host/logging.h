// Console logging per docs/internals.md "Host log lines": spdlog to stdout,
// pattern "[%Y-%m-%dT%H:%M:%S.%eZ] [%l] %v" in UTC, flushed on every line so
// tests and log collectors see lines at once.
#ifndef PYFN_HOST_LOGGING_H_
#define PYFN_HOST_LOGGING_H_

#include <string>

namespace pyfn {

// Installs the default logger. `level`: trace, debug, info, warn, error.
// Safe to call again to change the level.
void InitLogging(const std::string& level);

}  // namespace pyfn

#endif  // PYFN_HOST_LOGGING_H_
