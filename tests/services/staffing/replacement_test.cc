// The Replacement decider (research §4.4): the time rule at its boundaries, the
// request's fields and rules, every (status, command) pair, the Caf's validation beforehand,
// the sides, Evolve by replay, tags and the event codec.
#include "services/platform/dates.h"
#include "services/staffing/replacement.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/services/staffing/staffing_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace ctg::staffing {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using namespace ::ctg::staffing::testing;  // NOLINT: the fixtures of this test

constexpr auto kFailed = absl::StatusCode::kFailedPrecondition;

using Events = absl::StatusOr<std::vector<ReplacementEvent>>;

v1::ActivityReduction ReductionOf(absl::string_view activity, int etp) {
  v1::ActivityReduction reduction;
  reduction.set_activity(std::string(activity));
  reduction.set_etp_hundredths(etp);
  return reduction;
}

// The world with the held post (titulaire-1: kAgent, 0.8 ETP).
World WithHeldPost() {
  World world = DefaultWorld();
  world.posts[std::string(kPostId)] = HeldPost(world);
  return world;
}

// kReplacer replaces the titulaire at 0.3 ETP from 2026-01-05 to 2026-06-30.
RequestReplacement Request() {
  return RequestReplacement{std::string(kReplacementId),
                            kPost,
                            kReplacer,
                            "titulaire-1",
                            30,
                            Date(2026, 1, 5),
                            Date(2026, 6, 30),
                            std::nullopt,
                            Party::kEmployer};
}

// ---------------------------------------------------------------------------------------------
// The time rule

struct TimeCase {
  std::string name;
  std::vector<int> assignments;                         // ETPs on posts
  std::vector<std::pair<std::string, int>> activities;  // other activities
  int replacement;                                      // the replacement's ETP
  std::optional<std::pair<std::string, int>> reduction;
  std::string error;  // "" if allowed
  std::string total;  // ETP_EXCEEDED's total
};
void PrintTo(const TimeCase& test, std::ostream* os) { *os << test.name; }

Workload WorkloadOf(const TimeCase& test) {
  Workload workload;
  int n = 0;
  for (int etp : test.assignments) {
    workload.assignments.push_back({absl::StrCat("poste-", ++n), "titulaire", etp});
  }
  for (const auto& [label, etp] : test.activities) {
    workload.other_activities.push_back(ActivityOf(label, etp));
  }
  return workload;
}

class ReplacementTimeTest : public ::testing::TestWithParam<TimeCase> {};

TEST_P(ReplacementTimeTest, DirectlyAndThroughTheRequest) {
  const TimeCase& test = GetParam();
  std::optional<v1::ActivityReduction> reduction;
  if (test.reduction) reduction = ReductionOf(test.reduction->first, test.reduction->second);
  const absl::Status direct = CheckReplacementTime(kReplacer, WorkloadOf(test), test.replacement,
                                                   reduction ? &*reduction : nullptr);

  World world = WithHeldPost();
  world.workloads[kReplacer] = WorkloadOf(test);
  RequestReplacement command = Request();
  command.etp_hundredths = test.replacement;
  command.reduction = reduction;
  const Events events = Decide(ReplacementState{}, command, world.ForReplacement());

  if (test.error.empty()) {
    EXPECT_OK(direct);
    EXPECT_OK(events);
    return;
  }
  for (const absl::Status& status : {direct, events.status()}) {
    EXPECT_THAT(status, StatusIs(kFailed, HasSubstr("R-5")));
    EXPECT_EQ(Reason(status), test.error);
  }
  if (test.error == "ETP_EXCEEDED") {
    EXPECT_THAT(Metadata(events.status()),
                UnorderedElementsAre(Pair("person", kReplacer), Pair("total", test.total),
                                     Pair("limit", "1.00"), Pair("rule", "R-5")));
  }
}

