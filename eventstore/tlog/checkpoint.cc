#include "eventstore/tlog/checkpoint.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "eventstore/base/openssl_ptr.h"
#include "eventstore/base/status_macros.h"

namespace ctg::tlog {
namespace {

// "— ": an em dash (U+2014) in UTF-8 and a space, which start every signature line.
constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr char kEd25519SignatureType = 0x01;
constexpr size_t kKeyIdSize = 4;
constexpr size_t kEd25519SignatureSize = 64;
constexpr size_t kEd25519PublicKeySize = 32;
constexpr absl::string_view kTimeFormat = "%Y-%m-%d%ET%H:%M:%E6SZ";
// A PEM Ed25519 key is about 120 bytes; anything much larger is not one.
constexpr size_t kMaxPemSize = 64 * 1024;

// Closes a file descriptor on scope exit.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error that a destructor would swallow.
  absl::Status Close(absl::string_view path) {
    const int fd = std::exchange(fd_, -1);
    if (close(fd) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot close ", path));
    return absl::OkStatus();
  }

 private:
  int fd_;
};

// Drains OpenSSL's thread-local error queue into a message.
std::string OpenSslErrors() {
  std::vector<std::string> errors;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    errors.push_back(buffer);
  }
  return errors.empty() ? "no OpenSSL error reported" : absl::StrJoin(errors, "; ");
}

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, " failed: ", OpenSslErrors()));
}

absl::string_view AsChars(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// Key names, and therefore origins, are non-empty printable ASCII without spaces or '+':
// a space ends the name in a signature line and '+' ends it in a verifier key.
absl::Status ValidateKeyName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("key name (origin) is empty");
  for (char c : name) {
    if (c <= ' ' || c > '~' || c == '+') {
      return absl::InvalidArgumentError(
          absl::StrCat("key name (origin) \"", absl::CHexEscape(name),
                       "\" must be printable ASCII without spaces or '+'"));
    }
  }
  return absl::OkStatus();
}

// Decodes standard padded base64, accepting only the canonical encoding.
absl::StatusOr<std::string> DecodeBase64(absl::string_view text, absl::string_view what) {
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes) || absl::Base64Escape(bytes) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", absl::CHexEscape(text), "\" is not canonical base64"));
  }
  return bytes;
}

std::array<uint8_t, kKeyIdSize> KeyId(absl::string_view name,
                                      const std::array<uint8_t, 32>& public_key) {
  const Hash hash = Sha256(absl::StrCat(name, "\n", absl::string_view(&kEd25519SignatureType, 1),
                                        AsChars(public_key.data(), public_key.size())));
  std::array<uint8_t, kKeyIdSize> key_id;
  std::copy_n(hash.begin(), kKeyIdSize, key_id.begin());
  return key_id;
}

absl::StatusOr<VerifierKey> MakeVerifierKey(EVP_PKEY* pkey, absl::string_view name) {
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("the private key is not an Ed25519 key");
  }
  VerifierKey key;
  key.name = std::string(name);
  size_t size = key.public_key.size();
  if (EVP_PKEY_get_raw_public_key(pkey, key.public_key.data(), &size) != 1 ||
      size != key.public_key.size()) {
    return OpenSslError("EVP_PKEY_get_raw_public_key");
  }
  key.key_id = KeyId(name, key.public_key);
  return key;
}

// OK iff `signature` is a valid Ed25519 signature of `message` by `key`.
absl::Status VerifyEd25519(const VerifierKey& key, absl::string_view message,
                           absl::string_view signature) {
  const std::string denied = absl::StrCat("the signature by key ", key.name, " does not verify");
  if (signature.size() != kEd25519SignatureSize) {
    return absl::PermissionDeniedError(
        absl::StrCat(denied, ": it has ", signature.size(), " bytes instead of 64"));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.public_key.data(),
                                           key.public_key.size()));
  if (pkey == nullptr) return OpenSslError("EVP_PKEY_new_raw_public_key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslError("EVP_MD_CTX_new");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
    return OpenSslError("EVP_DigestVerifyInit");
  }
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (verified != 1) {
    ERR_clear_error();  // a bad signature is an expected outcome, not an OpenSSL failure
    return absl::PermissionDeniedError(denied);
  }
  return absl::OkStatus();
}

// One "— <name> <base64(key id || signature)>" line of a note.
struct NoteSignature {
  absl::string_view name;
  std::string blob;  // key id || signature

  absl::string_view key_id() const { return absl::string_view(blob).substr(0, kKeyIdSize); }
  absl::string_view signature() const { return absl::string_view(blob).substr(kKeyIdSize); }
};

