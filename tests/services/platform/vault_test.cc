// The subject-key vault: sealing, tamper detection, erasure, KEK files, and the physical
// absence of erased key material (and of plaintext) from every file of the vault and of a
// RocksDB standing in for the event log.
#include "services/platform/vault.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::platform {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::ctg::testing::TempDir;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;

// Matches an absl::StatusOr holding `expected`.
MATCHER_P(IsOkAndHolds, expected, "") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return *arg == expected;
}

const absl::Time kErasureTime = absl::FromUnixSeconds(1'800'000'000);

std::string RandomHex(size_t bytes) {
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>(device() & 0xff));
  return absl::BytesToHexString(out);
}

std::string RandomSubject() { return absl::StrCat("person-", RandomHex(16)); }

VaultOptions TestOptions() {
  VaultOptions options;
  options.clock = [] { return kErasureTime; };
  return options;
}

std::unique_ptr<KeyVault> OpenVault(const std::string& dir, const VaultOptions& options) {
  absl::StatusOr<std::unique_ptr<KeyVault>> vault = KeyVault::Open(dir, options);
  EXPECT_OK(vault.status());
  return vault.ok() ? *std::move(vault) : nullptr;
}

void WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

mode_t FileMode(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

// Every regular file under `dir` whose bytes contain `needle`, and how many files and bytes
// were scanned.
struct ScanResult {
  std::vector<std::string> files_containing;
  size_t files = 0;
  size_t bytes = 0;
};

ScanResult Scan(const std::string& dir, const std::string& needle) {
  ScanResult result;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string contents((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    ++result.files;
    result.bytes += contents.size();
    if (contents.find(needle) != std::string::npos) {
      result.files_containing.push_back(entry.path().string());
    }
  }
  return result;
}

// The files under `dir` that contain `needle` ("" if none), for assertions.
std::string FilesContaining(const std::string& dir, const std::string& needle) {
  const ScanResult result = Scan(dir, needle);
  EXPECT_GT(result.files, 0u) << dir << " has no file to scan";
  EXPECT_GT(result.bytes, 0u);
  std::string names;
  for (const std::string& file : result.files_containing) absl::StrAppend(&names, file, " ");
  return names;
}

TEST(KeyVaultTest, SealOpenRoundTrip) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string subject = RandomSubject();
  for (const std::string& plaintext :
       {std::string("Zéphyrine Testuser"), std::string(), std::string(100000, 'x')}) {
    ASSERT_OK_AND_ASSIGN(std::string sealed, vault->Seal(subject, plaintext, "event-1"));
    EXPECT_EQ(sealed.size(), 1 + 16 + 12 + plaintext.size() + 16);
    EXPECT_EQ(sealed[0], '\x01');
    if (!plaintext.empty()) {
      EXPECT_EQ(sealed.find(plaintext), std::string::npos);
    }
    ASSERT_OK_AND_ASSIGN(std::string opened, vault->Open(subject, sealed, "event-1"));
    EXPECT_EQ(opened, plaintext);
  }
  // Random nonces: the same plaintext seals differently each time.
  ASSERT_OK_AND_ASSIGN(std::string a, vault->Seal(subject, "same", ""));
  ASSERT_OK_AND_ASSIGN(std::string b, vault->Seal(subject, "same", ""));
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 17), b.substr(0, 17));  // same version and key id
}

TEST(KeyVaultTest, TamperedSealedDataIsDataLoss) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string subject = RandomSubject();
  ASSERT_OK_AND_ASSIGN(std::string sealed, vault->Seal(subject, "Zéphyrine", "event-1"));

  EXPECT_THAT(vault->Open(subject, sealed, "event-2"), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(vault->Open(subject, sealed, ""), StatusIs(absl::StatusCode::kDataLoss, _));
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = sealed;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_THAT(vault->Open(subject, flipped, "event-1"),
                  StatusIs(absl::StatusCode::kDataLoss, _))
          << "byte " << i << " bit " << bit;
    }
  }
  for (size_t size = 0; size < sealed.size(); ++size) {
    EXPECT_THAT(vault->Open(subject, sealed.substr(0, size), "event-1"),
                StatusIs(absl::StatusCode::kDataLoss, _))
        << "truncated to " << size;
  }
  EXPECT_THAT(vault->Open(subject, sealed + "x", "event-1"),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(vault->Open(subject, sealed.substr(1), "event-1"),
              StatusIs(absl::StatusCode::kDataLoss, _));

  // Another subject's sealed data does not open under this subject.
  const std::string other = RandomSubject();
  ASSERT_OK_AND_ASSIGN(std::string other_sealed, vault->Seal(other, "Zéphyrine", "event-1"));
  EXPECT_THAT(vault->Open(subject, other_sealed, "event-1"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("other than this subject")));
  EXPECT_OK(vault->Open(subject, sealed, "event-1"));
}

