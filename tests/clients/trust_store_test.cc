#include "clients/ctg/trust_store.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOrigin[] = "ctg-platform/test-valmont";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

unsigned Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::unique_ptr<tlog::SigningKey> NewKey() { return tlog::SigningKey::Generate(kOrigin).value(); }

std::string Note(const tlog::SigningKey& key, uint64_t size) {
  tlog::Checkpoint checkpoint{
      .origin = kOrigin,
      .size = size,
      .root = tlog::Sha256(std::to_string(size)),
      .time = absl::FromUnixSeconds(1795000000 + static_cast<int64_t>(size))};
  return key.Sign(checkpoint).value();
}

class TrustStoreTest : public ::testing::Test {
 protected:
  ctg::testing::TempDir temp_;
  TrustStore store_{ServerStateDir(temp_.Sub("state"), "127.0.0.1:7443")};
  std::unique_ptr<tlog::SigningKey> key_ = NewKey();
};

TEST(StateDirTest, DefaultFollowsXdgThenHome) {
  setenv("XDG_STATE_HOME", "/srv/state", 1);
  setenv("HOME", "/home/agnes", 1);
  EXPECT_EQ(DefaultStateDir(), "/srv/state/ctg");
  setenv("XDG_STATE_HOME", "relative/ignored", 1);  // the spec wants an absolute path
  EXPECT_EQ(DefaultStateDir(), "/home/agnes/.local/state/ctg");
  unsetenv("XDG_STATE_HOME");
  EXPECT_EQ(DefaultStateDir(), "/home/agnes/.local/state/ctg");
}

TEST(StateDirTest, ServerDirectoryNamesAreReadableAndCannotEscape) {
  EXPECT_EQ(ServerStateDir("/s", "127.0.0.1:7443"), "/s/127.0.0.1:7443");
  EXPECT_EQ(ServerStateDir("/s", "[::1]:7443"), "/s/_::1_:7443");
  EXPECT_EQ(ServerStateDir("/s", "dns:///ctg.valmont.test:443"), "/s/dns:___ctg.valmont.test:443");
  EXPECT_EQ(ServerStateDir("/s", "../../etc"), "/s/.._.._etc");
  EXPECT_EQ(ServerStateDir("/s", ".."), "/s/_..");
  EXPECT_EQ(ServerStateDir("/s", ""), "/s/_");
}

TEST(WriteFileAtomicallyTest, WritesWithMode0600WhateverTheUmask) {
  ctg::testing::TempDir temp;
  const std::string path = temp.Sub("file");
  mode_t old_umask = umask(0);
  ASSERT_OK(WriteFileAtomically(path, "one"));
  umask(old_umask);
  EXPECT_EQ(Read(path), "one");
  EXPECT_EQ(Mode(path), 0600u);
}

TEST(WriteFileAtomicallyTest, ReplacesTheWholeFileAndLeavesNoTemporaryFile) {
  ctg::testing::TempDir temp;
  const std::string path = temp.Sub("file");
  {
    std::ofstream out(path);
    out << "a much longer old content that must not survive";
  }
  chmod(path.c_str(), 0644);
  ASSERT_OK(WriteFileAtomically(path, "new"));
  EXPECT_EQ(Read(path), "new");
  EXPECT_EQ(Mode(path), 0600u);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(temp.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "file");
  }
  EXPECT_EQ(files, 1);
}

TEST(WriteFileAtomicallyTest, FailsCleanlyWhenTheDirectoryIsMissing) {
  ctg::testing::TempDir temp;
  EXPECT_THAT(WriteFileAtomically(temp.Sub("missing/file"), "x"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("missing/file")));
}

TEST_F(TrustStoreTest, FirstUseOffersTheServersKeyAndPinsNothingUntilAsked) {
  ASSERT_OK_AND_ASSIGN(TrustedKey trusted, store_.ChooseKey(key_->verifier().ToString(), ""));
  EXPECT_TRUE(trusted.first_use);
  EXPECT_EQ(trusted.key.ToString(), key_->verifier().ToString());
  EXPECT_FALSE(std::filesystem::exists(store_.dir()));  // choosing writes nothing
  ASSERT_OK_AND_ASSIGN(auto pinned, store_.PinnedKey());
  EXPECT_FALSE(pinned.has_value());
}

