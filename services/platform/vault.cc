#include "services/platform/vault.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/base/openssl_ptr.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/rocksdb_interop.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/write_batch.h"

namespace ctg::platform {
namespace {

using ::ctg::eventstore::FromRocksDb;
using ::ctg::eventstore::ToSlice;
using ::ctg::eventstore::View;

constexpr size_t kKeyBytes = 32;    // AES-256
constexpr size_t kKeyIdBytes = 16;  // random, names one subject key
constexpr size_t kNonceBytes = 12;  // GCM's 96-bit nonce
constexpr size_t kTagBytes = 16;
constexpr size_t kKekIdBytes = 8;  // SHA-256 prefix naming a KEK
constexpr size_t kMaxSubjectBytes = 128;
constexpr size_t kMaxKekFileBytes = 256;

// Sealed: version || key id || nonce || ciphertext || tag.
constexpr char kSealedVersion = '\x01';
constexpr size_t kSealedHeaderBytes = 1 + kKeyIdBytes;
constexpr size_t kSealedOverhead = kSealedHeaderBytes + kNonceBytes + kTagBytes;

// A subject key as stored in the "keys" column family:
//   version || kind || key id || (key                              if kind = clear
//                                 | KEK id || nonce || wrapped key || tag   if kind = wrapped)
constexpr char kRecordVersion = '\x01';
constexpr char kClearKey = '\x00';
constexpr char kWrappedKey = '\x01';
constexpr size_t kRecordHeaderBytes = 2 + kKeyIdBytes;

// An erasure (tombstone) in the "erased" column family: version || be64(unix micros).
constexpr char kErasureVersion = '\x01';
constexpr size_t kErasureBytes = 1 + 8;

// Domain separation of everything this file authenticates or hashes.
constexpr absl::string_view kSealContext("ctg-vault seal v1\0", 18);
constexpr absl::string_view kWrapContext("ctg-vault wrap v1\0", 18);
constexpr absl::string_view kKekIdContext("ctg-vault kek id v1\0", 20);

// Column families, in the order of KeyVaultImpl::handles_. The default one holds the vault's
// metadata; only "keys" ever holds key material.
enum ColumnFamily { kMeta = 0, kKeys, kErased, kPurgePending, kColumnFamilyCount };
constexpr const char* kColumnFamilyNames[kColumnFamilyCount] = {"default", "keys", "erased",
                                                                "purge_pending"};
constexpr absl::string_view kFormatKey = "format";
constexpr absl::string_view kFormat = "ctg-vault 1";
constexpr absl::string_view kKekIdKey = "kek";  // KEK id, or empty without a KEK

const unsigned char* Bytes(absl::string_view bytes) {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

void Cleanse(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

absl::Status OpenSslError(absl::string_view what) {
  const unsigned long code = ERR_get_error();
  char text[256] = {0};
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, " failed", code != 0 ? ": " : "", text));
}

absl::Status ErasedError() { return absl::FailedPreconditionError(kPersonalDataErased); }

// A 256-bit key, wiped from memory when it goes out of scope.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  static absl::StatusOr<SecretKey> Random() {
    SecretKey key;
    if (RAND_bytes(key.bytes_.data(), key.bytes_.size()) != 1) return OpenSslError("RAND_bytes");
    return key;
  }
  // `bytes` must be kKeyBytes long.
  static SecretKey FromBytes(absl::string_view bytes) {
    SecretKey key;
    std::copy_n(bytes.begin(), key.bytes_.size(), key.bytes_.begin());
    return key;
  }

  const unsigned char* data() const { return bytes_.data(); }
  absl::string_view view() const {
    return absl::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
  }

 private:
  std::array<unsigned char, kKeyBytes> bytes_{};
};

absl::StatusOr<std::string> RandomBytes(size_t size) {
  std::string bytes(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(size)) != 1) {
    return OpenSslError("RAND_bytes");
  }
  return bytes;
}

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslFree<EVP_CIPHER_CTX_free>>;

// AES-256-GCM: appends the encryption of `plaintext` and its tag to `out`, authenticating the
// concatenation of `aad`. Sizes are bounded by the callers (far below INT_MAX).
absl::Status GcmEncrypt(const SecretKey& key, absl::string_view nonce,
                        std::initializer_list<absl::string_view> aad, absl::string_view plaintext,
                        std::string* out) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return OpenSslError("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(nonce)) != 1) {
    return OpenSslError("AES-256-GCM encryption setup");
  }
  int length = 0;
  for (absl::string_view part : aad) {
    if (!part.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(part),
                                           static_cast<int>(part.size())) != 1) {
      return OpenSslError("AES-256-GCM associated data");
    }
  }
  const size_t start = out->size();
  out->resize(start + plaintext.size() + kTagBytes);
  unsigned char* ciphertext = reinterpret_cast<unsigned char*>(out->data()) + start;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), ciphertext, &length, Bytes(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    return OpenSslError("AES-256-GCM encryption");
  }
  unsigned char* tag = ciphertext + plaintext.size();
  if (EVP_EncryptFinal_ex(ctx.get(), tag, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tag) != 1) {
    return OpenSslError("AES-256-GCM tag");
  }
  return absl::OkStatus();
}

