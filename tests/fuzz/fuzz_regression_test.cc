// Replays every seed (tests/fuzz/corpus/<target>/) and every input that once crashed a fuzz
// target (tests/fuzz/regressions/<target>/) through the targets of fuzz_targets.h, in the
// ordinary build. A crash found by scripts/fuzz.sh is saved under regressions/ with the
// fix, so it is checked on every run from then on.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {
namespace {

using Target = int (*)(const uint8_t*, size_t);

// Runs every file of tests/fuzz/<kind>/<name>/ through `target`; returns how many ran.
int Replay(const std::string& kind, const std::string& name, Target target) {
  const std::filesystem::path dir =
      std::filesystem::path(ARRS_SOURCE_DIR) / "tests/fuzz" / kind / name;
  if (!std::filesystem::is_directory(dir)) return 0;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
  }
  return static_cast<int>(files.size());
}

struct Case {
  const char* name;
  Target target;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class FuzzRegressionTest : public ::testing::TestWithParam<Case> {};

TEST_P(FuzzRegressionTest, SeedsAndPastCrashesRunClean) {
  const int seeds = Replay("corpus", GetParam().name, GetParam().target);
  const int regressions = Replay("regressions", GetParam().name, GetParam().target);
  EXPECT_GT(seeds, 0) << "no seed corpus for " << GetParam().name;
  RecordProperty("seeds", seeds);
  RecordProperty("regressions", regressions);
}

// Inputs that must stay refused or harmless, checked by hand against each target.
TEST(FuzzTargetsTest, EdgeInputsRunClean) {
  for (Target target :
       {&FuzzEnvelope, &FuzzRules, &FuzzCsv, &FuzzRequest, &FuzzJwt, &FuzzRpc, &FuzzHttp}) {
    EXPECT_EQ(target(nullptr, 0), 0);
    const std::string nul(1, '\0');
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(nul.data()), nul.size()), 0);
    const std::string quote = "\"unterminated,\n";
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(quote.data()), quote.size()), 0);
    const std::string big(100000, '\xff');
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(big.data()), big.size()), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzRegressionTest,
                         ::testing::Values(Case{"envelope", &FuzzEnvelope},
                                           Case{"rules", &FuzzRules}, Case{"csv", &FuzzCsv},
                                           Case{"request", &FuzzRequest}, Case{"jwt", &FuzzJwt},
                                           Case{"rpc", &FuzzRpc}, Case{"http", &FuzzHttp}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace arrs::fuzz
