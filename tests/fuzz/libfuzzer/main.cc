// libFuzzer's entry point for every fuzzer executable: it calls the one target the build
// names (ARRS_FUZZ_TARGET, set per executable in tests/fuzz/CMakeLists.txt). In a folder
// of its own, so that the test suite replaying the targets does not compile it.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_targets.h"

#ifndef ARRS_FUZZ_TARGET
#error "ARRS_FUZZ_TARGET names the fuzz target this executable runs, e.g. FuzzCsv"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return ::arrs::fuzz::ARRS_FUZZ_TARGET(data, size);
}
