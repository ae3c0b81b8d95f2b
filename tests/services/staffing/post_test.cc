// The Post decider: names and field checks, creation (R-1a), every status move, funding
// (R-1a), change control with its chain of references, the personnel rules (R-5, R-13,
// the post's ETP), R-1b warnings, Evolve by replay, tags and the event codec.
#include "services/platform/dates.h"
#include "services/staffing/post.h"

#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/staffing/fields.h"
#include "tests/services/staffing/staffing_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace ctg::staffing {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using namespace ::ctg::staffing::testing;  // NOLINT: the fixtures of this test

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kFailed = absl::StatusCode::kFailedPrecondition;
constexpr auto kExists = absl::StatusCode::kAlreadyExists;
constexpr auto kNotFound = absl::StatusCode::kNotFound;

// ---------------------------------------------------------------------------------------------
// Names and shared field checks

TEST(NamesTest, StreamsNamesAndIds) {
  EXPECT_EQ(PostStream("cdc-val-orbe"), "post-cdc-val-orbe");
  EXPECT_EQ(PostName("cdc-val-orbe"), "posts/cdc-val-orbe");
  ASSERT_OK_AND_ASSIGN(std::string id, ParsePostName("posts/cdc-val-orbe", "post"));
  EXPECT_EQ(id, "cdc-val-orbe");
  for (const char* name : {"cdc-val-orbe", "post/cdc", "posts/", "posts/Cdc", "posts/ab",
                           "recruitments/cdc-val-orbe", ""}) {
    const auto parsed = ParsePostName(name, "post");
    EXPECT_THAT(parsed, StatusIs(kInvalid, ::testing::_)) << name;
    EXPECT_THAT(BadFields(parsed.status()), ElementsAre("post")) << name;
  }
  for (const char* id : {"abc", "a-1", "cdc-val-orbe"}) EXPECT_OK(ValidateId(id, "id")) << id;
  for (const std::string& id : {std::string("ab"), std::string("1ab"), std::string("abc-"),
                                std::string("a_b"), "a" + std::string(63, 'b')}) {
    EXPECT_THAT(ValidateId(id, "id"), StatusIs(kInvalid, ::testing::_)) << id;
  }
}

TEST(NamesTest, PeopleAreOpaqueIdsNeverNames) {
  for (const char* person :
       {"persons/agent-0001", "persons/0c9f6a2e-5b1d-4c1e-9a57-7d1f0e2b3c4d", "persons/12345678"}) {
    EXPECT_OK(ValidatePersonName(person, "person")) << person;
  }
  for (const std::string& person :
       {std::string("Claire Martin"), std::string("persons/Claire Martin"),
        std::string("persons/claire.martin"), std::string("persons/short"),
        std::string("agent-0001"), std::string("persons/"), std::string(""),
        "persons/" + std::string(65, 'a')}) {
    const absl::Status status = ValidatePersonName(person, "person");
    EXPECT_THAT(status, StatusIs(kInvalid, ::testing::_)) << person;
    EXPECT_THAT(BadFields(status), ElementsAre("person")) << person;
  }
}

TEST(WorkloadTest, EtpsAreHundredths) {
  EXPECT_EQ(FormatEtp(100), "1.00");
  EXPECT_EQ(FormatEtp(101), "1.01");
  EXPECT_EQ(FormatEtp(80), "0.80");
  EXPECT_EQ(FormatEtp(5), "0.05");
  EXPECT_EQ(FormatEtp(0), "0.00");
  EXPECT_EQ(kFullTimeEtp, 100);
}

TEST(PartyTest, WrongPartyNamesBothSides) {
  const absl::Status status = CheckParty(Party::kEmployer, Party::kCaf, "giving the opinion");
  EXPECT_THAT(status, StatusIs(kFailed, HasSubstr("giving the opinion")));
  EXPECT_EQ(Reason(status), "WRONG_PARTY");
  EXPECT_THAT(Metadata(status),
              UnorderedElementsAre(Pair("party", "STAFFING_PARTY_EMPLOYER"),
                                   Pair("expected", "STAFFING_PARTY_CAF")));
  EXPECT_OK(CheckParty(Party::kCaf, Party::kCaf, "x"));
  EXPECT_OK(CheckEitherParty(Party::kCaf, "x"));
  EXPECT_OK(CheckEitherParty(Party::kEmployer, "x"));
  EXPECT_EQ(Reason(CheckEitherParty(Party::kUnspecified, "x")), "WRONG_PARTY");
  EXPECT_EQ(Reason(CheckParty(Party::kUnspecified, Party::kEmployer, "x")), "WRONG_PARTY");
}

// ---------------------------------------------------------------------------------------------
// CreatePost

using CreateCase = Case<PostState, CreatePost>;
class CreatePostTest : public ::testing::TestWithParam<CreateCase> {};

TEST_P(CreatePostTest, Decides) {
  ExpectOutcome(GetParam(), PostState{}, NewPost(), DefaultWorld());
}

const std::vector<std::string> kCreated = {"PostCreated"};

