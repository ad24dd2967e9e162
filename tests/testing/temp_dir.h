// TempDir: a fresh, empty folder under the system's temporary directory, removed with
// everything in it when the TempDir is destroyed. Names are unique within the process
// (pid + counter), so tests may run in parallel processes and threads.
//
// Thread-safe: constructing TempDirs concurrently is safe; one TempDir is not shared.
#ifndef ARRS_TESTS_TESTING_TEMP_DIR_H_
#define ARRS_TESTS_TESTING_TEMP_DIR_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace arrs::testing_support {

class TempDir {
 public:
  // `prefix` names the folder's user in its name (e.g. "engine").
  explicit TempDir(const std::string& prefix = "test") {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            absl::StrCat("arrs-", prefix, "-", getpid(), "-", counter++);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  // A path inside the folder (not created).
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to the file `name` inside the folder (replacing it); returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return Sub(name);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_TESTING_TEMP_DIR_H_