const TimeCase kTimeCases[] = {
    {"NoOtherWorkAndAFullTimeReplacement", {}, {}, 100, std::nullopt, "", ""},
    {"ExactlyOneEtp", {50}, {{"Animation du RPE", 30}}, 20, std::nullopt, "", ""},
    {"OneHundredthOver",
     {50},
     {{"Animation du RPE", 30}},
     21,
     std::nullopt,
     "ETP_EXCEEDED",
     "1.01"},
    {"SeveralPostsAddUp", {40, 30}, {}, 31, std::nullopt, "ETP_EXCEEDED", "1.01"},
    {"FullTimeWithoutReduction",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::nullopt,
     "ETP_EXCEEDED",
     "1.20"},
    {"FullTimeReducedByTheReplacementsEtp",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 20},
     "",
     ""},
    {"FullTimeReducedByMore",
     {60},
     {{"Animation du RPE", 40}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 30},
     "",
     ""},
    {"FullTimeReducedByLess",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 19},
     "ETP_EXCEEDED",
     "1.20"},
    {"ReductionSmallerThanTheReplacement",
     {70},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 10},
     "ETP_EXCEEDED",
     "1.10"},
    {"AlreadyAboveFullTime",
     {80},
     {{"Animation du RPE", 30}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 20},
     "ETP_EXCEEDED",
     "1.30"},
    {"ReductionNotNeeded",
     {50},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 10},
     "",
     ""},
    {"ReductionOfAnUnknownActivity",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Accueil du LAEP", 20},
     "ACTIVITY_NOT_FOUND",
     ""},
    {"ReductionAboveTheActivity",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"Animation du RPE", 30},
     "REDUCTION_EXCEEDS_ACTIVITY",
     ""},
    {"ActivityNamedWithSpaces",
     {80},
     {{"Animation du RPE", 20}},
     20,
     std::pair<std::string, int>{"  Animation du RPE ", 20},
     "",
     ""},
};

INSTANTIATE_TEST_SUITE_P(Table, ReplacementTimeTest, ::testing::ValuesIn(kTimeCases), CaseName);

// ---------------------------------------------------------------------------------------------
// RequestReplacement

using RequestCase = Case<ReplacementState, RequestReplacement>;
class RequestReplacementTest : public ::testing::TestWithParam<RequestCase> {};

TEST_P(RequestReplacementTest, Decides) {
  ExpectOutcome(GetParam(), ReplacementState{}, Request(), WithHeldPost());
}

const std::vector<std::string> kRequested = {"ReplacementRequested"};

