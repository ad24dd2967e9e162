// The event a decision records, as every Decide* function (decide.cc, settle.cc) builds
// it: dated, with the command's reason, carrying the decided payload.
#ifndef ARRS_LEDGER_DOMAIN_DECIDED_EVENT_H_
#define ARRS_LEDGER_DOMAIN_DECIDED_EVENT_H_

#include <utility>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/decide.h"
#include "ledger/util/civil_date.h"

namespace arrs::domain {

// An event effective on `effective`, with `header`'s reason and `payload`.
inline v1::Event MakeEvent(absl::CivilDay effective, const v1::CommandHeader& header,
                           v1::Payload payload) {
  v1::Event event;
  *event.mutable_effective_date() = ToProtoDate(effective);
  event.set_reason(header.reason());
  *event.mutable_payload() = std::move(payload);
  return event;
}

// The decided events as a vector. (A braced list would copy each event: an assessment
// carries every line's explanation.)
inline Events OneEvent(v1::Event event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_DECIDED_EVENT_H_