const CreateCase kCreateCases[] = {
    {"Complete", Unchanged<PostState, CreatePost>, Emits(kCreated)},
    {"Vacant", [](PostState&, CreatePost& c, World&) { c.status = v1::POST_STATUS_VACANT; },
     Emits(kCreated)},
    {"Minimal",
     [](PostState&, CreatePost& c, World&) {
       c.missions.clear();
       c.thematiques.clear();
       c.rattachement.clear();
     },
     Emits(kCreated)},
    {"MemberCommuneEmploys", [](PostState&, CreatePost& c, World&) { c.employer = kCommune; },
     Emits(kCreated)},
    {"FullTime", [](PostState&, CreatePost& c, World&) { c.etp_hundredths = 100; },
     Emits(kCreated)},
    {"TwoLocalMissions",
     [](PostState&, CreatePost& c, World&) {
       c.missions.push_back(MissionOf(v1::MISSION_AREA_LOCALE, "Veille stratégique"));
     },
     Emits(kCreated)},
    // Bad fields.
    {"IdMissing", [](PostState&, CreatePost& c, World&) { c.post_id.clear(); },
     RejectsFields({"post_id"})},
    {"CtgMalformed", [](PostState&, CreatePost& c, World&) { c.ctg = "val-orbe-2025"; },
     RejectsFields({"ctg"})},
    {"EmployerBadSiren",
     [](PostState&, CreatePost& c, World&) { c.employer = "organisations/249900029"; },
     RejectsFields({"employer"})},
    {"EtpZero", [](PostState&, CreatePost& c, World&) { c.etp_hundredths = 0; },
     RejectsFields({"etp_hundredths"})},
    {"EtpAboveFullTime", [](PostState&, CreatePost& c, World&) { c.etp_hundredths = 101; },
     RejectsFields({"etp_hundredths"})},
    {"MissionUnspecified",
     [](PostState&, CreatePost& c, World&) {
       c.missions.push_back(MissionOf(v1::MISSION_AREA_UNSPECIFIED));
     },
     RejectsFields({"missions[7].area"})},
    {"LocalMissionWithoutLabel",
     [](PostState&, CreatePost& c, World&) {
       c.missions.push_back(MissionOf(v1::MISSION_AREA_LOCALE, " "));
     },
     RejectsFields({"missions[7].label"})},
    {"MissionRepeated",
     [](PostState&, CreatePost& c, World&) {
       c.missions.push_back(MissionOf(v1::MISSION_AREA_EVALUATION, "bis"));
     },
     RejectsFields({"missions[7].area"})},
    {"LocalMissionRepeated",
     [](PostState&, CreatePost& c, World&) {
       c.missions.push_back(MissionOf(v1::MISSION_AREA_LOCALE, " Accompagnement du SPPE"));
     },
     RejectsFields({"missions[7].label"})},
    {"ThematiqueRepeated",
     [](PostState&, CreatePost& c, World&) { c.thematiques.push_back(v1::THEMATIQUE_JEUNESSE); },
     RejectsFields({"thematiques"})},
    {"RattachementTooLong",
     [](PostState&, CreatePost& c, World&) { c.rattachement = std::string(201, 'x'); },
     RejectsFields({"rattachement"})},
    {"StatusPourvu", [](PostState&, CreatePost& c, World&) { c.status = v1::POST_STATUS_POURVU; },
     RejectsFields({"status"})},
    {"EveryBadFieldAtOnce",
     [](PostState&, CreatePost& c, World&) {
       c.post_id = "X";
       c.ctg.clear();
       c.employer = "EPCI";
       c.etp_hundredths = -5;
       c.status = v1::POST_STATUS_UNSPECIFIED;
     },
     RejectsFields({"post_id", "ctg", "employer", "etp_hundredths", "status"})},
    // Rules.
    {"CafSide", [](PostState&, CreatePost& c, World&) { c.party = Party::kCaf; },
     BreaksRule("WRONG_PARTY")},
    {"NoSide", [](PostState&, CreatePost& c, World&) { c.party = Party::kUnspecified; },
     BreaksRule("WRONG_PARTY")},
    {"UnknownCtg", [](PostState&, CreatePost& c, World&) { c.ctg = "ctgs/nulle-part"; },
     BreaksRule("CTG_NOT_FOUND")},
    {"ExpiredCtg", [](PostState&, CreatePost& c, World&) { c.ctg = kOldCtg; },
     BreaksRule("CTG_CLOSED")},
    {"PartnerDoesNotEmploy", [](PostState&, CreatePost& c, World&) { c.employer = kDepartement; },
     BreaksRule("EMPLOYER_NOT_SIGNATORY")},
    {"CafDoesNotEmploy", [](PostState&, CreatePost& c, World&) { c.employer = kCaf; },
     BreaksRule("EMPLOYER_NOT_SIGNATORY")},
    {"NonSignatoryDoesNotEmploy", [](PostState&, CreatePost& c, World&) { c.employer = kOther; },
     BreaksRule("EMPLOYER_NOT_SIGNATORY")},
    {"AlreadyExists", [](PostState& s, CreatePost&, World& w) { s = CreatedPost(w); },
     Fails(kExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, CreatePostTest, ::testing::ValuesIn(kCreateCases), CaseName);

TEST(CreatePostTest, EventCarriesThePost) {
  World world = DefaultWorld();
  CreatePost command = NewPost();
  command.rattachement = "  Direction du pôle Famille et Solidarités ";
  ASSERT_OK_AND_ASSIGN(auto events, Decide(PostState{}, command, world.ForPost()));
  const auto& created = std::get<v1::PostCreated>(events[0]);
  EXPECT_EQ(created.post_id(), kPostId);
  EXPECT_EQ(created.ctg(), kCtg);
  EXPECT_EQ(created.employer(), kEpci);
  EXPECT_EQ(created.etp_hundredths(), 80);
  EXPECT_EQ(created.missions_size(), 7);
  EXPECT_EQ(created.thematiques_size(), 3);
  EXPECT_EQ(created.rattachement(), "Direction du pôle Famille et Solidarités");
  EXPECT_EQ(created.status(), v1::POST_STATUS_A_CREER);

  CreatePost partner = NewPost();
  partner.employer = kDepartement;
  EXPECT_THAT(Metadata(Decide(PostState{}, partner, world.ForPost()).status()),
              UnorderedElementsAre(Pair("employer", kDepartement), Pair("ctg", kCtg),
                                   Pair("rule", "R-1a")));
}

TEST(CreatePostTest, WithoutLookupsNoCtgExists) {
  EXPECT_EQ(Reason(Decide(PostState{}, NewPost(), PostLookups{}).status()), "CTG_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// TransitionPost: every (from, to) pair

const std::set<std::pair<v1::PostStatus, v1::PostStatus>> kAllowedMoves = {
    {v1::POST_STATUS_A_CREER, v1::POST_STATUS_VACANT},
    {v1::POST_STATUS_A_CREER, v1::POST_STATUS_EN_RECRUTEMENT},
    {v1::POST_STATUS_A_CREER, v1::POST_STATUS_SUPPRIME},
    {v1::POST_STATUS_VACANT, v1::POST_STATUS_EN_RECRUTEMENT},
    {v1::POST_STATUS_VACANT, v1::POST_STATUS_SUSPENDU},
    {v1::POST_STATUS_VACANT, v1::POST_STATUS_SUPPRIME},
    {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_VACANT},
    {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_SUSPENDU},
    {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_SUPPRIME},
    {v1::POST_STATUS_POURVU, v1::POST_STATUS_SUSPENDU},
    {v1::POST_STATUS_EN_REMPLACEMENT, v1::POST_STATUS_SUSPENDU},
    {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_VACANT},
    {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_RECRUTEMENT},
    {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_POURVU},
    {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_REMPLACEMENT},
    {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_SUPPRIME},
};

std::vector<v1::PostStatus> EveryPostStatus() {
  std::vector<v1::PostStatus> statuses;
  for (int status = v1::PostStatus_MIN + 1; status <= v1::PostStatus_MAX; ++status) {
    statuses.push_back(static_cast<v1::PostStatus>(status));
  }
  return statuses;
}

// A created post put in `status` directly, with the active assignments `to` needs (a titulaire
// for POURVU, a remplaçant for EN_REMPLACEMENT, none otherwise).
PostState PostIn(v1::PostStatus status, v1::PostStatus to) {
  PostState state = CreatedPost(DefaultWorld());
  state.status = status;
  if (to == v1::POST_STATUS_POURVU || to == v1::POST_STATUS_EN_REMPLACEMENT) {
    AssignmentRecord record;
    record.assignment = AssignmentOf("a-1", kAgent,
                                     to == v1::POST_STATUS_POURVU ? v1::ASSIGNMENT_TYPE_TITULAIRE
                                                                  : v1::ASSIGNMENT_TYPE_REMPLACANT,
                                     80);
    state.assignments.push_back(record);
  }
  return state;
}

class PostTransitionMatrixTest
    : public ::testing::TestWithParam<std::tuple<v1::PostStatus, v1::PostStatus>> {};

TEST_P(PostTransitionMatrixTest, AllowedIffListed) {
  const auto [from, to] = GetParam();
  const bool allowed = kAllowedMoves.count({from, to}) == 1;
  EXPECT_EQ(IsAllowedPostTransition(from, to), allowed);
  const auto events = Decide(
      PostIn(from, to), TransitionPost{to, "Décision du bureau", Party::kEmployer}, PostLookups{});
  ExpectOutcome(events, allowed ? Emits({"PostStatusChanged"})
                                : BreaksRule("INVALID_TRANSITION")
                                      .WithMetadata({{"from", v1::PostStatus_Name(from)},
                                                     {"to", v1::PostStatus_Name(to)}}));
  if (allowed && events.ok() && !events->empty()) {
    const auto& changed = std::get<v1::PostStatusChanged>((*events)[0]);
    EXPECT_EQ(changed.from(), from);
    EXPECT_EQ(changed.to(), to);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPair, PostTransitionMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(EveryPostStatus()),
                                            ::testing::ValuesIn(EveryPostStatus())),
                         [](const auto& info) {
                           return v1::PostStatus_Name(std::get<0>(info.param)).substr(12) + "_to_" +
                                  v1::PostStatus_Name(std::get<1>(info.param)).substr(12);
                         });

TEST(PostTransitionTest, TheListIsComplete) {
  EXPECT_EQ(kAllowedMoves.size(), 16u);
  for (v1::PostStatus to : EveryPostStatus()) {
    EXPECT_FALSE(IsAllowedPostTransition(v1::POST_STATUS_SUPPRIME, to));
    // POURVU and EN_REMPLACEMENT follow the assignments, except when a suspension is lifted.
    if (to == v1::POST_STATUS_POURVU || to == v1::POST_STATUS_EN_REMPLACEMENT) {
      for (v1::PostStatus from : EveryPostStatus()) {
        EXPECT_EQ(IsAllowedPostTransition(from, to), from == v1::POST_STATUS_SUSPENDU);
      }
    }
  }
}

using MoveCase = Case<PostState, TransitionPost>;
class PostMoveGuardTest : public ::testing::TestWithParam<MoveCase> {};

TEST_P(PostMoveGuardTest, Decides) {
  ExpectOutcome(GetParam(), CreatedPost(DefaultWorld()), TransitionPost{}, World{});
}

// A `given` that puts the post in `from` with `active` assignments, and moves it to `to` for
// `reason`, asked by `party`.
MoveCase::Given Moving(v1::PostStatus from, v1::PostStatus to,
                       std::vector<v1::AssignmentType> active, std::string reason,
                       Party party = Party::kEmployer) {
  return [=](PostState& state, TransitionPost& command, World&) {
    state.status = from;
    int n = 0;
    for (v1::AssignmentType type : active) {
      AssignmentRecord record;
      record.assignment = AssignmentOf(absl::StrCat("a-", ++n), kAgent, type, 40);
      state.assignments.push_back(record);
    }
    command = TransitionPost{to, reason, party};
  };
}

constexpr auto kHolder = v1::ASSIGNMENT_TYPE_TITULAIRE;
constexpr auto kReplacing = v1::ASSIGNMENT_TYPE_REMPLACANT;

const MoveCase kMoveCases[] = {
    {"SuspendWithReason",
     Moving(v1::POST_STATUS_VACANT, v1::POST_STATUS_SUSPENDU, {}, "Gel budgétaire"),
     Emits({"PostStatusChanged"})},
    {"SuspendWithoutReason", Moving(v1::POST_STATUS_VACANT, v1::POST_STATUS_SUSPENDU, {}, ""),
     BreaksRule("REASON_REQUIRED")},
    {"SuspendHeldPost",
     Moving(v1::POST_STATUS_POURVU, v1::POST_STATUS_SUSPENDU, {kHolder}, "Congé long"),
     Emits({"PostStatusChanged"})},
    {"DeleteWithoutReason", Moving(v1::POST_STATUS_A_CREER, v1::POST_STATUS_SUPPRIME, {}, " \n "),
     BreaksRule("REASON_REQUIRED")},
    {"DeleteWithReason",
     Moving(v1::POST_STATUS_A_CREER, v1::POST_STATUS_SUPPRIME, {}, "Abandon du projet"),
     Emits({"PostStatusChanged"})},
    {"RecruitWithoutReason", Moving(v1::POST_STATUS_VACANT, v1::POST_STATUS_EN_RECRUTEMENT, {}, ""),
     Emits({"PostStatusChanged"})},
    {"DeleteSuspendedWithAHolder",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_SUPPRIME, {kHolder}, "Fin du poste"),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToVacantWithAHolder",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_VACANT, {kHolder}, ""),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToRecruitingWithAReplacer",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_RECRUTEMENT, {kReplacing}, ""),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToHeldWithoutHolder", Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_POURVU, {}, ""),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToHeldWhileReplaced",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_POURVU, {kHolder, kReplacing}, ""),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToHeld", Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_POURVU, {kHolder}, ""),
     Emits({"PostStatusChanged"})},
    {"ResumeToReplacedWithoutReplacer",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_REMPLACEMENT, {kHolder}, ""),
     BreaksRule("STATUS_CONTRADICTS_ASSIGNMENTS")},
    {"ResumeToReplaced",
     Moving(v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_REMPLACEMENT, {kHolder, kReplacing}, ""),
     Emits({"PostStatusChanged"})},
    {"InvalidBeforeReason", Moving(v1::POST_STATUS_SUPPRIME, v1::POST_STATUS_SUSPENDU, {}, ""),
     BreaksRule("INVALID_TRANSITION")},
    {"CafSide", Moving(v1::POST_STATUS_VACANT, v1::POST_STATUS_EN_RECRUTEMENT, {}, "", Party::kCaf),
     BreaksRule("WRONG_PARTY")},
};

INSTANTIATE_TEST_SUITE_P(Table, PostMoveGuardTest, ::testing::ValuesIn(kMoveCases), CaseName);

