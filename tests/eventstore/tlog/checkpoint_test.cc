#include "eventstore/tlog/checkpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "eventstore/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::tlog {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr absl::string_view kOrigin = "ctg-platform/caf-73";
constexpr absl::string_view kEmDash = "\xE2\x80\x94";

absl::Time ExampleTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, 14, 47, 0), absl::UTCTimeZone()) +
         absl::Microseconds(123456);
}

Checkpoint ExampleCheckpoint() {
  return Checkpoint{
      .origin = std::string(kOrigin), .size = 1024, .root = EmptyRoot(), .time = ExampleTime()};
}

constexpr absl::string_view kExampleBody =
    "ctg-platform/caf-73\n"
    "1024\n"
    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    "time 2026-11-23T14:47:00.123456Z\n";

std::string Base64Decode(absl::string_view text) {
  std::string bytes;
  EXPECT_TRUE(absl::Base64Unescape(text, &bytes)) << text;
  return bytes;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteFile(const std::filesystem::path& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

// A PKCS#8 PEM private key of the given algorithm (RFC 8410 OID 1.3.101.<oid_last>) and seed.
std::string Pkcs8Pem(uint8_t oid_last, absl::string_view seed) {
  std::string der("\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65", 11);
  der += static_cast<char>(oid_last);
  der += std::string("\x04\x22\x04\x20", 4);
  absl::StrAppend(&der, seed);
  return absl::StrCat("-----BEGIN PRIVATE KEY-----\n", absl::Base64Escape(der),
                      "\n-----END PRIVATE KEY-----\n");
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("tlog_", info->test_suite_name(), "_", info->name(), "_", getpid());
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(std::filesystem::create_directories(dir_)) << dir_;
    ASSERT_OK_AND_ASSIGN(key_, SigningKey::Generate(kOrigin));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A signed note of ExampleCheckpoint() by key_.
  std::string ExampleNote() {
    absl::StatusOr<std::string> note = key_->Sign(ExampleCheckpoint());
    EXPECT_OK(note);
    return note.value_or("");
  }

  // A note that differs from a valid one only by `body`; its signature is irrelevant.
  std::string NoteWithBody(absl::string_view body) {
    const std::string note = ExampleNote();
    return absl::StrCat(body, note.substr(kExampleBody.size()));
  }

  std::filesystem::path dir_;
  std::unique_ptr<SigningKey> key_;
};

TEST_F(CheckpointTest, SignThenVerifyRoundTrips) {
  Checkpoint checkpoint{.origin = std::string(kOrigin),
                        .size = 123456789012,
                        .root = LeafHash("event"),
                        .time = absl::FromUnixMicros(1795000000123456)};
  ASSERT_OK_AND_ASSIGN(std::string note, key_->Sign(checkpoint));
  ASSERT_OK_AND_ASSIGN(Checkpoint verified, VerifyCheckpoint(note, key_->verifier()));
  EXPECT_EQ(verified, checkpoint);
  ASSERT_OK_AND_ASSIGN(Checkpoint unverified, ParseCheckpointUnverified(note));
  EXPECT_EQ(unverified, checkpoint);
}

TEST_F(CheckpointTest, TimeIsKeptToTheMicrosecond) {
  for (const absl::Time time :
       {absl::FromUnixNanos(1795000000123456789), absl::UnixEpoch(), absl::FromUnixMicros(-1),
        absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone())}) {
    Checkpoint checkpoint = ExampleCheckpoint();
    checkpoint.time = time;
    ASSERT_OK_AND_ASSIGN(std::string note, key_->Sign(checkpoint));
    ASSERT_OK_AND_ASSIGN(Checkpoint verified, VerifyCheckpoint(note, key_->verifier()));
    EXPECT_EQ(verified.time, absl::FromUnixMicros(absl::ToUnixMicros(time))) << note;
  }
  Checkpoint checkpoint = ExampleCheckpoint();
  checkpoint.time = absl::FromUnixMicros(-1);
  EXPECT_THAT(checkpoint.Body(), HasSubstr("\ntime 1969-12-31T23:59:59.999999Z\n"));
  checkpoint.time = absl::UnixEpoch();
  EXPECT_THAT(checkpoint.Body(), HasSubstr("\ntime 1970-01-01T00:00:00.000000Z\n"));
}

TEST_F(CheckpointTest, NoteHasTheDocumentedShape) {
  EXPECT_EQ(ExampleCheckpoint().Body(), kExampleBody);
  const std::string note = ExampleNote();
  const std::vector<std::string> lines = absl::StrSplit(note, '\n');
  ASSERT_EQ(lines.size(), 7u) << note;  // four body lines, blank, signature, "" after the last \n
  EXPECT_EQ(lines[0], "ctg-platform/caf-73");
  EXPECT_EQ(lines[1], "1024");
  EXPECT_EQ(lines[2], "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(lines[3], "time 2026-11-23T14:47:00.123456Z");
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[6], "");
  const std::string prefix = absl::StrCat(kEmDash, " ", kOrigin, " ");
  ASSERT_EQ(lines[5].substr(0, prefix.size()), prefix);
  EXPECT_EQ(lines[5].substr(0, 3), "\xE2\x80\x94");  // U+2014 EM DASH in UTF-8
  const std::string blob = Base64Decode(lines[5].substr(prefix.size()));
  ASSERT_EQ(blob.size(), 4u + 64u);
  const VerifierKey& verifier = key_->verifier();
  EXPECT_EQ(blob.substr(0, 4), std::string(verifier.key_id.begin(), verifier.key_id.end()));
  // Key id = SHA-256(name || \n || 0x01 || public key)[:4].
  const Hash id_hash = Sha256(absl::StrCat(
      kOrigin, "\n\x01", std::string(verifier.public_key.begin(), verifier.public_key.end())));
  EXPECT_EQ(blob.substr(0, 4), std::string(id_hash.begin(), id_hash.begin() + 4));
}

TEST_F(CheckpointTest, RejectsOtherKeys) {
  const std::string note = ExampleNote();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> same_name, SigningKey::Generate(kOrigin));
  EXPECT_THAT(VerifyCheckpoint(note, same_name->verifier()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no signature by key")));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> other_log,
                       SigningKey::Generate("ctg-platform/other"));
  EXPECT_THAT(VerifyCheckpoint(note, other_log->verifier()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("origin")));
  // Same name and key id but another public key: the signature itself must fail.
  VerifierKey forged = key_->verifier();
  forged.public_key = same_name->verifier().public_key;
  EXPECT_THAT(VerifyCheckpoint(note, forged),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("does not verify")));
}