TEST_F(TrustStoreTest, PinWritesTheKeyLineWithPrivateModes) {
  ASSERT_OK(store_.Pin(key_->verifier()));
  EXPECT_EQ(Read(store_.verifier_key_path()), key_->verifier().ToString() + "\n");
  EXPECT_EQ(Mode(store_.verifier_key_path()), 0600u);
  EXPECT_EQ(Mode(store_.dir()), 0700u);
  EXPECT_EQ(Mode(temp_.Sub("state")), 0700u);
  ASSERT_OK_AND_ASSIGN(auto pinned, store_.PinnedKey());
  ASSERT_TRUE(pinned.has_value());
  EXPECT_EQ(pinned->ToString(), key_->verifier().ToString());
  EXPECT_OK(store_.Pin(key_->verifier()));  // idempotent
  EXPECT_THAT(store_.Pin(NewKey()->verifier()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already pinned")));
}

TEST_F(TrustStoreTest, ThePinnedKeyIsUsedOnceTrusted) {
  ASSERT_OK(store_.Pin(key_->verifier()));
  ASSERT_OK_AND_ASSIGN(TrustedKey same, store_.ChooseKey(key_->verifier().ToString(), ""));
  EXPECT_FALSE(same.first_use);
  ASSERT_OK_AND_ASSIGN(TrustedKey silent, store_.ChooseKey("", ""));  // the server offers none
  EXPECT_EQ(silent.key.ToString(), key_->verifier().ToString());
}

TEST_F(TrustStoreTest, RefusesLoudlyWhenTheServersKeyChanges) {
  ASSERT_OK(store_.Pin(key_->verifier()));
  const std::string other = NewKey()->verifier().ToString();
  EXPECT_THAT(
      store_.ChooseKey(other, ""),
      StatusIs(absl::StatusCode::kPermissionDenied,
               AllOf(HasSubstr("VERIFIER KEY CHANGED"), HasSubstr(key_->verifier().ToString()),
                     HasSubstr(other), HasSubstr(store_.verifier_key_path()))));
  EXPECT_THAT(store_.ChooseKey("garbage", ""),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("VERIFIER KEY CHANGED")));
  // The pin is unchanged.
  EXPECT_EQ(Read(store_.verifier_key_path()), key_->verifier().ToString() + "\n");
}

TEST_F(TrustStoreTest, AConfiguredKeyWinsOverTheServersButMustMatchThePin) {
  const std::string configured = key_->verifier().ToString();
  ASSERT_OK_AND_ASSIGN(TrustedKey trusted,
                       store_.ChooseKey(NewKey()->verifier().ToString(), configured));
  EXPECT_EQ(trusted.key.ToString(), configured);
  EXPECT_TRUE(trusted.first_use);
  ASSERT_OK(store_.Pin(trusted.key));
  EXPECT_THAT(store_.ChooseKey("", NewKey()->verifier().ToString()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("VERIFIER KEY CHANGED")));
  EXPECT_THAT(store_.ChooseKey("", "not+a+key"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--verifier_key")));
}

TEST_F(TrustStoreTest, NoKeyAnywhereIsAnError) {
  EXPECT_THAT(store_.ChooseKey("", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--verifier_key")));
  EXPECT_THAT(store_.ChooseKey("ctg-platform/x+00000000+AAAA", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("server's verifier key")));
}

TEST_F(TrustStoreTest, RefusesAPinFileOthersMayWriteOrThatIsNotAKey) {
  ASSERT_OK(store_.Pin(key_->verifier()));
  chmod(store_.verifier_key_path().c_str(), 0666);
  EXPECT_THAT(store_.ChooseKey(key_->verifier().ToString(), ""),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("group or others")));
  ASSERT_OK(WriteFileAtomically(store_.verifier_key_path(), "not a key\n"));
  EXPECT_THAT(store_.PinnedKey(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a verifier key")));
}

TEST_F(TrustStoreTest, KeepsTheSignedNoteAtomicallyWithMode0600) {
  ASSERT_OK_AND_ASSIGN(auto nothing, store_.Kept(key_->verifier()));
  EXPECT_FALSE(nothing.has_value());
  const std::string note = Note(*key_, 42);
  ASSERT_OK(store_.Keep(note));
  EXPECT_EQ(Read(store_.checkpoint_path()), note);
  EXPECT_EQ(Mode(store_.checkpoint_path()), 0600u);
  ASSERT_OK_AND_ASSIGN(auto kept, store_.Kept(key_->verifier()));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->note, note);
  EXPECT_EQ(kept->checkpoint.size, 42u);
  ASSERT_OK(store_.Keep(Note(*key_, 43)));
  ASSERT_OK_AND_ASSIGN(kept, store_.Kept(key_->verifier()));
  EXPECT_EQ(kept->checkpoint.size, 43u);
}

TEST_F(TrustStoreTest, AKeptCheckpointIsVerifiedAgainWhenRead) {
  const std::string note = Note(*key_, 42);
  // Edited on disk: a larger size, same signature.
  ASSERT_OK(store_.Keep(absl::StrReplaceAll(note, {{"\n42\n", "\n4200\n"}})));
  EXPECT_THAT(store_.Kept(key_->verifier()),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("was altered"), HasSubstr(store_.checkpoint_path()))));
  // Signed by another key.
  ASSERT_OK(store_.Keep(Note(*NewKey(), 42)));
  EXPECT_THAT(store_.Kept(key_->verifier()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("pinned key")));
  // Writable by others.
  ASSERT_OK(store_.Keep(note));
  chmod(store_.checkpoint_path().c_str(), 0620);
  EXPECT_THAT(store_.Kept(key_->verifier()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("group or others")));
}

TEST_F(TrustStoreTest, RefusedNotesAreKeptAsEvidence) {
  ASSERT_OK_AND_ASSIGN(std::string path, store_.KeepRefused("forged note", 1795000000));
  EXPECT_EQ(path, store_.dir() + "/refused-1795000000.note");
  EXPECT_EQ(Read(path), "forged note");
  EXPECT_EQ(Mode(path), 0600u);
}

}  // namespace
}  // namespace ctg::cli