TEST(PostMoveGuardTest, FieldsAndExistence) {
  const PostState state = CreatedPost(DefaultWorld());
  for (v1::PostStatus to : {v1::POST_STATUS_UNSPECIFIED, static_cast<v1::PostStatus>(42)}) {
    const auto events = Decide(state, TransitionPost{to, "", Party::kEmployer}, PostLookups{});
    EXPECT_THAT(BadFields(events.status()), ElementsAre("to"));
  }
  EXPECT_THAT(BadFields(Decide(state,
                               TransitionPost{v1::POST_STATUS_SUPPRIME, std::string(2001, 'x'),
                                              Party::kEmployer},
                               PostLookups{})
                            .status()),
              ElementsAre("reason"));
  EXPECT_THAT(Decide(PostState{}, TransitionPost{v1::POST_STATUS_VACANT, "", Party::kEmployer},
                     PostLookups{}),
              StatusIs(kNotFound, ::testing::_));
}

// ---------------------------------------------------------------------------------------------
// Funding (R-1a)

v1::PostCofinancingRecorded CofinancingOf(int year, int64_t cents) {
  v1::PostCofinancingRecorded cofinancing;
  cofinancing.set_year(year);
  cofinancing.set_amount_cents(cents);
  cofinancing.set_rate_basis_points(5000);
  return cofinancing;
}

v1::PostCafFundingRecorded FundingOf(int year, int64_t cents) {
  v1::PostCafFundingRecorded funding;
  funding.set_year(year);
  funding.set_scheme(v1::FUNDING_SCHEME_BONUS_TERRITOIRE);
  funding.set_amount_cents(cents);
  funding.set_rate_basis_points(5000);
  funding.set_ceiling_cents(2'000'000);
  *funding.mutable_decision_date() = Date(2025, 6, 12);
  funding.set_decision_reference("CCTG-2025-014");
  return funding;
}

using CofinancingCase = Case<PostState, RecordCofinancing>;
class RecordCofinancingTest : public ::testing::TestWithParam<CofinancingCase> {};

TEST_P(RecordCofinancingTest, Decides) {
  World world = DefaultWorld();
  ExpectOutcome(GetParam(), CreatedPost(world),
                RecordCofinancing{CofinancingOf(2025, 1'800'000), Party::kEmployer}, world);
}

const CofinancingCase kCofinancingCases[] = {
    {"Recorded", Unchanged<PostState, RecordCofinancing>, Emits({"PostCofinancingRecorded"})},
    {"Zero", [](PostState&, RecordCofinancing& c, World&) { c.cofinancing.set_amount_cents(0); },
     Emits({"PostCofinancingRecorded"})},
    {"Identical",
     [](PostState& s, RecordCofinancing& c, World&) { s.cofinancing[2025] = c.cofinancing; },
     EmitsNothing()},
    {"Revised",
     [](PostState& s, RecordCofinancing& c, World&) {
       s.cofinancing[2025] = CofinancingOf(2025, 1'500'000);
     },
     Emits({"PostCofinancingRecorded"})},
    {"Year1999", [](PostState&, RecordCofinancing& c, World&) { c.cofinancing.set_year(1999); },
     RejectsFields({"cofinancing.year"})},
    {"NegativeAmount",
     [](PostState&, RecordCofinancing& c, World&) { c.cofinancing.set_amount_cents(-1); },
     RejectsFields({"cofinancing.amount_cents"})},
    {"RateAbove100Percent",
     [](PostState&, RecordCofinancing& c, World&) { c.cofinancing.set_rate_basis_points(10001); },
     RejectsFields({"cofinancing.rate_basis_points"})},
    {"CafSide", [](PostState&, RecordCofinancing& c, World&) { c.party = Party::kCaf; },
     BreaksRule("WRONG_PARTY")},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordCofinancingTest, ::testing::ValuesIn(kCofinancingCases),
                         CaseName);

using FundingCase = Case<PostState, RecordCafFunding>;
class RecordCafFundingTest : public ::testing::TestWithParam<FundingCase> {};

TEST_P(RecordCafFundingTest, Decides) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  Apply(state, RecordCofinancing{CofinancingOf(2025, 1'800'000), Party::kEmployer},
        world.ForPost());
  ExpectOutcome(GetParam(), state,
                RecordCafFunding{FundingOf(2025, 1'800'000), kToday, Party::kCaf}, world);
}

const FundingCase kFundingCases[] = {
    {"Recorded", Unchanged<PostState, RecordCafFunding>, Emits({"PostCafFundingRecorded"})},
    {"AtTheCeiling",
     [](PostState&, RecordCafFunding& c, World&) { c.funding.set_amount_cents(2'000'000); },
     Emits({"PostCafFundingRecorded"})},
    {"NoCeiling",
     [](PostState&, RecordCafFunding& c, World&) {
       c.funding.set_ceiling_cents(0);
       c.funding.set_amount_cents(9'000'000);
     },
     Emits({"PostCafFundingRecorded"})},
    {"OtherScheme",
     [](PostState&, RecordCafFunding& c, World&) {
       c.funding.set_scheme(v1::FUNDING_SCHEME_AUTRE);
     },
     Emits({"PostCafFundingRecorded"})},
    {"Identical",
     [](PostState& s, RecordCafFunding& c, World&) { s.caf_funding[2025] = c.funding; },
     EmitsNothing()},
    {"DecidedToday",
     [](PostState&, RecordCafFunding& c, World&) { *c.funding.mutable_decision_date() = kToday; },
     Emits({"PostCafFundingRecorded"})},
    // Bad fields.
    {"AboveTheCeiling",
     [](PostState&, RecordCafFunding& c, World&) { c.funding.set_amount_cents(2'000'001); },
     RejectsFields({"funding.amount_cents"})},
    {"DecidedTomorrow",
     [](PostState&, RecordCafFunding& c, World&) {
       *c.funding.mutable_decision_date() = Date(2025, 9, 16);
     },
     RejectsFields({"funding.decision_date"})},
    {"NoScheme",
     [](PostState&, RecordCafFunding& c, World&) {
       c.funding.set_scheme(v1::FUNDING_SCHEME_UNSPECIFIED);
     },
     RejectsFields({"funding.scheme"})},
    {"NoReference",
     [](PostState&, RecordCafFunding& c, World&) { c.funding.clear_decision_reference(); },
     RejectsFields({"funding.decision_reference"})},
    {"NegativeCeiling",
     [](PostState&, RecordCafFunding& c, World&) { c.funding.set_ceiling_cents(-1); },
     RejectsFields({"funding.ceiling_cents"})},
    // Rules.
    {"EmployerSide", [](PostState&, RecordCafFunding& c, World&) { c.party = Party::kEmployer; },
     BreaksRule("WRONG_PARTY")},
    {"NoCofinancingThatYear",
     [](PostState&, RecordCafFunding& c, World&) { c.funding.set_year(2026); },
     BreaksRule("COFINANCING_REQUIRED")},
    {"CofinancingOfZero",
     [](PostState& s, RecordCafFunding&, World&) { s.cofinancing[2025].set_amount_cents(0); },
     BreaksRule("COFINANCING_REQUIRED")},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordCafFundingTest, ::testing::ValuesIn(kFundingCases), CaseName);

TEST(RecordCafFundingTest, RatesAndCeilingsAreDataOfEachYear) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  for (int year : {2025, 2026}) {
    Apply(state, RecordCofinancing{CofinancingOf(year, 1'800'000), Party::kEmployer},
          world.ForPost());
  }
  v1::PostCafFundingRecorded y2026 = FundingOf(2026, 2'100'000);
  y2026.set_rate_basis_points(5500);
  y2026.set_ceiling_cents(2'200'000);
  Apply(state, RecordCafFunding{FundingOf(2025, 1'800'000), kToday, Party::kCaf}, world.ForPost());
  Apply(state, RecordCafFunding{y2026, kToday, Party::kCaf}, world.ForPost());
  EXPECT_EQ(state.caf_funding.at(2025).rate_basis_points(), 5000);
  EXPECT_EQ(state.caf_funding.at(2026).rate_basis_points(), 5500);
  EXPECT_EQ(state.caf_funding.at(2026).ceiling_cents(), 2'200'000);
  const auto refused =
      Decide(state, RecordCafFunding{FundingOf(2027, 1), kToday, Party::kCaf}, world.ForPost());
  EXPECT_THAT(Metadata(refused.status()),
              UnorderedElementsAre(Pair("year", "2027"), Pair("rule", "R-1a")));
}

// ---------------------------------------------------------------------------------------------
// ProposeChange

v1::ChangeProposed OrganisationProposal(absl::string_view id, std::optional<int> etp,
                                        std::optional<std::string> rattachement) {
  v1::ChangeProposed change;
  change.set_change_id(std::string(id));
  change.set_kind(v1::CHANGE_KIND_ORGANISATION);
  v1::OrganisationChange* organisation = change.mutable_organisation();
  if (etp) organisation->set_etp_hundredths(*etp);
  if (rattachement) organisation->set_rattachement(*rattachement);
  return change;
}

v1::ChangeProposed MissionsProposal(absl::string_view id, std::vector<v1::Mission> missions) {
  v1::ChangeProposed change;
  change.set_change_id(std::string(id));
  change.set_kind(v1::CHANGE_KIND_AFFECTATION_MISSION);
  change.mutable_missions();  // set, even when empty
  for (const v1::Mission& mission : missions) *change.mutable_missions()->add_missions() = mission;
  return change;
}

v1::ChangeProposed ThematiquesProposal(absl::string_view id,
                                       std::vector<v1::Thematique> thematiques) {
  v1::ChangeProposed change;
  change.set_change_id(std::string(id));
  change.set_kind(v1::CHANGE_KIND_THEMATIQUE);
  change.mutable_thematiques();  // set, even when empty
  for (v1::Thematique thematique : thematiques) {
    change.mutable_thematiques()->add_thematiques(thematique);
  }
  return change;
}

v1::ChangeProposed Arrival() {
  return PersonnelProposal(
      "arrivee", {AssignmentOf("titulaire-1", kAgent, v1::ASSIGNMENT_TYPE_TITULAIRE, 80)});
}

using ProposeCase = Case<PostState, ProposeChange>;
class ProposeChangeTest : public ::testing::TestWithParam<ProposeCase> {};

