// Console logging per docs/internals.md "Host log lines": spdlog to stdout,
// pattern "[%Y-%m-%dT%H:%M:%S.%eZ] [%l] %v" in UTC, flushed on every line so
// tests and log collectors see lines at once.
#ifndef PYFN_HOST_LOGGING_H_
#define PYFN_HOST_LOGGING_H_

#include <string>

namespace pyfn {

// Installs the default logger. `level`: trace, debug, info, warn, error.
// Safe to call again to change the level. `to_stderr` (first call only):
// log to stderr instead of stdout (pyfn-host --index keeps stdout for JSON).
void InitLogging(const std::string& level, bool to_stderr = false);

// PYFN_LOG_FORMAT: "text" (the pattern above) or "json": one object per line,
// {"time": "...Z", "level": "info", "message": "..."}, the message JSON-escaped
// (tracebacks stay on one line), for log collectors.
void SetLogFormat(const std::string& format);

// A string as the inside of a JSON string literal. Exposed for tests.
std::string JsonEscape(const std::string& s);

}  // namespace pyfn

#endif  // PYFN_HOST_LOGGING_H_