// AES-256-GCM: decrypts `ciphertext_and_tag` into `*plaintext`. DATA_LOSS with `failure` if
// the tag does not authenticate the ciphertext and `aad` (nothing is returned then).
absl::Status GcmDecrypt(const SecretKey& key, absl::string_view nonce,
                        std::initializer_list<absl::string_view> aad,
                        absl::string_view ciphertext_and_tag, absl::string_view failure,
                        std::string* plaintext) {
  if (ciphertext_and_tag.size() < kTagBytes) return absl::DataLossError(failure);
  const absl::string_view ciphertext =
      ciphertext_and_tag.substr(0, ciphertext_and_tag.size() - kTagBytes);
  std::string tag(ciphertext_and_tag.substr(ciphertext.size()));
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return OpenSslError("EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(nonce)) != 1) {
    return OpenSslError("AES-256-GCM decryption setup");
  }
  int length = 0;
  for (absl::string_view part : aad) {
    if (!part.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(part),
                                           static_cast<int>(part.size())) != 1) {
      return OpenSslError("AES-256-GCM associated data");
    }
  }
  std::string out(ciphertext.size(), '\0');
  unsigned char* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  if (!ciphertext.empty() && EVP_DecryptUpdate(ctx.get(), out_bytes, &length, Bytes(ciphertext),
                                               static_cast<int>(ciphertext.size())) != 1) {
    Cleanse(out);
    return OpenSslError("AES-256-GCM decryption");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) != 1) {
    Cleanse(out);
    return OpenSslError("AES-256-GCM tag");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out_bytes + ciphertext.size(), &length) != 1) {
    ERR_clear_error();
    Cleanse(out);
    return absl::DataLossError(failure);
  }
  *plaintext = std::move(out);
  return absl::OkStatus();
}

// The subject as associated data: its length (at most kMaxSubjectBytes) then its bytes.
std::string SubjectAad(absl::string_view subject) {
  std::string aad(1, static_cast<char>(subject.size()));
  aad.append(subject.data(), subject.size());
  return aad;
}

absl::Status ValidateSubject(absl::string_view subject) {
  // Never echo the subject: a caller who passes a name by mistake must not leak it.
  if (subject.empty() || subject.size() > kMaxSubjectBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject must be an opaque id of 1 to ", kMaxSubjectBytes, " characters"));
  }
  for (char c : subject) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') {
      return absl::InvalidArgumentError(
          "subject must be an opaque id of [A-Za-z0-9._:-] characters (never a name)");
    }
  }
  return absl::OkStatus();
}

void PutBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t GetBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::string EncodeErasure(absl::Time time) {
  std::string out(1, kErasureVersion);
  PutBigEndian64(static_cast<uint64_t>(absl::ToUnixMicros(time)), &out);
  return out;
}

absl::StatusOr<absl::Time> DecodeErasure(absl::string_view bytes) {
  if (bytes.size() != kErasureBytes || bytes[0] != kErasureVersion) {
    return absl::DataLossError("the vault's erasure record is malformed");
  }
  return absl::FromUnixMicros(static_cast<int64_t>(GetBigEndian64(bytes.substr(1))));
}

// The first kKekIdBytes of SHA-256(context || KEK): names a KEK without revealing it.
absl::StatusOr<std::string> KekId(const SecretKey& kek) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), kKekIdContext.data(), kKekIdContext.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), kek.data(), kKeyBytes) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    return OpenSslError("SHA-256");
  }
  return std::string(reinterpret_cast<const char*>(digest), kKekIdBytes);
}

