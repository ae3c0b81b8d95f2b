// The ctg command line end to end: flags and environment, exit codes, and the output of each
// subcommand against a fake ctgd served on loopback with the credentials of `ctgd --dev`.
#include "clients/ctg/cli.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "clients/ctg/table.h"
#include "ctg/v1/audit.pb.h"
#include "ctg/v1/partners.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/clients/fake_ctgd.h"
#include "tests/testing/temp_dir.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::FakeCtgd;
using ::ctg::testing::FakeServer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

struct Result {
  int code;
  std::string out, err;
};

Result Ctg(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunCli(args, out, err);
  return Result{code, out.str(), err.str()};
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class CliUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"CTG_SERVER", "CTG_TOKEN", "CTG_TOKEN_FILE", "CTG_CA_CERT",
                             "CTG_PLAINTEXT", "CTG_STATE_DIR", "CTG_VERIFIER_KEY"}) {
      unsetenv(name);
    }
    setenv("CTG_STATE_DIR", temp_.path().c_str(), 1);
  }
  ctg::testing::TempDir temp_;
};

TEST_F(CliUsageTest, HelpExitsZero) {
  Result result = Ctg({"--help"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("orgs"), HasSubstr("CTG_TOKEN_FILE"), HasSubstr("Exit codes")));
  EXPECT_EQ(Ctg({"history", "--help"}).code, kExitOk);
}

TEST_F(CliUsageTest, CommandLineMistakesExitTwoWithAMessage) {
  const std::vector<std::vector<std::string>> mistakes = {
      {},
      {"frobnicate"},
      {"orgs"},
      {"orgs", "show"},
      {"orgs", "show", "12345"},
      {"orgs", "list", "--type", "mairie"},
      {"orgs", "list", "--page_size", "0"},
      {"orgs", "list", "--epci", "val-orbe"},
      {"ctgs", "list", "--state", "signed"},
      {"ctgs", "show", "a/b"},
      {"history"},
      {"history", "--stream", "ctg-a", "--tag", "ctg:a"},
      {"history", "--tag", "ctg:a", "--since", "yesterday"},
      {"history", "--tag", "ctg:a", "--since", "2026-06-02", "--until", "2026-06-01"},
      {"verify"},
      {"verify", "--position", "-1"},
      {"verify", "--position", "3", "--consistency"},
      {"verify", "--position", "3", "--leaf_hash", "abc"},
      {"verify", "--consistency", "--leaf_hash", std::string(64, 'a')},
      {"--timeout", "0", "checkpoint"},
      {"--plaintext", "--server", "192.0.2.10:7443", "checkpoint"},
      {"--plaintext", "--server", "ctg.valmont.test:7443", "checkpoint"},
      {"--ca_cert", "/nonexistent/ca.pem", "checkpoint"},
      {"--client_cert", "/nonexistent/client.pem", "checkpoint"},
      {"--token_file", "/nonexistent/token.jwt", "checkpoint"},
      {"--token", "two words", "checkpoint"},
  };
  for (const auto& args : mistakes) {
    Result result = Ctg(args);
    EXPECT_EQ(result.code, kExitUsage) << ::testing::PrintToString(args) << "\n" << result.err;
    EXPECT_THAT(result.err, Not(IsEmpty())) << ::testing::PrintToString(args);
    EXPECT_THAT(result.out, IsEmpty()) << ::testing::PrintToString(args);
  }
}

TEST_F(CliUsageTest, MessagesSayWhatIsWrong) {
  EXPECT_THAT(Ctg({"ctgs", "list", "--state", "signed"}).err,
              AllOf(HasSubstr("\"signed\""), HasSubstr("en_preparation"), HasSubstr("active")));
  EXPECT_THAT(Ctg({"--plaintext", "--server", "192.0.2.10:7443", "checkpoint"}).err,
              HasSubstr("only for a dev server on this machine"));
  EXPECT_THAT(Ctg({"history"}).err, HasSubstr("--stream or --tag"));
  EXPECT_THAT(Ctg({"--ca_cert", "/nonexistent/ca.pem", "checkpoint"}).err,
              HasSubstr("/nonexistent/ca.pem"));
}

