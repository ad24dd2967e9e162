#include "ledger/domain/stream_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace arrs::domain {

std::string PcnStream(absl::string_view pcn_code) {
  return absl::StrCat(kPcnStreamPrefix, pcn_code);
}

bool IsPcnStream(absl::string_view stream) {
  return absl::StartsWith(stream, kPcnStreamPrefix);
}

}  // namespace arrs::domain