// A note split into its signed text and its signature lines (https://c2sp.org/signed-note).
struct SignedNote {
  absl::string_view body;
  std::vector<NoteSignature> signatures;
};

absl::StatusOr<NoteSignature> ParseSignatureLine(absl::string_view line) {
  const auto malformed = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature line \"", absl::CHexEscape(line), "\" ", why));
  };
  if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
    return malformed("does not start with an em dash and a space");
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  if (fields.size() != 2 || fields[0].empty() || fields[1].empty()) {
    return malformed("is not \"<key name> <signature>\"");
  }
  NoteSignature signature;
  signature.name = fields[0];
  ASSIGN_OR_RETURN(signature.blob, DecodeBase64(fields[1], "signature"));
  if (signature.blob.size() <= kKeyIdSize) {
    return malformed("has no signature after the key id");
  }
  return signature;
}

absl::StatusOr<SignedNote> ParseNote(absl::string_view text) {
  // The text ends at the last blank line; the signature lines follow it.
  const size_t separator = text.rfind("\n\n");
  if (separator == absl::string_view::npos) {
    return absl::InvalidArgumentError("note has no blank line before its signatures");
  }
  SignedNote note;
  note.body = text.substr(0, separator + 1);
  absl::string_view signatures = text.substr(separator + 2);
  if (!absl::ConsumeSuffix(&signatures, "\n")) {
    return absl::InvalidArgumentError("note does not end with a signature line and a newline");
  }
  for (absl::string_view line : absl::StrSplit(signatures, '\n')) {
    ASSIGN_OR_RETURN(NoteSignature signature, ParseSignatureLine(line));
    note.signatures.push_back(std::move(signature));
  }
  return note;
}

absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  uint64_t size = 0;
  const bool canonical = !text.empty() && (text == "0" || text[0] != '0') &&
                         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
  if (!canonical || !absl::SimpleAtoi(text, &size)) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint size \"", absl::CHexEscape(text),
                                                   "\" is not a canonical decimal uint64"));
  }
  return size;
}

absl::StatusOr<absl::Time> ParseTimeLine(absl::string_view line) {
  absl::Time time;
  std::string error;
  // ParseTime also accepts "infinite-future" and "infinite-past", which are not RFC 3339.
  if (!absl::ConsumePrefix(&line, "time ") ||
      !absl::ParseTime(kTimeFormat, line, absl::UTCTimeZone(), &time, &error) ||
      time == absl::InfiniteFuture() || time == absl::InfinitePast() ||
      absl::FormatTime(kTimeFormat, time, absl::UTCTimeZone()) != line) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint time line \"time ", absl::CHexEscape(line),
                     "\" is not \"time YYYY-MM-DDTHH:MM:SS.ffffffZ\""));
  }
  return time;
}

// Parses the four body lines, accepting only the exact text that Checkpoint::Body writes.
absl::StatusOr<Checkpoint> ParseBody(absl::string_view body) {
  if (!absl::ConsumeSuffix(&body, "\n")) {
    return absl::InvalidArgumentError("checkpoint body does not end with a newline");
  }
  const std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  if (lines.size() != 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint body has ", lines.size(), " lines instead of origin, size, root and time"));
  }
  Checkpoint checkpoint;
  RETURN_IF_ERROR(ValidateKeyName(lines[0]));
  checkpoint.origin = std::string(lines[0]);
  ASSIGN_OR_RETURN(checkpoint.size, ParseSize(lines[1]));
  ASSIGN_OR_RETURN(std::string root, DecodeBase64(lines[2], "checkpoint root"));
  if (root.size() != checkpoint.root.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint root must be 32 bytes, got ", root.size()));
  }
  std::copy(root.begin(), root.end(), checkpoint.root.begin());
  ASSIGN_OR_RETURN(checkpoint.time, ParseTimeLine(lines[3]));
  return checkpoint;
}

