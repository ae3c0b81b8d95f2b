// A closed store's (or vault's) RocksDB opened directly, every column family by name, as an
// attacker with `ldb` would: for tests that alter what is on disk. Header-only; a test that
// includes it links RocksDB.
#ifndef CTG_TESTS_TESTING_RAW_ROCKSDB_H_
#define CTG_TESTS_TESTING_RAW_ROCKSDB_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"

namespace ctg::testing {

class RawRocksDb {
 public:
  explicit RawRocksDb(const std::string& dir) {
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names_).ok()) << dir;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names_) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles_, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(raw);
  }
  ~RawRocksDb() {
    if (db_ == nullptr) return;
    for (auto* handle : handles_) EXPECT_TRUE(db_->DestroyColumnFamilyHandle(handle).ok());
    EXPECT_TRUE(db_->Close().ok());
  }
  RawRocksDb(const RawRocksDb&) = delete;
  RawRocksDb& operator=(const RawRocksDb&) = delete;

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* Family(const std::string& name) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return handles_[i];
    }
    ADD_FAILURE() << "no column family " << name;
    return handles_[0];
  }
  std::string Get(const std::string& family, const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Family(family), key, &value);
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
    return value;
  }
  // Synced writes, as the store's own.
  void Put(const std::string& family, const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put(Synced(), Family(family), key, value).ok());
  }
  void Delete(const std::string& family, const std::string& key) {
    EXPECT_TRUE(db_->Delete(Synced(), Family(family), key).ok());
  }
  void Change(const std::string& family, const std::string& key,
              const std::function<void(std::string*)>& change) {
    std::string value = Get(family, key);
    change(&value);
    Put(family, key, value);
  }
  // Writes every column family to SST files and returns the path of `family`'s one file.
  std::string FlushedFile(const std::string& family) {
    for (auto* handle : handles_) EXPECT_TRUE(db_->Flush(rocksdb::FlushOptions(), handle).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::string path;
    for (const auto& file : files) {
      if (file.column_family_name == family) {
        EXPECT_TRUE(path.empty()) << family << " has more than one file";
        path = file.db_path + file.name;
      }
    }
    EXPECT_FALSE(path.empty()) << family << " has no file";
    return path;
  }

 private:
  static rocksdb::WriteOptions Synced() {
    rocksdb::WriteOptions options;
    options.sync = true;
    return options;
  }
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> names_;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_RAW_ROCKSDB_H_