const RequestCase kRequestCases[] = {
    {"Requested", Unchanged<ReplacementState, RequestReplacement>, Emits(kRequested)},
    {"WithoutEndNorReplacedAssignment",
     [](ReplacementState&, RequestReplacement& c, World&) {
       c.end_date.reset();
       c.replaced_assignment_id.clear();
     },
     Emits(kRequested)},
    {"OneDay", [](ReplacementState&, RequestReplacement& c, World&) { c.end_date = c.start_date; },
     Emits(kRequested)},
    // Bad fields.
    {"IdMissing",
     [](ReplacementState&, RequestReplacement& c, World&) { c.replacement_id.clear(); },
     RejectsFields({"replacement_id"})},
    {"PostMalformed",
     [](ReplacementState&, RequestReplacement& c, World&) { c.post = "post-cdc-val-orbe"; },
     RejectsFields({"post"})},
    {"PersonByName",
     [](ReplacementState&, RequestReplacement& c, World&) { c.person = "Julie Bernard"; },
     RejectsFields({"person"})},
    {"EtpZero", [](ReplacementState&, RequestReplacement& c, World&) { c.etp_hundredths = 0; },
     RejectsFields({"etp_hundredths"})},
    {"EtpAboveFullTime",
     [](ReplacementState&, RequestReplacement& c, World&) { c.etp_hundredths = 101; },
     RejectsFields({"etp_hundredths"})},
    {"EndBeforeStart",
     [](ReplacementState&, RequestReplacement& c, World&) { c.end_date = Date(2026, 1, 4); },
     RejectsFields({"end_date"})},
    {"NoStart", [](ReplacementState&, RequestReplacement& c, World&) { c.start_date.Clear(); },
     RejectsFields({"start_date"})},
    {"ReductionWithoutActivity",
     [](ReplacementState&, RequestReplacement& c, World&) { c.reduction = ReductionOf("", 0); },
     RejectsFields({"reduction.activity", "reduction.etp_hundredths"})},
    {"ReplacedAssignmentMalformed",
     [](ReplacementState&, RequestReplacement& c, World&) { c.replaced_assignment_id = "T1"; },
     RejectsFields({"replaced_assignment_id"})},
    // Rules.
    {"CafSide", [](ReplacementState&, RequestReplacement& c, World&) { c.party = Party::kCaf; },
     BreaksRule("WRONG_PARTY")},
    {"UnknownPost",
     [](ReplacementState&, RequestReplacement& c, World&) { c.post = PostName("inconnu"); },
     BreaksRule("POST_NOT_FOUND")},
    {"DeletedPost",
     [](ReplacementState&, RequestReplacement&, World& w) {
       w.posts[std::string(kPostId)].status = v1::POST_STATUS_SUPPRIME;
     },
     BreaksRule("POST_DELETED")},
    {"UnknownReplacedAssignment",
     [](ReplacementState&, RequestReplacement& c, World&) {
       c.replaced_assignment_id = "titulaire-9";
     },
     BreaksRule("ASSIGNMENT_NOT_ACTIVE")},
    {"EndedReplacedAssignment",
     [](ReplacementState&, RequestReplacement&, World& w) {
       w.posts[std::string(kPostId)].assignments[0].active = false;
     },
     BreaksRule("ASSIGNMENT_NOT_ACTIVE")},
    {"ReplacingARemplacant",
     [](ReplacementState&, RequestReplacement&, World& w) {
       w.posts[std::string(kPostId)].assignments[0].assignment.set_type(
           v1::ASSIGNMENT_TYPE_REMPLACANT);
     },
     BreaksRule("ASSIGNMENT_NOT_ACTIVE")},
    {"TooMuchWork",
     [](ReplacementState&, RequestReplacement&, World& w) {
       w.workloads[kReplacer].assignments.push_back({"cdc-coteaux", "t-1", 71});
     },
     BreaksRule("ETP_EXCEEDED")},
    {"AlreadyRequested",
     [](ReplacementState& s, RequestReplacement& c, World& w) { Apply(s, c, w.ForReplacement()); },
     Fails(absl::StatusCode::kAlreadyExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, RequestReplacementTest, ::testing::ValuesIn(kRequestCases),
                         CaseName);

TEST(RequestReplacementTest, TheEventCarriesTheRequestAndThePostsCtgAndEmployer) {
  const World world = WithHeldPost();
  RequestReplacement command = Request();
  command.reduction = ReductionOf(" Animation du RPE ", 30);
  Workload workload;
  workload.other_activities.push_back(ActivityOf("Animation du RPE", 40));
  workload.assignments.push_back({"cdc-coteaux", "t-1", 60});
  World busy = world;
  busy.workloads[kReplacer] = workload;
  ASSERT_OK_AND_ASSIGN(auto events, Decide(ReplacementState{}, command, busy.ForReplacement()));
  const auto& requested = std::get<v1::ReplacementRequested>(events[0]);
  EXPECT_EQ(requested.replacement_id(), kReplacementId);
  EXPECT_EQ(requested.post(), kPost);
  EXPECT_EQ(requested.ctg(), kCtg);
  EXPECT_EQ(requested.employer(), kEpci);
  EXPECT_EQ(requested.person(), kReplacer);
  EXPECT_EQ(requested.replaced_assignment_id(), "titulaire-1");
  EXPECT_EQ(requested.etp_hundredths(), 30);
  EXPECT_TRUE(platform::SameDate(requested.end_date(), Date(2026, 6, 30)));
  EXPECT_EQ(requested.reduction().activity(), "Animation du RPE");
  EXPECT_EQ(requested.reduction().etp_hundredths(), 30);
}

// ---------------------------------------------------------------------------------------------
// The lifecycle: every (status, command) pair

ReplacementState ReplacementIn(v1::ReplacementStatus status) {
  const World world = WithHeldPost();
  const ReplacementLookups lookups = world.ForReplacement();
  ReplacementState state;
  Apply(state, Request(), lookups);
  switch (status) {
    case v1::REPLACEMENT_STATUS_DEMANDE:
      break;
    case v1::REPLACEMENT_STATUS_REFUSE:
      Apply(state,
            RefuseReplacement{Date(2025, 9, 1), std::string(kCdt), "Temps non identifié", kToday,
                              Party::kCaf},
            lookups);
      break;
    case v1::REPLACEMENT_STATUS_ANNULE:
      Apply(state, CancelReplacement{"Retour anticipé de la titulaire", Party::kEmployer}, lookups);
      break;
    default:
      Apply(state,
            ValidateReplacement{Date(2025, 9, 1), std::string(kCdt), "", kToday, Party::kCaf},
            lookups);
      if (status == v1::REPLACEMENT_STATUS_VALIDE) break;
      Apply(state, StartReplacement{Date(2025, 9, 8), kToday, Party::kEmployer}, lookups);
      if (status == v1::REPLACEMENT_STATUS_EN_COURS) break;
      Apply(state,
            EndReplacement{kToday, v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, "", kToday,
                           Party::kEmployer},
            lookups);
  }
  return state;
}

struct ReplacementColumn {
  std::string name;
  std::string event;
  std::function<Events(const ReplacementState&)> decide;
};

const std::vector<ReplacementColumn>& ReplacementColumns() {
  static const auto* const columns = new std::vector<ReplacementColumn>{
      {"Validate", "ReplacementValidated",
       [](const ReplacementState& s) {
         return Decide(s, ValidateReplacement{kToday, std::string(kCdt), "", kToday, Party::kCaf},
                       ReplacementLookups{});
       }},
      {"Refuse", "ReplacementRefused",
       [](const ReplacementState& s) {
         return Decide(s,
                       RefuseReplacement{kToday, std::string(kCdt), "Pas de temps identifié",
                                         kToday, Party::kCaf},
                       ReplacementLookups{});
       }},
      {"Start", "ReplacementStarted",
       [](const ReplacementState& s) {
         return Decide(s, StartReplacement{kToday, kToday, Party::kEmployer}, ReplacementLookups{});
       }},
      {"End", "ReplacementEnded",
       [](const ReplacementState& s) {
         return Decide(s,
                       EndReplacement{kToday, v1::REPLACEMENT_OUTCOME_NOUVEAU_RECRUTEMENT, "",
                                      kToday, Party::kEmployer},
                       ReplacementLookups{});
       }},
      {"Cancel", "ReplacementCancelled",
       [](const ReplacementState& s) {
         return Decide(s, CancelReplacement{"Plus nécessaire", Party::kEmployer},
                       ReplacementLookups{});
       }},
  };
  return *columns;
}

// '.' accepted, 'I' INVALID_TRANSITION, 'V' CAF_VALIDATION_REQUIRED. Columns: Validate, Refuse,
// Start, End, Cancel. Rows: every status, in the enum's order.
const std::map<v1::ReplacementStatus, std::string> kReplacementTable = {
    {v1::REPLACEMENT_STATUS_DEMANDE, "..VI."}, {v1::REPLACEMENT_STATUS_VALIDE, "II.I."},
    {v1::REPLACEMENT_STATUS_REFUSE, "IIIII"},  {v1::REPLACEMENT_STATUS_EN_COURS, "III.I"},
    {v1::REPLACEMENT_STATUS_TERMINE, "IIIII"}, {v1::REPLACEMENT_STATUS_ANNULE, "IIIII"},
};

class ReplacementTableTest
    : public ::testing::TestWithParam<std::tuple<v1::ReplacementStatus, int>> {};

TEST_P(ReplacementTableTest, DecidesAsTheTableSays) {
  const auto [status, column] = GetParam();
  const ReplacementState state = ReplacementIn(status);
  ASSERT_EQ(state.status, status);
  const Events events = ReplacementColumns()[column].decide(state);
  const char expected = kReplacementTable.at(status)[column];
  if (expected == '.') {
    ExpectOutcome(events, Emits({ReplacementColumns()[column].event}));
    return;
  }
  ExpectOutcome(events,
                BreaksRule(expected == 'I' ? "INVALID_TRANSITION" : "CAF_VALIDATION_REQUIRED"));
  if (expected == 'I') {
    EXPECT_EQ(Metadata(events.status()).at("from"), v1::ReplacementStatus_Name(status));
  }
}

std::vector<v1::ReplacementStatus> EveryReplacementStatus() {
  std::vector<v1::ReplacementStatus> statuses;
  for (int status = v1::ReplacementStatus_MIN + 1; status <= v1::ReplacementStatus_MAX; ++status) {
    statuses.push_back(static_cast<v1::ReplacementStatus>(status));
  }
  return statuses;
}

INSTANTIATE_TEST_SUITE_P(EveryStatusAndCommand, ReplacementTableTest,
                         ::testing::Combine(::testing::ValuesIn(EveryReplacementStatus()),
                                            ::testing::Range(0, 5)),
                         [](const auto& info) {
                           return v1::ReplacementStatus_Name(std::get<0>(info.param)).substr(19) +
                                  "_" + ReplacementColumns()[std::get<1>(info.param)].name;
                         });

TEST(ReplacementTableTest, TheLifecycleIsTheResearchs) {
  const std::set<std::pair<v1::ReplacementStatus, v1::ReplacementStatus>> allowed = {
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_VALIDE},
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_REFUSE},
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_ANNULE},
      {v1::REPLACEMENT_STATUS_VALIDE, v1::REPLACEMENT_STATUS_EN_COURS},
      {v1::REPLACEMENT_STATUS_VALIDE, v1::REPLACEMENT_STATUS_ANNULE},
      {v1::REPLACEMENT_STATUS_EN_COURS, v1::REPLACEMENT_STATUS_TERMINE},
  };
  std::vector<v1::ReplacementStatus> all = EveryReplacementStatus();
  all.push_back(v1::REPLACEMENT_STATUS_UNSPECIFIED);
  for (v1::ReplacementStatus from : all) {
    for (v1::ReplacementStatus to : all) {
      EXPECT_EQ(IsAllowedReplacementTransition(from, to), allowed.count({from, to}) == 1)
          << v1::ReplacementStatus_Name(from) << " → " << v1::ReplacementStatus_Name(to);
    }
  }
  EXPECT_EQ(kReplacementTable.size(), EveryReplacementStatus().size());
}