TEST(KeyVaultTest, SubjectsHaveTheirOwnKeys) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string a = RandomSubject();
  const std::string b = RandomSubject();
  ASSERT_OK(vault->Seal(a, "x", "").status());
  ASSERT_OK(vault->Seal(b, "x", "").status());
  ASSERT_OK_AND_ASSIGN(KeyVault::KeyMaterial key_a, vault->KeyMaterialForTesting(a));
  ASSERT_OK_AND_ASSIGN(KeyVault::KeyMaterial key_b, vault->KeyMaterialForTesting(b));
  EXPECT_EQ(key_a.key.size(), 32u);
  EXPECT_NE(key_a.key, key_b.key);
  EXPECT_NE(key_a.key, std::string(32, '\0'));
  // Sealing again reuses the subject's key.
  ASSERT_OK(vault->Seal(a, "y", "").status());
  ASSERT_OK_AND_ASSIGN(KeyVault::KeyMaterial again, vault->KeyMaterialForTesting(a));
  EXPECT_EQ(again.key, key_a.key);
}

TEST(KeyVaultTest, ConcurrentFirstSealsShareOneKey) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string subject = RandomSubject();
  std::vector<std::string> sealed(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sealed.size(); ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::string> s = vault->Seal(subject, absl::StrCat("value ", i), "");
      if (s.ok()) sealed[i] = *s;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (size_t i = 0; i < sealed.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(std::string opened, vault->Open(subject, sealed[i], ""));
    EXPECT_EQ(opened, absl::StrCat("value ", i));
  }
}

TEST(KeyVaultTest, SubjectsAreOpaqueIdsAndNeverEchoed) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  for (const std::string& subject :
       {std::string("Zéphyrine Testuser"), std::string("zephyrine@example.org"), std::string(),
        std::string(129, 'a')}) {
    absl::StatusOr<std::string> sealed = vault->Seal(subject, "x", "");
    EXPECT_THAT(sealed, StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("phyrine"))));
    EXPECT_THAT(vault->Erase(subject), StatusIs(absl::StatusCode::kInvalidArgument, _));
  }
  EXPECT_OK(vault->Seal("person-3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b", "x", "").status());
}

TEST(KeyVaultTest, EraseMakesDataReadAsErased) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string subject = RandomSubject();
  const std::string other = RandomSubject();
  ASSERT_OK_AND_ASSIGN(std::string sealed, vault->Seal(subject, "Zéphyrine", "e1"));
  ASSERT_OK_AND_ASSIGN(std::string other_sealed, vault->Seal(other, "Alphonse", "e2"));
  EXPECT_THAT(vault->IsErased(subject), IsOkAndHolds(false));

  ASSERT_OK(vault->Erase(subject));
  const absl::StatusOr<std::string> opened = vault->Open(subject, sealed, "e1");
  EXPECT_THAT(opened, StatusIs(absl::StatusCode::kFailedPrecondition, "personal data erased"));
  EXPECT_TRUE(IsPersonalDataErased(opened.status()));
  // Erased whatever the sealed bytes are.
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, "garbage", "e1").status()));
  EXPECT_THAT(vault->IsErased(subject), IsOkAndHolds(true));
  EXPECT_THAT(vault->ErasedAt(subject), IsOkAndHolds(kErasureTime));
  // Sealing for an erased subject is refused and creates no key.
  EXPECT_TRUE(IsPersonalDataErased(vault->Seal(subject, "Zéphyrine", "e3").status()));
  EXPECT_THAT(vault->KeyMaterialForTesting(subject), StatusIs(absl::StatusCode::kNotFound, _));
  // Idempotent.
  EXPECT_OK(vault->Erase(subject));
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, sealed, "e1").status()));
  // Others are untouched.
  EXPECT_THAT(vault->Open(other, other_sealed, "e2"), IsOkAndHolds(std::string("Alphonse")));
  EXPECT_THAT(vault->IsErased(other), IsOkAndHolds(false));
  EXPECT_THAT(vault->ErasedAt(other), StatusIs(absl::StatusCode::kNotFound, _));
}