TEST_P(ProposeChangeTest, Decides) {
  World world = DefaultWorld();
  ExpectOutcome(GetParam(), CreatedPost(world), ProposeChange{Arrival(), Party::kEmployer}, world);
}

const std::vector<std::string> kProposed = {"ChangeProposed"};

v1::Assignment& FirstAssign(ProposeChange& c) {
  return *c.change.mutable_personnel()->mutable_assign(0);
}

const ProposeCase kProposeCases[] = {
    {"Personnel", Unchanged<PostState, ProposeChange>, Emits(kProposed)},
    {"ByTheCaf", [](PostState&, ProposeChange& c, World&) { c.party = Party::kCaf; },
     Emits(kProposed)},
    {"TitulaireFromARecruitment",
     [](PostState&, ProposeChange& c, World&) { FirstAssign(c).set_recruitment(kRecruitment); },
     Emits(kProposed)},
    {"Remplacant",
     [](PostState&, ProposeChange& c, World&) {
       c.change = PersonnelProposal(
           "remplacement", {AssignmentOf("r-1", kReplacer, v1::ASSIGNMENT_TYPE_REMPLACANT, 80)});
     },
     Emits(kProposed)},
    {"EndOnly",
     [](PostState&, ProposeChange& c, World&) {
       c.change = PersonnelProposal("depart", {}, {ClosureOf("titulaire-1")});
     },
     Emits(kProposed)},
    {"Organisation",
     [](PostState&, ProposeChange& c, World&) {
       c.change = OrganisationProposal("etp", 100, std::nullopt);
     },
     Emits(kProposed)},
    {"Missions",
     [](PostState&, ProposeChange& c, World&) {
       c.change = MissionsProposal("missions", {MissionOf(v1::MISSION_AREA_DIAGNOSTICS)});
     },
     Emits(kProposed)},
    {"Thematiques",
     [](PostState&, ProposeChange& c, World&) {
       c.change = ThematiquesProposal("thematiques", {v1::THEMATIQUE_HANDICAP});
     },
     Emits(kProposed)},
    // Bad fields.
    {"IdMissing", [](PostState&, ProposeChange& c, World&) { c.change.clear_change_id(); },
     RejectsFields({"change.change_id"})},
    {"KindMissing",
     [](PostState&, ProposeChange& c, World&) { c.change.set_kind(v1::CHANGE_KIND_UNSPECIFIED); },
     RejectsFields({"change.kind"})},
    {"KindDoesNotMatch",
     [](PostState&, ProposeChange& c, World&) { c.change.set_kind(v1::CHANGE_KIND_THEMATIQUE); },
     RejectsFields({"change.proposal"})},
    {"NoProposal", [](PostState&, ProposeChange& c, World&) { c.change.clear_personnel(); },
     RejectsFields({"change.proposal"})},
    {"EmptyPersonnel",
     [](PostState&, ProposeChange& c, World&) { c.change.mutable_personnel()->Clear(); },
     RejectsFields({"change.personnel"})},
    {"PersonByName",
     [](PostState&, ProposeChange& c, World&) { FirstAssign(c).set_person("Claire Martin"); },
     RejectsFields({"change.personnel.assign[0].person"})},
    {"NoType",
     [](PostState&, ProposeChange& c, World&) {
       FirstAssign(c).set_type(v1::ASSIGNMENT_TYPE_UNSPECIFIED);
     },
     RejectsFields({"change.personnel.assign[0].type"})},
    {"NoStartDate", [](PostState&, ProposeChange& c, World&) { FirstAssign(c).clear_start_date(); },
     RejectsFields({"change.personnel.assign[0].start_date"})},
    {"EndsBeforeItStarts",
     [](PostState&, ProposeChange& c, World&) {
       *FirstAssign(c).mutable_end_date() = Date(2025, 9, 30);
     },
     RejectsFields({"change.personnel.assign[0].end_date"})},
    {"EtpZero", [](PostState&, ProposeChange& c, World&) { FirstAssign(c).set_etp_hundredths(0); },
     RejectsFields({"change.personnel.assign[0].etp_hundredths"})},
    {"ActivityWithoutEtp",
     [](PostState&, ProposeChange& c, World&) {
       *FirstAssign(c).add_other_activities() = ActivityOf("Coordination jeunesse", 0);
     },
     RejectsFields({"change.personnel.assign[0].other_activities[0].etp_hundredths"})},
    {"RemplacantWithoutReplacement",
     [](PostState&, ProposeChange& c, World&) {
       FirstAssign(c).set_type(v1::ASSIGNMENT_TYPE_REMPLACANT);
     },
     RejectsFields({"change.personnel.assign[0].replacement"})},
    {"TitulaireWithReplacement",
     [](PostState&, ProposeChange& c, World&) { FirstAssign(c).set_replacement(kReplacement); },
     RejectsFields({"change.personnel.assign[0].replacement"})},
    {"RemplacantWithRecruitment",
     [](PostState&, ProposeChange& c, World&) {
       FirstAssign(c) = AssignmentOf("r-1", kReplacer, v1::ASSIGNMENT_TYPE_REMPLACANT, 80);
       FirstAssign(c).set_recruitment(kRecruitment);
     },
     RejectsFields({"change.personnel.assign[0].recruitment"})},
    {"SameIdTwice",
     [](PostState&, ProposeChange& c, World&) {
       *c.change.mutable_personnel()->add_assign() = FirstAssign(c);
     },
     RejectsFields({"change.personnel.assign[1].assignment_id"})},
    {"EndedTwice",
     [](PostState&, ProposeChange& c, World&) {
       *c.change.mutable_personnel()->add_end() = ClosureOf("t-0");
       *c.change.mutable_personnel()->add_end() = ClosureOf("t-0");
     },
     RejectsFields({"change.personnel.end[1].assignment_id"})},
    {"EmptyOrganisation",
     [](PostState&, ProposeChange& c, World&) {
       c.change = OrganisationProposal("vide", std::nullopt, std::nullopt);
     },
     RejectsFields({"change.organisation"})},
    {"OrganisationEtpAboveFullTime",
     [](PostState&, ProposeChange& c, World&) {
       c.change = OrganisationProposal("etp", 120, std::nullopt);
     },
     RejectsFields({"change.organisation.etp_hundredths"})},
    {"NoMission",
     [](PostState&, ProposeChange& c, World&) { c.change = MissionsProposal("missions", {}); },
     RejectsFields({"change.missions.missions"})},
    {"ThematiqueRepeated",
     [](PostState&, ProposeChange& c, World&) {
       c.change =
           ThematiquesProposal("thematiques", {v1::THEMATIQUE_ENFANCE, v1::THEMATIQUE_ENFANCE});
     },
     RejectsFields({"change.thematiques.thematiques"})},
    // Rules.
    {"NoSide", [](PostState&, ProposeChange& c, World&) { c.party = Party::kUnspecified; },
     BreaksRule("WRONG_PARTY")},
    {"IdTaken",
     [](PostState& s, ProposeChange& c, World& w) {
       Apply(s, ProposeChange{c.change, Party::kEmployer}, w.ForPost());
     },
     Fails(kExists)},
    {"DeletedPost",
     [](PostState& s, ProposeChange&, World&) { s.status = v1::POST_STATUS_SUPPRIME; },
     BreaksRule("POST_DELETED")},
    {"NoPost", [](PostState& s, ProposeChange&, World&) { s = PostState{}; }, Fails(kNotFound)},
};

INSTANTIATE_TEST_SUITE_P(Table, ProposeChangeTest, ::testing::ValuesIn(kProposeCases), CaseName);

// ---------------------------------------------------------------------------------------------
// RecordCdtExchange

using ExchangeCase = Case<PostState, RecordCdtExchange>;
class RecordCdtExchangeTest : public ::testing::TestWithParam<ExchangeCase> {};

TEST_P(RecordCdtExchangeTest, Decides) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  Apply(state, ProposeChange{Arrival(), Party::kEmployer}, world.ForPost());
  ExpectOutcome(GetParam(), state,
                RecordCdtExchange{ExchangeOf("arrivee", "echange-1"), kToday, Party::kCaf}, world);
}