TEST_F(CliUsageTest, AnUnreachableServerExitsOneWithASentence) {
  // Nothing listens on port 1; --plaintext so that no TLS handshake is attempted.
  Result result = Ctg({"--plaintext", "--server", "127.0.0.1:1", "--timeout", "5", "orgs", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, StartsWith("ctg: cannot reach ctgd at 127.0.0.1:1: is it running?"));
}

class CliTest : public CliUsageTest {
 protected:
  void SetUp() override {
    CliUsageTest::SetUp();
    state_.events = ctg::testing::FixtureEvents();
    state_.log.AppendLeafHashes(ctg::testing::FixtureLeafHashes());  // positions 0, 1, 2
    state_.log.Append(61);
    setenv("CTG_SERVER", server_.address().c_str(), 1);
    setenv("CTG_PLAINTEXT", "1", 1);
  }
  FakeCtgd state_;
  FakeServer server_{&state_};
};

TEST_F(CliTest, OrgsListPrintsAnAlignedTable) {
  Result result = Ctg({"orgs", "list"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[0], StartsWith("SIREN      TYPE     NAME"));
  EXPECT_THAT(lines[1],
              AllOf(StartsWith("200000172  epci     Communauté de communes du Val d'Orbe"),
                    HasSubstr("18450")));
  EXPECT_THAT(lines[2], StartsWith("210000018  commune  Saint-Éloi-sur-Orbe"));
  EXPECT_THAT(lines[4], StartsWith("534000001  caf      Caf de Valmont"));
  // The EPCI column starts at the same display column on every line, accents or not.
  const auto column_of = [](const std::string& line, const std::string& cell) {
    return DisplayWidth(line.substr(0, line.find(cell)));
  };
  EXPECT_EQ(column_of(lines[2], "200000172"), column_of(lines[0], "EPCI"));
  EXPECT_EQ(column_of(lines[3], "200000172"), column_of(lines[0], "EPCI"));
}

TEST_F(CliTest, OrgsListFiltersByTypeAndEpciAndFollowsPages) {
  Result communes = Ctg({"orgs", "list", "--type", "commune", "--epci", "200000172"});
  ASSERT_EQ(communes.code, kExitOk) << communes.err;
  EXPECT_EQ(Lines(communes.out).size(), 3u);
  Result first_page = Ctg({"orgs", "list", "--page_size", "3"});
  EXPECT_EQ(Lines(first_page.out).size(), 4u);
  EXPECT_THAT(first_page.err,
              HasSubstr("more organisations: rerun with --all, or with --page_token=3"));
  Result next = Ctg({"orgs", "list", "--page_size", "3", "--page_token", "3"});
  EXPECT_THAT(next.out, HasSubstr("Caf de Valmont"));
  Result all = Ctg({"orgs", "list", "--page_size", "3", "--all"});
  EXPECT_EQ(Lines(all.out).size(), 5u);
  EXPECT_THAT(all.err, IsEmpty());
}

TEST_F(CliTest, JsonIsOneProto3ObjectOfTheWholeListing) {
  Result result = Ctg({"orgs", "list", "--page_size", "1", "--all", "--json"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  ASSERT_EQ(Lines(result.out).size(), 1u);
  ctg::v1::ListOrganisationsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &response).ok())
      << result.out;
  EXPECT_EQ(response.organisations_size(), 4);
  EXPECT_EQ(response.next_page_token(), "");
  EXPECT_EQ(response.organisations(1).display_name(), "Saint-Éloi-sur-Orbe");
}

TEST_F(CliTest, OrgsShow) {
  Result result = Ctg({"orgs", "show", "210000018"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, AllOf(HasSubstr("display name  Saint-Éloi-sur-Orbe\n"),
                                HasSubstr("population    2310 (municipale, 2022)\n"),
                                HasSubstr("epci          organisations/200000172\n")));
  Result missing = Ctg({"orgs", "show", "999999999"});
  EXPECT_EQ(missing.code, kExitFailure);
  EXPECT_THAT(missing.err,
              AllOf(StartsWith("ctg: not found: organisations/999999999 is not registered"),
                    HasSubstr("resource: organisations/999999999")));
  EXPECT_THAT(missing.out, IsEmpty());
}

TEST_F(CliTest, CtgsListAndShow) {
  Result list = Ctg({"ctgs", "list", "--state", "active"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_THAT(list.out, AllOf(HasSubstr("val-orbe-2025  active  CTG du Val d'Orbe 2025-2029"),
                              HasSubstr("2025-01-01 \xE2\x86\x92 2029-12-31")));
  Result none = Ctg({"ctgs", "list", "--state", "resiliee"});
  EXPECT_EQ(none.code, kExitOk);
  EXPECT_THAT(none.err, HasSubstr("no CTGs match"));

  Result show = Ctg({"ctgs", "show", "val-orbe-2025"});
  ASSERT_EQ(show.code, kExitOk) << show.err;
  EXPECT_THAT(
      show.out,
      AllOf(HasSubstr("state        active\n"),
            HasSubstr("thématiques  petite_enfance, parentalite\n"),
            HasSubstr("signatories\nORGANISATION  ROLE"),
            HasSubstr("200000172     collectivite_porteuse  Conseil communautaire, n° 2025-041 of "
                      "2025-03-12  2025-03-21"),
            HasSubstr("rule warnings\nRULE  REASON            MESSAGE\n"
                      "R-7   THEMATIC_MINIMUM  La thématique jeunesse n'est pas couverte.\n")));
}

TEST_F(CliTest, HistoryShowsWhoDidWhatWithPayloadSummaries) {
  Result result = Ctg({"history", "--tag", "ctg:val-orbe-2025", "--all"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;
  EXPECT_THAT(lines[0], AllOf(StartsWith("POS  TIME"), HasSubstr("ACTOR"), HasSubstr("STREAM"),
                              HasSubstr("TYPE"), HasSubstr("SUMMARY")));
  EXPECT_THAT(
      lines[1],
      AllOf(StartsWith("  0  2026-11-18T11:06:40Z  cdt-valmont-7/534000001/caf_cdt"),
            HasSubstr("CtgDrafted"), HasSubstr("ctgId=val-orbe-2025 title=CTG du Val d'Orbe")));
  EXPECT_THAT(lines[3], AllOf(HasSubstr("admin-valmont/534000001/caf_admin"),
                              HasSubstr("CtgSignatoryAdded")));

  Result page =
      Ctg({"history", "--stream", "ctg-val-orbe-2025", "--type", "CtgDrafted,CtgSignatoryAdded"});
  ASSERT_EQ(page.code, kExitOk) << page.err;
  EXPECT_EQ(Lines(page.out).size(), 3u);
  EXPECT_THAT(page.out, Not(HasSubstr("STREAM")));
  EXPECT_THAT(page.err, IsEmpty());

  Result json = Ctg({"history", "--tag", "ctg:val-orbe-2025", "--json"});
  ctg::v1::ListEventsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json.out;
  EXPECT_EQ(response.events_size(), 2);
  EXPECT_EQ(response.next_page_token(), "2");
}

TEST_F(CliTest, HistoryVerifyProvesEachEventFromItsOwnBytes) {
  Result result = Ctg({"history", "--tag", "ctg:val-orbe-2025", "--all", "--verify"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(Lines(result.out)[0], HasSubstr("PROVED"));
  EXPECT_THAT(Lines(result.out)[3], HasSubstr("CtgSignatoryAdded  yes"));
  EXPECT_THAT(result.err, AllOf(HasSubstr("pinned the log's verifier key on first use"),
                                HasSubstr("every event above is in the log"),
                                HasSubstr("checkpoint of 64 events")));
  EXPECT_EQ(state_.inclusion_calls, 3);

  // The server changes an event's payload after the fact: its bytes no longer give its leaf.
  state_.events[1].set_payload("rewritten payload");
  Result tampered = Ctg({"history", "--tag", "ctg:val-orbe-2025", "--all", "--verify"});
  EXPECT_EQ(tampered.code, kExitFailure);
  EXPECT_THAT(tampered.err, AllOf(StartsWith("ctg: verification failed: the event at position 1"),
                                  HasSubstr("does not match the leaf hash")));
  EXPECT_THAT(tampered.out, IsEmpty());
}

TEST_F(CliTest, CheckpointThenVerify) {
  Result first = Ctg({"checkpoint"});
  ASSERT_EQ(first.code, kExitOk) << first.err;
  EXPECT_THAT(first.out, AllOf(StartsWith("checkpoint of ctg-platform/test-valmont verified\n"),
                               HasSubstr("tree size    64 events"), HasSubstr("(pinned now)"),
                               HasSubstr("nothing was kept before")));
  EXPECT_THAT(first.err, HasSubstr("pinned the log's verifier key on first use"));

  state_.log.Append(36);
  Result consistency = Ctg({"verify", "--consistency"});
  ASSERT_EQ(consistency.code, kExitOk) << consistency.err;
  EXPECT_THAT(
      consistency.out,
      AllOf(StartsWith(
                "consistency verified: the log of 100 events extends the kept one of 64 events"),
            HasSubstr("hashes, checked locally")));
  EXPECT_THAT(consistency.err, IsEmpty());

  Result inclusion = Ctg({"verify", "--position", "99"});
  ASSERT_EQ(inclusion.code, kExitOk) << inclusion.err;
  EXPECT_THAT(inclusion.out, AllOf(StartsWith("event 99 is in the log"),
                                   HasSubstr(tlog::HashToHex(state_.log.leaf_hashes()[99]))));

  // The leaf hash a user holds, in hex or in base64 as `history --json` prints it.
  const tlog::Hash leaf = state_.log.leaf_hashes()[3];
  EXPECT_EQ(Ctg({"verify", "--position", "3", "--leaf_hash", tlog::HashToHex(leaf)}).code, kExitOk);
  EXPECT_EQ(
      Ctg({"verify", "--position", "3", "--leaf_hash", absl::Base64Escape(tlog::HashBytes(leaf))})
          .code,
      kExitOk);
  Result other = Ctg({"verify", "--position", "4", "--leaf_hash", tlog::HashToHex(leaf)});
  EXPECT_EQ(other.code, kExitFailure);
  EXPECT_THAT(other.err, HasSubstr("not the one the log committed to"));

  Result json = Ctg({"verify", "--position", "3", "--json"});
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok()) << json.out;
  EXPECT_TRUE(parsed.fields().at("inclusionVerified").bool_value());
  EXPECT_EQ(parsed.fields().at("checkpoint").struct_value().fields().at("treeSize").number_value(),
            100);

  // The server rewrites history: ctg refuses and exits 1.
  state_.log.Rewrite(10);
  state_.log.Append(1);
  Result refused = Ctg({"checkpoint"});
  EXPECT_EQ(refused.code, kExitFailure);
  EXPECT_THAT(refused.err, AllOf(StartsWith("ctg: verification failed"), HasSubstr("evidence")));
}

TEST_F(CliTest, TokensComeFromFlagsThenTheEnvironment) {
  state_.require_token = true;
  Result refused = Ctg({"--token", "stale-token", "orgs", "list"});
  EXPECT_EQ(refused.code, kExitFailure);
  EXPECT_THAT(refused.err,
              AllOf(StartsWith("ctg: the server refused your token: the token expired"),
                    HasSubstr("set CTG_TOKEN or --token_file"), HasSubstr("TOKEN_EXPIRED")));
  EXPECT_EQ(Ctg({"--token", ctg::testing::kGoodToken, "orgs", "list"}).code, kExitOk);

  const std::string token_file = temp_.Sub("caf-admin.jwt");
  std::ofstream(token_file) << ctg::testing::kGoodToken << "\n";
  EXPECT_EQ(Ctg({"--token_file", token_file, "orgs", "list"}).code, kExitOk);
  setenv("CTG_TOKEN_FILE", token_file.c_str(), 1);
  EXPECT_EQ(Ctg({"orgs", "list"}).code, kExitOk);
  setenv("CTG_TOKEN", "stale-token", 1);  // the variable wins over the file variable…
  EXPECT_EQ(Ctg({"orgs", "list"}).code, kExitFailure);
  EXPECT_EQ(Ctg({"--token_file", token_file, "orgs", "list"}).code, kExitOk);  // …a flag over both
}

TEST_F(CliTest, GlobalFlagsMayFollowTheSubcommand) {
  Result result = Ctg({"orgs", "show", "200000172", "--json"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("{\"name\":\"organisations/200000172\""));
}

}  // namespace
}  // namespace ctg::cli
