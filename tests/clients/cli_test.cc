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
#include "clients/ctg/format.h"
#include "clients/ctg/table.h"
#include "ctg/v1/audit.pb.h"
#include "ctg/v1/partners.pb.h"
#include "ctg/v1/persons.pb.h"
#include "ctg/v1/staffing.pb.h"
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
      {"persons"},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille"},
      {"persons", "create", "--organisation", "24990002", "--given_name", "Camille",
       "--family_name", "Exemple"},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", "Exemple", "--request_id", "not-a-uuid"},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", "Exemple", "--recruitment", "a/b"},
      {"persons", "show"},
      {"persons", "show", "a/b"},
      {"persons", "show", "3f9c0d2a71b84e65", "--purpose", " "},
      {"persons", "show", "3f9c0d2a71b84e65", "--purpose", std::string(201, 'x')},
      {"persons", "erase", "3f9c0d2a71b84e65"},
      {"persons", "erase", "3f9c0d2a71b84e65", "--basis", "because"},
      {"persons", "erase", "3f9c0d2a71b84e65", "--basis", "request", "--reference",
       std::string(201, 'x')},
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

// Persons. The fixture's identity must never appear in an error message.
constexpr const char* kIdentityWords[] = {"Camille", "Exemple", "camille.exemple", "01 99 00"};

TEST_F(CliUsageTest, PersonsUsageErrorsNeverRepeatPersonalData) {
  const std::vector<std::vector<std::string>> mistakes = {
      // An unquoted family name with a space: CLI11 would list "Le" and "Exemple".
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", "Le", "Exemple"},
      {"persons", "create", "--organisation", "249900028", "--given-name", "Camille",
       "--family_name", "Exemple"},
      {"persons", "create", "--organisation", "249900028", "--given_name", std::string(101, 'C'),
       "--family_name", "Exemple"},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", " "},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", "Exemple", "--email", "camille.exemple.example.org"},
      {"persons", "create", "--organisation", "249900028", "--given_name", "Camille",
       "--family_name", "Exemple", "--phone", "01 99 00 12 34 01 99 00 12 34 01 99 00"},
  };
  for (const auto& args : mistakes) {
    Result result = Ctg(args);
    EXPECT_EQ(result.code, kExitUsage) << ::testing::PrintToString(args) << "\n" << result.err;
    EXPECT_THAT(result.err, Not(IsEmpty()));
    for (const char* word : kIdentityWords) {
      EXPECT_THAT(result.err, Not(HasSubstr(word))) << ::testing::PrintToString(args);
    }
    EXPECT_THAT(result.err, Not(HasSubstr("CCCCC")));
  }
  EXPECT_THAT(Ctg(mistakes[0]).err, HasSubstr("needs quotes"));
  EXPECT_THAT(Ctg(mistakes[2]).err, HasSubstr("--given_name has 101 characters; at most 100"));
  EXPECT_THAT(Ctg(mistakes[4]).err, HasSubstr("--email is not an e-mail address"));
  EXPECT_THAT(Ctg({"persons", "erase", "x1234567", "--basis", "because"}).err,
              AllOf(HasSubstr("request"), HasSubstr("retention"), HasSubstr("no-longer-needed")));
}

class PersonsCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    state_.persons = ctg::testing::FixturePersons();
  }
  const std::vector<std::string> create_ = {"persons",        "create",
                                            "--organisation", "249900028",
                                            "--given_name",   "Camille",
                                            "--family_name",  "Exemple",
                                            "--email",        "camille.exemple@example.org",
                                            "--phone",        "01 99 00 12 34",
                                            "--recruitment",  "rec-val-orbe-2026"};
};

TEST_F(PersonsCliTest, CreatePrintsOnlyTheNewName) {
  state_.persons.clear();
  std::vector<std::string> args = create_;
  args[3] = "200000172";  // a fixture organisation
  Result result = Ctg(args);
  ASSERT_EQ(result.code, kExitOk) << result.err;
  ASSERT_EQ(state_.persons.size(), 1u);
  const std::string name = state_.persons.begin()->first;
  EXPECT_EQ(result.out, name + "\n");
  EXPECT_THAT(result.err, IsEmpty());
  const ctg::v1::CreatePersonRequest& sent = state_.last_create;
  EXPECT_EQ(sent.person().organisation(), "organisations/200000172");
  EXPECT_EQ(sent.person().identity().given_name(), "Camille");
  EXPECT_EQ(sent.person().identity().family_name(), "Exemple");
  EXPECT_EQ(sent.person().identity().email(), "camille.exemple@example.org");
  EXPECT_EQ(sent.person().identity().phone(), "01 99 00 12 34");
  EXPECT_EQ(sent.person().recruitment(), "recruitments/rec-val-orbe-2026");
  EXPECT_TRUE(IsUuid(sent.request_id())) << sent.request_id();

  // --json: the person, without the identity the server sent back.
  Result json = Ctg([&] {
    std::vector<std::string> with_json = args;
    with_json.push_back("--json");
    return with_json;
  }());
  ASSERT_EQ(json.code, kExitOk) << json.err;
  ctg::v1::Person person;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &person).ok()) << json.out;
  EXPECT_THAT(person.name(), StartsWith("persons/"));
  EXPECT_EQ(person.recruitment(), "recruitments/rec-val-orbe-2026");
  EXPECT_FALSE(person.has_identity());
  for (const char* word : kIdentityWords) EXPECT_THAT(json.out, Not(HasSubstr(word)));
}