const ExchangeCase kExchangeCases[] = {
    {"ByTheCaf", Unchanged<PostState, RecordCdtExchange>, Emits({"CdtExchangeRecorded"})},
    {"ByTheEmployer", [](PostState&, RecordCdtExchange& c, World&) { c.party = Party::kEmployer; },
     Emits({"CdtExchangeRecorded"})},
    {"Today", [](PostState&, RecordCdtExchange& c, World&) { *c.exchange.mutable_date() = kToday; },
     Emits({"CdtExchangeRecorded"})},
    {"ASecondExchange",
     [](PostState& s, RecordCdtExchange& c, World& w) {
       Apply(s, RecordCdtExchange{ExchangeOf("arrivee", "echange-0"), kToday, Party::kCaf},
             w.ForPost());
     },
     Emits({"CdtExchangeRecorded"})},
    {"EveryForm",
     [](PostState&, RecordCdtExchange& c, World&) {
       c.exchange.set_form(v1::EXCHANGE_FORM_TELEPHONE);
     },
     Emits({"CdtExchangeRecorded"})},
    // Bad fields.
    {"Tomorrow",
     [](PostState&, RecordCdtExchange& c, World&) {
       *c.exchange.mutable_date() = Date(2025, 9, 16);
     },
     RejectsFields({"exchange.date"})},
    {"NoForm",
     [](PostState&, RecordCdtExchange& c, World&) {
       c.exchange.set_form(v1::EXCHANGE_FORM_UNSPECIFIED);
     },
     RejectsFields({"exchange.form"})},
    {"CdtByName",
     [](PostState&, RecordCdtExchange& c, World&) { c.exchange.set_cdt("Sophie Durand"); },
     RejectsFields({"exchange.cdt"})},
    {"NoConclusion",
     [](PostState&, RecordCdtExchange& c, World&) { c.exchange.set_conclusion("  "); },
     RejectsFields({"exchange.conclusion"})},
    {"NoExchangeId",
     [](PostState&, RecordCdtExchange& c, World&) { c.exchange.clear_exchange_id(); },
     RejectsFields({"exchange.exchange_id"})},
    // Rules.
    {"NoSide", [](PostState&, RecordCdtExchange& c, World&) { c.party = Party::kUnspecified; },
     BreaksRule("WRONG_PARTY")},
    {"UnknownChange",
     [](PostState&, RecordCdtExchange& c, World&) { c.exchange.set_change_id("inconnu"); },
     Fails(kNotFound)},
    {"WithdrawnChange",
     [](PostState& s, RecordCdtExchange&, World& w) {
       Apply(s, WithdrawChange{"arrivee", "Candidate désistée", Party::kEmployer}, w.ForPost());
     },
     BreaksRule("CHANGE_NOT_PENDING")},
    {"ExchangeIdTaken",
     [](PostState& s, RecordCdtExchange& c, World& w) {
       Apply(s, RecordCdtExchange{c.exchange, kToday, Party::kCaf}, w.ForPost());
     },
     Fails(kExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordCdtExchangeTest, ::testing::ValuesIn(kExchangeCases),
                         CaseName);

// ---------------------------------------------------------------------------------------------
// ApplyChange: R-6

using ApplyCase = Case<PostState, ApplyChange>;
class ApplyChangeTest : public ::testing::TestWithParam<ApplyCase> {};

// A created post, the arrival proposed and discussed with the CDT on 2025-09-10 (echange-1).
PostState Discussed(const World& world) {
  PostState state = CreatedPost(world);
  Apply(state, ProposeChange{Arrival(), Party::kEmployer}, world.ForPost());
  Apply(state, RecordCdtExchange{ExchangeOf("arrivee", "echange-1"), kToday, Party::kCaf},
        world.ForPost());
  return state;
}

TEST_P(ApplyChangeTest, Decides) {
  World world = DefaultWorld();
  ExpectOutcome(GetParam(), Discussed(world),
                ApplyChange{"arrivee", "echange-1", Date(2025, 10, 1), Party::kEmployer}, world);
}

const std::vector<std::string> kArrivalApplied = {"ChangeApplied", "PersonAssigned",
                                                  "PostStatusChanged"};

const ApplyCase kApplyCases[] = {
    {"WithItsExchange", Unchanged<PostState, ApplyChange>, Emits(kArrivalApplied)},
    {"TheLastExchangeByDefault", [](PostState&, ApplyChange& c, World&) { c.exchange_id.clear(); },
     Emits(kArrivalApplied)},
    {"OnTheDayOfTheExchange",
     [](PostState&, ApplyChange& c, World&) { c.effective_date = Date(2025, 9, 10); },
     Emits(kArrivalApplied)},
    {"WithoutExchange",
     [](PostState& s, ApplyChange& c, World& w) {
       Apply(s,
             ProposeChange{ThematiquesProposal("thematiques", {v1::THEMATIQUE_HANDICAP}),
                           Party::kEmployer},
             w.ForPost());
       c.change_id = "thematiques";
       c.exchange_id.clear();
     },
     BreaksRule("CDT_EXCHANGE_REQUIRED")},
    {"UnknownExchange", [](PostState&, ApplyChange& c, World&) { c.exchange_id = "echange-9"; },
     BreaksRule("CDT_EXCHANGE_REQUIRED")},
    {"ExchangeOfAnotherChange",
     [](PostState& s, ApplyChange& c, World& w) {
       Apply(s,
             ProposeChange{ThematiquesProposal("thematiques", {v1::THEMATIQUE_HANDICAP}),
                           Party::kEmployer},
             w.ForPost());
       c.change_id = "thematiques";
     },
     BreaksRule("CDT_EXCHANGE_REQUIRED")},
    {"BeforeTheExchange",
     [](PostState&, ApplyChange& c, World&) { c.effective_date = Date(2025, 9, 9); },
     BreaksRule("CDT_EXCHANGE_AFTER_CHANGE")},
    {"CafSide", [](PostState&, ApplyChange& c, World&) { c.party = Party::kCaf; },
     BreaksRule("WRONG_PARTY")},
    {"UnknownChange", [](PostState&, ApplyChange& c, World&) { c.change_id = "inconnu"; },
     Fails(kNotFound)},
    {"AppliedTwice", [](PostState& s, ApplyChange& c, World& w) { Apply(s, c, w.ForPost()); },
     BreaksRule("CHANGE_NOT_PENDING")},
    {"Withdrawn",
     [](PostState& s, ApplyChange&, World& w) {
       Apply(s, WithdrawChange{"arrivee", "Désistement", Party::kEmployer}, w.ForPost());
     },
     BreaksRule("CHANGE_NOT_PENDING")},
    {"NoEffectiveDate", [](PostState&, ApplyChange& c, World&) { c.effective_date.Clear(); },
     RejectsFields({"effective_date"})},
    {"MalformedExchangeId", [](PostState&, ApplyChange& c, World&) { c.exchange_id = "E 1"; },
     RejectsFields({"exchange_id"})},
    {"DeletedPost", [](PostState& s, ApplyChange&, World&) { s.status = v1::POST_STATUS_SUPPRIME; },
     BreaksRule("POST_DELETED")},
};

INSTANTIATE_TEST_SUITE_P(Table, ApplyChangeTest, ::testing::ValuesIn(kApplyCases), CaseName);

TEST(ApplyChangeTest, RefusalNamesTheChangeTheExchangeAndTheRule) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  Apply(state, ProposeChange{Arrival(), Party::kEmployer}, world.ForPost());
  const auto refused = Decide(
      state, ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer}, world.ForPost());
  EXPECT_THAT(refused, StatusIs(kFailed, HasSubstr("CDT")));
  EXPECT_THAT(
      Metadata(refused.status()),
      UnorderedElementsAre(Pair("change", "arrivee"), Pair("exchange", ""), Pair("rule", "R-6")));
}

TEST(ApplyChangeTest, AChangeNoLongerPendingNamesItsStateByTheEnumName) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  Apply(state, ProposeChange{Arrival(), Party::kEmployer}, world.ForPost());
  Apply(state, WithdrawChange{"arrivee", "Candidate désistée", Party::kEmployer}, world.ForPost());
  const auto refused = Decide(
      state, ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer}, world.ForPost());
  EXPECT_EQ(Reason(refused.status()), "CHANGE_NOT_PENDING");
  EXPECT_THAT(Metadata(refused.status()),
              UnorderedElementsAre(Pair("change", "arrivee"),
                                   Pair("status", "CHANGE_STATE_WITHDRAWN")));
}

TEST(ChangeControlTest, ThePostStreamShowsTheWholeChain) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  std::vector<PostEvent> log;
  auto decide_and_fold = [&](const auto& command) {
    auto events = Decide(state, command, world.ForPost());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const PostEvent& event : *events) {
      Evolve(state, event, kTime);
      log.push_back(event);
    }
  };
  decide_and_fold(ProposeChange{Arrival(), Party::kEmployer});
  decide_and_fold(RecordCdtExchange{ExchangeOf("arrivee", "echange-1", Date(2025, 9, 2)), kToday,
                                    Party::kEmployer});
  decide_and_fold(RecordCdtExchange{ExchangeOf("arrivee", "echange-2", Date(2025, 9, 10)), kToday,
                                    Party::kCaf});
  decide_and_fold(ApplyChange{"arrivee", "echange-1", Date(2025, 10, 1), Party::kEmployer});
  ASSERT_EQ(TypeNames(log), (std::vector<std::string>{"ChangeProposed", "CdtExchangeRecorded",
                                                      "CdtExchangeRecorded", "ChangeApplied",
                                                      "PersonAssigned", "PostStatusChanged"}));
  const auto& proposed = std::get<v1::ChangeProposed>(log[0]);
  const auto& exchange = std::get<v1::CdtExchangeRecorded>(log[1]);
  const auto& applied = std::get<v1::ChangeApplied>(log[3]);
  const auto& assigned = std::get<v1::PersonAssigned>(log[4]);
  const auto& status = std::get<v1::PostStatusChanged>(log[5]);
  EXPECT_EQ(proposed.kind(), v1::CHANGE_KIND_PERSONNEL);
  EXPECT_EQ(exchange.change_id(), proposed.change_id());
  EXPECT_EQ(exchange.form(), v1::EXCHANGE_FORM_VISIO);
  EXPECT_EQ(exchange.cdt(), kCdt);
  EXPECT_EQ(applied.change_id(), proposed.change_id());
  EXPECT_EQ(applied.exchange_id(), "echange-1");  // the one named, not the last
  EXPECT_EQ(applied.kind(), v1::CHANGE_KIND_PERSONNEL);
  EXPECT_EQ(assigned.change_id(), applied.change_id());
  EXPECT_EQ(assigned.assignment().person(), kAgent);
  EXPECT_EQ(status.from(), v1::POST_STATUS_A_CREER);
  EXPECT_EQ(status.to(), v1::POST_STATUS_POURVU);

  const ChangeRecord* change = FindChange(state, "arrivee");
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->status, ChangeStatus::kApplied);
  EXPECT_EQ(change->exchanges.size(), 2u);
  EXPECT_EQ(change->applied_exchange_id, "echange-1");
  EXPECT_EQ(FindAssignment(state, "titulaire-1")->change_id, "arrivee");
}

