#include "ledger/store/event_hash.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstring>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace arrs::store {
namespace {

const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

void PutU64(std::string* out, uint64_t value) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(buf, 8);
}

void PutBytes(std::string* out, const std::string& bytes) {
  uint32_t n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                       static_cast<char>(n >> 8), static_cast<char>(n)};
  out->append(len, 4);
  out->append(bytes);
}

}  // namespace

const std::string& ZeroHash() {
  static const std::string* zero = new std::string(32, '\0');
  return *zero;
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest fails only on allocation failure or a broken provider; both fatal here.
  if (EVP_Digest(data.data(), data.size(), digest, &len, Sha256Md(), nullptr) != 1 ||
      len != 32) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string DeterministicPayloadBytes(const v1::Payload& payload) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    payload.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string PayloadHash(const v1::Payload& payload) {
  return Sha256(DeterministicPayloadBytes(payload));
}

std::string CanonicalEnvelope(const v1::Event& event) {
  std::string out;
  out.reserve(10 + 5 * 8 + 4 * 4 + event.stream().size() + event.actor().size() +
              event.reason().size() + event.request_id().size());
  out.append(kHashFormatTag, std::strlen(kHashFormatTag));
  PutU64(&out, event.position());
  PutU64(&out, static_cast<uint64_t>(event.recorded_at_micros()));
  const v1::Date& d = event.effective_date();
  const int64_t date_number = static_cast<int64_t>(d.year()) * 10000 +
                              static_cast<int64_t>(d.month()) * 100 + d.day();
  PutU64(&out, static_cast<uint64_t>(date_number));
  PutU64(&out, event.stream_version());
  PutU64(&out, event.corrects());
  PutBytes(&out, event.stream());
  PutBytes(&out, event.actor());
  PutBytes(&out, event.reason());
  PutBytes(&out, event.request_id());
  return out;
}

std::string EventHash(const v1::Event& event) {
  std::string input;
  const std::string canonical = CanonicalEnvelope(event);
  input.reserve(event.prev_hash().size() + canonical.size() + event.payload_hash().size());
  input.append(event.prev_hash());
  input.append(canonical);
  input.append(event.payload_hash());
  return Sha256(input);
}

std::string HexHash(absl::string_view hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(hash.size() * 2);
  for (unsigned char c : hash) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

}  // namespace arrs::store