// ---------------------------------------------------------------------------------------------
// The Caf's validation, the end, the sides

TEST(ValidationTest, TheCafValidatesBeforehandOnTheCurrentWork) {
  World world = WithHeldPost();
  ReplacementState state;
  Apply(state, Request(), world.ForReplacement());
  const Events early =
      Decide(state, StartReplacement{kToday, kToday, Party::kEmployer}, world.ForReplacement());
  EXPECT_THAT(early, StatusIs(kFailed, HasSubstr("validated by the Caf")));
  EXPECT_THAT(
      Metadata(early.status()),
      UnorderedElementsAre(Pair("status", "REPLACEMENT_STATUS_DEMANDE"), Pair("rule", "R-5")));
  // Since the request, the person took another post: the Caf cannot validate.
  world.workloads[kReplacer].assignments.push_back({"cdc-coteaux", "t-1", 80});
  const Events refused =
      Decide(state, ValidateReplacement{kToday, std::string(kCdt), "", kToday, Party::kCaf},
             world.ForReplacement());
  EXPECT_EQ(Reason(refused.status()), "ETP_EXCEEDED");
  EXPECT_EQ(Metadata(refused.status()).at("total"), "1.10");
  world.workloads[kReplacer].assignments.back().etp_hundredths = 70;
  ASSERT_OK_AND_ASSIGN(auto validated,
                       Decide(state,
                              ValidateReplacement{Date(2025, 9, 12), std::string(kCdt), " Accord ",
                                                  kToday, Party::kCaf},
                              world.ForReplacement()));
  const auto& event = std::get<v1::ReplacementValidated>(validated[0]);
  EXPECT_EQ(event.cdt(), kCdt);
  EXPECT_EQ(event.comment(), "Accord");
  EXPECT_TRUE(platform::SameDate(event.date(), Date(2025, 9, 12)));
}