TEST(ChangeControlTest, EveryKindAppliesItsFacts) {
  World world = DefaultWorld();
  PostState state = HeldPost(world);
  ASSERT_EQ(state.status, v1::POST_STATUS_POURVU);

  auto applied_events = [&](const v1::ChangeProposed& change) {
    Apply(state, ProposeChange{change, Party::kCaf}, world.ForPost());
    Apply(state,
          RecordCdtExchange{ExchangeOf(change.change_id(), change.change_id() + "-x"), kToday,
                            Party::kCaf},
          world.ForPost());
    auto events =
        Decide(state, ApplyChange{change.change_id(), "", Date(2025, 11, 1), Party::kEmployer},
               world.ForPost());
    EXPECT_TRUE(events.ok()) << events.status();
    if (events.ok()) {
      for (const PostEvent& event : *events) Evolve(state, event, kTime);
      return TypeNames(*events);
    }
    return std::vector<std::string>{};
  };

  EXPECT_THAT(applied_events(OrganisationProposal("organisation", 100, "Direction générale")),
              ElementsAre("ChangeApplied", "PostEtpChanged", "PostAttachmentChanged"));
  EXPECT_EQ(state.etp_hundredths, 100);
  EXPECT_EQ(state.rattachement, "Direction générale");
  // Unchanged values apply no fact.
  EXPECT_THAT(applied_events(OrganisationProposal("meme", 100, "Direction générale")),
              ElementsAre("ChangeApplied"));
  EXPECT_THAT(
      applied_events(MissionsProposal("missions", {MissionOf(v1::MISSION_AREA_EVALUATION)})),
      ElementsAre("ChangeApplied", "PostMissionsChanged"));
  ASSERT_EQ(state.missions.size(), 1u);
  EXPECT_THAT(applied_events(ThematiquesProposal("thematiques", {v1::THEMATIQUE_LOGEMENT})),
              ElementsAre("ChangeApplied", "PostThematiquesChanged"));
  EXPECT_THAT(state.thematiques, ElementsAre(v1::THEMATIQUE_LOGEMENT));
  // The titulaire leaves: the post becomes VACANT.
  EXPECT_THAT(applied_events(PersonnelProposal("depart", {}, {ClosureOf("titulaire-1")})),
              ElementsAre("ChangeApplied", "AssignmentEnded", "PostStatusChanged"));
  EXPECT_EQ(state.status, v1::POST_STATUS_VACANT);
  EXPECT_FALSE(FindAssignment(state, "titulaire-1")->active);
}

TEST(ChangeControlTest, EtpChangeCarriesThePreviousEtp) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  Apply(state, ProposeChange{OrganisationProposal("etp", 50, std::nullopt), Party::kEmployer},
        world.ForPost());
  Apply(state, RecordCdtExchange{ExchangeOf("etp", "x-1"), kToday, Party::kCaf}, world.ForPost());
  ASSERT_OK_AND_ASSIGN(
      auto events,
      Decide(state, ApplyChange{"etp", "", Date(2026, 1, 1), Party::kEmployer}, world.ForPost()));
  const auto& etp = std::get<v1::PostEtpChanged>(events[1]);
  EXPECT_EQ(etp.etp_hundredths(), 50);
  EXPECT_EQ(etp.previous_etp_hundredths(), 80);
  EXPECT_EQ(etp.change_id(), "etp");
  EXPECT_TRUE(platform::SameDate(std::get<v1::ChangeApplied>(events[0]).effective_date(), Date(2026, 1, 1)));
}

// ---------------------------------------------------------------------------------------------
// WithdrawChange

using WithdrawCase = Case<PostState, WithdrawChange>;
class WithdrawChangeTest : public ::testing::TestWithParam<WithdrawCase> {};

TEST_P(WithdrawChangeTest, Decides) {
  World world = DefaultWorld();
  ExpectOutcome(GetParam(), Discussed(world),
                WithdrawChange{"arrivee", "La candidate s'est désistée", Party::kEmployer}, world);
}

const WithdrawCase kWithdrawCases[] = {
    {"Withdrawn", Unchanged<PostState, WithdrawChange>, Emits({"ChangeWithdrawn"})},
    {"ByTheCaf", [](PostState&, WithdrawChange& c, World&) { c.party = Party::kCaf; },
     Emits({"ChangeWithdrawn"})},
    {"WithoutReason", [](PostState&, WithdrawChange& c, World&) { c.reason = " "; },
     BreaksRule("REASON_REQUIRED")},
    {"Applied",
     [](PostState& s, WithdrawChange&, World& w) {
       Apply(s, ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer}, w.ForPost());
     },
     BreaksRule("CHANGE_NOT_PENDING")},
    {"Unknown", [](PostState&, WithdrawChange& c, World&) { c.change_id = "inconnu"; },
     Fails(kNotFound)},
    {"NoSide", [](PostState&, WithdrawChange& c, World&) { c.party = Party::kUnspecified; },
     BreaksRule("WRONG_PARTY")},
};

INSTANTIATE_TEST_SUITE_P(Table, WithdrawChangeTest, ::testing::ValuesIn(kWithdrawCases), CaseName);

// ---------------------------------------------------------------------------------------------
// Personnel rules when a change is applied: assignments, R-5, R-13, the post's ETP

using PersonnelCase = Case<PostState, ApplyChange>;
class PersonnelRulesTest : public ::testing::TestWithParam<PersonnelCase> {};

TEST_P(PersonnelRulesTest, Decides) {
  ExpectOutcome(GetParam(), PostState{},
                ApplyChange{"", "x-1", Date(2025, 10, 1), Party::kEmployer}, DefaultWorld());
}

// A `given` on the held post (titulaire-1: kAgent, 0.8 ETP on a 0.8 post): `change` changes the
// world and the post and returns the personnel change, which is proposed and discussed with
// the CDT (exchange "x-1"); the command applies it.
PersonnelCase::Given ThroughCdt(std::function<v1::ChangeProposed(PostState&, World&)> change) {
  return [change](PostState& state, ApplyChange& command, World& world) {
    state = HeldPost(world);
    const v1::ChangeProposed proposed = change(state, world);
    Apply(state, ProposeChange{proposed, Party::kEmployer}, world.ForPost());
    Apply(state, RecordCdtExchange{ExchangeOf(proposed.change_id(), "x-1"), kToday, Party::kCaf},
          world.ForPost());
    command.change_id = proposed.change_id();
  };
}

// A validated replacement of the titulaire by kReplacer at 0.8 ETP.
ReplacementFacts ValidatedReplacement() {
  return ReplacementFacts{std::string(kPostId), kReplacer, 80, v1::REPLACEMENT_STATUS_VALIDE};
}

v1::ChangeProposed ReplacerArrives(World& world,
                                   v1::ReplacementStatus status = v1::REPLACEMENT_STATUS_VALIDE) {
  ReplacementFacts facts = ValidatedReplacement();
  facts.status = status;
  world.replacements[std::string(kReplacementId)] = facts;
  return PersonnelProposal("remplacement", {AssignmentOf("remplacant-1", kReplacer,
                                                         v1::ASSIGNMENT_TYPE_REMPLACANT, 80)});
}

// The titulaire leaves and `person` arrives at `etp`.
v1::ChangeProposed Succession(const std::string& person, int etp,
                              std::vector<v1::OtherActivity> activities = {}) {
  v1::Assignment arrival = AssignmentOf("titulaire-2", person, v1::ASSIGNMENT_TYPE_TITULAIRE, etp);
  for (const v1::OtherActivity& activity : activities) *arrival.add_other_activities() = activity;
  return PersonnelProposal("succession", {arrival}, {ClosureOf("titulaire-1")});
}

const std::vector<std::string> kReplacerArrives = {"ChangeApplied", "PersonAssigned",
                                                   "PostStatusChanged"};
const std::vector<std::string> kSuccession = {"ChangeApplied", "AssignmentEnded", "PersonAssigned"};