// Closes a file descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads the KEK file: NOT_FOUND if missing, FAILED_PRECONDITION unless a regular file that
// neither group nor others can access, INVALID_ARGUMENT unless 64 hex digits (and optional
// trailing whitespace).
absl::StatusOr<SecretKey> ReadKek(const std::string& path) {
  ScopedFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open KEK ", path));
  struct stat info;
  if (fstat(file.get(), &info) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat KEK ", path));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("KEK ", path, " is not a regular file"));
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return absl::FailedPreconditionError(absl::StrCat(
        "KEK ", path, " has mode ", mode,
        ": a key-encryption key must be mode 0600 or stricter (chmod 600 ", path, ")"));
  }
  std::string contents;
  char buffer[kMaxKekFileBytes + 1];
  while (contents.size() <= kMaxKekFileBytes) {
    const ssize_t n = read(file.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      OPENSSL_cleanse(buffer, sizeof(buffer));
      Cleanse(contents);
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot read KEK ", path));
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
  }
  OPENSSL_cleanse(buffer, sizeof(buffer));
  const absl::string_view hex = absl::StripTrailingAsciiWhitespace(contents);
  const bool well_formed =
      hex.size() == 2 * kKeyBytes && std::all_of(hex.begin(), hex.end(), absl::ascii_isxdigit);
  if (!well_formed) {
    Cleanse(contents);
    return absl::InvalidArgumentError(
        absl::StrCat("KEK ", path, " must hold ", kKeyBytes, " bytes as ", 2 * kKeyBytes,
                     " hex digits (openssl rand -hex ", kKeyBytes, ")"));
  }
  std::string bytes = absl::HexStringToBytes(hex);
  SecretKey kek = SecretKey::FromBytes(bytes);
  Cleanse(bytes);
  Cleanse(contents);
  return kek;
}

absl::Status FsyncDirectory(const std::string& directory) {
  ScopedFd dir(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || fsync(dir.get()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot fsync directory ", directory));
  }
  return absl::OkStatus();
}

// Creates a new random KEK at `path` (mode 0600), atomically: a temporary file is written and
// fsynced, then linked to `path` unless it exists (then the existing KEK stays), and the
// directory is fsynced.
absl::Status CreateKek(const std::string& path) {
  ASSIGN_OR_RETURN(SecretKey kek, SecretKey::Random());
  ASSIGN_OR_RETURN(std::string suffix, RandomBytes(8));
  const std::string temp_path = absl::StrCat(path, ".tmp-", absl::BytesToHexString(suffix));
  std::string text = absl::StrCat(absl::BytesToHexString(kek.view()), "\n");
  absl::Status status = [&]() -> absl::Status {
    ScopedFd file(open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (file.get() < 0)
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", temp_path));
    for (absl::string_view rest = text; !rest.empty();) {
      const ssize_t written = write(file.get(), rest.data(), rest.size());
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", temp_path));
      rest.remove_prefix(static_cast<size_t>(written));
    }
    if (fsync(file.get()) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot fsync ", temp_path));
    }
    if (link(temp_path.c_str(), path.c_str()) != 0 && errno != EEXIST) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot create KEK ", path));
    }
    return absl::OkStatus();
  }();
  Cleanse(text);
  unlink(temp_path.c_str());
  RETURN_IF_ERROR(status);
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return FsyncDirectory(parent.empty() ? std::string(".") : parent.string());
}

// Whether `path` names a file inside `dir` (a KEK there would protect nothing).
bool IsInside(const std::string& path, const std::string& dir) {
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  const std::filesystem::path root = std::filesystem::weakly_canonical(dir, ec);
  if (ec) return false;
  auto file_part = file.begin();
  for (const std::filesystem::path& part : root) {
    if (part.empty()) continue;  // a trailing separator
    if (file_part == file.end() || *file_part != part) return false;
    ++file_part;
  }
  return true;
}

class KeyVaultImpl final : public KeyVault {
 public:
  KeyVaultImpl(std::string dir, VaultOptions options)
      : dir_(std::move(dir)), options_(std::move(options)) {}
  ~KeyVaultImpl() override { Close().IgnoreError(); }

  // Opens the database, loads the KEK and checks it against the vault's, completes the purges
  // that a crash interrupted.
  absl::Status Start();

  absl::StatusOr<std::string> Seal(absl::string_view subject, absl::string_view plaintext,
                                   absl::string_view associated_data) override;
  absl::StatusOr<std::string> Open(absl::string_view subject, absl::string_view sealed,
                                   absl::string_view associated_data) override;
  absl::Status Erase(absl::string_view subject) override;
  absl::StatusOr<bool> IsErased(absl::string_view subject) override;
  absl::StatusOr<absl::Time> ErasedAt(absl::string_view subject) override;
  absl::StatusOr<KeyMaterial> KeyMaterialForTesting(absl::string_view subject) override;
  absl::Status Close() override;

 private:
  struct SubjectKey {
    std::string key_id;
    SecretKey key;
  };

  absl::Status OpenDatabase() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  absl::Status LoadKekAndCheckMeta() ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_);
  absl::Status CompletePendingPurges() ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  absl::Status CheckOpen() const ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_);
  rocksdb::ColumnFamilyHandle* cf(ColumnFamily family) const
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_) {
    return handles_[family];
  }
  absl::Status ValidateSizes(absl::string_view plaintext, absl::string_view associated_data) const;

  // The stored record of the subject's key, nullopt if it has none. The caller cleanses it.
  absl::StatusOr<std::optional<std::string>> LoadKeyRecord(absl::string_view subject)
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_);
  // The subject's key, nullopt if it has none.
  absl::StatusOr<std::optional<SubjectKey>> LoadKey(absl::string_view subject)
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_);
  absl::StatusOr<SubjectKey> DecodeKeyRecord(absl::string_view subject,
                                             absl::string_view record) const;
  // When the subject was erased, nullopt if it was not.
  absl::StatusOr<std::optional<absl::Time>> LoadErasure(absl::string_view subject)
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_);
  // Creates and durably stores a key for a subject that has none and is not erased.
  absl::StatusOr<SubjectKey> CreateKey(absl::string_view subject)
      ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Makes the deleted key of `subject` physically unrecoverable from the vault's files, then
  // clears its pending-purge mark.
  absl::Status Purge(absl::string_view subject) ABSL_SHARED_LOCKS_REQUIRED(lifecycle_mu_)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Whether the SST file at `path` holds a value for `key`.
  absl::StatusOr<bool> FileHoldsKey(const std::string& path, absl::string_view key) const;
  // Waits until none of `paths` exists (RocksDB deletes obsolete files right after the flush
  // or compaction that made them obsolete, possibly just after that call returned).
  absl::Status WaitUntilDeleted(std::vector<std::string> paths) const;

  const std::string dir_;
  const VaultOptions options_;
  std::optional<SecretKey> kek_;  // set by Start, then immutable
  std::string kek_id_;            // empty without a KEK

  // Shared by every operation, exclusive for opening and closing the database.
  mutable absl::Mutex lifecycle_mu_;
  bool closed_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  std::unique_ptr<rocksdb::DB> db_ ABSL_GUARDED_BY(lifecycle_mu_);
  std::vector<rocksdb::ColumnFamilyHandle*> handles_ ABSL_GUARDED_BY(lifecycle_mu_);
  // Serialises key creation and erasure, so that a key is never created for a subject that is
  // being erased, and so that nothing writes to the vault while an erasure purges it.
  absl::Mutex write_mu_ ABSL_ACQUIRED_AFTER(lifecycle_mu_);
};