TEST_F(PersonsCliTest, CreateWithARequestIdIsIdempotentAndSaysSo) {
  std::vector<std::string> args = create_;
  args[3] = "200000172";
  args.insert(args.end(), {"--request_id", "1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"});
  Result first = Ctg(args);
  ASSERT_EQ(first.code, kExitOk) << first.err;
  EXPECT_EQ(first.out, "persons/1b4e28ba2fa14d2e\n");
  Result again = Ctg(args);
  EXPECT_EQ(again.code, kExitFailure);
  EXPECT_THAT(again.err, AllOf(HasSubstr("already exists"),
                               HasSubstr("an earlier call with this --request_id")));
}

TEST_F(PersonsCliTest, CreateErrorsRedactWhatTheServerEchoesOfTheIdentity) {
  std::vector<std::string> args = create_;
  args[3] = "200000172";
  args[9] = "camille.exemple@example.invalid";
  Result result = Ctg(args);
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, AllOf(StartsWith("ctg: the server rejected the request:"),
                                HasSubstr("person.identity.email: the domain of [personal data] "
                                          "does not exist (registering [personal data] "
                                          "[personal data])")));
  for (const char* word : kIdentityWords) EXPECT_THAT(result.err, Not(HasSubstr(word)));
  EXPECT_THAT(result.out, IsEmpty());

  Result unknown = Ctg(create_);  // 249900028 is not one of the fake's organisations
  EXPECT_EQ(unknown.code, kExitFailure);
  EXPECT_THAT(unknown.err, HasSubstr("person.organisation: organisations/249900028 is not"));
}

