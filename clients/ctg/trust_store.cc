#include "clients/ctg/trust_store.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/ctg/table.h"

namespace ctg::cli {
namespace {

absl::Status ErrnoError(absl::string_view what, absl::string_view path, int error) {
  return absl::InternalError(absl::StrCat("cannot ", what, " ", path, ": ", strerror(error)));
}

// Closes a file descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// The contents of a small state file, or nullopt if it does not exist. FAILED_PRECONDITION if
// it is not a regular file or if group or others may write it.
absl::StatusOr<std::optional<std::string>> ReadStateFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return ErrnoError("read", path, errno);
  }
  FdCloser closer(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoError("stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if ((st.st_mode & 022) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        path,
        " may be written by group or others, so it cannot be trusted: check who changed "
        "it, then chmod 600 it"));
  }
  std::string contents;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read", path, errno);
    if (n == 0) break;
    contents.append(buffer, static_cast<size_t>(n));
    if (contents.size() > (1 << 20)) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is too large for a state file"));
    }
  }
  return contents;
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string KeyChangedMessage(absl::string_view pinned, absl::string_view other,
                              absl::string_view other_source, const std::string& pin_path) {
  return absl::StrCat(
      "THE LOG'S VERIFIER KEY CHANGED: refusing to trust this server.\n"
      "  pinned:  ",
      pinned, "\n", "  ", other_source, ": ", other, "\n",
      "  Either ctgd's operator rotated the key, or someone is trying to make you accept a\n"
      "  forged log. Ask the operator, by another channel, for the new key line. If they\n"
      "  confirm it, remove ",
      pin_path,
      " and the checkpoint next to it, then run\n"
      "  `ctg checkpoint --verifier_key '<the new key line>'`.");
}

}  // namespace

std::string DefaultStateDir() {
  const char* xdg = getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return absl::StrCat(xdg, "/ctg");
  const char* home = getenv("HOME");
  if (home == nullptr || home[0] == '\0') {
    struct passwd* entry = getpwuid(getuid());
    home = entry != nullptr ? entry->pw_dir : "/tmp";
  }
  return absl::StrCat(home, "/.local/state/ctg");
}

std::string ServerStateDir(absl::string_view state_dir, absl::string_view server) {
  std::string name(server);
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' &&
        c != ':') {
      c = '_';
    }
  }
  if (name.empty() || name == "." || name == "..") name = absl::StrCat("_", name);
  return absl::StrCat(state_dir, "/", name);
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 unsigned mode) {
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkostemp(temp.data(), O_CLOEXEC);  // created with mode 0600
  if (fd < 0) return ErrnoError("create a temporary file for", path, errno);
  const auto fail = [&](absl::string_view what) {
    absl::Status status = ErrnoError(what, temp, errno);
    close(fd);
    unlink(temp.c_str());
    return status;
  };
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("chmod");
  for (size_t written = 0; written < contents.size();) {
    ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(fd) != 0) {
    absl::Status status = ErrnoError("close", temp, errno);
    unlink(temp.c_str());
    return status;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoError("rename to", path, errno);
    unlink(temp.c_str());
    return status;
  }
  // The rename is durable once the directory is.
  const std::string dir = ParentDir(path);
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return ErrnoError("open directory", dir, errno);
  FdCloser closer(dir_fd);
  if (fsync(dir_fd) != 0) return ErrnoError("fsync directory", dir, errno);
  return absl::OkStatus();
}

TrustStore::TrustStore(std::string dir) : dir_(std::move(dir)) {}

std::string TrustStore::verifier_key_path() const { return dir_ + "/verifier_key"; }
std::string TrustStore::checkpoint_path() const { return dir_ + "/checkpoint"; }

absl::Status TrustStore::EnsureDir() const {
  // Each missing component is created 0700: the state is nobody else's business.
  std::string prefix;
  for (size_t start = 0; start <= dir_.size();) {
    size_t slash = dir_.find('/', start);
    if (slash == std::string::npos) slash = dir_.size();
    prefix = dir_.substr(0, slash);
    start = slash + 1;
    if (prefix.empty()) continue;
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoError("create directory", prefix, errno);
    }
  }
  struct stat st;
  if (stat(dir_.c_str(), &st) != 0) return ErrnoError("stat", dir_, errno);
  if (!S_ISDIR(st.st_mode))
    return absl::FailedPreconditionError(absl::StrCat(dir_, " is not a directory"));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<tlog::VerifierKey>> TrustStore::PinnedKey() const {
  auto contents = ReadStateFile(verifier_key_path());
  if (!contents.ok()) return contents.status();
  if (!contents->has_value()) return std::nullopt;
  auto key = tlog::VerifierKey::Parse(absl::StripAsciiWhitespace(**contents));
  if (!key.ok()) {
    return absl::DataLossError(
        absl::StrCat("the pinned key in ", verifier_key_path(),
                     " is not a verifier key line: ", key.status().message()));
  }
  return *std::move(key);
}