absl::Status KeyVaultImpl::Start() {
  {
    absl::WriterMutexLock lock(&lifecycle_mu_);
    RETURN_IF_ERROR(OpenDatabase());
  }
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(LoadKekAndCheckMeta());
  absl::MutexLock write_lock(&write_mu_);
  return CompletePendingPurges();
}

absl::Status KeyVaultImpl::OpenDatabase() {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) {
    if (!options_.create_if_missing)
      return absl::NotFoundError(absl::StrCat("no key vault at ", dir_));
    std::filesystem::create_directories(dir_, ec);
    if (!ec) {
      std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
    if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", ec.message()));
  } else if (!options_.create_if_missing && !std::filesystem::exists(dir_ + "/CURRENT", ec)) {
    return absl::NotFoundError(absl::StrCat("no key vault at ", dir_));
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = true;
  // An acknowledged key or erasure is never rolled back: only a torn last record (a write
  // that was never acknowledged) is tolerated at recovery.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  db_options.manual_wal_flush = false;
  db_options.track_and_verify_wals_in_manifest = false;  // 7.8.3 bug, see the reference §3.1
  db_options.max_background_jobs = 2;
  // Residue of erased keys in WAL files (Erase relies on all of these): obsolete WAL files
  // are deleted, never archived (WAL_ttl_seconds = WAL_size_limit_MB = 0) nor recycled (a
  // recycled file keeps its old bytes until overwritten); WAL files kept alive by a rarely
  // written column family are bounded; recovery flushes the replayed WAL so that it can be
  // deleted; obsolete files are deleted by the job that made them obsolete.
  db_options.WAL_ttl_seconds = 0;
  db_options.WAL_size_limit_MB = 0;
  db_options.recycle_log_file_num = 0;
  db_options.max_total_wal_size = 4 << 20;
  db_options.avoid_flush_during_recovery = false;
  db_options.avoid_unnecessary_blocking_io = false;

  rocksdb::ColumnFamilyOptions cf_options;
  // Keys are random and do not compress; uncompressed files let an audit scan them for
  // residue byte for byte.
  cf_options.compression = rocksdb::kNoCompression;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kColumnFamilyNames) descriptors.emplace_back(name, cf_options);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocksDb(rocksdb::DB::Open(db_options, dir_, descriptors, &handles, &db),
                              absl::StrCat("opening the key vault at ", dir_)));
  db_.reset(db);
  handles_ = std::move(handles);
  return absl::OkStatus();
}