TEST_F(CheckpointTest, RejectsAnyModifiedBodyByte) {
  const std::string note = ExampleNote();
  ASSERT_OK(VerifyCheckpoint(note, key_->verifier()));
  for (size_t i = 0; i < kExampleBody.size(); ++i) {
    for (uint8_t flip : {0x01, 0x20, 0x80}) {
      std::string modified = note;
      modified[i] = static_cast<char>(modified[i] ^ flip);
      const absl::StatusOr<Checkpoint> verified = VerifyCheckpoint(modified, key_->verifier());
      EXPECT_THAT(verified.status().code(),
                  AnyOf(absl::StatusCode::kInvalidArgument, absl::StatusCode::kPermissionDenied))
          << "byte " << i << " ^ " << int{flip} << ": " << verified.status();
      // A change that still parses must fail on the signature.
      if (ParseCheckpointUnverified(modified).ok()) {
        EXPECT_THAT(verified, StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_))
            << "byte " << i;
      }
    }
  }
  EXPECT_THAT(
      VerifyCheckpoint(absl::StrReplaceAll(note, {{"\n1024\n", "\n1025\n"}}), key_->verifier()),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("does not verify")));
}

TEST_F(CheckpointTest, RejectsTruncatedOrCorruptedSignatures) {
  const std::string note = ExampleNote();
  const size_t space = note.rfind(' ');
  const std::string line_start = note.substr(0, space + 1);
  const std::string blob = Base64Decode(note.substr(space + 1, note.size() - space - 2));
  ASSERT_EQ(blob.size(), 68u);

  // Truncated signature bytes, well-formed base64.
  for (size_t size : {67, 66, 36, 5}) {
    EXPECT_THAT(
        VerifyCheckpoint(absl::StrCat(line_start, absl::Base64Escape(blob.substr(0, size)), "\n"),
                         key_->verifier()),
        StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("does not verify")))
        << size;
  }
  // A key id alone is not a signature line.
  EXPECT_THAT(
      VerifyCheckpoint(absl::StrCat(line_start, absl::Base64Escape(blob.substr(0, 4)), "\n"),
                       key_->verifier()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no signature")));
  // Truncated base64 text.
  EXPECT_THAT(VerifyCheckpoint(note.substr(0, note.size() - 2) + "\n", key_->verifier()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("base64")));
  // Any flipped bit of the signature.
  for (size_t i = 4; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    EXPECT_THAT(
        VerifyCheckpoint(absl::StrCat(line_start, absl::Base64Escape(bad), "\n"), key_->verifier()),
        StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("does not verify")))
        << "byte " << i;
  }
  // No signature at all.
  EXPECT_THAT(VerifyCheckpoint(absl::StrCat(kExampleBody, "\n"), key_->verifier()),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST_F(CheckpointTest, RejectsMalformedNotes) {
  const std::string note = ExampleNote();
  const std::string signature_line = note.substr(kExampleBody.size() + 1);
  const std::vector<std::string> malformed = {
      "",
      std::string(kExampleBody),
      absl::StrCat(kExampleBody, signature_line),              // no blank line
      absl::StrCat(kExampleBody, "\n", signature_line, "\n"),  // blank line after signature
      absl::StrCat(kExampleBody, "\n\n", signature_line),      // two blank lines
      note.substr(0, note.size() - 1),                         // no final newline
      absl::StrReplaceAll(note, {{"\n", "\r\n"}}),             // CRLF
      absl::StrCat(kExampleBody, "\n", absl::StrReplaceAll(signature_line, {{kEmDash, "-"}})),
      absl::StrCat(kExampleBody, "\n", absl::StrReplaceAll(signature_line, {{" ", "  "}})),
      NoteWithBody(absl::StrCat(kExampleBody, "extension line\n")),
      NoteWithBody(absl::StrReplaceAll(kExampleBody, {{"\n1024\n", "\n\n1024\n"}})),
      NoteWithBody("ctg-platform/caf-73\n1024\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"),
      NoteWithBody("1024\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                   "time 2026-11-23T14:47:00.123456Z\n"),
  };
  for (const std::string& text : malformed) {
    EXPECT_THAT(VerifyCheckpoint(text, key_->verifier()),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << text;
    EXPECT_THAT(ParseCheckpointUnverified(text),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << text;
  }

  const struct {
    absl::string_view from, to, message;
  } field_changes[] = {
      {"\n1024\n", "\n01024\n", "size"},
      {"\n1024\n", "\n+1024\n", "size"},
      {"\n1024\n", "\n-1\n", "size"},
      {"\n1024\n", "\n 1024\n", "size"},
      {"\n1024\n", "\n1024 \n", "size"},
      {"\n1024\n", "\n0x400\n", "size"},
      {"\n1024\n", "\n\xd9\xa1\n", "size"},
      {"\n1024\n", "\n18446744073709551616\n", "size"},
      {"\n1024\n", "\n1e3\n", "size"},
      {"=\n", "\n", "base64"},
      {"47DEQ", "47DE.", "base64"},
      {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
       "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", "base64"},
      {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
       "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=", "base64"},  // non-zero padding bits
      {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS",
       "32 bytes"},
      {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
       "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFVVVQ==", "32 bytes"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23T14:47:00Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23T14:47:00.123Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23T14:47:00.1234567Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23T14:47:00.123456+00:00", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23 14:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23t14:47:00.123456z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time  2026-11-23T14:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "Time 2026-11-23T14:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-13-23T14:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time 2026-11-23T24:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "2026-11-23T14:47:00.123456Z", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time infinite-future", "time"},
      {"time 2026-11-23T14:47:00.123456Z", "time infinite-past", "time"},
      {"ctg-platform/caf-73\n", "ctg platform\n", "key name"},
      {"ctg-platform/caf-73\n", "ctg+platform\n", "key name"},
      {"ctg-platform/caf-73\n", "\n", "key name"},
  };
  for (const auto& change : field_changes) {
    const std::string body = absl::StrReplaceAll(kExampleBody, {{change.from, change.to}});
    ASSERT_NE(body, kExampleBody) << change.to;
    EXPECT_THAT(ParseCheckpointUnverified(NoteWithBody(body)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(change.message)))
        << change.to;
  }
}

TEST_F(CheckpointTest, SignRejectsInvalidCheckpoints) {
  for (const std::string& origin :
       {std::string("ctg+platform"), std::string("ctg\nplatform"), std::string("ctg platform"),
        std::string(), std::string("ctg-platform/other")}) {
    Checkpoint checkpoint = ExampleCheckpoint();
    checkpoint.origin = origin;
    EXPECT_THAT(key_->Sign(checkpoint),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("origin")))
        << origin;
  }
  for (const std::string& name :
       {std::string("ctg+platform"), std::string("ctg\nplatform"), std::string("ctg platform"),
        std::string(), std::string("caf\xC3\xA9")}) {
    EXPECT_THAT(SigningKey::Generate(name),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key name")))
        << name;
  }
  for (const absl::Time time : {absl::InfiniteFuture(), absl::InfinitePast()}) {
    Checkpoint checkpoint = ExampleCheckpoint();
    checkpoint.time = time;
    EXPECT_THAT(key_->Sign(checkpoint),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time")));
  }
}

TEST_F(CheckpointTest, CosignaturesByOtherKeysAreIgnored) {
  const std::string note = ExampleNote();
  // A second key for the same origin (different key id) signs the same checkpoint.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> witness, SigningKey::Generate(kOrigin));
  ASSERT_OK_AND_ASSIGN(std::string witness_note, witness->Sign(ExampleCheckpoint()));
  ASSERT_EQ(note.substr(0, kExampleBody.size() + 1),
            witness_note.substr(0, kExampleBody.size() + 1));
  const std::string line = note.substr(kExampleBody.size() + 1);
  const std::string witness_line = witness_note.substr(kExampleBody.size() + 1);
  const std::string unknown_line =
      absl::StrCat(kEmDash, " witness.example/w1 ", absl::Base64Escape(std::string(72, 'x')), "\n");

  for (const std::string& signatures :
       {line + witness_line, witness_line + line, unknown_line + line + witness_line}) {
    const std::string cosigned = absl::StrCat(kExampleBody, "\n", signatures);
    ASSERT_OK_AND_ASSIGN(Checkpoint by_key, VerifyCheckpoint(cosigned, key_->verifier()));
    EXPECT_EQ(by_key, ExampleCheckpoint());
    ASSERT_OK_AND_ASSIGN(Checkpoint by_witness, VerifyCheckpoint(cosigned, witness->verifier()));
    EXPECT_EQ(by_witness, ExampleCheckpoint());
  }
  EXPECT_THAT(VerifyCheckpoint(absl::StrCat(kExampleBody, "\n", witness_line), key_->verifier()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no signature")));

  // A line that claims to be by the key but does not verify is rejected even next to a
  // valid one.
  std::string forged_blob = Base64Decode(line.substr(line.rfind(' ') + 1));
  forged_blob[10] ^= 1;
  const std::string forged_line =
      absl::StrCat(line.substr(0, line.rfind(' ') + 1), absl::Base64Escape(forged_blob), "\n");
  EXPECT_THAT(
      VerifyCheckpoint(absl::StrCat(kExampleBody, "\n", line, forged_line), key_->verifier()),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("does not verify")));
}

TEST_F(CheckpointTest, VerifierKeyRoundTrips) {
  const VerifierKey& key = key_->verifier();
  const std::string text = key.ToString();
  EXPECT_THAT(text, MatchesRegex("ctg-platform/caf-73\\+[0-9a-f]{8}\\+A[A-Za-z0-9+/]{43}"));
  ASSERT_OK_AND_ASSIGN(VerifierKey parsed, VerifierKey::Parse(text));
  EXPECT_EQ(parsed.name, key.name);
  EXPECT_EQ(parsed.public_key, key.public_key);
  EXPECT_EQ(parsed.key_id, key.key_id);
  EXPECT_EQ(parsed.ToString(), text);
  ASSERT_OK(VerifyCheckpoint(ExampleNote(), parsed));
}

TEST_F(CheckpointTest, VerifierKeyParseRejectsBadKeys) {
  const std::string text = key_->verifier().ToString();
  const std::vector<std::string> fields = absl::StrSplit(text, absl::MaxSplits('+', 2));
  ASSERT_EQ(fields.size(), 3u);
  std::string wrong_id = fields[1];
  wrong_id[7] = wrong_id[7] == '0' ? '1' : '0';
  std::string typed_key = Base64Decode(fields[2]);
  std::string other_type = typed_key;
  other_type[0] = 0x02;
  EXPECT_THAT(VerifierKey::Parse(absl::StrCat(fields[0], "+", wrong_id, "+", fields[2])),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not match")));
  EXPECT_THAT(VerifierKey::Parse(absl::StrCat("ctg-platform/other+", fields[1], "+", fields[2])),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not match")));
  std::vector<std::string> bad_keys = {
      std::string(),
      fields[0],
      absl::StrCat(fields[0], "+", fields[1]),
      absl::StrCat(fields[0], "+", fields[1].substr(1), "+", fields[2]),
      absl::StrCat(fields[0], "+", fields[1], "0+", fields[2]),
      absl::StrCat(fields[0], "+", fields[1], "+", fields[2].substr(4)),
      absl::StrCat(fields[0], "+", fields[1], "+", fields[2], "="),
      absl::StrCat(fields[0], "+", fields[1], "+", absl::Base64Escape(typed_key.substr(1))),
      absl::StrCat(fields[0], "+", fields[1], "+", absl::Base64Escape(other_type)),
      absl::StrCat("ctg platform+", fields[1], "+", fields[2]),
      absl::StrCat("+", fields[1], "+", fields[2]),
  };
  // Upper-case hex is not the canonical form (the id may happen to have no letters).
  if (absl::AsciiStrToUpper(fields[1]) != fields[1]) {
    bad_keys.push_back(
        absl::StrCat(fields[0], "+", absl::AsciiStrToUpper(fields[1]), "+", fields[2]));
  }
  for (const std::string& bad : bad_keys) {
    EXPECT_THAT(VerifierKey::Parse(bad), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << bad;
  }
}

// Verifier keys of golang.org/x/mod/sumdb/note and transparency-dev/formats: the key ids
// are computed by another implementation.
TEST(VerifierKeyTest, ParsesKeysOfOtherImplementations) {
  for (const char* text : {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                           "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
                           "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"}) {
    ASSERT_OK_AND_ASSIGN(VerifierKey key, VerifierKey::Parse(text));
    EXPECT_EQ(key.ToString(), text);
  }
}

// The private key of the Go sumdb/note example ("PRIVATE+KEY+PeterNeumann+c74f20a3+<0x01 ||
// seed>") loads to the same verifier key as in Go: Ed25519 key derivation and key id agree.
TEST_F(CheckpointTest, LoadsTheGoExampleKey) {
  const std::string typed_seed = Base64Decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  ASSERT_EQ(typed_seed.size(), 33u);
  const std::filesystem::path path = dir_ / "peter.pem";
  WriteFile(path, Pkcs8Pem(0x70, typed_seed.substr(1)));
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> key,
                       SigningKey::LoadPem(path.string(), "PeterNeumann"));
  EXPECT_EQ(key->verifier().ToString(),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
}

TEST_F(CheckpointTest, LoadOrCreatePemCreatesAPrivateFileOnce) {
  const std::string path = (dir_ / "log.pem").string();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> created,
                       SigningKey::LoadOrCreatePem(path, kOrigin));
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(static_cast<int>(info.st_mode & 07777), 0600);
  EXPECT_THAT(ReadFile(path), HasSubstr("-----BEGIN PRIVATE KEY-----\n"));
  // No temporary file is left behind.
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    entries.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(entries, ElementsAre("log.pem"));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> reloaded,
                       SigningKey::LoadOrCreatePem(path, kOrigin));
  EXPECT_EQ(reloaded->verifier().public_key, created->verifier().public_key);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SigningKey> loaded, SigningKey::LoadPem(path, kOrigin));
  EXPECT_EQ(loaded->verifier().ToString(), created->verifier().ToString());
  ASSERT_OK_AND_ASSIGN(std::string note, loaded->Sign(ExampleCheckpoint()));
  EXPECT_OK(VerifyCheckpoint(note, created->verifier()));
}

TEST_F(CheckpointTest, LoadPemRejectsFilesOthersCanRead) {
  const std::string path = (dir_ / "key.pem").string();
  ASSERT_OK(key_->SavePem(path));
  for (mode_t mode : {0644, 0640, 0604, 0660, 0602}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    EXPECT_THAT(
        SigningKey::LoadPem(path, kOrigin),
        StatusIs(absl::StatusCode::kFailedPrecondition, AllOf(HasSubstr(path), HasSubstr("0600"))))
        << std::oct << mode;
    EXPECT_THAT(SigningKey::LoadOrCreatePem(path, kOrigin),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(path)));
  }
  for (mode_t mode : {0600, 0400, 0700}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    EXPECT_OK(SigningKey::LoadPem(path, kOrigin)) << std::oct << mode;
  }
}

TEST_F(CheckpointTest, LoadPemRejectsMissingAndInvalidFiles) {
  EXPECT_THAT(SigningKey::LoadPem((dir_ / "missing.pem").string(), kOrigin),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.pem")));
  const struct {
    const char* file;
    std::string contents;
  } invalid[] = {
      {"garbage.pem", "this is not a key\n"},
      {"empty.pem", ""},
      {"truncated.pem", Pkcs8Pem(0x70, std::string(32, '\x07')).substr(0, 50)},
      // An X25519 key (OID 1.3.101.110) is a valid PKCS#8 key but not a signing key.
      {"x25519.pem", Pkcs8Pem(0x6e, std::string(32, '\x07'))},
  };
  for (const auto& file : invalid) {
    const std::filesystem::path path = dir_ / file.file;
    WriteFile(path, file.contents);
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_THAT(SigningKey::LoadPem(path.string(), kOrigin),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path.string())))
        << file.file;
  }
  EXPECT_THAT(SigningKey::LoadPem(dir_.string(), kOrigin),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("regular file")));
  EXPECT_THAT(SigningKey::LoadPem((dir_ / "missing.pem").string(), "bad name"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key name")));
}

TEST_F(CheckpointTest, SavePemRefusesToOverwrite) {
  const std::string path = (dir_ / "key.pem").string();
  WriteFile(path, "existing");
  EXPECT_THAT(key_->SavePem(path), StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(path)));
  EXPECT_EQ(ReadFile(path), "existing");
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    entries.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(entries, ElementsAre("key.pem"));
  EXPECT_THAT(key_->SavePem((dir_ / "no-such-dir" / "key.pem").string()),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

// Cross-checks Ed25519 with the openssl command line: it verifies our signature, and its
// own signature of the body (Ed25519 is deterministic) is byte for byte ours.
TEST_F(CheckpointTest, AgreesWithOpenSslCommandLine) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "openssl is not on PATH";
  }
  const std::filesystem::path key = dir_ / "key.pem";
  const std::filesystem::path body = dir_ / "body";
  const std::filesystem::path signature = dir_ / "signature";
  const std::filesystem::path cli_signature = dir_ / "cli_signature";
  const std::filesystem::path public_der = dir_ / "public.der";
  ASSERT_OK(key_->SavePem(key.string()));
  const std::string note = ExampleNote();
  const std::string blob = Base64Decode(note.substr(note.rfind(' ') + 1, 92));
  ASSERT_EQ(blob.size(), 68u);
  WriteFile(body, kExampleBody);
  WriteFile(signature, blob.substr(4));

  const auto run = [](const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());
  };
  EXPECT_EQ(run(absl::StrCat("openssl pkeyutl -verify -rawin -inkey ", key.string(), " -in ",
                             body.string(), " -sigfile ", signature.string())),
            0);
  ASSERT_EQ(run(absl::StrCat("openssl pkeyutl -sign -rawin -inkey ", key.string(), " -in ",
                             body.string(), " -out ", cli_signature.string())),
            0);
  EXPECT_EQ(ReadFile(cli_signature), blob.substr(4));
  ASSERT_EQ(run(absl::StrCat("openssl pkey -in ", key.string(), " -pubout -outform DER -out ",
                             public_der.string())),
            0);
  const std::string der = ReadFile(public_der);
  ASSERT_GE(der.size(), 32u);
  const VerifierKey& verifier = key_->verifier();
  EXPECT_EQ(der.substr(der.size() - 32),
            std::string(verifier.public_key.begin(), verifier.public_key.end()));

  WriteFile(body, absl::StrReplaceAll(kExampleBody, {{"1024", "1025"}}));
  EXPECT_NE(run(absl::StrCat("openssl pkeyutl -verify -rawin -inkey ", key.string(), " -in ",
                             body.string(), " -sigfile ", signature.string())),
            0);
}

}  // namespace
}  // namespace ctg::tlog
