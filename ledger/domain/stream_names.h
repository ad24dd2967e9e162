// The names of the log's streams, in one place: each PCN has its own stream
// "pcn/<pcn_code>", and the rule book has one, "rules/arrs". Every layer above rules/ that
// names a stream or asks which kind a stream is uses these.
//
// Thread-safe: pure functions and constants.
#ifndef ARRS_LEDGER_DOMAIN_STREAM_NAMES_H_
#define ARRS_LEDGER_DOMAIN_STREAM_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

// "rules/arrs": the published rule versions.
inline constexpr const char* kRulesStream = rules::kRulesStream;
// The prefix of every PCN's stream.
inline constexpr absl::string_view kPcnStreamPrefix = "pcn/";

// "pcn/<pcn_code>".
std::string PcnStream(absl::string_view pcn_code);
// True for a PCN's stream ("pcn/..."), false for the rule book's and any other.
bool IsPcnStream(absl::string_view stream);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_STREAM_NAMES_H_