absl::Status KeyVaultImpl::LoadKekAndCheckMeta() {
  std::string format;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kMeta), ToSlice(kFormatKey), &format);
  if (!s.ok() && !s.IsNotFound()) return FromRocksDb(s, "reading the vault's format");
  const bool is_new = s.IsNotFound();
  std::string recorded_kek_id;
  if (!is_new) {
    if (format != kFormat) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir_, " holds a key vault of unknown format \"", absl::CHexEscape(format), "\""));
    }
    RETURN_IF_ERROR(FromRocksDb(
        db_->Get(rocksdb::ReadOptions(), cf(kMeta), ToSlice(kKekIdKey), &recorded_kek_id),
        "reading the vault's KEK id"));
  }

  if (!options_.kek_path.empty()) {
    if (IsInside(options_.kek_path, dir_)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "KEK ", options_.kek_path, " is inside the vault directory ", dir_,
          ": a KEK kept with the keys it wraps protects nothing; keep it on another volume"));
    }
    absl::StatusOr<SecretKey> kek = ReadKek(options_.kek_path);
    if (absl::IsNotFound(kek.status()) && is_new && options_.create_kek_if_missing) {
      RETURN_IF_ERROR(CreateKek(options_.kek_path));
      kek = ReadKek(options_.kek_path);
    }
    RETURN_IF_ERROR(kek.status());
    kek_ = *kek;
    ASSIGN_OR_RETURN(kek_id_, KekId(*kek_));
  }

  if (is_new) {
    rocksdb::WriteBatch batch;
    batch.Put(cf(kMeta), ToSlice(kFormatKey), ToSlice(kFormat));
    batch.Put(cf(kMeta), ToSlice(kKekIdKey), kek_id_);
    rocksdb::WriteOptions write;
    write.sync = true;
    return FromRocksDb(db_->Write(write, &batch), "initialising the key vault");
  }
  if (recorded_kek_id == kek_id_) return absl::OkStatus();
  if (recorded_kek_id.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the key vault at ", dir_,
                     " was created without a KEK; open it without VaultOptions::kek_path"));
  }
  if (kek_id_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the key vault at ", dir_, " wraps its keys with KEK ",
        absl::BytesToHexString(recorded_kek_id), "; set VaultOptions::kek_path to that KEK"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the key vault at ", dir_, " wraps its keys with KEK ",
                   absl::BytesToHexString(recorded_kek_id), ", but ", options_.kek_path,
                   " holds KEK ", absl::BytesToHexString(kek_id_)));
}

absl::Status KeyVaultImpl::CompletePendingPurges() {
  std::vector<std::string> pending;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf(kPurgePending)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) pending.emplace_back(View(it->key()));
    RETURN_IF_ERROR(FromRocksDb(it->status(), "listing the interrupted erasures"));
  }  // the iterator pins files: release it before purging
  for (const std::string& subject : pending) RETURN_IF_ERROR(Purge(subject));
  return absl::OkStatus();
}

absl::Status KeyVaultImpl::CheckOpen() const {
  if (closed_ || db_ == nullptr) return absl::FailedPreconditionError("the key vault is closed");
  return absl::OkStatus();
}

absl::Status KeyVaultImpl::ValidateSizes(absl::string_view plaintext,
                                         absl::string_view associated_data) const {
  if (plaintext.size() > options_.max_plaintext_bytes ||
      associated_data.size() > options_.max_plaintext_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plaintext (", plaintext.size(), " bytes) and associated data (", associated_data.size(),
        " bytes) may be at most ", options_.max_plaintext_bytes, " bytes each"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> KeyVaultImpl::LoadKeyRecord(absl::string_view subject) {
  std::string record;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kKeys), ToSlice(subject), &record);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocksDb(s, "reading a subject key"));
  return record;
}

absl::StatusOr<std::optional<KeyVaultImpl::SubjectKey>> KeyVaultImpl::LoadKey(
    absl::string_view subject) {
  ASSIGN_OR_RETURN(std::optional<std::string> record, LoadKeyRecord(subject));
  if (!record.has_value()) return std::nullopt;
  absl::StatusOr<SubjectKey> key = DecodeKeyRecord(subject, *record);
  Cleanse(*record);
  RETURN_IF_ERROR(key.status());
  return *std::move(key);
}

