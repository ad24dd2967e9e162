// The hash chain's canonical encoding (format "arrs-ev-v1") and the log's key encodings.
#include <string>

#include "gtest/gtest.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

std::string U64(uint64_t v) { return EncodeU64(v); }
std::string Str(const std::string& s) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  std::string out = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                     static_cast<char>(n >> 8), static_cast<char>(n)};
  return out + s;
}

v1::Event Sample() {
  v1::Event e = testing_util::MakeEvent("S1", "alice");
  e.set_position(7);
  e.set_recorded_at_micros(1'700'000'000'123'456);
  e.set_stream("pcn/U1");
  e.set_stream_version(3);
  e.set_request_id("req-9");
  e.set_corrects(2);
  e.set_reason("fix");
  e.set_prev_hash(std::string(32, '\x11'));
  e.set_payload_hash(PayloadHash(e.payload()));
  return e;
}

TEST(EventHashTest, CanonicalEnvelopeLayout) {
  const v1::Event e = Sample();
  const std::string expected = std::string("arrs-ev-v1") + U64(7) + U64(1'700'000'000'123'456) +
                               U64(20240401) + U64(3) + U64(2) + Str("pcn/U1") + Str("alice") +
                               Str("fix") + Str("req-9");
  EXPECT_EQ(CanonicalEnvelope(e), expected);
  EXPECT_EQ(EventHash(e), Sha256(e.prev_hash() + expected + e.payload_hash()));
  EXPECT_EQ(PayloadHash(e.payload()), Sha256(DeterministicPayloadBytes(e.payload())));
}

TEST(EventHashTest, KnownSha256) {
  EXPECT_EQ(HexHash(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ZeroHash(), std::string(32, '\0'));
}

TEST(EventHashTest, EveryCoveredFieldChangesTheHash) {
  const v1::Event base = Sample();
  const std::string h = EventHash(base);
  auto changed = [&](auto mutate) {
    v1::Event e = base;
    mutate(e);
    return EventHash(e) != h;
  };
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_position(8); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_recorded_at_micros(1); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.mutable_effective_date()->set_day(2); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_stream_version(4); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_corrects(0); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_stream("pcn/U2"); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_actor("bob"); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_reason(""); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_request_id("req-10"); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_prev_hash(std::string(32, '\x12')); }));
  EXPECT_TRUE(changed([](v1::Event& e) { e.set_payload_hash(std::string(32, '\0')); }));
  // Length prefixes keep field boundaries: moving bytes between fields changes the hash.
  EXPECT_TRUE(changed([](v1::Event& e) {
    e.set_actor("alicef");
    e.set_reason("ix");
  }));
  // Redaction: clearing the payload leaves the hash alone (only payload_hash is chained).
  EXPECT_FALSE(changed([](v1::Event& e) {
    e.clear_payload();
    e.set_redacted(true);
  }));
}

TEST(LogFormatTest, KeysSortNumerically) {
  EXPECT_LT(EventKey(255), EventKey(256));
  EXPECT_LT(EventKey(1), EventKey(UINT64_MAX));
  EXPECT_EQ(DecodeEventKey(EventKey(123456789)), 123456789u);
  EXPECT_FALSE(DecodeEventKey("short").has_value());
  EXPECT_LT(StreamKey("pcn/A", 2), StreamKey("pcn/A", 10));
  // A stream's keys never interleave with a longer stream sharing its prefix.
  EXPECT_LT(StreamKey("pcn/A", UINT64_MAX), StreamKey("pcn/AB", 0));
  EXPECT_EQ(DecodeStreamKeyVersion(StreamKey("pcn/A", 42), StreamPrefix("pcn/A")), 42u);
  EXPECT_FALSE(DecodeStreamKeyVersion(StreamKey("pcn/AB", 42), StreamPrefix("pcn/A")));
  EXPECT_EQ(DecodeStreamKeyStream(StreamKey("pcn/A", 42)), "pcn/A");
}

TEST(LogFormatTest, HeadAndRequestRecordRoundtrip) {
  uint64_t position = 0;
  std::string hash;
  ASSERT_TRUE(DecodeHead(EncodeHead(99, std::string(32, 'h')), &position, &hash).ok());
  EXPECT_EQ(position, 99u);
  EXPECT_EQ(hash, std::string(32, 'h'));
  EXPECT_FALSE(DecodeHead("too short", &position, &hash).ok());

  RequestRecord record{5, 7, 3, "pcn/U1"};
  auto decoded = DecodeRequestRecord(EncodeRequestRecord(record));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->first_position, 5u);
  EXPECT_EQ(decoded->last_position, 7u);
  EXPECT_EQ(decoded->stream_version, 3u);
  EXPECT_EQ(decoded->stream, "pcn/U1");
  EXPECT_FALSE(DecodeRequestRecord("x").ok());
}

}  // namespace
}  // namespace arrs::store