absl::StatusOr<TrustedKey> TrustStore::ChooseKey(absl::string_view offered,
                                                 absl::string_view configured) const {
  auto pinned = PinnedKey();
  if (!pinned.ok()) return pinned.status();
  const auto parse = [](absl::string_view line,
                        absl::string_view source) -> absl::StatusOr<tlog::VerifierKey> {
    auto key = tlog::VerifierKey::Parse(absl::StripAsciiWhitespace(line));
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, " is not a verifier key line (name+keyid+key): ", key.status().message()));
    }
    return key;
  };
  if (!configured.empty()) {
    auto key = parse(configured, "--verifier_key");
    if (!key.ok()) return key.status();
    if (pinned->has_value() && (*pinned)->ToString() != key->ToString()) {
      return absl::PermissionDeniedError(
          KeyChangedMessage((*pinned)->ToString(), key->ToString(), "given", verifier_key_path()));
    }
    return TrustedKey{.key = *std::move(key), .first_use = !pinned->has_value()};
  }
  if (pinned->has_value()) {
    if (!offered.empty()) {
      auto key = parse(offered, "the server's verifier key");
      if (!key.ok() || key->ToString() != (*pinned)->ToString()) {
        return absl::PermissionDeniedError(KeyChangedMessage(
            (*pinned)->ToString(), SanitizeForTerminal(offered), "offered", verifier_key_path()));
      }
    }
    return TrustedKey{.key = **std::move(pinned), .first_use = false};
  }
  if (offered.empty()) {
    return absl::InvalidArgumentError(
        "no verifier key is pinned for this server and it offers none: give the log's key line "
        "with --verifier_key (ask ctgd's operator)");
  }
  auto key = parse(offered, "the server's verifier key");
  if (!key.ok()) return key.status();
  return TrustedKey{.key = *std::move(key), .first_use = true};
}

absl::Status TrustStore::Pin(const tlog::VerifierKey& key) {
  auto pinned = PinnedKey();
  if (!pinned.ok()) return pinned.status();
  if (pinned->has_value()) {
    if ((*pinned)->ToString() == key.ToString()) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("another key is already pinned in ", verifier_key_path()));
  }
  if (absl::Status status = EnsureDir(); !status.ok()) return status;
  return WriteFileAtomically(verifier_key_path(), key.ToString() + "\n");
}

absl::StatusOr<std::optional<KeptCheckpoint>> TrustStore::Kept(const tlog::VerifierKey& key) const {
  auto contents = ReadStateFile(checkpoint_path());
  if (!contents.ok()) return contents.status();
  if (!contents->has_value()) return std::nullopt;
  auto checkpoint = tlog::VerifyCheckpoint(**contents, key);
  if (!checkpoint.ok()) {
    return absl::DataLossError(
        absl::StrCat("the kept checkpoint ", checkpoint_path(),
                     " does not verify with the pinned key (", checkpoint.status().message(),
                     "): it was altered; restore it from a backup, or remove it "
                     "to start over from the server's word"));
  }
  return KeptCheckpoint{.note = **std::move(contents), .checkpoint = *std::move(checkpoint)};
}

absl::Status TrustStore::Keep(absl::string_view note) {
  if (absl::Status status = EnsureDir(); !status.ok()) return status;
  return WriteFileAtomically(checkpoint_path(), note);
}

absl::StatusOr<std::string> TrustStore::KeepRefused(absl::string_view note, int64_t unix_seconds) {
  if (absl::Status status = EnsureDir(); !status.ok()) return status;
  std::string path = absl::StrCat(dir_, "/refused-", unix_seconds, ".note");
  if (absl::Status status = WriteFileAtomically(path, note); !status.ok()) return status;
  return path;
}

}  // namespace ctg::cli