absl::StatusOr<KeyVaultImpl::SubjectKey> KeyVaultImpl::DecodeKeyRecord(
    absl::string_view subject, absl::string_view record) const {
  if (record.size() < kRecordHeaderBytes || record[0] != kRecordVersion) {
    return absl::DataLossError("the vault's record of a subject key is malformed");
  }
  SubjectKey key;
  key.key_id = std::string(record.substr(2, kKeyIdBytes));
  const absl::string_view payload = record.substr(kRecordHeaderBytes);
  if (record[1] == kClearKey) {
    if (kek_.has_value()) {
      return absl::DataLossError("a subject key is stored in clear in a vault that uses a KEK");
    }
    if (payload.size() != kKeyBytes) {
      return absl::DataLossError("the vault's record of a subject key is malformed");
    }
    key.key = SecretKey::FromBytes(payload);
    return key;
  }
  if (record[1] != kWrappedKey ||
      payload.size() != kKekIdBytes + kNonceBytes + kKeyBytes + kTagBytes) {
    return absl::DataLossError("the vault's record of a subject key is malformed");
  }
  if (!kek_.has_value()) {
    return absl::FailedPreconditionError("a subject key is wrapped, but no KEK is configured");
  }
  const absl::string_view kek_id = payload.substr(0, kKekIdBytes);
  if (kek_id != kek_id_) {
    return absl::FailedPreconditionError(
        absl::StrCat("a subject key is wrapped with KEK ", absl::BytesToHexString(kek_id),
                     ", not with the configured KEK ", absl::BytesToHexString(kek_id_)));
  }
  std::string unwrapped;
  RETURN_IF_ERROR(GcmDecrypt(*kek_, payload.substr(kKekIdBytes, kNonceBytes),
                             {kWrapContext, SubjectAad(subject), key.key_id, kek_id},
                             payload.substr(kKekIdBytes + kNonceBytes),
                             "a wrapped subject key fails authentication (altered, or moved "
                             "from another subject)",
                             &unwrapped));
  key.key = SecretKey::FromBytes(unwrapped);
  Cleanse(unwrapped);
  return key;
}

absl::StatusOr<std::optional<absl::Time>> KeyVaultImpl::LoadErasure(absl::string_view subject) {
  std::string record;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kErased), ToSlice(subject), &record);
  if (s.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocksDb(s, "reading an erasure record"));
  return DecodeErasure(record);
}

absl::StatusOr<KeyVaultImpl::SubjectKey> KeyVaultImpl::CreateKey(absl::string_view subject) {
  SubjectKey key;
  ASSIGN_OR_RETURN(key.key, SecretKey::Random());
  ASSIGN_OR_RETURN(key.key_id, RandomBytes(kKeyIdBytes));
  std::string record;
  record.push_back(kRecordVersion);
  if (kek_.has_value()) {
    record.push_back(kWrappedKey);
    record.append(key.key_id);
    record.append(kek_id_);
    ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kNonceBytes));
    record.append(nonce);
    RETURN_IF_ERROR(GcmEncrypt(*kek_, nonce,
                               {kWrapContext, SubjectAad(subject), key.key_id, kek_id_},
                               key.key.view(), &record));
  } else {
    record.push_back(kClearKey);
    record.append(key.key_id);
    record.append(reinterpret_cast<const char*>(key.key.data()), kKeyBytes);
  }
  rocksdb::WriteOptions write;
  write.sync = options_.sync;
  const absl::Status status =
      FromRocksDb(db_->Put(write, cf(kKeys), ToSlice(subject), record), "storing a subject key");
  Cleanse(record);
  RETURN_IF_ERROR(status);
  return key;
}

absl::StatusOr<std::string> KeyVaultImpl::Seal(absl::string_view subject,
                                               absl::string_view plaintext,
                                               absl::string_view associated_data) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  RETURN_IF_ERROR(ValidateSizes(plaintext, associated_data));
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::optional<SubjectKey> key, LoadKey(subject));
  if (!key.has_value()) {
    // Refuse an erased subject before waiting for an erasure in progress.
    ASSIGN_OR_RETURN(std::optional<absl::Time> erased, LoadErasure(subject));
    if (erased.has_value()) return ErasedError();
    absl::MutexLock write_lock(&write_mu_);
    ASSIGN_OR_RETURN(key, LoadKey(subject));  // another thread may have created it meanwhile
    if (!key.has_value()) {
      ASSIGN_OR_RETURN(erased, LoadErasure(subject));  // or erased the subject
      if (erased.has_value()) return ErasedError();
      ASSIGN_OR_RETURN(key, CreateKey(subject));
    }
  }
  std::string sealed;
  sealed.reserve(kSealedOverhead + plaintext.size());
  sealed.push_back(kSealedVersion);
  sealed.append(key->key_id);
  const std::string header = sealed;
  ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kNonceBytes));
  sealed.append(nonce);
  RETURN_IF_ERROR(GcmEncrypt(key->key, nonce,
                             {kSealContext, SubjectAad(subject), header, associated_data},
                             plaintext, &sealed));
  return sealed;
}

