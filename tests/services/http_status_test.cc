// The HTTP error body is JSON (UTF-8) whatever bytes the status message quotes: the HTTP
// fuzzer sent a body whose bytes the refusal quoted (0xC1 0xA0, an overlong form), and the
// answer was not JSON at all.
#include "services/http/http_status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace arrs::services::http {
namespace {

TEST(HttpStatusTest, ErrorBodyIsJsonWhateverBytesTheMessageQuotes) {
  const std::string message =
      "body: +++\xc1\xa0*+ \x80 \xed\xa0\x80 caf\xc3\xa9 \xf0\x9f\x92\xb7";
  const std::string json = ErrorJson(absl::InvalidArgumentError(message));
  const nlohmann::json body = nlohmann::json::parse(json, nullptr, false);
  ASSERT_TRUE(body.is_object()) << json;
  EXPECT_EQ(body["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(body["httpStatus"], 400);
  // Well-formed sequences (é, a four-byte emoji) are kept; every other byte is named.
  EXPECT_EQ(body["message"],
            "body: +++\\xc1\\xa0*+ \\x80 \\xed\\xa0\\x80 caf\xc3\xa9 \xf0\x9f\x92\xb7");
}

TEST(HttpStatusTest, ValidUtf8KeepsWellFormedText) {
  EXPECT_EQ(ValidUtf8("plain ASCII"), "plain ASCII");
  EXPECT_EQ(ValidUtf8("\xe2\x82\xac 10"), "\xe2\x82\xac 10");      // euro sign
  EXPECT_EQ(ValidUtf8("\xe2\x82"), "\\xe2\\x82");                    // cut short
  EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(ValidUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

}  // namespace
}  // namespace arrs::services::http