TEST(ValidationTest, DecisionFields) {
  const ReplacementState state = ReplacementIn(v1::REPLACEMENT_STATUS_DEMANDE);
  EXPECT_THAT(
      BadFields(Decide(state, RefuseReplacement{kToday, std::string(kCdt), "", kToday, Party::kCaf},
                       ReplacementLookups{})
                    .status()),
      ElementsAre("comment"));
  EXPECT_THAT(
      BadFields(Decide(state,
                       ValidateReplacement{Date(2025, 9, 16), "cdt 42", "", kToday, Party::kCaf},
                       ReplacementLookups{})
                    .status()),
      ElementsAre("date", "cdt"));
}

TEST(EndTest, DatesOutcomeAndReason) {
  const ReplacementState running = ReplacementIn(v1::REPLACEMENT_STATUS_EN_COURS);
  auto end = [&running](google::type::Date date, v1::ReplacementOutcome outcome,
                        std::string reason) {
    return Decide(running,
                  EndReplacement{date, outcome, std::move(reason), kToday, Party::kEmployer},
                  ReplacementLookups{});
  };
  EXPECT_EQ(Reason(end(Date(2025, 9, 7), v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, "").status()),
            "END_BEFORE_START");
  EXPECT_OK(end(Date(2025, 9, 8), v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, ""));
  EXPECT_EQ(Reason(end(kToday, v1::REPLACEMENT_OUTCOME_AUTRE, " ").status()), "REASON_REQUIRED");
  EXPECT_OK(end(kToday, v1::REPLACEMENT_OUTCOME_AUTRE, "Départ de la remplaçante"));
  EXPECT_THAT(BadFields(end(Date(2025, 9, 16), v1::REPLACEMENT_OUTCOME_UNSPECIFIED, "").status()),
              ElementsAre("end_date", "outcome"));
  EXPECT_THAT(BadFields(Decide(ReplacementIn(v1::REPLACEMENT_STATUS_VALIDE),
                               StartReplacement{Date(2025, 9, 16), kToday, Party::kEmployer},
                               ReplacementLookups{})
                            .status()),
              ElementsAre("start_date"));
}