absl::StatusOr<std::string> KeyVaultImpl::Open(absl::string_view subject, absl::string_view sealed,
                                               absl::string_view associated_data) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  if (associated_data.size() > options_.max_plaintext_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("associated data (", associated_data.size(),
                                                   " bytes) may be at most ",
                                                   options_.max_plaintext_bytes, " bytes"));
  }
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::optional<SubjectKey> key, LoadKey(subject));
  if (!key.has_value()) {
    ASSIGN_OR_RETURN(std::optional<absl::Time> erased, LoadErasure(subject));
    if (erased.has_value()) return ErasedError();
    return absl::NotFoundError(
        "this vault holds no key for the subject: nothing was sealed for it");
  }
  if (sealed.size() < kSealedOverhead ||
      sealed.size() > kSealedOverhead + options_.max_plaintext_bytes) {
    return absl::DataLossError(
        absl::StrCat("sealed data of ", sealed.size(), " bytes is truncated or malformed"));
  }
  if (sealed[0] != kSealedVersion) {
    return absl::DataLossError(absl::StrCat("sealed data has unknown format version ",
                                            static_cast<unsigned char>(sealed[0])));
  }
  const absl::string_view header = sealed.substr(0, kSealedHeaderBytes);
  if (header.substr(1) != key->key_id) {
    return absl::DataLossError("sealed data was sealed with a key other than this subject's");
  }
  std::string plaintext;
  RETURN_IF_ERROR(GcmDecrypt(key->key, sealed.substr(kSealedHeaderBytes, kNonceBytes),
                             {kSealContext, SubjectAad(subject), header, associated_data},
                             sealed.substr(kSealedHeaderBytes + kNonceBytes),
                             "sealed data fails authentication (altered, or opened with other "
                             "associated data)",
                             &plaintext));
  return plaintext;
}

absl::Status KeyVaultImpl::Erase(absl::string_view subject) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  absl::MutexLock write_lock(&write_mu_);
  ASSIGN_OR_RETURN(std::optional<absl::Time> erased, LoadErasure(subject));
  if (erased.has_value()) {
    // Erased before: done, unless that erasure's purge did not complete.
    std::string mark;
    rocksdb::Status pending =
        db_->Get(rocksdb::ReadOptions(), cf(kPurgePending), ToSlice(subject), &mark);
    if (pending.IsNotFound()) return absl::OkStatus();
    RETURN_IF_ERROR(FromRocksDb(pending, "reading a pending purge"));
  } else {
    // The key's deletion, the tombstone and the purge mark, atomically and durably.
    rocksdb::WriteBatch batch;
    RETURN_IF_ERROR(FromRocksDb(batch.Delete(cf(kKeys), ToSlice(subject)), "erasing"));
    RETURN_IF_ERROR(FromRocksDb(
        batch.Put(cf(kErased), ToSlice(subject), EncodeErasure(options_.clock())), "erasing"));
    RETURN_IF_ERROR(
        FromRocksDb(batch.Put(cf(kPurgePending), ToSlice(subject), rocksdb::Slice()), "erasing"));
    rocksdb::WriteOptions write;
    write.sync = true;
    RETURN_IF_ERROR(FromRocksDb(db_->Write(write, &batch), "recording an erasure"));
  }
  return Purge(subject);
}

absl::Status KeyVaultImpl::Purge(absl::string_view subject) {
  // 1. Every WAL file with data may hold the key. Nothing else writes meanwhile (write_mu_).
  rocksdb::VectorLogPtr wal_files;
  RETURN_IF_ERROR(FromRocksDb(db_->GetSortedWalFiles(wal_files), "listing the vault's WAL files"));
  std::vector<std::string> obsolete;
  for (const std::unique_ptr<rocksdb::LogFile>& file : wal_files) {
    if (file->SizeFileBytes() > 0) obsolete.push_back(dir_ + file->PathName());
  }

  // 2. Flush every column family: the key's deletion reaches an SST (the flush drops the
  // value it shadows if both were still in memory), and every WAL file above becomes obsolete.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  RETURN_IF_ERROR(FromRocksDb(db_->Flush(flush, handles_), "flushing the key vault"));

  // 3. The SSTs that may hold the key: those of "keys" whose range covers the subject.
  // Compacting the subject's range down to the bottommost level, which is compacted too,
  // rewrites them without the key and without its deletion marker (the vault takes no
  // snapshot that could keep either alive).
  const std::string key(subject);
  std::set<uint64_t> covering;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& file : files) {
    if (file.column_family_name == kColumnFamilyNames[kKeys] && file.smallestkey <= key &&
        key <= file.largestkey) {
      covering.insert(file.file_number);
      obsolete.push_back(absl::StrCat(file.directory, "/", file.relative_filename));
    }
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  const rocksdb::Slice bound = ToSlice(subject);
  RETURN_IF_ERROR(FromRocksDb(db_->CompactRange(compact, cf(kKeys), &bound, &bound),
                              "compacting the erased key's range"));
  // A covering file still live was moved as it is (a trivial move) or left out: it must not
  // hold the key. The vault takes no snapshot, so no file holds a value its own deletion
  // shadows: a file holds the key if and only if its iterator shows it.
  files.clear();
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& file : files) {
    if (covering.count(file.file_number) == 0) continue;
    const std::string path = absl::StrCat(file.directory, "/", file.relative_filename);
    ASSIGN_OR_RETURN(bool holds, FileHoldsKey(path, key));
    if (holds) {
      return absl::InternalError(
          absl::StrCat("compaction left vault file ", file.relative_filename,
                       ", which holds an erased key, in place; erase again to retry"));
    }
    obsolete.erase(std::remove(obsolete.begin(), obsolete.end(), path), obsolete.end());
  }

  // 4. Only once the files are gone from the directory is the key gone from the vault.
  RETURN_IF_ERROR(WaitUntilDeleted(std::move(obsolete)));
  return FromRocksDb(db_->Delete(rocksdb::WriteOptions(), cf(kPurgePending), ToSlice(subject)),
                     "clearing a completed purge");
}