// The stress run from outside: among many subjects, erasing an erased one again failed for
// about half of them ("compaction left vault file …") though no file held their key.
TEST(KeyVaultTest, ErasingAgainSucceedsAndNoFileHoldsAnErasedKey) {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  std::unique_ptr<KeyVault> vault = OpenVault(dir, TestOptions());
  ASSERT_NE(vault, nullptr);
  constexpr int kSubjects = 40;
  std::vector<std::string> subjects;
  std::vector<std::string> keys;
  for (int i = 0; i < kSubjects; ++i) {
    subjects.push_back(RandomSubject());
    ASSERT_OK(vault->Seal(subjects.back(), absl::StrCat("identité ", i), "aad").status());
    ASSERT_OK_AND_ASSIGN(KeyVault::KeyMaterial key,
                         vault->KeyMaterialForTesting(subjects.back()));
    keys.push_back(key.stored);
  }
  // Each erased, new persons registered meanwhile (new keys, new files), then erased again.
  int failed_again = 0;
  for (const std::string& subject : subjects) {
    ASSERT_OK(vault->Erase(subject)) << subject;
    for (int j = 0; j < 3; ++j) ASSERT_OK(vault->Seal(RandomSubject(), "autre", "aad").status());
    const absl::Status again = vault->Erase(subject);
    if (!again.ok()) ++failed_again;
    EXPECT_OK(again) << subject;
  }
  EXPECT_EQ(failed_again, 0) << "of " << kSubjects;
  vault.reset();
  for (int i = 0; i < kSubjects; ++i) {
    EXPECT_EQ(FilesContaining(dir, keys[i]), "") << subjects[i];
  }
}

TEST(KeyVaultTest, UnknownSubjectIsNotFoundUntilErased) {
  TempDir tmp;
  std::unique_ptr<KeyVault> vault = OpenVault(tmp.Sub("vault"), TestOptions());
  ASSERT_NE(vault, nullptr);
  const std::string subject = RandomSubject();
  const absl::StatusOr<std::string> opened = vault->Open(subject, std::string(60, 'x'), "");
  EXPECT_THAT(opened, StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_FALSE(IsPersonalDataErased(opened.status()));
  // Erasing a subject that never sealed anything records the erasure all the same.
  ASSERT_OK(vault->Erase(subject));
  EXPECT_THAT(vault->IsErased(subject), IsOkAndHolds(true));
  EXPECT_TRUE(IsPersonalDataErased(vault->Seal(subject, "x", "").status()));
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, std::string(60, 'x'), "").status()));
}

