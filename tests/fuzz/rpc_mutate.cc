#include "tests/fuzz/rpc_mutate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace arrs::fuzz {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 4;
constexpr int kMaxElementsWalked = 4;
// Big enough to pass every length limit the services check, small enough to stay fast.
constexpr size_t kHugeString = 100000;

struct Slot {
  Message* message;
  const FieldDescriptor* field;
};

void Collect(Message* m, int depth, std::vector<Slot>* out) {
  const google::protobuf::Descriptor* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    out->push_back({m, f});
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || depth >= kMaxDepth) continue;
    if (f->is_repeated()) {
      const int n = std::min(r->FieldSize(*m, f), kMaxElementsWalked);
      for (int j = 0; j < n; ++j) Collect(r->MutableRepeatedMessage(m, f, j), depth + 1, out);
    } else if (r->HasField(*m, f)) {
      Collect(r->MutableMessage(m, f), depth + 1, out);
    }
  }
}

int64_t EdgeInt(InputBytes& in, int64_t lo, int64_t hi) {
  switch (in.Byte() % 10) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return std::max<int64_t>(lo, -1);
    case 3:
      return lo;
    case 4:
      return hi;
    case 5:
      return std::clamp<int64_t>(2023, lo, hi);  // a plausible year
    case 6:
      return std::clamp<int64_t>(10000, lo, hi);  // 1.0 WTE in basis points
    case 7:
      return std::clamp<int64_t>(99999, lo, hi);  // beyond civil dates' years
    default: {
      const int64_t v = static_cast<int64_t>(in.Word());
      return std::clamp(v, lo, hi);
    }
  }
}

std::string EdgeString(InputBytes& in) {
  switch (in.Byte() % 12) {
    case 0:
      return "";
    case 1:
      return std::string(kHugeString, 'U');
    case 2:
      return "U40001";
    case 3:
      return "U40002";
    case 4:
      return "QAA";
    case 5:
      return "c1";
    case 6:
      return "s1";
    case 7:
      return std::string("\xff\xfe\xc0", 3);  // not UTF-8
    case 8:
      return std::string("a\0b", 3);
    case 9:
      return "../../outside";
    default:
      return in.Text(64);
  }
}

void SetScalar(Message* m, const FieldDescriptor* f, InputBytes& in) {
  const Reflection* r = m->GetReflection();
  using I32 = std::numeric_limits<int32_t>;
  using I64 = std::numeric_limits<int64_t>;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(m, f, static_cast<int32_t>(EdgeInt(in, I32::min(), I32::max())));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(m, f, EdgeInt(in, I64::min(), I64::max()));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      r->SetUInt32(m, f, static_cast<uint32_t>(EdgeInt(in, -1, I32::max())));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      r->SetUInt64(m, f, static_cast<uint64_t>(EdgeInt(in, I64::min(), I64::max())));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const double values[] = {0, -1, 1e300, std::nan(""), std::numeric_limits<double>::infinity()};
      const double v = values[in.Byte() % 5];
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        r->SetDouble(m, f, v);
      } else {
        r->SetFloat(m, f, static_cast<float>(v));
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      r->SetBool(m, f, !r->GetBool(*m, f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int known = f->enum_type()->value_count();
      const uint8_t pick = in.Byte();
      int v = f->enum_type()->value(pick % known)->number();
      if (pick % 4 == 0) v = 999;  // unknown to this build
      if (pick % 8 == 1) v = -1;
      r->SetEnumValue(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(m, f, EdgeString(in));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (in.Byte() % 2 == 0) {
        r->ClearField(m, f);
      } else {
        r->MutableMessage(m, f);  // present, every field default
      }
      break;
  }
}

void MutateRepeated(Message* m, const FieldDescriptor* f, InputBytes& in) {
  const Reflection* r = m->GetReflection();
  const int size = r->FieldSize(*m, f);
  switch (in.Byte() % 3) {
    case 0:
      r->ClearField(m, f);
      break;
    case 1:
      if (size > 0) r->RemoveLast(m, f);
      break;
    default: {
      // Copies of the last element (a message) or edge values: one more, or past the
      // services' list limits (500 claim lines, 100 practices, 64 baseline roles).
      const int copies = (in.Byte() % 4 == 0) ? 501 : 1;
      for (int i = 0; i < copies; ++i) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          Message* added = r->AddMessage(m, f);
          if (size > 0) added->CopyFrom(r->GetRepeatedMessage(*m, f, size - 1));
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          r->AddString(m, f, i == 0 ? EdgeString(in) : "c1");
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          r->AddEnumValue(m, f, static_cast<int>(in.Byte()) - 1);
        } else {
          return;  // the request types have no other repeated scalars
        }
      }
    }
  }
}

}  // namespace

uint8_t InputBytes::Byte() {
  if (size_ == 0) return 0;
  --size_;
  return *data_++;
}

uint64_t InputBytes::Word() {
  uint64_t v = 0;
  for (int i = 0; i < 8 && size_ > 0; ++i) v |= static_cast<uint64_t>(Byte()) << (8 * i);
  return v;
}

std::string InputBytes::Text(size_t max) {
  const size_t n = std::min<size_t>({Byte(), max, size_});
  std::string s(reinterpret_cast<const char*>(data_), n);
  data_ += n;
  size_ -= n;
  return s;
}

void MutateMessage(Message* message, InputBytes& in, int max_mutations) {
  for (int i = 0; i < max_mutations && !in.empty(); ++i) {
    std::vector<Slot> slots;
    Collect(message, 0, &slots);
    if (slots.empty()) return;
    const uint64_t pick =
        static_cast<uint64_t>(in.Byte()) | (static_cast<uint64_t>(in.Byte()) << 8);
    const Slot& slot = slots[pick % slots.size()];
    if (slot.field->is_repeated()) {
      MutateRepeated(slot.message, slot.field, in);
    } else {
      SetScalar(slot.message, slot.field, in);
    }
  }
}

}  // namespace arrs::fuzz