absl::StatusOr<bool> KeyVaultImpl::FileHoldsKey(const std::string& path,
                                               absl::string_view key) const {
  rocksdb::Options options;
  rocksdb::SstFileReader reader(options);
  RETURN_IF_ERROR(FromRocksDb(reader.Open(path), "opening a vault file to check it"));
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
  it->Seek(ToSlice(key));
  const bool holds = it->Valid() && it->key() == ToSlice(key);
  RETURN_IF_ERROR(FromRocksDb(it->status(), "reading a vault file to check it"));
  return holds;
}

absl::Status KeyVaultImpl::WaitUntilDeleted(std::vector<std::string> paths) const {
  const absl::Time deadline = absl::Now() + options_.purge_timeout;
  while (true) {
    paths.erase(std::remove_if(paths.begin(), paths.end(),
                               [](const std::string& path) {
                                 return access(path.c_str(), F_OK) != 0 && errno == ENOENT;
                               }),
                paths.end());
    if (paths.empty()) return absl::OkStatus();
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(absl::StrCat("the erasure is recorded, but after ",
                                                 absl::FormatDuration(options_.purge_timeout),
                                                 " RocksDB has still not deleted ", paths.size(),
                                                 " vault file(s) that may hold the key, such as ",
                                                 paths.front(), "; erase again to retry"));
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
}

absl::StatusOr<bool> KeyVaultImpl::IsErased(absl::string_view subject) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::optional<absl::Time> erased, LoadErasure(subject));
  return erased.has_value();
}

absl::StatusOr<absl::Time> KeyVaultImpl::ErasedAt(absl::string_view subject) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::optional<absl::Time> erased, LoadErasure(subject));
  if (!erased.has_value()) return absl::NotFoundError("the subject was not erased");
  return *erased;
}

absl::StatusOr<KeyVault::KeyMaterial> KeyVaultImpl::KeyMaterialForTesting(
    absl::string_view subject) {
  RETURN_IF_ERROR(ValidateSubject(subject));
  absl::ReaderMutexLock lock(&lifecycle_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::optional<std::string> record, LoadKeyRecord(subject));
  if (!record.has_value()) return absl::NotFoundError("the subject has no key");
  ASSIGN_OR_RETURN(SubjectKey key, DecodeKeyRecord(subject, *record));
  return KeyMaterial{std::string(key.key.view()), *std::move(record)};
}

absl::Status KeyVaultImpl::Close() {
  absl::WriterMutexLock lock(&lifecycle_mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  if (db_ == nullptr) return absl::OkStatus();
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  handles_.clear();
  const absl::Status status = FromRocksDb(db_->Close(), "closing the key vault");
  db_.reset();
  return status;
}

}  // namespace

bool IsPersonalDataErased(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         status.message() == kPersonalDataErased;
}

absl::StatusOr<std::unique_ptr<KeyVault>> KeyVault::Open(absl::string_view dir,
                                                         const VaultOptions& options) {
  if (dir.empty()) return absl::InvalidArgumentError("key vault directory is empty");
  if (!options.clock) return absl::InvalidArgumentError("VaultOptions::clock is not set");
  if (options.purge_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("VaultOptions::purge_timeout must be positive");
  }
  if (options.max_plaintext_bytes > (1u << 30)) {
    return absl::InvalidArgumentError("VaultOptions::max_plaintext_bytes may be at most 1 GiB");
  }
  auto vault = std::make_unique<KeyVaultImpl>(std::string(dir), options);
  RETURN_IF_ERROR(vault->Start());
  return std::unique_ptr<KeyVault>(std::move(vault));
}

}  // namespace ctg::platform