TEST(KeyVaultTest, ErasureAndKeysSurviveReopen) {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string erased = RandomSubject();
  const std::string kept = RandomSubject();
  std::string erased_sealed, kept_sealed;
  {
    std::unique_ptr<KeyVault> vault = OpenVault(dir, TestOptions());
    ASSERT_NE(vault, nullptr);
    ASSERT_OK_AND_ASSIGN(erased_sealed, vault->Seal(erased, "Zéphyrine", "e1"));
    ASSERT_OK_AND_ASSIGN(kept_sealed, vault->Seal(kept, "Alphonse", "e2"));
    ASSERT_OK(vault->Erase(erased));
    ASSERT_OK(vault->Close());
    EXPECT_OK(vault->Close());  // idempotent
    const absl::StatusOr<std::string> closed = vault->Open(kept, kept_sealed, "e2");
    EXPECT_THAT(closed, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
    EXPECT_FALSE(IsPersonalDataErased(closed.status()));
  }
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<KeyVault> vault = OpenVault(dir, TestOptions());
    ASSERT_NE(vault, nullptr);
    EXPECT_TRUE(IsPersonalDataErased(vault->Open(erased, erased_sealed, "e1").status()));
    EXPECT_TRUE(IsPersonalDataErased(vault->Seal(erased, "again", "e3").status()));
    EXPECT_THAT(vault->ErasedAt(erased), IsOkAndHolds(kErasureTime));
    EXPECT_THAT(vault->Open(kept, kept_sealed, "e2"), IsOkAndHolds(std::string("Alphonse")));
  }
  VaultOptions no_create = TestOptions();
  no_create.create_if_missing = false;
  EXPECT_THAT(KeyVault::Open(tmp.Sub("elsewhere"), no_create),
              StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_EQ(FileMode(dir) & 077, 0u) << "the vault directory is private";
}

// A crash after an erasure was recorded but before its purge: the next Open completes the
// purge. White box: the crash is simulated by writing what Erase writes first (the key's
// deletion, the tombstone and the purge mark) straight into the vault's RocksDB.
TEST(KeyVaultTest, OpenCompletesAPurgeThatACrashInterrupted) {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string subject = RandomSubject();
  std::string sealed;
  KeyVault::KeyMaterial key;
  for (int round = 0; round < 2; ++round) {  // the second open flushes the key to an SST
    std::unique_ptr<KeyVault> vault = OpenVault(dir, TestOptions());
    ASSERT_NE(vault, nullptr);
    if (round == 0) {
      ASSERT_OK_AND_ASSIGN(sealed, vault->Seal(subject, "Zéphyrine", "e1"));
      ASSERT_OK_AND_ASSIGN(key, vault->KeyMaterialForTesting(subject));
    }
    ASSERT_OK(vault->Close());
  }
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "keys", "erased", "purge_pending"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string erasure("\x01\x00\x00\x00\x00\x00\x00\x00\x01", 9);  // version, be64 micros
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Delete(handles[1], subject).ok());
    ASSERT_TRUE(batch.Put(handles[2], subject, erasure).ok());
    ASSERT_TRUE(batch.Put(handles[3], subject, "").ok());
    rocksdb::WriteOptions synced;
    synced.sync = true;
    ASSERT_TRUE(db->Write(synced, &batch).ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    ASSERT_TRUE(db->Close().ok());  // no flush: the "crash"
  }
  EXPECT_NE(FilesContaining(dir, key.stored), "") << "the key is still on disk before Open";
  std::unique_ptr<KeyVault> vault = OpenVault(dir, TestOptions());
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(FilesContaining(dir, key.stored), "");
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, sealed, "e1").status()));
  EXPECT_THAT(vault->ErasedAt(subject), IsOkAndHolds(absl::FromUnixMicros(1)));
}

TEST(KeyVaultTest, KekFileModesAndContents) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.Sub("secrets"));
  const std::string kek = tmp.Sub("secrets/kek");
  const std::string hex = RandomHex(32);
  VaultOptions options = TestOptions();
  options.kek_path = kek;

  // Missing, not to be created.
  EXPECT_THAT(KeyVault::Open(tmp.Sub("v1"), options), StatusIs(absl::StatusCode::kNotFound, _));
  // Readable by group or others: refused.
  for (mode_t mode : {0644, 0640, 0604, 0660, 0606}) {
    WriteFile(kek, hex + "\n", mode);
    EXPECT_THAT(KeyVault::Open(tmp.Sub("v1"), options),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("mode")))
        << std::oct << mode;
  }
  // Private: accepted.
  for (mode_t mode : {0600, 0400}) {
    WriteFile(kek, hex + "\n", mode);
    absl::StatusOr<std::unique_ptr<KeyVault>> vault = KeyVault::Open(tmp.Sub("v1"), options);
    EXPECT_OK(vault.status()) << std::oct << mode;
  }
  // Malformed.
  for (const std::string& contents :
       {std::string(), hex.substr(2), hex + "00", std::string(64, 'g'), std::string(32, 'k')}) {
    WriteFile(kek, contents, 0600);
    EXPECT_THAT(KeyVault::Open(tmp.Sub("v2"), options),
                StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr(hex))));
  }
  // Inside the vault directory: refused.
  VaultOptions inside = options;
  inside.kek_path = tmp.Sub("v3/kek");
  std::filesystem::create_directories(tmp.Sub("v3"));
  WriteFile(inside.kek_path, hex, 0600);
  EXPECT_THAT(KeyVault::Open(tmp.Sub("v3"), inside),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("inside")));
}