// Writes `contents` to a new file at `path` with mode 0600, atomically: a temporary file is
// written and fsynced, renamed to `path` unless it exists (ALREADY_EXISTS), and the directory
// is fsynced so that the rename survives a crash.
absl::Status WriteNewPrivateFile(const std::string& path, absl::string_view contents) {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof(random)) != 1) return OpenSslError("RAND_bytes");
  const std::string temp_path =
      absl::StrCat(path, ".tmp-", absl::BytesToHexString(AsChars(random, sizeof(random))));
  ScopedFd file(open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (file.get() < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", temp_path));
  const auto fail = [&](absl::Status status) {
    unlink(temp_path.c_str());
    return status;
  };
  for (absl::string_view rest = contents; !rest.empty();) {
    const ssize_t written = write(file.get(), rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      return fail(absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", temp_path)));
    }
    rest.remove_prefix(written);
  }
  if (fsync(file.get()) != 0) {
    return fail(absl::ErrnoToStatus(errno, absl::StrCat("cannot fsync ", temp_path)));
  }
  if (absl::Status closed = file.Close(temp_path); !closed.ok()) return fail(closed);
  if (renameat2(AT_FDCWD, temp_path.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
    return fail(
        absl::ErrnoToStatus(errno, absl::StrCat("cannot rename ", temp_path, " to ", path)));
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string directory = parent.empty() ? std::string(".") : parent.string();
  ScopedFd dir(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || fsync(dir.get()) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot fsync directory ", directory));
  }
  return dir.Close(directory);
}

// Reads a private key file: NOT_FOUND if missing, FAILED_PRECONDITION unless a regular file
// that neither group nor others can access.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path) {
  ScopedFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  struct stat info;
  if (fstat(file.get(), &info) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", path));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", info.st_mode & 07777);
    return absl::FailedPreconditionError(
        absl::StrCat(path, " has mode ", mode,
                     ": a private key must be mode 0600 or stricter (chmod 600 ", path, ")"));
  }
  std::string contents;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(file.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path));
    if (n == 0) break;
    contents.append(buffer, n);
    if (contents.size() > kMaxPemSize) {
      return absl::InvalidArgumentError(absl::StrCat(path, " is too large for a PEM key"));
    }
  }
  return contents;
}

// Refuses to prompt on the terminal for the passphrase of an encrypted key.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

}  // namespace

std::string Checkpoint::Body() const {
  return absl::StrCat(origin, "\n", size, "\n", absl::Base64Escape(HashBytes(root)), "\n", "time ",
                      absl::FormatTime(kTimeFormat, time, absl::UTCTimeZone()), "\n");
}

std::string VerifierKey::ToString() const {
  return absl::StrCat(
      name, "+", absl::BytesToHexString(AsChars(key_id.data(), key_id.size())), "+",
      absl::Base64Escape(absl::StrCat(absl::string_view(&kEd25519SignatureType, 1),
                                      AsChars(public_key.data(), public_key.size()))));
}

absl::StatusOr<VerifierKey> VerifierKey::Parse(absl::string_view text) {
  // The base64 key may itself contain '+': split at the first two only.
  const std::vector<absl::string_view> fields = absl::StrSplit(text, absl::MaxSplits('+', 2));
  if (fields.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key \"", absl::CHexEscape(text), "\" is not name+id+key"));
  }
  RETURN_IF_ERROR(ValidateKeyName(fields[0]));
  const absl::string_view hex_id = fields[1];
  if (hex_id.size() != 2 * kKeyIdSize || !std::all_of(hex_id.begin(), hex_id.end(), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return absl::InvalidArgumentError(absl::StrCat("verifier key id \"", absl::CHexEscape(hex_id),
                                                   "\" is not 8 lower-case hex digits"));
  }
  ASSIGN_OR_RETURN(std::string typed_key, DecodeBase64(fields[2], "verifier key"));
  if (typed_key.size() != 1 + kEd25519PublicKeySize || typed_key[0] != kEd25519SignatureType) {
    return absl::InvalidArgumentError(
        "verifier key is not an Ed25519 key (0x01 followed by 32 bytes)");
  }
  VerifierKey key;
  key.name = std::string(fields[0]);
  std::copy(typed_key.begin() + 1, typed_key.end(), key.public_key.begin());
  key.key_id = KeyId(key.name, key.public_key);
  if (absl::HexStringToBytes(hex_id) != AsChars(key.key_id.data(), key.key_id.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key id ", hex_id, " does not match the name and public key (",
                     absl::BytesToHexString(AsChars(key.key_id.data(), key.key_id.size())), ")"));
  }
  return key;
}

SigningKey::SigningKey(void* pkey, VerifierKey verifier)
    : pkey_(pkey), verifier_(std::move(verifier)) {}

