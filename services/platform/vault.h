// The subject-key vault: crypto-shredding of personal data (ARCHITECTURE §3, Privacy).
//
// Names and contacts of candidates and agents are sealed with a key of their own before they
// reach the log: one random 256-bit key per data subject, AES-256-GCM. The keys live here, in
// a RocksDB instance of their own, in a directory apart from the log. Erasing a subject
// destroys its key, durably and physically (see Erase): the sealed bytes stay in the log, its
// proofs still verify, and reads of them say "personal data erased".
//
// Usage:
//   ASSIGN_OR_RETURN(std::unique_ptr<KeyVault> vault, KeyVault::Open(dir, VaultOptions()));
//   ASSIGN_OR_RETURN(std::string sealed, vault->Seal("person-5b0c…", name, event_id));
//   ... append `sealed` to the log ...
//   absl::StatusOr<std::string> name = vault->Open("person-5b0c…", sealed, event_id);
//   if (IsPersonalDataErased(name.status())) { /* show "erased" */ }
//
// Subjects are opaque, random ids ("person-<uuid>"): 1 to 128 characters among [A-Za-z0-9._:-],
// never a name or an e-mail address, since they are the vault's RocksDB keys. Error messages
// never echo a subject, so a caller who passes a name by mistake does not leak it into logs.
//
// Sealed format (version 1):
//   0x01 || key id (16 random bytes) || nonce (12 random bytes) || ciphertext || tag (16)
// The tag authenticates the version, the key id, the subject and the caller's associated data
// (e.g. the event id and stream revision, so that sealed fields cannot be moved between
// events). With a random nonce a key may seal at most 2^32 messages (NIST SP 800-38D §8.3);
// a subject seals a handful.
//
// Threat model.
//   - The log and its backups hold only sealed bytes. Whoever reads them without this vault
//     learns nothing but sizes; once a subject is erased, nobody can open its data again.
//   - Without a key-encryption key (KEK), subject keys are stored in clear in the vault's
//     files and protected by file permissions only (the vault directory is created 0700).
//     Erase removes a key from every file of the vault (below), but not from copies made
//     before: backups, RocksDB checkpoints, disk images of the vault. Erasure is then complete
//     only once those copies are destroyed; keep their retention short.
//   - With a KEK (VaultOptions::kek_path), every subject key is stored wrapped (AES-256-GCM,
//     bound to the subject and key id), so the vault's files, their backups and the residue of
//     its deleted files (freed filesystem blocks, SSD remapped sectors, which no database can
//     overwrite) are useless without the KEK. Keep the KEK file on another volume or in a
//     secret store (systemd credentials, a tmpfs filled by a secret manager), readable by the
//     service only (mode 0600 or 0400; group- or world-accessible files are refused), and back
//     it up apart from the vault. Destroying a KEK (after re-wrapping the live keys under a new
//     one, not implemented yet) turns every old copy of the vault into noise.
//   - Not covered: an attacker who runs code as the service, reads its memory, or holds both
//     the vault's files and the KEK sees every live key. Plaintext that callers keep
//     (projections, caches, exports, logs) is theirs to purge when a SubjectErased event comes.
//   - What remains after Erase: the subject id, its key id (inside sealed bytes), and the time
//     of the erasure (the tombstone). None of them is personal data by itself; the subject id
//     still links the subject's events in the log, as it did before.
//
// Errors (absl::StatusCode): INVALID_ARGUMENT for a malformed subject or oversized plaintext,
// FAILED_PRECONDITION with the message "personal data erased" for an erased subject (test it
// with IsPersonalDataErased), NOT_FOUND for a subject that never sealed anything, DATA_LOSS
// for sealed bytes that fail authentication (tampered, truncated, other associated data,
// another subject's), FAILED_PRECONDITION once the vault is closed, and the converted RocksDB
// status for I/O errors.
//
// Thread safety: a KeyVault is safe to use from any number of threads. Seal and Open of
// subjects that have a key share the vault (RocksDB reads only); creating a key and erasing
// are serialised with each other, and an Erase does not hold up Seal and Open of others.
#ifndef CTG_SERVICES_PLATFORM_VAULT_H_
#define CTG_SERVICES_PLATFORM_VAULT_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ctg::platform {

struct VaultOptions {
  // Durability of key creation. true (the default): Seal returns only once a new subject
  // key is fsynced, so sealed data that reaches the log can always be opened after a crash.
  // false loses keys created just before a power failure, and with them the data they sealed:
  // tests and benchmarks only. Erase is always synced, whatever this says.
  bool sync = true;

  // Create the directory (mode 0700) and an empty vault if none exists. If false, opening a
  // directory without a vault is NOT_FOUND.
  bool create_if_missing = true;