const PersonnelCase kPersonnelCases[] = {
    // Ends.
    {"EndUnknownAssignment", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal("fin", {}, {ClosureOf("inconnue")});
     }),
     BreaksRule("ASSIGNMENT_NOT_ACTIVE").With("assignment", "inconnue")},
    {"EndBeforeItStarted", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal("fin", {}, {ClosureOf("titulaire-1", Date(2025, 9, 1))});
     }),
     BreaksRule("END_BEFORE_START")},
    {"EndOnItsFirstDay", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal("fin", {}, {ClosureOf("titulaire-1", Date(2025, 10, 1))});
     }),
     Emits({"ChangeApplied", "AssignmentEnded", "PostStatusChanged"})},
    {"EndTwice", ThroughCdt([](PostState& s, World& w) {
       ApplyThroughCdt(s, PersonnelProposal("fin-1", {}, {ClosureOf("titulaire-1")}), w);
       return PersonnelProposal("fin-2", {}, {ClosureOf("titulaire-1")});
     }),
     BreaksRule("ASSIGNMENT_NOT_ACTIVE")},
    // Starts.
    {"AssignmentIdTaken", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal(
           "doublon", {AssignmentOf("titulaire-1", kCandidate, v1::ASSIGNMENT_TYPE_TITULAIRE, 10)});
     }),
     Fails(kExists)},
    // a remplaçant needs a replacement validated by the Caf.
    {"ReplacerWithValidatedReplacement",
     ThroughCdt([](PostState&, World& w) { return ReplacerArrives(w); }), Emits(kReplacerArrives)},
    {"ReplacerWithRunningReplacement", ThroughCdt([](PostState&, World& w) {
       return ReplacerArrives(w, v1::REPLACEMENT_STATUS_EN_COURS);
     }),
     Emits(kReplacerArrives)},
    {"ReplacementOnlyRequested", ThroughCdt([](PostState&, World& w) {
       return ReplacerArrives(w, v1::REPLACEMENT_STATUS_DEMANDE);
     }),
     BreaksRule("CAF_VALIDATION_REQUIRED")
         .With("rule", "R-5")
         .With("status", "REPLACEMENT_STATUS_DEMANDE")},
    {"ReplacementRefused", ThroughCdt([](PostState&, World& w) {
       return ReplacerArrives(w, v1::REPLACEMENT_STATUS_REFUSE);
     }),
     BreaksRule("CAF_VALIDATION_REQUIRED")},
    {"ReplacementOver", ThroughCdt([](PostState&, World& w) {
       return ReplacerArrives(w, v1::REPLACEMENT_STATUS_TERMINE);
     }),
     BreaksRule("REPLACEMENT_MISMATCH").With("field", "status")},
    {"ReplacementUnknown", ThroughCdt([](PostState&, World& w) {
       v1::ChangeProposed change = ReplacerArrives(w);
       w.replacements.clear();
       return change;
     }),
     BreaksRule("REPLACEMENT_NOT_FOUND").With("replacement", kReplacement)},
    {"ReplacementOfAnotherPost", ThroughCdt([](PostState&, World& w) {
       v1::ChangeProposed change = ReplacerArrives(w);
       w.replacements[std::string(kReplacementId)].post_id = std::string(kOtherPostId);
       return change;
     }),
     BreaksRule("REPLACEMENT_MISMATCH").With("field", "post")},
    {"ReplacementOfAnotherPerson", ThroughCdt([](PostState&, World& w) {
       v1::ChangeProposed change = ReplacerArrives(w);
       w.replacements[std::string(kReplacementId)].person = kCandidate;
       return change;
     }),
     BreaksRule("REPLACEMENT_MISMATCH").With("field", "person")},
    {"ReplacementOfAnotherEtp", ThroughCdt([](PostState&, World& w) {
       v1::ChangeProposed change = ReplacerArrives(w);
       w.replacements[std::string(kReplacementId)].etp_hundredths = 50;
       return change;
     }),
     BreaksRule("REPLACEMENT_MISMATCH").With("field", "etp_hundredths")},
    // A titulaire may come from a recruitment, which must have hired them for this post.
    {"FromTheRecruitment", ThroughCdt([](PostState&, World& w) {
       w.recruitments[std::string(kRecruitmentId)] = {std::string(kPostId), kCandidate};
       v1::ChangeProposed change = Succession(kCandidate, 80);
       change.mutable_personnel()->mutable_assign(0)->set_recruitment(kRecruitment);
       return change;
     }),
     Emits(kSuccession)},
    {"RecruitmentUnknown", ThroughCdt([](PostState&, World&) {
       v1::ChangeProposed change = Succession(kCandidate, 80);
       change.mutable_personnel()->mutable_assign(0)->set_recruitment(kRecruitment);
       return change;
     }),
     BreaksRule("RECRUITMENT_NOT_FOUND")},
    {"RecruitmentNotConcluded", ThroughCdt([](PostState&, World& w) {
       w.recruitments[std::string(kRecruitmentId)] = {std::string(kPostId), ""};
       v1::ChangeProposed change = Succession(kCandidate, 80);
       change.mutable_personnel()->mutable_assign(0)->set_recruitment(kRecruitment);
       return change;
     }),
     BreaksRule("RECRUITMENT_MISMATCH").With("field", "person")},
    {"RecruitmentOfAnotherPost", ThroughCdt([](PostState&, World& w) {
       w.recruitments[std::string(kRecruitmentId)] = {std::string(kOtherPostId), kCandidate};
       v1::ChangeProposed change = Succession(kCandidate, 80);
       change.mutable_personnel()->mutable_assign(0)->set_recruitment(kRecruitment);
       return change;
     }),
     BreaksRule("RECRUITMENT_MISMATCH").With("field", "post")},
    // the person's total, other posts and declared activities included, is at most 1.0.
    {"ExactlyFullTime", ThroughCdt([](PostState&, World& w) {
       w.workloads[kCandidate].assignments.push_back({"cdc-coteaux", "t-9", 10});
       return Succession(kCandidate, 80, {ActivityOf("Coordination jeunesse", 10)});
     }),
     Emits(kSuccession)},
    {"OneHundredthOver", ThroughCdt([](PostState&, World& w) {
       w.workloads[kCandidate].assignments.push_back({"cdc-coteaux", "t-9", 10});
       return Succession(kCandidate, 80, {ActivityOf("Coordination jeunesse", 11)});
     }),
     BreaksRule("ETP_EXCEEDED")
         .With("total", "1.01")
         .With("limit", "1.00")
         .With("rule", "R-13")
         .With("person", kCandidate)},
    // The activities are the person's, whichever assignment declared them (issue: an
    // assignment declaring nothing used to drop the ones declared on another post).
    {"ActivitiesDeclaredOnAnotherPostCount", ThroughCdt([](PostState&, World& w) {
       w.workloads[kCandidate].assignments.push_back(
           {"cdc-coteaux", "t-9", 10, Date(2025, 1, 6), {ActivityOf("Coordination jeunesse", 40)}});
       return Succession(kCandidate, 80);
     }),
     BreaksRule("ETP_EXCEEDED").With("total", "1.30").With("rule", "R-13")},
    {"AnActivityDeclaredTwiceCountsOnce", ThroughCdt([](PostState&, World& w) {
       w.workloads[kCandidate].assignments.push_back(
           {"cdc-coteaux", "t-9", 10, Date(2025, 1, 6), {ActivityOf("Coordination jeunesse", 10)}});
       return Succession(kCandidate, 80, {ActivityOf("  Coordination jeunesse ", 10)});
     }),
     Emits(kSuccession)},
    {"TheLatestDeclarationGivesTheActivityItsTime", ThroughCdt([](PostState&, World& w) {
       // Declared at 0.60 on the older assignment, at 0.10 on the new one: 0.10 + 0.10 + 0.80.
       w.workloads[kCandidate].assignments.push_back(
           {"cdc-coteaux", "t-9", 10, Date(2025, 1, 6), {ActivityOf("Coordination jeunesse", 60)}});
       return Succession(kCandidate, 80, {ActivityOf("Coordination jeunesse", 10)});
     }),
     Emits(kSuccession)},
    {"AnOlderDeclarationDoesNotOverrideANewerOne", ThroughCdt([](PostState&, World& w) {
       // The other post's assignment starts after the new one: its 0.60 is the current time.
       w.workloads[kCandidate].assignments.push_back(
           {"cdc-coteaux", "t-9", 10, Date(2026, 1, 5), {ActivityOf("Coordination jeunesse", 60)}});
       return Succession(kCandidate, 80, {ActivityOf("Coordination jeunesse", 10)});
     }),
     BreaksRule("ETP_EXCEEDED").With("total", "1.50")},
    {"ThisPostTrustsItsOwnStream", ThroughCdt([](PostState&, World& w) {
       // A stale read model still lists the ended assignment on this post: not counted.
       w.workloads[kAgent].assignments.push_back({std::string(kPostId), "titulaire-1", 80});
       return Succession(kAgent, 80, {ActivityOf("Animation du RPE", 20)});
     }),
     Emits(kSuccession)},
    {"SamePersonTwiceOnThePost", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal(
           "cumul", {AssignmentOf("titulaire-2", kAgent, v1::ASSIGNMENT_TYPE_TITULAIRE, 30)});
     }),
     BreaksRule("ETP_EXCEEDED").With("total", "1.10")},
    // The post's ETP bounds its titulaires and its remplaçants.
    {"HoldersAboveThePostEtp", ThroughCdt([](PostState&, World&) {
       return PersonnelProposal(
           "binome", {AssignmentOf("titulaire-2", kCandidate, v1::ASSIGNMENT_TYPE_TITULAIRE, 10)});
     }),
     BreaksRule("POST_ETP_EXCEEDED")
         .With("type", "ASSIGNMENT_TYPE_TITULAIRE")
         .With("total", "0.90")
         .With("limit", "0.80")},
    {"JobSharingWithinThePostEtp", ThroughCdt([](PostState&, World&) {
       v1::Assignment first =
           AssignmentOf("titulaire-2", kCandidate, v1::ASSIGNMENT_TYPE_TITULAIRE, 40);
       v1::Assignment second =
           AssignmentOf("titulaire-3", kOtherCandidate, v1::ASSIGNMENT_TYPE_TITULAIRE, 40);
       return PersonnelProposal("binome", {first, second}, {ClosureOf("titulaire-1")});
     }),
     Emits({"ChangeApplied", "AssignmentEnded", "PersonAssigned", "PersonAssigned"})},
    {"EtpLoweredUnderTheHolder",
     ThroughCdt([](PostState&, World&) { return OrganisationProposal("etp", 50, std::nullopt); }),
     BreaksRule("POST_ETP_EXCEEDED").With("total", "0.80").With("limit", "0.50")},
};

INSTANTIATE_TEST_SUITE_P(Table, PersonnelRulesTest, ::testing::ValuesIn(kPersonnelCases), CaseName);

TEST(PersonnelStatusTest, AssignmentsMoveTheStatus) {
  World world = DefaultWorld();
  world.replacements[std::string(kReplacementId)] = ValidatedReplacement();
  // From VACANT and EN_RECRUTEMENT, a titulaire makes the post POURVU.
  for (v1::PostStatus from : {v1::POST_STATUS_VACANT, v1::POST_STATUS_EN_RECRUTEMENT}) {
    PostState state = CreatedPost(world);
    Apply(state, TransitionPost{from, "", Party::kEmployer}, world.ForPost());
    ApplyThroughCdt(state, Arrival(), world);
    EXPECT_EQ(state.status, v1::POST_STATUS_POURVU) << v1::PostStatus_Name(from);
  }
  PostState state = HeldPost(world);
  ApplyThroughCdt(state, ReplacerArrives(world), world);
  EXPECT_EQ(state.status, v1::POST_STATUS_EN_REMPLACEMENT);
  // The titulaire leaves while replaced: still EN_REMPLACEMENT (no status event).
  Apply(
      state,
      ProposeChange{PersonnelProposal("depart", {}, {ClosureOf("titulaire-1")}), Party::kEmployer},
      world.ForPost());
  Apply(state, RecordCdtExchange{ExchangeOf("depart", "x-depart"), kToday, Party::kCaf},
        world.ForPost());
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(state, ApplyChange{"depart", "", Date(2026, 1, 1), Party::kEmployer},
                              world.ForPost()));
  EXPECT_THAT(TypeNames(events), ElementsAre("ChangeApplied", "AssignmentEnded"));
  for (const PostEvent& event : events) Evolve(state, event, kTime);
  // The remplaçant's end leaves the post VACANT.
  ApplyThroughCdt(state, PersonnelProposal("fin-remplacement", {}, {ClosureOf("remplacant-1")}),
                  world);
  EXPECT_EQ(state.status, v1::POST_STATUS_VACANT);
}

