// ParseListenAddress (services/listen_address.h): the one reading of HOST:PORT that both
// listeners (--listen, --http) and the loopback rule share.
#include "services/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace arrs::services {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddress, HostAndPortWithIpv6BracketsRemoved) {
  absl::StatusOr<ListenAddress> v4 = ParseListenAddress("127.0.0.1:8151", "--http");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8151);
  absl::StatusOr<ListenAddress> v6 = ParseListenAddress("[::1]:0", "--http");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
}

TEST(ListenAddress, BadAddressesAreRefusedNamingTheFlagAndTheValue) {
  for (const char* bad : {"8151", ":8151", "localhost:", "localhost:http", "localhost:65536",
                          "localhost:-1", ""}) {
    absl::StatusOr<ListenAddress> parsed = ParseListenAddress(bad, "--http");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("--http must be HOST:PORT"));
    EXPECT_THAT(parsed.status().message(), HasSubstr(absl::StrCat("'", bad, "'")));
    EXPECT_FALSE(IsLoopbackAddress(bad)) << bad;
  }
}

}  // namespace
}  // namespace arrs::services
