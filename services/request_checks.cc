#include "services/request_checks.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace arrs::services {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Walk(const Message& message, const std::string& path) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " carries unknown field number ", unknown.field(0).number(), " (", unknown.field_count(),
        " unknown field(s)); this server's schema does not know it, so the request is "
        "refused rather than stored with data no check has seen"));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // only the fields that are set
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int n = reflection->FieldSize(message, field);
      for (int i = 0; i < n; ++i) {
        absl::Status s = Walk(reflection->GetRepeatedMessage(message, field, i),
                              absl::StrCat(path, ".", field->name(), "[", i, "]"));
        if (!s.ok()) return s;
      }
    } else {
      absl::Status s = Walk(reflection->GetMessage(message, field),
                            absl::StrCat(path, ".", field->name()));
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckClaimMonthNotAfter(const v1::Date& month, absl::CivilDay today) {
  const absl::CivilMonth current(today);
  const absl::CivilMonth claimed(month.year(), month.month(), 1);
  if (month.month() < 1 || month.month() > 12 || claimed <= current) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "month %04d-%02d is after the current month %04d-%02d (the server's clock, UTC); a "
      "claim is for a month that has begun",
      month.year(), month.month(), current.year(), current.month()));
}

absl::Status CheckNoUnknownFields(const google::protobuf::Message& request) {
  return Walk(request, request.GetDescriptor()->name());
}

}  // namespace arrs::services