  // Path of the key-encryption key: 32 random bytes as 64 hex digits (e.g.
  // `openssl rand -hex 32 > kek && chmod 600 kek`), a regular file that neither group nor
  // others can access, outside the vault directory. Empty: subject keys are stored in clear
  // (see the threat model above). A vault remembers whether and with which KEK it was
  // created, and refuses (FAILED_PRECONDITION) to open with another one or none.
  std::string kek_path;

  // Create the KEK file (mode 0600) if it is missing and the vault is new. Off by default:
  // an operator provisions the KEK, and a missing one is NOT_FOUND.
  bool create_kek_if_missing = false;

  // Largest plaintext Seal accepts (INVALID_ARGUMENT beyond): sealed fields go in events,
  // which are at most 1 MiB.
  size_t max_plaintext_bytes = 1 << 20;

  // How long Erase waits for RocksDB to delete the files its flush and compaction made
  // obsolete (normally milliseconds) before it gives up with UNAVAILABLE.
  absl::Duration purge_timeout = absl::Seconds(30);

  // The clock that stamps erasures. Tests inject their own.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// The message of the FAILED_PRECONDITION status returned for an erased subject.
inline constexpr absl::string_view kPersonalDataErased = "personal data erased";

// True if `status` says that the subject's personal data was erased (as opposed to another
// failed precondition, such as a closed vault).
bool IsPersonalDataErased(const absl::Status& status);

class KeyVault {
 public:
  // Opens the vault in `dir` (created if missing and options.create_if_missing), loads the
  // KEK if one is configured, and completes the physical purge of erasures that a crash
  // interrupted. Errors: INVALID_ARGUMENT for bad options or a malformed KEK file (or one
  // inside `dir`), NOT_FOUND for a missing vault or KEK file, FAILED_PRECONDITION for a KEK
  // file that group or others can access, or a KEK other than the one the vault was created
  // with. Only one process may open a directory at a time.
  static absl::StatusOr<std::unique_ptr<KeyVault>> Open(absl::string_view dir,
                                                        const VaultOptions& options);

  virtual ~KeyVault() = default;

  // Seals `plaintext` for `subject` (format above), authenticating `associated_data`, which
  // Open must be given again; it is not stored in the output. Creates the subject's key on
  // first use (durably, see VaultOptions::sync). An erased subject is refused with
  // FAILED_PRECONDITION "personal data erased" and nothing is created: erasure is final, and
  // new data about the same person needs a new subject id.
  virtual absl::StatusOr<std::string> Seal(absl::string_view subject, absl::string_view plaintext,
                                           absl::string_view associated_data) = 0;

  // The plaintext of `sealed`. FAILED_PRECONDITION "personal data erased" once the subject is
  // erased (whatever `sealed` holds), NOT_FOUND if the subject never had a key, DATA_LOSS if
  // `sealed` is malformed, was sealed for another subject or key, with other associated data,
  // or was altered.
  virtual absl::StatusOr<std::string> Open(absl::string_view subject, absl::string_view sealed,
                                           absl::string_view associated_data) = 0;

  // Erases `subject`: deletes its key and records a tombstone (the time of the erasure), in
  // one synced write, then makes the key physically unrecoverable from the vault's files:
  // every memtable is flushed (so that the WAL files that held the key become obsolete and
  // are deleted: the vault keeps no archived or recycled WAL), the key's range is compacted
  // with the bottommost level forced (so that no SST holds it), and Erase waits until RocksDB
  // has deleted every WAL and SST file that may have held it. Returns once all of that is
  // done. Erasing an unknown subject records the tombstone too (its later Seal is refused).
  // Idempotent: erasing an erased subject returns OK at once once its purge completed, and
  // redoes the purge otherwise. If the purge fails or times out (UNAVAILABLE), the erasure
  // itself is durable and the purge is retried by the next Erase of the subject or the next
  // Open of the vault. A file that the compaction moved without rewriting it is checked to hold
  // no value of the key.
  virtual absl::Status Erase(absl::string_view subject) = 0;

  // Whether `subject` was erased.
  virtual absl::StatusOr<bool> IsErased(absl::string_view subject) = 0;
  // When `subject` was erased; NOT_FOUND if it was not.
  virtual absl::StatusOr<absl::Time> ErasedAt(absl::string_view subject) = 0;

  // Test only: the subject's key in clear and the bytes stored for it in the vault's RocksDB
  // (the wrapped key with a KEK, the clear key without), so that tests can check that Erase
  // leaves neither in any file. NOT_FOUND if the subject has no key. Never call it elsewhere.
  struct KeyMaterial {
    std::string key;
    std::string stored;
  };
  virtual absl::StatusOr<KeyMaterial> KeyMaterialForTesting(absl::string_view subject) = 0;

  // Closes the database. Idempotent; the destructor calls it. Every later call is
  // FAILED_PRECONDITION.
  virtual absl::Status Close() = 0;
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_VAULT_H_
