#include "services/backup_target.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace arrs::services {
namespace {

namespace fs = std::filesystem;

// `path` with symbolic links of its existing part resolved, "." and ".." removed.
fs::path Resolved(const fs::path& path) {
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path), error);
  return error ? fs::absolute(path).lexically_normal() : resolved;
}

// True when `inner` is `outer` or below it (both resolved).
bool Within(const fs::path& inner, const fs::path& outer) {
  const fs::path relative = inner.lexically_relative(outer);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

absl::Status CheckBackupRoot(const std::string& backup_root, const std::string& data_dir) {
  if (backup_root.empty()) return absl::OkStatus();
  const fs::path root = Resolved(backup_root);
  if (!fs::is_directory(root)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backup-root ", backup_root, " is not an existing folder"));
  }
  if (!data_dir.empty() && Within(root, Resolved(data_dir))) {
    return absl::InvalidArgumentError(absl::StrCat("--backup-root ", backup_root,
                                                   " is inside the data folder ", data_dir,
                                                   ": a backup there shares its fate"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveBackupTarget(const std::string& backup_root,
                                                const std::string& data_dir,
                                                const std::string& target_dir) {
  if (backup_root.empty()) {
    return absl::FailedPreconditionError(
        "backups over RPC are off: start arrsd with --backup-root FOLDER (docs/SECURITY.md)");
  }
  if (target_dir.empty() || target_dir.size() > 4096) {
    return absl::InvalidArgumentError("target_dir must be a folder path inside the backup root");
  }
  if (target_dir.find('\0') != std::string::npos) {
    // The file system would see the path cut at the NUL: another folder than the one
    // checked here (RocksDB's checkpoint then failed part-way, UNAVAILABLE).
    return absl::InvalidArgumentError("target_dir must not contain a NUL byte");
  }
  const fs::path root = Resolved(backup_root);
  const fs::path requested(target_dir);
  fs::path target = Resolved(requested.is_absolute() ? requested : root / requested);
  if (!target.has_filename()) target = target.parent_path();  // "b1/" is "b1"
  if (!Within(target, root) || target == root) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target_dir ", target_dir, " is outside the backup root ", backup_root,
        " (give a new folder inside it, absolute or relative to it)"));
  }
  if (!data_dir.empty() && Within(target, Resolved(data_dir))) {
    return absl::InvalidArgumentError(
        absl::StrCat("target_dir ", target_dir, " is inside the live data folder"));
  }
  std::error_code error;
  if (fs::exists(fs::symlink_status(target, error))) {
    return absl::InvalidArgumentError(absl::StrCat("target_dir ", target_dir, " already exists"));
  }
  if (!fs::is_directory(target.parent_path(), error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target_dir ", target_dir, ": the folder that would hold it does not exist"));
  }
  // RocksDB stages a checkpoint in "<target>.tmp" and cannot replace a file (or a folder
  // holding folders) left there.
  const fs::path staging = target.parent_path() / (target.filename().string() + ".tmp");
  if (fs::exists(fs::symlink_status(staging, error)) && !fs::is_directory(staging, error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target_dir ", target_dir, ": ", staging.string(),
        " exists and is not a folder (RocksDB stages the backup there); remove it or choose "
        "another name"));
  }
  return target.string();
}

}  // namespace arrs::services