TEST(PersonnelStatusTest, TheTitulaireBackEndsTheReplacement) {
  World world = DefaultWorld();
  world.replacements[std::string(kReplacementId)] = ValidatedReplacement();
  PostState state = HeldPost(world);
  ApplyThroughCdt(state, ReplacerArrives(world), world);
  ApplyThroughCdt(state, PersonnelProposal("retour", {}, {ClosureOf("remplacant-1")}), world);
  EXPECT_EQ(state.status, v1::POST_STATUS_POURVU);
}

TEST(PersonnelStatusTest, ASuspendedPostStaysSuspended) {
  World world = DefaultWorld();
  PostState state = HeldPost(world);
  Apply(state, TransitionPost{v1::POST_STATUS_SUSPENDU, "Audit", Party::kEmployer},
        world.ForPost());
  ApplyThroughCdt(state, PersonnelProposal("depart", {}, {ClosureOf("titulaire-1")}), world);
  EXPECT_EQ(state.status, v1::POST_STATUS_SUSPENDU);
  EXPECT_EQ(StatusFromAssignments(state), v1::POST_STATUS_SUSPENDU);
}

TEST(DeletedPostTest, EveryChangeIsRefused) {
  World world = DefaultWorld();
  PostState state = Discussed(world);
  state.status = v1::POST_STATUS_SUPPRIME;
  const PostLookups lookups = world.ForPost();
  const std::vector<absl::Status> refusals = {
      Decide(state, RecordCofinancing{CofinancingOf(2025, 1), Party::kEmployer}, lookups).status(),
      Decide(state, RecordCafFunding{FundingOf(2025, 1), kToday, Party::kCaf}, lookups).status(),
      Decide(state, ProposeChange{Arrival(), Party::kEmployer}, lookups).status(),
      Decide(state, RecordCdtExchange{ExchangeOf("arrivee", "x-2"), kToday, Party::kCaf}, lookups)
          .status(),
      Decide(state, ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer}, lookups)
          .status(),
      Decide(state, WithdrawChange{"arrivee", "Fin", Party::kEmployer}, lookups).status(),
  };
  for (const absl::Status& status : refusals) {
    EXPECT_EQ(Reason(status), "POST_DELETED") << status;
  }
  for (const absl::Status& status :
       {Decide(PostState{}, RecordCofinancing{CofinancingOf(2025, 1), Party::kEmployer}, lookups)
            .status(),
        Decide(PostState{}, WithdrawChange{"arrivee", "Fin", Party::kEmployer}, lookups)
            .status()}) {
    EXPECT_EQ(status.code(), kNotFound);
  }
}

// ---------------------------------------------------------------------------------------------
// Warnings (R-1b)

TEST(WarningsTest, MissionsCoverTheReferentiel) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  EXPECT_THAT(Warnings(state), IsEmpty());
  state.missions = {MissionOf(v1::MISSION_AREA_DIAGNOSTICS),
                    MissionOf(v1::MISSION_AREA_LOCALE, "Veille")};
  const auto warnings = Warnings(state);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rule(), "R-1b");
  EXPECT_EQ(warnings[0].reason(), "MISSIONS_INCOMPLETE");
  EXPECT_THAT(warnings[0].message(), HasSubstr("évaluation"));
  EXPECT_THAT(warnings[0].message(), ::testing::Not(HasSubstr("diagnostics")));
}

// ---------------------------------------------------------------------------------------------
// Evolve by replay, tags, codec

TEST(EvolveTest, ReplayingTheLogGivesThePost) {
  World world = DefaultWorld();
  world.replacements[std::string(kReplacementId)] = ValidatedReplacement();
  std::vector<PostEvent> log;
  PostState state;
  absl::Time time = kTime;
  auto decide_and_fold = [&](const auto& command) {
    auto events = Decide(state, command, world.ForPost());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const PostEvent& event : *events) {
      Evolve(state, event, time);
      log.push_back(event);
    }
    time += absl::Hours(1);
  };
  decide_and_fold(NewPost());
  decide_and_fold(TransitionPost{v1::POST_STATUS_EN_RECRUTEMENT, "", Party::kEmployer});
  decide_and_fold(RecordCofinancing{CofinancingOf(2025, 1'800'000), Party::kEmployer});
  decide_and_fold(RecordCafFunding{FundingOf(2025, 1'800'000), kToday, Party::kCaf});
  for (const v1::ChangeProposed& change :
       {Arrival(), ReplacerArrives(world),
        ThematiquesProposal("thematiques", {v1::THEMATIQUE_SENIORS})}) {
    decide_and_fold(ProposeChange{change, Party::kEmployer});
    decide_and_fold(RecordCdtExchange{ExchangeOf(change.change_id(), change.change_id() + "-x"),
                                      kToday, Party::kCaf});
    decide_and_fold(ApplyChange{change.change_id(), "", Date(2025, 10, 1), Party::kEmployer});
  }
  decide_and_fold(ProposeChange{OrganisationProposal("abandon", 100, std::nullopt), Party::kCaf});
  decide_and_fold(WithdrawChange{"abandon", "Pas de budget", Party::kCaf});
  ASSERT_EQ(log.size(), 20u);

  PostState replayed;
  for (const PostEvent& event : log) Evolve(replayed, event, kTime);
  for (const PostState* post : {&state, &replayed}) {
    EXPECT_TRUE(post->exists);
    EXPECT_EQ(post->post_id, kPostId);
    EXPECT_EQ(post->employer, kEpci);
    EXPECT_EQ(post->status, v1::POST_STATUS_EN_REMPLACEMENT);
    EXPECT_EQ(post->etp_hundredths, 80);
    EXPECT_THAT(post->thematiques, ElementsAre(v1::THEMATIQUE_SENIORS));
    ASSERT_EQ(post->assignments.size(), 2u);
    EXPECT_TRUE(post->assignments[0].active);
    EXPECT_EQ(post->assignments[1].assignment.type(), v1::ASSIGNMENT_TYPE_REMPLACANT);
    ASSERT_EQ(post->changes.size(), 4u);
    EXPECT_EQ(post->changes[3].status, ChangeStatus::kWithdrawn);
    EXPECT_EQ(post->caf_funding.at(2025).amount_cents(), 1'800'000);
  }
  EXPECT_EQ(state.create_time, kTime);
  EXPECT_EQ(state.update_time, time - absl::Hours(1));
}

TEST(TagsTest, PostCtgEmployerPeopleAndCdt) {
  World world = DefaultWorld();
  PostState state = CreatedPost(world);
  const std::vector<std::string> base = {"post:cdc-val-orbe", "ctg:val-orbe-2025", "org:249900028"};
  EXPECT_EQ(Tags(state, v1::PostStatusChanged{}), base);
  ASSERT_OK_AND_ASSIGN(auto proposed,
                       Decide(state, ProposeChange{Arrival(), Party::kEmployer}, world.ForPost()));
  Evolve(state, proposed[0], kTime);
  EXPECT_THAT(Tags(state, proposed[0]),
              ElementsAre(base[0], base[1], base[2], "person:agent-0001"));
  const v1::CdtExchangeRecorded exchange = ExchangeOf("arrivee", "x-1");
  EXPECT_THAT(Tags(state, exchange), ElementsAre(base[0], base[1], base[2], "subject:cdt-0042"));
  PostState held = HeldPost(world);
  v1::AssignmentEnded ended;
  ended.set_person(kAgent);
  EXPECT_THAT(Tags(held, ended), ElementsAre(base[0], base[1], base[2], "person:agent-0001"));
  // A departure proposal names the person leaving, found in the post's state.
  const v1::ChangeProposed departure = PersonnelProposal("depart", {}, {ClosureOf("titulaire-1")});
  EXPECT_THAT(Tags(held, departure), ElementsAre(base[0], base[1], base[2], "person:agent-0001"));
}

TEST(ParsePostEventTest, RoundTripsEveryEventType) {
  v1::PostCreated created;
  created.set_post_id(std::string(kPostId));
  *created.add_missions() = MissionOf(v1::MISSION_AREA_LOCALE, "SPPE");
  v1::PostStatusChanged status;
  status.set_to(v1::POST_STATUS_SUSPENDU);
  v1::PostCofinancingRecorded cofinancing = CofinancingOf(2025, 1);
  v1::PostCafFundingRecorded funding = FundingOf(2025, 2);
  v1::ChangeProposed proposed = Arrival();
  v1::CdtExchangeRecorded exchange = ExchangeOf("arrivee", "x-1");
  v1::ChangeApplied applied;
  applied.set_exchange_id("x-1");
  v1::ChangeWithdrawn withdrawn;
  withdrawn.set_change_id("arrivee");
  v1::PostEtpChanged etp;
  etp.set_etp_hundredths(50);
  v1::PostAttachmentChanged attachment;
  attachment.set_rattachement("DGS");
  v1::PostMissionsChanged missions;
  *missions.add_missions() = MissionOf(v1::MISSION_AREA_EVALUATION);
  v1::PostThematiquesChanged thematiques;
  thematiques.add_thematiques(v1::THEMATIQUE_CULTURE);
  v1::PersonAssigned assigned;
  *assigned.mutable_assignment() = AssignmentOf("a-1", kAgent, v1::ASSIGNMENT_TYPE_TITULAIRE, 80);
  v1::AssignmentEnded ended;
  ended.set_assignment_id("a-1");
  const std::vector<PostEvent> events = {created,  status,      cofinancing, funding, proposed,
                                         exchange, applied,     withdrawn,   etp,     attachment,
                                         missions, thematiques, assigned,    ended};
  ASSERT_EQ(events.size(), std::variant_size_v<PostEvent>);
  for (const PostEvent& event : events) {
    const google::protobuf::Message& message = AsMessage(event);
    ASSERT_OK_AND_ASSIGN(PostEvent parsed, ParsePostEvent(message.GetDescriptor()->full_name(),
                                                          message.SerializeAsString()));
    EXPECT_EQ(parsed.index(), event.index());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AsMessage(parsed), message))
        << message.GetDescriptor()->full_name();
  }
  EXPECT_THAT(ParsePostEvent("ctg.v1.RecruitmentOpened", ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("a post's")));
  EXPECT_THAT(ParsePostEvent("ctg.v1.PostCreated", std::string(11, '\xFF')),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

}  // namespace
}  // namespace ctg::staffing