TEST(KeyVaultTest, KekIsCreatedOnRequestAndWrapsKeys) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.Sub("secrets"));
  VaultOptions options = TestOptions();
  options.kek_path = tmp.Sub("secrets/kek");
  options.create_kek_if_missing = true;
  const std::string dir = tmp.Sub("vault");
  const std::string subject = RandomSubject();
  std::string sealed;
  {
    std::unique_ptr<KeyVault> vault = OpenVault(dir, options);
    ASSERT_NE(vault, nullptr);
    EXPECT_EQ(FileMode(options.kek_path), 0600u);
    EXPECT_EQ(std::filesystem::file_size(options.kek_path), 65u);  // 64 hex digits, newline
    ASSERT_OK_AND_ASSIGN(sealed, vault->Seal(subject, "Zéphyrine", "e1"));
    ASSERT_OK_AND_ASSIGN(KeyVault::KeyMaterial key, vault->KeyMaterialForTesting(subject));
    EXPECT_EQ(key.stored.find(key.key), std::string::npos) << "the key is stored wrapped";
    EXPECT_EQ(key.stored.size(), 2 + 16 + 8 + 12 + 32 + 16);
  }
  std::unique_ptr<KeyVault> vault = OpenVault(dir, options);  // the same KEK again
  ASSERT_NE(vault, nullptr);
  EXPECT_THAT(vault->Open(subject, sealed, "e1"), IsOkAndHolds(std::string("Zéphyrine")));
  ASSERT_OK(vault->Close());

  // Another KEK, or none, is refused for this vault.
  VaultOptions other = options;
  other.kek_path = tmp.Sub("secrets/other-kek");
  WriteFile(other.kek_path, RandomHex(32), 0600);
  EXPECT_THAT(KeyVault::Open(dir, other),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("KEK")));
  VaultOptions none = TestOptions();
  EXPECT_THAT(KeyVault::Open(dir, none),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("kek_path")));
  // A vault made without a KEK refuses one later, and a lost KEK is not silently recreated.
  const std::string plain_dir = tmp.Sub("plain");
  ASSERT_NE(OpenVault(plain_dir, none), nullptr);
  EXPECT_THAT(KeyVault::Open(plain_dir, options),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("without a KEK")));
  std::filesystem::remove(options.kek_path);
  EXPECT_THAT(KeyVault::Open(dir, options), StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_FALSE(std::filesystem::exists(options.kek_path));
}

// The crucial one: after an erasure, neither the person's name nor their key (in clear or as
// stored) is in any file of the vault or of the log, while the log still holds the sealed
// bytes. Parameters: whether a KEK wraps the keys, and whether the key had reached an SST
// before the erasure (by reopening the vault, which flushes the replayed WAL) or was only in
// the WAL and memtable.
class ErasureResidueTest : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(ErasureResidueTest, NothingOfTheErasedSubjectRemainsOnDisk) {
  const auto [use_kek, key_in_sst] = GetParam();
  TempDir tmp;
  const std::string vault_dir = tmp.Sub("vault");
  const std::string log_dir = tmp.Sub("log");
  VaultOptions options = TestOptions();
  if (use_kek) {
    std::filesystem::create_directories(tmp.Sub("secrets"));
    options.kek_path = tmp.Sub("secrets/kek");
    options.create_kek_if_missing = true;
  }
  const std::string name = absl::StrCat("Zéphyrine Testuser-", RandomHex(8));
  const std::string subject = RandomSubject();

