// What ctg remembers about each server so that it never has to trust it: the log's verifier
// key, pinned on first use, and the last signed checkpoint it verified.
//
//   {state_dir}/{server}/verifier_key   one line, `name+keyid+base64` (tlog::VerifierKey)
//   {state_dir}/{server}/checkpoint     the signed note, exactly as the server signed it
//   {state_dir}/{server}/refused-{unix seconds}.note
//                                       a checkpoint that failed a consistency check with the
//                                       kept one: with the kept note, the evidence of a rewrite
//
// Every file is written atomically (a temporary file in the same directory, fsync, rename,
// fsync of the directory) with mode 0600; the directories are created with mode 0700. A file
// that group or others may write is refused: whoever can replace the pinned key can make ctg
// accept a forged log.
//
// Thread safety: not thread-safe; one ctg process uses one TrustStore. Two ctg processes
// racing on the same directory each write whole files, so the last rename wins and neither
// leaves a partial file.
#ifndef CTG_CLIENTS_CTG_TRUST_STORE_H_
#define CTG_CLIENTS_CTG_TRUST_STORE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/tlog/checkpoint.h"

namespace ctg::cli {

// The default state directory: $XDG_STATE_HOME/ctg if XDG_STATE_HOME is an absolute path,
// else $HOME/.local/state/ctg (the home directory from the password database if HOME is
// unset).
std::string DefaultStateDir();

// The directory of one server inside `state_dir`: the server's address with every character
// other than letters, digits, '.', '-', '_' and ':' replaced by '_' (so `[::1]:7443` and
// `dns:///ctg.example:443` stay distinct, readable directory names).
std::string ServerStateDir(absl::string_view state_dir, absl::string_view server);

// Writes `contents` to `path` atomically with `mode`: readers see the old file or the new one,
// never a mix, even after a crash. Creates no directory.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 unsigned mode = 0600);

// A checkpoint ctg verified and kept.
struct KeptCheckpoint {
  std::string note;             // the signed note, as the server signed it
  tlog::Checkpoint checkpoint;  // its content, verified with the pinned key when loaded
};

// The key that verifies a server's checkpoints, and where it came from.
struct TrustedKey {
  tlog::VerifierKey key;
  // True when nothing was pinned yet: the caller verifies a checkpoint with it and then calls
  // Pin (trust on first use).
  bool first_use = false;
};

class TrustStore {
 public:
  // `dir` is ServerStateDir(state_dir, server); it is created when something is first written.
  explicit TrustStore(std::string dir);

  const std::string& dir() const { return dir_; }
  std::string verifier_key_path() const;
  std::string checkpoint_path() const;

  // The pinned key, or nullopt if none is. DATA_LOSS if the file is not a verifier key line;
  // FAILED_PRECONDITION if group or others may write it.
  absl::StatusOr<std::optional<tlog::VerifierKey>> PinnedKey() const;

  // Chooses the key to verify this server's checkpoints with. Writes nothing.
  //   - `configured` (a key line the user got out of band, e.g. --verifier_key) if not empty:
  //     it must equal the pinned key if one is pinned; the server's offer is ignored.
  //   - else the pinned key, if any: the server's `offered` key (Checkpoint.verifier_key) must
  //     be empty or equal to it.
  //   - else `offered`, with first_use = true.
  // PERMISSION_DENIED, loudly, naming both keys and the pin file, when a key differs from the
  // pinned one: the server's key changed, which is a key rotation or an attack, and only a
  // person can tell which. INVALID_ARGUMENT if a key line is malformed or nothing is offered.
  absl::StatusOr<TrustedKey> ChooseKey(absl::string_view offered,
                                       absl::string_view configured) const;

  // Pins `key`. FAILED_PRECONDITION if another key is already pinned; OK if it is the same.
  absl::Status Pin(const tlog::VerifierKey& key);

  // The kept checkpoint, its signature verified again with `key` (the file could have been
  // edited), or nullopt if none is kept. DATA_LOSS if the file is not a note signed by `key`.
  absl::StatusOr<std::optional<KeptCheckpoint>> Kept(const tlog::VerifierKey& key) const;

  // Replaces the kept checkpoint with `note`. The caller has verified it.
  absl::Status Keep(absl::string_view note);

  // Saves a refused checkpoint next to the kept one; returns its path.
  absl::StatusOr<std::string> KeepRefused(absl::string_view note, int64_t unix_seconds);

 private:
  absl::Status EnsureDir() const;
  std::string dir_;
};

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_TRUST_STORE_H_