TEST_F(PersonsCliTest, CreateThatMayHaveHappenedSaysHowToRetry) {
  // Nothing listens on port 1.
  Result result = Ctg({"--server", "127.0.0.1:1", "--timeout", "5", "persons", "create",
                       "--organisation", "200000172", "--given_name", "Camille", "--family_name",
                       "Exemple", "--request_id", "1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err,
              HasSubstr("rerun with --request_id 1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"));
}

TEST_F(PersonsCliTest, ShowWithoutAPurposeSaysOnlyWhetherThePersonExists) {
  Result result = Ctg({"persons", "show", "3f9c0d2a71b84e65"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("name          persons/3f9c0d2a71b84e65\n"),
                    HasSubstr("organisation  organisations/200000172\n"),
                    HasSubstr("recruitment   recruitments/rec-val-orbe-2026\n"),
                    HasSubstr("status        registered (personal data held, sealed)\n")));
  for (const char* word : kIdentityWords) EXPECT_THAT(result.out, Not(HasSubstr(word)));
  EXPECT_THAT(result.err, HasSubstr("identity not shown: add --purpose"));
  ASSERT_EQ(state_.person_reads.size(), 1u);
  EXPECT_EQ(state_.person_reads[0].name(), "persons/3f9c0d2a71b84e65");
  EXPECT_EQ(state_.person_reads[0].purpose(), "");

  Result erased = Ctg({"persons", "show", "persons/9a0b1c2d3e4f5a6b"});
  ASSERT_EQ(erased.code, kExitOk) << erased.err;
  EXPECT_THAT(erased.out, AllOf(HasSubstr("status        erased: its personal data is destroyed\n"),
                                HasSubstr("erased        2026-09-21T"),
                                HasSubstr("basis         the retention period ended\n")));
  EXPECT_THAT(erased.err, IsEmpty());

  Result missing = Ctg({"persons", "show", "0000000000000000"});
  EXPECT_EQ(missing.code, kExitFailure);
  EXPECT_THAT(missing.err, StartsWith("ctg: not found: persons/0000000000000000 not found"));
}

TEST_F(PersonsCliTest, ShowWithAPurposeShowsTheIdentityAndSaysTheReadIsRecorded) {
  Result result =
      Ctg({"persons", "show", "3f9c0d2a71b84e65", "--purpose", "avis Caf sur la candidature"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out,
              AllOf(HasSubstr("given name    Camille\n"), HasSubstr("family name   Exemple\n"),
                    HasSubstr("email         camille.exemple@example.org\n"),
                    HasSubstr("phone         01 99 00 12 34\n")));
  EXPECT_EQ(result.err,
            "ctg: notice: this read of persons/3f9c0d2a71b84e65's identity is recorded in its "
            "history (who, when) with the purpose \"avis Caf sur la candidature\"\n");
  ASSERT_EQ(state_.person_reads.size(), 1u);
  EXPECT_EQ(state_.person_reads[0].purpose(), "avis Caf sur la candidature");

  Result json = Ctg({"persons", "show", "3f9c0d2a71b84e65", "--purpose", "contrôle", "--json"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  ctg::v1::Person person;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &person).ok()) << json.out;
  EXPECT_EQ(person.identity().family_name(), "Exemple");
  EXPECT_THAT(json.err, HasSubstr("recorded"));

  Result erased = Ctg({"persons", "show", "9a0b1c2d3e4f5a6b", "--purpose", "contrôle"});
  ASSERT_EQ(erased.code, kExitOk) << erased.err;
  EXPECT_THAT(erased.err, HasSubstr("is erased: there is no identity left to read"));
  EXPECT_THAT(erased.err, Not(HasSubstr("recorded")));
}

TEST_F(PersonsCliTest, EraseSaysWhatHappenedWithoutAskingForConfirmation) {
  Result result = Ctg({"persons", "erase", "3f9c0d2a71b84e65", "--basis", "request", "--reference",
                       "DPO-2026-031"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out,
              AllOf(StartsWith("erased persons/3f9c0d2a71b84e65: its personal data is destroyed, "
                               "irreversibly"),
                    HasSubstr("basis      the person's request (RGPD art. 17)\n"),
                    HasSubstr("reference  DPO-2026-031\n"), HasSubstr("erased at  2026-"),
                    HasSubstr("the log keeps every event and proof")));
  EXPECT_EQ(state_.erase_calls, 1);
  EXPECT_EQ(state_.last_erase.basis(), ctg::v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST);
  EXPECT_EQ(state_.last_erase.reference(), "DPO-2026-031");
  EXPECT_TRUE(IsUuid(state_.last_erase.request_id()));
  // The lookup before it read nothing personal.
  ASSERT_FALSE(state_.person_reads.empty());
  EXPECT_EQ(state_.person_reads.back().purpose(), "");
  EXPECT_FALSE(state_.persons[ctg::testing::kFixturePerson].has_identity());

  Result again = Ctg({"persons", "erase", "3f9c0d2a71b84e65", "--basis", "no-longer-needed"});
  ASSERT_EQ(again.code, kExitOk) << again.err;
  EXPECT_THAT(again.out, AllOf(StartsWith("persons/3f9c0d2a71b84e65 was already erased on 2026-"),
                               HasSubstr("(basis: the person's request (RGPD art. 17)); nothing "
                                         "changed")));
  EXPECT_EQ(state_.erase_calls, 1);

  Result retention =
      Ctg({"persons", "erase", "persons/9a0b1c2d3e4f5a6b", "--basis", "retention", "--json"});
  ASSERT_EQ(retention.code, kExitOk) << retention.err;
  EXPECT_THAT(retention.out, HasSubstr("\"erasureBasis\":\"ERASURE_BASIS_RETENTION_EXPIRED\""));

  Result missing = Ctg({"persons", "erase", "0000000000000000", "--basis", "retention"});
  EXPECT_EQ(missing.code, kExitFailure);
  EXPECT_THAT(missing.err, HasSubstr("not found"));
  EXPECT_EQ(state_.erase_calls, 1);
}

// Staffing.
class StaffingCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ctg::testing::LoadStaffingFixtures(&state_);
  }
};

TEST_F(StaffingCliTest, PostsListShowsHolderEtpAndThematiques) {
  Result result = Ctg({"posts", "list", "--ctg", "val-orbe-2025"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_THAT(lines[0], StartsWith("ID             CTG            EMPLOYER   STATUS"));
  EXPECT_THAT(lines[1], AllOf(StartsWith("cc-val-orbe-1  val-orbe-2025  200000172  pourvu"),
                              HasSubstr("1.00  persons/3f9c0d2a71b84e65"),
                              HasSubstr("petite_enfance, jeunesse")));
  EXPECT_THAT(lines[2], AllOf(HasSubstr("en_recrutement"), HasSubstr("0.50")));
  EXPECT_EQ(state_.last_list_posts.ctg(), "ctgs/val-orbe-2025");
  EXPECT_EQ(state_.last_list_posts.view(), ctg::v1::POST_VIEW_BASIC);

  Result filtered = Ctg({"posts", "list", "--status", "pourvu", "--json"});
  ASSERT_EQ(filtered.code, kExitOk) << filtered.err;
  ctg::v1::ListPostsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(filtered.out, &response).ok());
  ASSERT_EQ(response.posts_size(), 1);
  EXPECT_EQ(response.posts(0).holders(0), "persons/3f9c0d2a71b84e65");

  Result paged = Ctg({"posts", "list", "--page_size", "1"});
  EXPECT_THAT(paged.err, HasSubstr("more posts: rerun with --all, or with --page_token=1"));
  Result unknown = Ctg({"posts", "list", "--ctg", "autre-ctg"});
  EXPECT_EQ(unknown.code, kExitFailure);
  EXPECT_THAT(unknown.err, HasSubstr("not found"));
}

TEST_F(StaffingCliTest, PostsShowHasMissionsFundingAndChangesWithTheirExchanges) {
  Result result = Ctg({"posts", "show", "cc-val-orbe-1"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(
      result.out,
      AllOf(HasSubstr("status        pourvu\n"), HasSubstr("etp           1.00\n"),
            HasSubstr("holders       persons/3f9c0d2a71b84e65\n"),
            HasSubstr("thématiques   petite_enfance, jeunesse\n"),
            HasSubstr("rattachement  Direction du pôle Famille et Solidarités\n"),
            HasSubstr("missions\nMISSION                LABEL\n"),
            HasSubstr("locale                 Accompagnement du SPPE\n"),
            HasSubstr("titulaire-2026  persons/3f9c0d2a71b84e65  titulaire  1.00  2026-09-01"),
            HasSubstr("2026   21 000.00 €  60.00 %  14 000.00 €  40.00 %  bonus_territoire  "
                      "CCTG-2026-014 of 2026-03-12"),
            HasSubstr("changes\npersonnel-2026  personnel  applied, effective 2026-09-01, on "
                      "exchange ex-1\n  assign persons/3f9c0d2a71b84e65 as titulaire-2026 "
                      "(titulaire, 1.00 ETP, from 2026-09-01, recruitments/rec-val-orbe-2025)\n"),
            HasSubstr("  ex-1      2026-08-20  reunion  cdt-valmont-7  Accord sur l'arrivée de la "
                      "titulaire au 1er septembre.  yes\n"),
            HasSubstr("etp-2027  organisation  proposed, awaiting its exchange with the CDT\n"
                      "  ETP \xE2\x86\x92 0.80\n"),
            HasSubstr("R-1b  MISSIONS_INCOMPLETE")));
  Result json = Ctg({"posts", "show", "posts/cc-val-orbe-1", "--json"});
  ctg::v1::Post post;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &post).ok()) << json.out;
  EXPECT_EQ(post.changes_size(), 2);
}

TEST_F(StaffingCliTest, RecruitmentsListShowsTheOpenOnesWithTheirStep) {
  Result result = Ctg({"recruitments", "list", "--ctg", "val-orbe-2025"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  std::vector<std::string> lines = Lines(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_THAT(lines[1],
              AllOf(StartsWith("rec-val-orbe-2026  cc-val-orbe-2  val-orbe-2025  vacance"),
                    HasSubstr("en_cours  R2 fiche_de_poste_redaction  "
                              "R3 fiche_de_poste_avis_caf  caf       2026-10-02")));
  EXPECT_EQ(state_.last_list_recruitments.status(), ctg::v1::RECRUITMENT_STATUS_EN_COURS);
  EXPECT_EQ(state_.last_list_recruitments.ctg(), "ctgs/val-orbe-2025");

  Result every = Ctg({"recruitments", "list", "--status", "any"});
  EXPECT_EQ(Lines(every.out).size(), 3u) << every.out;
  EXPECT_EQ(state_.last_list_recruitments.status(), ctg::v1::RECRUITMENT_STATUS_UNSPECIFIED);

  Result show = Ctg({"recruitments", "show", "rec-val-orbe-2026"});
  ASSERT_EQ(show.code, kExitOk) << show.err;
  EXPECT_THAT(show.out,
              AllOf(HasSubstr("step             R2 fiche_de_poste_redaction\n"),
                    HasSubstr("next step        R3 fiche_de_poste_avis_caf, awaiting caf\n"),
                    HasSubstr("caf involvement  R5 selection_candidatures: attendu; R6 jury: "
                              "attendu; R7 synthese_entretiens: facultatif; choice of the "
                              "candidate: attendu\n"),
                    HasSubstr("fiche de poste   v2, awaiting the Caf's opinion\n"),
                    HasSubstr("candidate        none chosen\n")));
  Result closed = Ctg({"recruitments", "show", "recruitments/rec-val-orbe-2025"});
  EXPECT_THAT(closed.out, AllOf(HasSubstr("next step        none: the recruitment is over\n"),
                                HasSubstr("hired            persons/3f9c0d2a71b84e65\n")));
}

TEST_F(StaffingCliTest, QueueAndChanges) {
  Result queue = Ctg({"queue"});
  ASSERT_EQ(queue.code, kExitOk) << queue.err;
  std::vector<std::string> lines = Lines(queue.out);
  ASSERT_EQ(lines.size(), 3u) << queue.out;
  EXPECT_THAT(lines[0], StartsWith("KIND                    RESOURCE"));
  EXPECT_THAT(lines[1], AllOf(StartsWith("fiche_de_poste_opinion  recruitments/rec-val-orbe-2026"),
                              HasSubstr("cdt-valmont-7"), HasSubstr("fiche v2")));
  EXPECT_THAT(lines[2], AllOf(HasSubstr("cdt_exchange"), HasSubstr("organisation change")));
  EXPECT_EQ(Lines(Ctg({"queue", "--kind", "cdt-exchange"}).out).size(), 2u);

  Result changes = Ctg({"changes", "--since", "2026-09-01", "--until", "2026-09-30"});
  ASSERT_EQ(changes.code, kExitOk) << changes.err;
  lines = Lines(changes.out);
  ASSERT_EQ(lines.size(), 2u) << changes.out;
  EXPECT_THAT(lines[1], AllOf(StartsWith("2026-09-01  cc-val-orbe-1  personnel-2026  "
                                         "val-orbe-2025  personnel  assign persons/"),
                              HasSubstr("2026-08-20 reunion with cdt-valmont-7"),
                              HasSubstr("Accord sur l'arrivée")));
  EXPECT_EQ(state_.last_list_changes.start_date().day(), 1);
  EXPECT_EQ(state_.last_list_changes.end_date().day(), 30);
  Result none = Ctg({"changes", "--since", "2026-10-01"});
  EXPECT_EQ(none.code, kExitOk);
  EXPECT_THAT(none.err, HasSubstr("no applied changes"));
  EXPECT_EQ(Ctg({"changes", "--since", "2026-10-01", "--until", "2026-09-01"}).code, kExitUsage);
  EXPECT_EQ(Ctg({"changes", "--since", "2026-02-30"}).code, kExitUsage);
}

TEST_F(StaffingCliTest, ProposeRecordAnExchangeThenApply) {
  Result refused = Ctg({"posts", "apply-change", "cc-val-orbe-1", "--change", "etp-2027",
                        "--effective", "2027-01-01"});
  EXPECT_EQ(refused.code, kExitFailure);
  EXPECT_THAT(refused.err, StartsWith("ctg: refused by a rule, CDT_EXCHANGE_REQUIRED: the change "
                                      "etp-2027 rests on no exchange with the CDT (R-6)"));

  Result proposed = Ctg({"posts", "propose-change", "cc-val-orbe-2", "--change_id", "them-2027",
                         "--thematique", "parentalite,jeunesse", "--reason", "Diagnostic 2026"});
  ASSERT_EQ(proposed.code, kExitOk) << proposed.err;
  EXPECT_THAT(proposed.out,
              AllOf(StartsWith("proposed thematique change them-2027 on posts/cc-val-orbe-2: "
                               "thématiques \xE2\x86\x92 parentalite, jeunesse\n"),
                    HasSubstr("ctg posts record-exchange cc-val-orbe-2 --change them-2027")));
  EXPECT_EQ(state_.last_propose.change().kind(), ctg::v1::CHANGE_KIND_THEMATIQUE);
  EXPECT_EQ(state_.last_propose.reason(), "Diagnostic 2026");
  EXPECT_TRUE(IsUuid(state_.last_propose.request_id()));

  Result exchange = Ctg({"posts", "record-exchange", "cc-val-orbe-1", "--change", "etp-2027",
                         "--exchange_id", "ex-2", "--date", "2026-11-05", "--form", "visio",
                         "--conclusion", "Passage à 0,8 ETP validé avec le CDT."});
  ASSERT_EQ(exchange.code, kExitOk) << exchange.err;
  EXPECT_THAT(exchange.out,
              AllOf(StartsWith("recorded exchange ex-2 about change etp-2027 of "
                               "posts/cc-val-orbe-1: 2026-11-05 visio with cdt-valmont-7\n"),
                    HasSubstr("ctg posts apply-change cc-val-orbe-1 --change etp-2027")));
  EXPECT_EQ(state_.last_exchange.exchange().form(), ctg::v1::EXCHANGE_FORM_VISIO);

  Result applied = Ctg({"posts", "apply-change", "cc-val-orbe-1", "--change", "etp-2027",
                        "--effective", "2027-01-01"});
  ASSERT_EQ(applied.code, kExitOk) << applied.err;
  EXPECT_THAT(applied.out,
              AllOf(StartsWith("applied change etp-2027 to posts/cc-val-orbe-1, effective "
                               "2027-01-01, on exchange ex-2\n"),
                    HasSubstr("etp      0.80\n"), HasSubstr("status   pourvu\n")));
  EXPECT_EQ(state_.last_apply.exchange_id(), "");
}

TEST_F(StaffingCliTest, ProposeChangeKindsFromFlags) {
  ASSERT_EQ(Ctg({"posts", "propose-change", "cc-val-orbe-1", "--change_id", "org-1", "--etp", "0,5",
                 "--rattachement", "Direction générale des services"})
                .code,
            kExitOk);
  const ctg::v1::ChangeProposed& organisation = state_.last_propose.change();
  EXPECT_EQ(organisation.kind(), ctg::v1::CHANGE_KIND_ORGANISATION);
  EXPECT_EQ(organisation.organisation().etp_hundredths(), 50);
  EXPECT_EQ(organisation.organisation().rattachement(), "Direction générale des services");

  ASSERT_EQ(Ctg({"posts", "propose-change", "cc-val-orbe-1", "--change_id", "missions-1",
                 "--mission", "diagnostics", "--mission", "locale:Veille stratégique"})
                .code,
            kExitOk);
  EXPECT_EQ(state_.last_propose.change().missions().missions(1).label(), "Veille stratégique");
  // A repeated flag takes one value per occurrence: the post may follow it.
  ASSERT_EQ(Ctg({"posts", "propose-change", "--change_id", "missions-2", "--mission", "evaluation",
                 "cc-val-orbe-1"})
                .code,
            kExitOk);
  EXPECT_EQ(state_.last_propose.name(), "posts/cc-val-orbe-1");
  EXPECT_EQ(state_.last_propose.change().missions().missions_size(), 1);

  Result personnel =
      Ctg({"posts", "propose-change", "cc-val-orbe-1", "--change_id", "perso-1", "--assign",
           "persons/9a0b1c2d3e4f5a6b", "--assignment_id", "rempl-1", "--as", "remplacant",
           "--start", "2027-02-01", "--assignment_etp", "100%", "--replacement", "rempl-val-orbe-1",
           "--end", "titulaire-2026:2027-01-31"});
  ASSERT_EQ(personnel.code, kExitOk) << personnel.err;
  const ctg::v1::PersonnelChange& people = state_.last_propose.change().personnel();
  ASSERT_EQ(people.assign_size(), 1);
  EXPECT_EQ(people.assign(0).type(), ctg::v1::ASSIGNMENT_TYPE_REMPLACANT);
  EXPECT_EQ(people.assign(0).replacement(), "replacements/rempl-val-orbe-1");
  EXPECT_EQ(people.assign(0).etp_hundredths(), 100);
  EXPECT_EQ(people.end(0).assignment_id(), "titulaire-2026");
  EXPECT_EQ(people.end(0).end_date().month(), 1);

  const std::vector<std::vector<std::string>> mistakes = {
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--etp", "0.8",
       "--thematique", "jeunesse"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--etp", "1.2"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--mission", "locale"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--assign", "p1234567"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--end", "2027-01-31"},
      {"posts", "propose-change", "cc-val-orbe-1", "--change_id", "x-1", "--thematique", "sport",
       "--as", "titulaire"},
      {"posts", "record-exchange", "cc-val-orbe-1", "--change", "etp-2027", "--exchange_id", "e",
       "--date", "2026-11-05", "--form", "pigeon", "--conclusion", "ok"},
      {"posts", "apply-change", "cc-val-orbe-1", "--change", "etp-2027", "--effective", "demain"},
      {"recruitments", "opinion", "rec-val-orbe-2026", "--on", "fiche", "--opinion", "bof",
       "--date", "2026-11-05"},
      {"recruitments", "opinion", "rec-val-orbe-2026", "--on", "lettre", "--opinion", "favorable",
       "--date", "2026-11-05"},
      {"recruitments", "opinion", "rec-val-orbe-2026", "--on", "candidate", "--opinion",
       "favorable", "--date", "2026-11-05", "--version", "2"},
  };
  for (const auto& args : mistakes) {
    Result result = Ctg(args);
    EXPECT_EQ(result.code, kExitUsage) << ::testing::PrintToString(args) << "\n" << result.err;
    EXPECT_THAT(result.err, Not(IsEmpty()));
  }
}

TEST_F(StaffingCliTest, CafOpinionOnTheLastFicheOrTheChosenCandidate) {
  Result fiche =
      Ctg({"recruitments", "opinion", "rec-val-orbe-2026", "--on", "fiche", "--opinion",
           "favorable", "--date", "2026-11-05", "--comment", "Missions conformes au référentiel."});
  ASSERT_EQ(fiche.code, kExitOk) << fiche.err;
  EXPECT_THAT(fiche.out,
              AllOf(StartsWith("the Caf's opinion on the fiche de poste v2 of "
                               "recruitments/rec-val-orbe-2026: favorable (2026-11-05)\n"),
                    HasSubstr("next step  R4 offre_publiee, awaiting employer\n")));
  EXPECT_EQ(state_.last_fiche_opinion.version(), 2);  // looked up
  EXPECT_EQ(state_.last_fiche_opinion.comment(), "Missions conformes au référentiel.");
  EXPECT_EQ(state_.get_recruitment_calls, 1);

  Result stale = Ctg({"recruitments", "opinion", "rec-val-orbe-2026", "--on", "fiche", "--opinion",
                      "reserve", "--date", "2026-11-05", "--version", "1"});
  EXPECT_EQ(stale.code, kExitFailure);
  EXPECT_THAT(stale.err, HasSubstr("FICHE_VERSION_MISMATCH"));
  EXPECT_EQ(state_.get_recruitment_calls, 1);  // --version: no lookup

  Result nobody = Ctg({"recruitments", "opinion", "rec-val-orbe-2026", "--on", "candidate",
                       "--opinion", "favorable", "--date", "2026-11-05"});
  EXPECT_EQ(nobody.code, kExitFailure);
  EXPECT_THAT(nobody.err, HasSubstr("no candidate was chosen"));

  state_.recruitments["recruitments/rec-val-orbe-2026"].set_candidate(ctg::testing::kFixturePerson);
  Result candidate = Ctg({"recruitments", "opinion", "rec-val-orbe-2026", "--on", "candidate",
                          "--opinion", "reserve", "--date", "2026-11-06"});
  ASSERT_EQ(candidate.code, kExitOk) << candidate.err;
  EXPECT_THAT(candidate.out, StartsWith("the Caf's opinion on the candidate "
                                        "persons/3f9c0d2a71b84e65 of "
                                        "recruitments/rec-val-orbe-2026: reserve (2026-11-06)"));
  EXPECT_EQ(state_.last_candidate_opinion.person(), ctg::testing::kFixturePerson);
  EXPECT_EQ(state_.last_candidate_opinion.opinion(), ctg::v1::CAF_OPINION_RESERVE);
}

TEST_F(StaffingCliTest, PostsCreateTransitionAndFunding) {
  Result created = Ctg({"posts",          "create",
                        "--ctg",          "val-orbe-2025",
                        "--employer",     "200000172",
                        "--etp",          "0,5",
                        "--status",       "vacant",
                        "--mission",      "diagnostics",
                        "--mission",      "locale:Veille stratégique",
                        "--thematique",   "jeunesse,parentalite",
                        "--rattachement", "Direction générale des services",
                        "--post_id",      "cc-val-orbe-3"});
  ASSERT_EQ(created.code, kExitOk) << created.err;
  EXPECT_THAT(created.out,
              AllOf(StartsWith("posts/cc-val-orbe-3: created for ctgs/val-orbe-2025, employer "
                               "200000172\n"),
                    HasSubstr("status        vacant\n"), HasSubstr("etp           0.50\n"),
                    HasSubstr("thématiques   jeunesse, parentalite\n")));
  const ctg::v1::CreatePostRequest& create = state_.last_create_post;
  EXPECT_EQ(create.post_id(), "cc-val-orbe-3");
  EXPECT_EQ(create.post().etp_hundredths(), 50);
  EXPECT_EQ(create.post().missions(1).label(), "Veille stratégique");
  EXPECT_EQ(create.post().rattachement(), "Direction générale des services");
  EXPECT_TRUE(IsUuid(create.request_id()));

  Result refused =
      Ctg({"posts", "create", "--ctg", "val-orbe-2025", "--employer", "249900028", "--etp", "1"});
  EXPECT_EQ(refused.code, kExitFailure);
  EXPECT_THAT(refused.err, StartsWith("ctg: refused by a rule, EMPLOYER_NOT_SIGNATORY"));

  Result transition = Ctg({"posts", "transition", "cc-val-orbe-3", "--status", "en_recrutement",
                           "--etag", "W/\"1\"", "--json"});
  ASSERT_EQ(transition.code, kExitOk) << transition.err;
  ctg::v1::Post post;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(transition.out, &post).ok());
  EXPECT_EQ(post.status(), ctg::v1::POST_STATUS_EN_RECRUTEMENT);
  EXPECT_EQ(state_.last_transition.etag(), "W/\"1\"");
  Result stale =
      Ctg({"posts", "transition", "cc-val-orbe-3", "--status", "vacant", "--etag", "W/\"0\""});
  EXPECT_EQ(stale.code, kExitFailure);

  EXPECT_EQ(Ctg({"posts", "transition", "cc-val-orbe-3", "--status", "suspendu"}).code,
            kExitUsage);  // without a reason
}

TEST_F(StaffingCliTest, RecruitmentCadrageWithInvolvementsThenSkip) {
  Result cadrage =
      Ctg({"recruitments", "cadrage", "rec-val-orbe-2026", "--date", "2026-09-15", "--fonction",
           "Coordination de la CTG à 0,5 ETP.", "--involvement", "jury=attendu", "--involvement",
           "R5=non", "--candidate_choice", "facultatif"});
  ASSERT_EQ(cadrage.code, kExitOk) << cadrage.err;
  EXPECT_THAT(cadrage.out,
              AllOf(StartsWith("recruitments/rec-val-orbe-2026: cadrage with the CDT agreed on "
                               "2026-09-15 (R1)\n"),
                    HasSubstr("next step       R2 fiche_de_poste_redaction, awaiting employer\n")));
  const ctg::v1::AgreeCadrageRequest& request = state_.last_cadrage;
  ASSERT_EQ(request.involvements_size(), 2);
  EXPECT_EQ(request.involvements(0).step(), ctg::v1::RECRUITMENT_STEP_JURY);
  EXPECT_EQ(request.involvements(0).involvement(), ctg::v1::CAF_INVOLVEMENT_ATTENDU);
  EXPECT_EQ(request.involvements(1).step(), ctg::v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES);
  EXPECT_EQ(request.involvements(1).involvement(), ctg::v1::CAF_INVOLVEMENT_NON);
  EXPECT_EQ(request.candidate_choice_involvement(), ctg::v1::CAF_INVOLVEMENT_FACULTATIF);
  EXPECT_TRUE(IsUuid(request.request_id()));

  Result required = Ctg(
      {"recruitments", "skip", "rec-val-orbe-2026", "--step", "jury", "--reason", "Pas de jury."});
  EXPECT_EQ(required.code, kExitFailure);
  EXPECT_THAT(required.err, StartsWith("ctg: refused by a rule, STEP_REQUIRED"));
  Result skipped = Ctg({"recruitments", "skip", "rec-val-orbe-2026", "--step", "R5", "--reason",
                        "Deux candidatures seulement."});
  ASSERT_EQ(skipped.code, kExitOk) << skipped.err;
  EXPECT_THAT(skipped.out, StartsWith("recruitments/rec-val-orbe-2026: R5 selection_candidatures "
                                      "skipped\n"));
  EXPECT_EQ(state_.last_skip.reason(), "Deux candidatures seulement.");
}

TEST_F(StaffingCliTest, ReplacementsListShowRequestAndValidate) {
  Result list = Ctg({"replacements", "list", "--post", "cc-val-orbe-1", "--status", "demande"});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  std::vector<std::string> lines = Lines(list.out);
  ASSERT_EQ(lines.size(), 2u) << list.out;
  EXPECT_THAT(lines[1], AllOf(StartsWith("rempl-val-orbe-1  cc-val-orbe-1  val-orbe-2025  "
                                         "persons/7d8e9f0a1b2c3d4e  0.80  demande  2027-02-01  "
                                         "2027-07-31  titulaire-2026")));
  EXPECT_EQ(state_.last_list_replacements.post(), "posts/cc-val-orbe-1");
  EXPECT_EQ(state_.last_list_replacements.status(), ctg::v1::REPLACEMENT_STATUS_DEMANDE);

  Result show = Ctg({"replacements", "show", "rempl-val-orbe-1"});
  ASSERT_EQ(show.code, kExitOk) << show.err;
  EXPECT_THAT(show.out, AllOf(HasSubstr("person    persons/7d8e9f0a1b2c3d4e\n"),
                              HasSubstr("planned   2027-02-01 to 2027-07-31\n"),
                              HasSubstr("replaces  titulaire-2026\n")));

  Result requested = Ctg({"replacements", "request", "--post", "cc-val-orbe-2", "--person",
                          ctg::testing::kFixtureRemplacant, "--etp", "50%", "--start", "2027-03-01",
                          "--reduce_activity", "Coordination enfance-jeunesse", "--reduce_by",
                          "0.2", "--replacement_id", "rempl-val-orbe-2"});
  ASSERT_EQ(requested.code, kExitOk) << requested.err;
  EXPECT_THAT(requested.out,
              AllOf(StartsWith("replacements/rempl-val-orbe-2: requested on posts/cc-val-orbe-2 "
                               "for persons/7d8e9f0a1b2c3d4e; it awaits the Caf's validation\n"),
                    HasSubstr("planned    2027-03-01 to (open-ended)\n"),
                    HasSubstr("reduction  Coordination enfance-jeunesse by 0.20 ETP\n")));
  EXPECT_EQ(state_.last_request_replacement.replacement().etp_hundredths(), 50);
  EXPECT_EQ(state_.last_request_replacement.replacement().reduction().etp_hundredths(), 20);

  Result validated = Ctg({"replacements", "validate", "rempl-val-orbe-2", "--date", "2027-02-10",
                          "--comment", "Temps compatible."});
  ASSERT_EQ(validated.code, kExitOk) << validated.err;
  EXPECT_THAT(validated.out,
              AllOf(StartsWith("replacements/rempl-val-orbe-2: validated by the Caf on "
                               "2027-02-10\n"),
                    HasSubstr("status     valide\n"),
                    HasSubstr("validated  2027-02-10 by cdt-valmont-7 Temps compatible.\n")));
  EXPECT_TRUE(IsUuid(state_.last_validate_replacement.request_id()));

  Result missing = Ctg({"replacements", "show", "rempl-inconnu"});
  EXPECT_EQ(missing.code, kExitFailure);
  EXPECT_THAT(missing.err, HasSubstr("not found"));
}

TEST_F(StaffingCliTest, AWriteWhoseOutcomeIsUnknownSaysHowToRetry) {
  // Nothing listens on port 1.
  Result result = Ctg({"--server", "127.0.0.1:1", "--timeout", "5", "recruitments", "close",
                       "rec-val-orbe-2026", "--date", "2026-12-01", "--request_id",
                       "1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err,
              HasSubstr("rerun with --request_id 1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"));
}

TEST_F(StaffingCliTest, StaffingWriteMistakesExitTwo) {
  const std::vector<std::vector<std::string>> mistakes = {
      {"posts", "create", "--ctg", "val-orbe-2025", "--employer", "200000172"},
      {"posts", "create", "--ctg", "val-orbe-2025", "--employer", "200000172", "--etp", "1",
       "--status", "pourvu"},
      {"posts", "create", "--ctg", "val-orbe-2025", "--employer", "200000172", "--etp", "1",
       "--rattachement", std::string(201, 'x')},
      {"posts", "transition", "cc-val-orbe-1", "--status", "ouvert"},
      {"posts", "cofinancing", "cc-val-orbe-1", "--year", "1999", "--amount", "21000"},
      {"posts", "cofinancing", "cc-val-orbe-1", "--year", "2027", "--amount", "beaucoup"},
      {"posts", "cofinancing", "cc-val-orbe-1", "--year", "2027", "--amount", "21000", "--rate",
       "120"},
      {"posts", "caf-funding", "cc-val-orbe-1", "--year", "2027", "--scheme", "bonus_territoire",
       "--amount", "15000", "--ceiling", "14000", "--decision_date", "2027-03-10",
       "--decision_reference", "CCTG-2027-003"},
      {"posts", "withdraw-change", "cc-val-orbe-1", "--change", "etp-2027", "--reason", " "},
      {"recruitments", "open", "--post", "cc-val-orbe-2", "--motif", "envie", "--date",
       "2026-09-01"},
      {"recruitments", "cadrage", "rec-val-orbe-2026", "--date", "2026-09-15", "--fonction", "x",
       "--involvement", "jury"},
      {"recruitments", "cadrage", "rec-val-orbe-2026", "--date", "2026-09-15", "--fonction", "x",
       "--involvement", "R8=attendu"},
      {"recruitments", "cadrage", "rec-val-orbe-2026", "--date", "2026-09-15", "--fonction", "x",
       "--involvement", "jury=toujours"},
      {"recruitments", "close-applications", "rec-val-orbe-2026", "--date", "2026-10-01",
       "--received", "-3"},
      {"recruitments", "skip", "rec-val-orbe-2026", "--step", "R3", "--reason", "non"},
      {"recruitments", "choose", "rec-val-orbe-2026", "--date", "2026-10-20"},
      {"recruitments", "hire", "rec-val-orbe-2026", "--person", "3f9c0d2a71b84e65",
       "--contract_date", "2026-11-02", "--start", "2026-11-01"},
      {"recruitments", "cancel", "rec-val-orbe-2026"},
      {"recruitments", "publish", "rec-val-orbe-2026", "--date", "2026-10-01", "--request_id",
       "not-a-uuid"},
      {"replacements"},
      {"replacements", "request", "--post", "cc-val-orbe-1", "--person", "7d8e9f0a1b2c3d4e",
       "--etp", "0.8", "--start", "2027-02-01", "--reduce_by", "0.2"},
      {"replacements", "request", "--post", "cc-val-orbe-1", "--person", "7d8e9f0a1b2c3d4e",
       "--etp", "0.8", "--start", "2027-02-01", "--end", "2027-01-01"},
      {"replacements", "refuse", "rempl-val-orbe-1", "--date", "2027-01-10"},
      {"replacements", "end", "rempl-val-orbe-1", "--date", "2027-07-31", "--outcome", "autre"},
      {"replacements", "list", "--status", "ouvert"},
      {"replacements", "show", "a/b"},
  };
  for (const auto& args : mistakes) {
    Result result = Ctg(args);
    EXPECT_EQ(result.code, kExitUsage) << ::testing::PrintToString(args) << "\n" << result.err;
    EXPECT_THAT(result.err, Not(IsEmpty())) << ::testing::PrintToString(args);
    EXPECT_THAT(result.out, IsEmpty()) << ::testing::PrintToString(args);
  }
  // Nothing was sent.
  EXPECT_EQ(state_.last_create_post.request_id(), "");
  EXPECT_EQ(state_.last_cadrage.request_id(), "");
  // The messages name the flag, never the value typed.
  EXPECT_THAT(
      Ctg({"posts", "create", "--ctg", "val-orbe-2025", "--employer", "200000172", "--etp", "1",
           "--rattachement", std::string(201, 'x')})
          .err,
      AllOf(HasSubstr("--rattachement has 201 characters"), Not(HasSubstr(std::string(201, 'x')))));
}

TEST_F(CliTest, GlobalFlagsMayFollowTheSubcommand) {
  Result result = Ctg({"orgs", "show", "200000172", "--json"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("{\"name\":\"organisations/200000172\""));
}

}  // namespace
}  // namespace ctg::cli