  // The stand-in event log: a plain RocksDB, uncompressed so that a scan sees its bytes.
  rocksdb::Options log_options;
  log_options.create_if_missing = true;
  log_options.compression = rocksdb::kNoCompression;
  rocksdb::DB* raw_log = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(log_options, log_dir, &raw_log).ok());
  std::unique_ptr<rocksdb::DB> log(raw_log);
  rocksdb::WriteOptions synced;
  synced.sync = true;

  std::unique_ptr<KeyVault> vault = OpenVault(vault_dir, options);
  ASSERT_NE(vault, nullptr);
  // Other subjects around the erased one, so that its key shares WAL files and SSTs.
  std::vector<std::pair<std::string, std::string>> others;  // subject, sealed
  for (int i = 0; i < 20; ++i) {
    const std::string other = RandomSubject();
    ASSERT_OK_AND_ASSIGN(std::string sealed,
                         vault->Seal(other, absl::StrCat("Other Person ", i), "event"));
    others.emplace_back(other, sealed);
    ASSERT_TRUE(log->Put(synced, absl::StrCat("event-other-", i), sealed).ok());
  }
  ASSERT_OK_AND_ASSIGN(const std::string sealed, vault->Seal(subject, name, "event-1"));
  ASSERT_TRUE(log->Put(synced, "event-1", sealed).ok());
  ASSERT_TRUE(log->Flush(rocksdb::FlushOptions()).ok());       // some of the log in an SST too
  ASSERT_TRUE(log->Put(synced, "event-1-copy", sealed).ok());  // and some in its WAL
  ASSERT_OK_AND_ASSIGN(const KeyVault::KeyMaterial key, vault->KeyMaterialForTesting(subject));
  if (key_in_sst) {
    ASSERT_OK(vault->Close());
    vault = OpenVault(vault_dir, options);
    ASSERT_NE(vault, nullptr);
  }

  // Before the erasure: the name is nowhere, only sealed data is stored; the scans see the
  // stored key and the sealed bytes (so they would see residue).
  EXPECT_EQ(FilesContaining(vault_dir, name), "");
  EXPECT_EQ(FilesContaining(log_dir, name), "");
  const std::string holding_key = FilesContaining(vault_dir, key.stored);
  EXPECT_THAT(holding_key, HasSubstr(key_in_sst ? ".sst" : ".log"));
  EXPECT_NE(FilesContaining(log_dir, sealed), "");
  if (use_kek) {
    EXPECT_EQ(FilesContaining(vault_dir, key.key), "") << "a wrapped key is never stored in clear";
  } else {
    EXPECT_NE(FilesContaining(vault_dir, key.key), "");
  }
  EXPECT_EQ(FilesContaining(log_dir, key.key), "");

  ASSERT_OK(vault->Erase(subject));

  const auto check_nothing_remains = [&](const std::string& when) {
    for (const std::string& dir : {vault_dir, log_dir}) {
      EXPECT_EQ(FilesContaining(dir, name), "") << when << ": the name in " << dir;
      EXPECT_EQ(FilesContaining(dir, key.key), "") << when << ": the key in " << dir;
      EXPECT_EQ(FilesContaining(dir, key.stored), "") << when << ": the stored key in " << dir;
    }
    // Crypto-shredding leaves the sealed bytes (and so the log's proofs) in place.
    EXPECT_NE(FilesContaining(log_dir, sealed), "") << when;
  };
  check_nothing_remains("after Erase");
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, sealed, "event-1").status()));
  for (const auto& [other, other_sealed] : others) {
    EXPECT_OK(vault->Open(other, other_sealed, "event"));
  }

  ASSERT_OK(vault->Close());
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  check_nothing_remains("after closing");
  vault = OpenVault(vault_dir, options);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(IsPersonalDataErased(vault->Open(subject, sealed, "event-1").status()));
  for (const auto& [other, other_sealed] : others) {
    EXPECT_OK(vault->Open(other, other_sealed, "event"));
  }
  ASSERT_OK(vault->Close());
  check_nothing_remains("after reopening");
}

INSTANTIATE_TEST_SUITE_P(KekAndKeyPlacement, ErasureResidueTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<bool, bool>>& info) {
                           return absl::StrCat(std::get<0>(info.param) ? "WithKek" : "WithoutKek",
                                               std::get<1>(info.param) ? "KeyInSst" : "KeyInWal");
                         });

}  // namespace
}  // namespace ctg::platform