TEST(CancelTest, NeedsAReasonAndSaysWhatItLeft) {
  const ReplacementState validated = ReplacementIn(v1::REPLACEMENT_STATUS_VALIDE);
  EXPECT_EQ(Reason(Decide(validated, CancelReplacement{"", Party::kEmployer}, ReplacementLookups{})
                       .status()),
            "REASON_REQUIRED");
  ASSERT_OK_AND_ASSIGN(auto events, Decide(validated, CancelReplacement{"Retour", Party::kEmployer},
                                           ReplacementLookups{}));
  EXPECT_EQ(std::get<v1::ReplacementCancelled>(events[0]).from(), v1::REPLACEMENT_STATUS_VALIDE);
}

TEST(ReplacementSideTest, TheCafValidatesAndRefusesTheEmployerDoesTheRest) {
  const ReplacementState requested = ReplacementIn(v1::REPLACEMENT_STATUS_DEMANDE);
  const ReplacementState validated = ReplacementIn(v1::REPLACEMENT_STATUS_VALIDE);
  const ReplacementState running = ReplacementIn(v1::REPLACEMENT_STATUS_EN_COURS);
  const World world = WithHeldPost();
  RequestReplacement by_the_caf = Request();
  by_the_caf.party = Party::kCaf;
  for (Party wrong : {Party::kEmployer, Party::kUnspecified}) {
    EXPECT_EQ(
        Reason(Decide(requested, ValidateReplacement{kToday, std::string(kCdt), "", kToday, wrong},
                      ReplacementLookups{})
                   .status()),
        "WRONG_PARTY");
    EXPECT_EQ(
        Reason(Decide(requested, RefuseReplacement{kToday, std::string(kCdt), "Non", kToday, wrong},
                      ReplacementLookups{})
                   .status()),
        "WRONG_PARTY");
  }
  for (Party wrong : {Party::kCaf, Party::kUnspecified}) {
    EXPECT_EQ(
        Reason(Decide(validated, StartReplacement{kToday, kToday, wrong}, ReplacementLookups{})
                   .status()),
        "WRONG_PARTY");
    EXPECT_EQ(Reason(Decide(running,
                            EndReplacement{kToday, v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, "",
                                           kToday, wrong},
                            ReplacementLookups{})
                         .status()),
              "WRONG_PARTY");
    EXPECT_EQ(
        Reason(
            Decide(requested, CancelReplacement{"Retour", wrong}, ReplacementLookups{}).status()),
        "WRONG_PARTY");
  }
  EXPECT_EQ(Reason(Decide(ReplacementState{}, by_the_caf, world.ForReplacement()).status()),
            "WRONG_PARTY");
  for (const absl::Status& status :
       {Decide(ReplacementState{}, CancelReplacement{"x", Party::kEmployer}, ReplacementLookups{})
            .status(),
        Decide(ReplacementState{},
               ValidateReplacement{kToday, std::string(kCdt), "", kToday, Party::kCaf},
               ReplacementLookups{})
            .status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  }
}

// ---------------------------------------------------------------------------------------------
// Facts, Evolve by replay, tags and codec

TEST(FactsTest, APostLearnsTheReplacementsPersonEtpAndStatus) {
  const ReplacementFacts facts = FactsOf(ReplacementIn(v1::REPLACEMENT_STATUS_VALIDE));
  EXPECT_EQ(facts.post_id, kPostId);
  EXPECT_EQ(facts.person, kReplacer);
  EXPECT_EQ(facts.etp_hundredths, 30);
  EXPECT_EQ(facts.status, v1::REPLACEMENT_STATUS_VALIDE);
}

TEST(EvolveTest, ReplayingTheLogGivesTheReplacement) {
  const World world = WithHeldPost();
  std::vector<ReplacementEvent> log;
  ReplacementState state;
  auto decide_and_fold = [&](const auto& command) {
    auto events = Decide(state, command, world.ForReplacement());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const ReplacementEvent& event : *events) {
      Evolve(state, event, kTime + absl::Hours(log.size()));
      log.push_back(event);
    }
  };
  decide_and_fold(Request());
  decide_and_fold(
      ValidateReplacement{Date(2025, 9, 1), std::string(kCdt), "", kToday, Party::kCaf});
  decide_and_fold(StartReplacement{Date(2025, 9, 8), kToday, Party::kEmployer});
  decide_and_fold(EndReplacement{kToday, v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, "", kToday,
                                 Party::kEmployer});
  ASSERT_EQ(log.size(), 4u);
  ReplacementState replayed;
  for (const ReplacementEvent& event : log) Evolve(replayed, event, kTime);
  for (const ReplacementState* replacement : {&state, &replayed}) {
    EXPECT_TRUE(replacement->exists);
    EXPECT_EQ(replacement->status, v1::REPLACEMENT_STATUS_TERMINE);
    EXPECT_EQ(replacement->request.person(), kReplacer);
    ASSERT_TRUE(replacement->validation.has_value());
    EXPECT_EQ(replacement->validation->cdt(), kCdt);
    EXPECT_FALSE(replacement->refusal.has_value());
    EXPECT_TRUE(platform::SameDate(replacement->started_on, Date(2025, 9, 8)));
    EXPECT_TRUE(platform::SameDate(replacement->ended_on, kToday));
    EXPECT_EQ(replacement->outcome, v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR);
  }
  EXPECT_EQ(state.create_time, kTime);
  EXPECT_EQ(state.update_time, kTime + absl::Hours(3));
}

