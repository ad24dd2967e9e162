// Opens an event log's RocksDB folder directly, with all its column families, so that tests
// can write what the EventLog never would (bad format versions, tampered events).
#ifndef ARRS_TESTS_STORE_RAW_ROCKS_H_
#define ARRS_TESTS_STORE_RAW_ROCKS_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace arrs::store::testing_util {

class RawRocks {
 public:
  explicit RawRocks(const std::string& dir) {
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
    if (!s.ok()) {
      ADD_FAILURE() << s.ToString();
      std::abort();
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    s = rocksdb::DB::Open(options, dir, descriptors, &handles_, &db_);
    if (!s.ok()) {
      ADD_FAILURE() << s.ToString();
      std::abort();
    }
    for (size_t i = 0; i < names.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~RawRocks() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
    delete db_;
  }
  RawRocks(const RawRocks&) = delete;
  RawRocks& operator=(const RawRocks&) = delete;

  rocksdb::DB* db() { return db_; }
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) { return by_name_.at(name); }

  std::string Get(const std::string& family, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(family), key, &value);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }
  void Put(const std::string& family, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions write;
    write.sync = true;
    ASSERT_TRUE(db_->Put(write, cf(family), key, value).ok());
  }
  void Delete(const std::string& family, const std::string& key) {
    rocksdb::WriteOptions write;
    write.sync = true;
    ASSERT_TRUE(db_->Delete(write, cf(family), key).ok());
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

// Flushes `family` of the event log in `dir` (closed) to an SST file and flips one byte a
// quarter of the way into its largest SST (in its data blocks), as a damaged disk would.
inline void FlipByteInSstOf(const std::string& dir, const std::string& family) {
  std::string file;
  {
    RawRocks raw(dir);
    ASSERT_TRUE(raw.db()->Flush(rocksdb::FlushOptions(), raw.cf(family)).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    raw.db()->GetLiveFilesMetaData(&files);
    uint64_t largest = 0;
    for (const auto& f : files) {
      if (f.column_family_name == family && f.size > largest) {
        largest = f.size;
        file = dir + f.name;
      }
    }
  }
  ASSERT_FALSE(file.empty()) << "no SST of " << family;
  std::fstream sst(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto at = static_cast<std::streamoff>(std::filesystem::file_size(file) / 4);
  char byte = 0;
  sst.seekg(at);
  sst.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x40);
  sst.seekp(at);
  sst.write(&byte, 1);
}

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_RAW_ROCKS_H_
