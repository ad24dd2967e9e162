// Issue 23, findings 1 and 2: Verify covers what the server reads besides the chain. A
// byte flipped in the streams or requests column family's SST, or an index entry that is
// wrong, missing or extra, fails Verify, naming the column family and the key.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/log_format.h"
#include "rocksdb/metadata.h"
#include "tests/store/raw_rocks.h"
#include "tests/store/small_log_fixture.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_util::RawRocks;

class IndexVerifyTest : public testing_util::SmallLogTest {};

TEST_F(IndexVerifyTest, ByteFlippedInTheStreamsSstFails) {
  FlipByteInSstOf(kStreamsFamily);
  const VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("orrupt")) << report.problem;
}

TEST_F(IndexVerifyTest, ByteFlippedInTheRequestsSstFails) {
  FlipByteInSstOf(kRequestsFamily);
  const VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("orrupt")) << report.problem;
}

TEST_F(IndexVerifyTest, StreamsEntryPointingElsewhereIsNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Put(kStreamsFamily, StreamKey("pcn/U1", 3), EncodeU64(7));
  }
  const VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("streams index: pcn/U1 version 3 -> position 7"));
}

TEST_F(IndexVerifyTest, MissingStreamsEntryIsNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kStreamsFamily, StreamKey("pcn/U2", 4));
  }
  const VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("79 entries for 80 events"));
}

TEST_F(IndexVerifyTest, WrongOrMissingRequestRecordIsNamed) {
  std::string record_bytes;
  {
    RawRocks raw(dir_.path());
    record_bytes = raw.Get(kRequestsFamily, RequestKey("pcn/U1", "r5"));
    absl::StatusOr<RequestRecord> record = DecodeRequestRecord(record_bytes);
    ASSERT_TRUE(record.ok());
    record->first_position += 2;
    record->last_position += 2;
    raw.Put(kRequestsFamily, RequestKey("pcn/U1", "r5"), EncodeRequestRecord(*record));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("requests index: pcn/U1 request \"r5\""));
  {
    RawRocks raw(dir_.path());
    raw.Delete(kRequestsFamily, RequestKey("pcn/U1", "r5"));
  }
  report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problem, HasSubstr("39 entries for 40 requests"));
  {
    RawRocks raw(dir_.path());
    raw.Put(kRequestsFamily, RequestKey("pcn/U1", "r5"), record_bytes);
  }
  EXPECT_TRUE(VerifyReopened().ok);
}

}  // namespace
}  // namespace arrs::store