TEST(TagsTest, ReplacementPostCtgEmployerPersonAndCdt) {
  const ReplacementState state = ReplacementIn(v1::REPLACEMENT_STATUS_VALIDE);
  const std::vector<std::string> base = {"replacement:remplacement-2026", "post:cdc-val-orbe",
                                         "ctg:val-orbe-2025", "org:249900028", "person:agent-0002"};
  EXPECT_EQ(Tags(state, v1::ReplacementStarted{}), base);
  v1::ReplacementValidated validated;
  validated.set_cdt(std::string(kCdt));
  std::vector<std::string> with_cdt = base;
  with_cdt.push_back("subject:cdt-0042");
  EXPECT_EQ(Tags(state, validated), with_cdt);
  v1::ReplacementRefused refused;
  refused.set_cdt(std::string(kCdt));
  EXPECT_EQ(Tags(state, refused), with_cdt);
}

TEST(ParseReplacementEventTest, RoundTripsEveryEventType) {
  v1::ReplacementRequested requested;
  requested.set_person(kReplacer);
  *requested.mutable_reduction() = ReductionOf("Animation du RPE", 20);
  v1::ReplacementValidated validated;
  validated.set_cdt(std::string(kCdt));
  v1::ReplacementRefused refused;
  refused.set_comment("Non");
  v1::ReplacementStarted started;
  *started.mutable_start_date() = kToday;
  v1::ReplacementEnded ended;
  ended.set_outcome(v1::REPLACEMENT_OUTCOME_AUTRE);
  v1::ReplacementCancelled cancelled;
  cancelled.set_from(v1::REPLACEMENT_STATUS_VALIDE);
  const std::vector<ReplacementEvent> events = {requested, validated, refused,
                                                started,   ended,     cancelled};
  ASSERT_EQ(events.size(), std::variant_size_v<ReplacementEvent>);
  for (const ReplacementEvent& event : events) {
    const google::protobuf::Message& message = AsMessage(event);
    ASSERT_OK_AND_ASSIGN(
        ReplacementEvent parsed,
        ParseReplacementEvent(message.GetDescriptor()->full_name(), message.SerializeAsString()));
    EXPECT_EQ(parsed.index(), event.index());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AsMessage(parsed), message))
        << message.GetDescriptor()->full_name();
  }
  EXPECT_THAT(ParseReplacementEvent("ctg.v1.PostCreated", ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("a replacement's")));
  EXPECT_THAT(ParseReplacementEvent("ctg.v1.ReplacementEnded", std::string(11, '\xFF')),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  EXPECT_EQ(ReplacementStream("remplacement-2026"), "replacement-remplacement-2026");
  EXPECT_EQ(ReplacementName("remplacement-2026"), "replacements/remplacement-2026");
  ASSERT_OK_AND_ASSIGN(std::string id, ParseReplacementName(kReplacement, "replacement"));
  EXPECT_EQ(id, kReplacementId);
}

}  // namespace
}  // namespace ctg::staffing
