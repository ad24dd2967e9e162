// Where a Backup RPC may write: only inside the operator's backup root (arrsd
// --backup-root), never inside the live data folder, and only a folder that does not exist
// yet. Without a backup root, backups over RPC are refused.
#ifndef ARRS_SERVICES_BACKUP_TARGET_H_
#define ARRS_SERVICES_BACKUP_TARGET_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace arrs::services {

// OK when `backup_root` ("" = none) may hold backups of `data_dir`: it exists and is
// neither inside the data folder nor the data folder itself. INVALID_ARGUMENT otherwise.
absl::Status CheckBackupRoot(const std::string& backup_root, const std::string& data_dir);

// The absolute path to write a backup to for `target_dir` (absolute, or relative to the
// root), after resolving symbolic links and "..": FAILED_PRECONDITION without a root;
// INVALID_ARGUMENT naming target_dir when it is outside the root, inside the data folder,
// the root itself, or already exists; when it holds a NUL byte; when the folder that would
// hold it does not exist; or when "<target>.tmp" (RocksDB's staging folder) is a file.
absl::StatusOr<std::string> ResolveBackupTarget(const std::string& backup_root,
                                                const std::string& data_dir,
                                                const std::string& target_dir);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_BACKUP_TARGET_H_
