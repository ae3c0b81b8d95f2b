// Signed checkpoints of the log: C2SP tlog-checkpoint notes signed with Ed25519.
//
// A checkpoint commits to the state of the log: (origin, size, root, time). Its text is a
// C2SP signed note (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint):
//
//   <origin>\n                       e.g. "ctg-platform/caf-73"
//   <size, decimal>\n                e.g. "1024"
//   <root, standard base64>\n        RFC 6962 root of the first <size> events
//   time <RFC 3339 UTC, µs>\n        e.g. "time 2026-11-23T14:47:00.123456Z" (extension line)
//   \n
//   — <key name> <base64(key id (4 bytes) || Ed25519 signature (64 bytes))>\n
//
// The signature covers every byte of the body (the four lines above, each with its \n).
// Key id = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]; 0x01 is the
// Ed25519 signature type of signed notes. The key name is the origin.
//
// A verifier key is written as a single line, as in Go's golang.org/x/mod/sumdb/note:
//   <key name>+<key id, 8 hex digits>+<base64(0x01 || 32-byte public key)>
//
// Thread safety: all functions are thread-safe; SigningKey is immutable once loaded.
#ifndef CTG_EVENTSTORE_TLOG_CHECKPOINT_H_
#define CTG_EVENTSTORE_TLOG_CHECKPOINT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::tlog {

// The content of a checkpoint.
struct Checkpoint {
  std::string origin;  // names the log; printable ASCII, no space or '+', not empty
  uint64_t size = 0;   // number of events committed to
  Hash root{};         // RFC 6962 root of those events
  absl::Time time;     // when it was signed (kept to the microsecond)

  // The body text that is signed (the four lines, each ending in \n).
  std::string Body() const;

  friend bool operator==(const Checkpoint& a, const Checkpoint& b) {
    return a.origin == b.origin && a.size == b.size && a.root == b.root && a.time == b.time;
  }
};

// An Ed25519 verification key with its signed-note name.
struct VerifierKey {
  std::string name;                    // the key name (the log's origin)
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 4> key_id{};     // derived from name and public_key

  // "<name>+<hex key id>+<base64(0x01 || public key)>".
  std::string ToString() const;
  // Parses the form above; INVALID_ARGUMENT if malformed or if the key id does not match.
  static absl::StatusOr<VerifierKey> Parse(absl::string_view text);
};

// An Ed25519 private key (OpenSSL) used to sign checkpoints.
class SigningKey {
 public:
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // A fresh random key.
  static absl::StatusOr<std::unique_ptr<SigningKey>> Generate(absl::string_view name);

  // Loads a PKCS#8 PEM private key. NOT_FOUND if the file does not exist,
  // INVALID_ARGUMENT if it is not an Ed25519 private key, FAILED_PRECONDITION if the file
  // is readable by group or others (it must be mode 0600 or stricter).
  static absl::StatusOr<std::unique_ptr<SigningKey>> LoadPem(absl::string_view path,
                                                             absl::string_view name);

  // Loads the key at `path`, or creates it there (PKCS#8 PEM, mode 0600, written to a
  // temporary file, fsynced and renamed) if no file exists.
  static absl::StatusOr<std::unique_ptr<SigningKey>> LoadOrCreatePem(absl::string_view path,
                                                                     absl::string_view name);

  // Writes the key as PKCS#8 PEM with mode 0600. ALREADY_EXISTS if the file exists.
  absl::Status SavePem(absl::string_view path) const;

  const VerifierKey& verifier() const { return verifier_; }

  // Signs `checkpoint` and returns the complete signed note. INVALID_ARGUMENT if the
  // origin is not the key name or is not a valid origin.
  absl::StatusOr<std::string> Sign(const Checkpoint& checkpoint) const;

 private:
  SigningKey(void* pkey, VerifierKey verifier);
  void* pkey_;  // EVP_PKEY*, kept opaque so that callers need no OpenSSL header
  VerifierKey verifier_;
};

// Parses a signed note and verifies its signature with `key`. Returns the checkpoint if a
// signature line by `key` verifies. Lines signed by other keys are ignored (witness
// cosignatures). INVALID_ARGUMENT if the text is not a well-formed checkpoint note,
// PERMISSION_DENIED if the origin is not key.name, if no signature line by `key` is present,
// or if one does not verify (a forged line is not excused by a valid one).
absl::StatusOr<Checkpoint> VerifyCheckpoint(absl::string_view note, const VerifierKey& key);

// Parses a checkpoint note without verifying any signature (for display and diagnostics
// only: never trust its content).
absl::StatusOr<Checkpoint> ParseCheckpointUnverified(absl::string_view note);

}  // namespace ctg::tlog

#endif  // CTG_EVENTSTORE_TLOG_CHECKPOINT_H_
