// A small structured logger for arrsd: one line per record, `key=value` pairs, to stderr.
// Never log tokens or request payloads (they may hold personal data).
#ifndef ARRS_SERVICES_LOG_H_
#define ARRS_SERVICES_LOG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace arrs::services {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// Accepts debug, info, warn, error, off.
bool ParseLogLevel(absl::string_view text, LogLevel* out);
void SetLogLevel(LogLevel level);
// True when records of `level` are written (to skip building a message nobody reads).
bool LogEnabled(LogLevel level);
// Writes "<utc time> level=<level> <message>" when `level` is enabled. Thread-safe.
void Log(LogLevel level, absl::string_view message);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_LOG_H_