SigningKey::~SigningKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::Generate(absl::string_view name) {
  RETURN_IF_ERROR(ValidateKeyName(name));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  if (ctx == nullptr) return OpenSslError("EVP_PKEY_CTX_new_id");
  if (EVP_PKEY_keygen_init(ctx.get()) != 1) return OpenSslError("EVP_PKEY_keygen_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) != 1) return OpenSslError("EVP_PKEY_keygen");
  PkeyPtr pkey(raw);
  ASSIGN_OR_RETURN(VerifierKey verifier, MakeVerifierKey(pkey.get(), name));
  return std::unique_ptr<SigningKey>(new SigningKey(pkey.release(), std::move(verifier)));
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::LoadPem(absl::string_view path,
                                                                absl::string_view name) {
  RETURN_IF_ERROR(ValidateKeyName(name));
  const std::string path_string(path);
  ASSIGN_OR_RETURN(const std::string pem, ReadPrivateFile(path_string));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not an unencrypted PEM private key: ", OpenSslErrors()));
  }
  absl::StatusOr<VerifierKey> verifier = MakeVerifierKey(pkey.get(), name);
  if (!verifier.ok()) {
    return absl::Status(verifier.status().code(),
                        absl::StrCat(path, ": ", verifier.status().message()));
  }
  return std::unique_ptr<SigningKey>(new SigningKey(pkey.release(), *std::move(verifier)));
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::LoadOrCreatePem(absl::string_view path,
                                                                        absl::string_view name) {
  absl::StatusOr<std::unique_ptr<SigningKey>> loaded = LoadPem(path, name);
  if (!absl::IsNotFound(loaded.status())) return loaded;
  ASSIGN_OR_RETURN(std::unique_ptr<SigningKey> key, Generate(name));
  const absl::Status saved = key->SavePem(path);
  // Another process created the key between our load and our save: use theirs.
  if (absl::IsAlreadyExists(saved)) return LoadPem(path, name);
  RETURN_IF_ERROR(saved);
  return key;
}

absl::Status SigningKey::SavePem(absl::string_view path) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError("BIO_new");
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), static_cast<EVP_PKEY*>(pkey_), nullptr, nullptr, 0,
                                    nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PKCS8PrivateKey");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return OpenSslError("BIO_get_mem_data");
  return WriteNewPrivateFile(std::string(path), absl::string_view(data, size));
}

absl::StatusOr<std::string> SigningKey::Sign(const Checkpoint& checkpoint) const {
  if (checkpoint.origin != verifier_.name) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint origin \"",
                                                   absl::CHexEscape(checkpoint.origin),
                                                   "\" is not the key name ", verifier_.name));
  }
  const std::string body = checkpoint.Body();
  // Sign only what VerifyCheckpoint will accept (this rejects, e.g., an infinite time).
  if (absl::StatusOr<Checkpoint> parsed = ParseBody(body); !parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot sign checkpoint: ", parsed.status().message()));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslError("EVP_MD_CTX_new");
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) !=
      1) {
    return OpenSslError("EVP_DigestSignInit");
  }
  std::array<uint8_t, kEd25519SignatureSize> signature;
  size_t size = signature.size();
  if (EVP_DigestSign(ctx.get(), signature.data(), &size,
                     reinterpret_cast<const unsigned char*>(body.data()), body.size()) != 1 ||
      size != signature.size()) {
    return OpenSslError("EVP_DigestSign");
  }
  const std::string blob = absl::StrCat(AsChars(verifier_.key_id.data(), verifier_.key_id.size()),
                                        AsChars(signature.data(), signature.size()));
  return absl::StrCat(body, "\n", kSignaturePrefix, verifier_.name, " ", absl::Base64Escape(blob),
                      "\n");
}

absl::StatusOr<Checkpoint> VerifyCheckpoint(absl::string_view note, const VerifierKey& key) {
  ASSIGN_OR_RETURN(const SignedNote signed_note, ParseNote(note));
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseBody(signed_note.body));
  if (checkpoint.origin != key.name) {
    return absl::PermissionDeniedError(absl::StrCat("checkpoint origin ", checkpoint.origin,
                                                    " is not the name of key ", key.name));
  }
  const absl::string_view key_id = AsChars(key.key_id.data(), key.key_id.size());
  bool verified = false;
  for (const NoteSignature& signature : signed_note.signatures) {
    if (signature.name != key.name || signature.key_id() != key_id) continue;
    // A line that claims to be by `key` and does not verify is a forgery: reject the note.
    RETURN_IF_ERROR(VerifyEd25519(key, signed_note.body, signature.signature()));
    verified = true;
  }
  if (!verified) {
    return absl::PermissionDeniedError(
        absl::StrCat("checkpoint has no signature by key ", key.ToString()));
  }
  return checkpoint;
}

absl::StatusOr<Checkpoint> ParseCheckpointUnverified(absl::string_view note) {
  ASSIGN_OR_RETURN(const SignedNote signed_note, ParseNote(note));
  return ParseBody(signed_note.body);
}

}  // namespace ctg::tlog
