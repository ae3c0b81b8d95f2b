// The Recruitment decider (research §4.3, rule R-4): every command from every stage of the
// recruitment (the full table), the side of every step, the fiche de poste loop, the Caf's
// involvement (skips and participation), the candidate, the dates, Evolve by replay, tags and
// the event codec.
#include "services/staffing/recruitment.h"

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
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

using Events = absl::StatusOr<std::vector<RecruitmentEvent>>;

// The world with the post (created, A_CREER).
World WithPost() {
  World world = DefaultWorld();
  world.posts[std::string(kPostId)] = CreatedPost(world);
  return world;
}

OpenRecruitment Open() {
  return OpenRecruitment{std::string(kRecruitmentId),
                         kPost,
                         v1::RECRUITMENT_MOTIF_CREATION,
                         Date(2025, 3, 3),
                         kToday,
                         Party::kEmployer};
}

v1::StepInvolvement InvolvementOf(v1::RecruitmentStep step, v1::CafInvolvement involvement) {
  v1::StepInvolvement result;
  result.set_step(step);
  result.set_involvement(involvement);
  return result;
}

AgreeCadrage Cadrage(std::vector<v1::StepInvolvement> involvements = {},
                     v1::CafInvolvement choice = v1::CAF_INVOLVEMENT_UNSPECIFIED) {
  return AgreeCadrage{kToday,
                      std::string(kCdt),
                      std::move(involvements),
                      choice,
                      "Poste de chargé·e de coopération à 0,8 ETP, rattaché au pôle Famille.",
                      kToday,
                      Party::kEmployer};
}

// The stages of a recruitment, in order: the rows of the table.
enum Stage {
  kOpened,
  kCadrageAgreed,
  kFicheSubmitted,
  kFicheFavorable,
  kFicheDefavorable,
  kOfferPublished,
  kApplicationsClosed,
  kSelected,
  kJuryHeld,
  kSynthesised,
  kCandidateChosen,
  kCandidateFavorable,
  kCandidateDefavorable,
  kDecided,
  kHired,
  kIntegrated,
  kClosed,
  kCancelled,
  kStageCount,
};

constexpr const char* kStageNames[] = {"Opened",
                                       "CadrageAgreed",
                                       "FicheSubmitted",
                                       "FicheFavorable",
                                       "FicheDefavorable",
                                       "OfferPublished",
                                       "ApplicationsClosed",
                                       "Selected",
                                       "JuryHeld",
                                       "Synthesised",
                                       "CandidateChosen",
                                       "CandidateFavorable",
                                       "CandidateDefavorable",
                                       "Decided",
                                       "Hired",
                                       "Integrated",
                                       "Closed",
                                       "Cancelled"};

// The recruitment at `stage`, reached by deciding and folding every step on the way (all dated
// kToday, the Caf present at every step), with the cadrage `cadrage`.
RecruitmentState Reach(Stage stage, const AgreeCadrage& cadrage = Cadrage()) {
  const World world = WithPost();
  const RecruitmentLookups lookups = world.ForRecruitment();
  RecruitmentState s;
  Apply(s, Open(), lookups);
  if (stage == kOpened) return s;
  Apply(s, cadrage, lookups);
  if (stage == kCadrageAgreed) return s;
  Apply(s, SubmitFicheDePoste{"ged://fiches/cdc-v1.pdf", kToday, kToday, Party::kEmployer},
        lookups);
  if (stage == kFicheSubmitted) return s;
  Apply(s,
        GiveCafOpinionOnFiche{
            s.fiche_version,
            stage == kFicheDefavorable ? v1::CAF_OPINION_DEFAVORABLE : v1::CAF_OPINION_FAVORABLE,
            kToday, std::string(kCdt), "", kToday, Party::kCaf},
        lookups);
  if (stage == kFicheFavorable || stage == kFicheDefavorable) return s;
  Apply(s, PublishOffer{kToday, "emploi-territorial.fr", kToday, Party::kEmployer}, lookups);
  if (stage == kOfferPublished) return s;
  if (stage == kCancelled) {
    Apply(s, CancelRecruitment{"Réorganisation du pôle", Party::kEmployer}, lookups);
    return s;
  }
  Apply(s, CloseApplications{kToday, 23, kToday, Party::kEmployer}, lookups);
  if (stage == kApplicationsClosed) return s;
  Apply(s, ShortlistCandidates{kToday, 5, true, kToday, Party::kEmployer}, lookups);
  if (stage == kSelected) return s;
  Apply(s, HoldJury{kToday, 4, true, kToday, Party::kEmployer}, lookups);
  if (stage == kJuryHeld) return s;
  Apply(s, SynthesiseInterviews{kToday, true, kToday, Party::kEmployer}, lookups);
  if (stage == kSynthesised) return s;
  Apply(s, ChooseCandidate{kCandidate, kToday, true, kToday, Party::kEmployer}, lookups);
  if (stage == kCandidateChosen) return s;
  Apply(s,
        GiveCafOpinionOnCandidate{kCandidate,
                                  stage == kCandidateDefavorable ? v1::CAF_OPINION_DEFAVORABLE
                                                                 : v1::CAF_OPINION_FAVORABLE,
                                  kToday, std::string(kCdt), "", kToday, Party::kCaf},
        lookups);
  if (stage == kCandidateFavorable || stage == kCandidateDefavorable) return s;
  Apply(s, TakeEmployerDecision{kCandidate, kToday, kToday, Party::kEmployer}, lookups);
  if (stage == kDecided) return s;
  Apply(s, HirePerson{kCandidate, kToday, Date(2025, 11, 3), kToday, Party::kEmployer}, lookups);
  if (stage == kHired) return s;
  Apply(s,
        CompleteIntegration{kToday, kToday, std::nullopt, std::nullopt, kToday, Party::kEmployer},
        lookups);
  if (stage == kIntegrated) return s;
  Apply(s, CloseRecruitment{kToday, kToday, Party::kEmployer}, lookups);
  return s;
}

// A command of the table: its name, the side that takes it, the event it records, and how to
// decide it (with `party`) on a state, every other input being valid and consistent.
struct Column {
  std::string name;
  Party side;
  std::string event;
  std::function<Events(const RecruitmentState&, Party)> decide;
};

const std::vector<Column>& Columns() {
  static const auto* const columns = new std::vector<Column>{
      {"Cadrage", Party::kEmployer, "RecruitmentCadrageAgreed",
       [](const RecruitmentState& s, Party p) {
         AgreeCadrage command = Cadrage();
         command.party = p;
         return Decide(s, command, RecruitmentLookups{});
       }},
      {"Fiche", Party::kEmployer, "FicheDePosteSubmitted",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, SubmitFicheDePoste{"ged://fiches/cdc-v2.pdf", kToday, kToday, p},
                       RecruitmentLookups{});
       }},
      {"FicheOpinion", Party::kCaf, "CafOpinionOnFicheGiven",
       [](const RecruitmentState& s, Party p) {
         return Decide(
             s,
             GiveCafOpinionOnFiche{std::max(1, s.fiche_version), v1::CAF_OPINION_FAVORABLE, kToday,
                                   std::string(kCdt), "Fiche conforme au référentiel.", kToday, p},
             RecruitmentLookups{});
       }},
      {"Offer", Party::kEmployer, "OfferPublished",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, PublishOffer{kToday, "", kToday, p}, RecruitmentLookups{});
       }},
      {"CloseApplications", Party::kEmployer, "ApplicationsClosed",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, CloseApplications{kToday, 12, kToday, p}, RecruitmentLookups{});
       }},
      {"Shortlist", Party::kEmployer, "CandidatesShortlisted",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, ShortlistCandidates{kToday, 4, true, kToday, p}, RecruitmentLookups{});
       }},
      {"SkipSelection", Party::kEmployer, "RecruitmentStepSkipped",
       [](const RecruitmentState& s, Party p) {
         return Decide(
             s, SkipStep{v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, "Peu de candidatures", p},
             RecruitmentLookups{});
       }},
      {"Jury", Party::kEmployer, "JuryHeld",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, HoldJury{kToday, 3, true, kToday, p}, RecruitmentLookups{});
       }},
      {"SkipJury", Party::kEmployer, "RecruitmentStepSkipped",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, SkipStep{v1::RECRUITMENT_STEP_JURY, "Entretiens individuels", p},
                       RecruitmentLookups{});
       }},
      {"Synthesis", Party::kEmployer, "InterviewsSynthesised",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, SynthesiseInterviews{kToday, true, kToday, p}, RecruitmentLookups{});
       }},
      {"SkipSynthesis", Party::kEmployer, "RecruitmentStepSkipped",
       [](const RecruitmentState& s, Party p) {
         return Decide(s,
                       SkipStep{v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, "Un seul entretien", p},
                       RecruitmentLookups{});
       }},
      {"Choose", Party::kEmployer, "CandidateChosen",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, ChooseCandidate{kCandidate, kToday, true, kToday, p},
                       RecruitmentLookups{});
       }},
      {"CandidateOpinion", Party::kCaf, "CafOpinionOnCandidateGiven",
       [](const RecruitmentState& s, Party p) {
         return Decide(s,
                       GiveCafOpinionOnCandidate{kCandidate, v1::CAF_OPINION_FAVORABLE, kToday,
                                                 std::string(kCdt), "", kToday, p},
                       RecruitmentLookups{});
       }},
      {"Decision", Party::kEmployer, "EmployerDecisionTaken",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, TakeEmployerDecision{kCandidate, kToday, kToday, p},
                       RecruitmentLookups{});
       }},
      {"Hire", Party::kEmployer, "PersonHired",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, HirePerson{kCandidate, kToday, Date(2025, 11, 3), kToday, p},
                       RecruitmentLookups{});
       }},
      {"Integration", Party::kEmployer, "IntegrationCompleted",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, CompleteIntegration{kToday, kToday, kToday, kToday, kToday, p},
                       RecruitmentLookups{});
       }},
      {"Close", Party::kEmployer, "RecruitmentClosed",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, CloseRecruitment{kToday, kToday, p}, RecruitmentLookups{});
       }},
      {"Cancel", Party::kEmployer, "RecruitmentCancelled",
       [](const RecruitmentState& s, Party p) {
         return Decide(s, CancelRecruitment{"Gel des recrutements", p}, RecruitmentLookups{});
       }},
  };
  return *columns;
}

// Every command (column) from every stage (row): '.' accepted, 'I' INVALID_TRANSITION,
// 'S' STEP_REQUIRED, 'C' CAF_OPINION_REQUIRED. Columns, in order: Cadrage, Fiche,
// FicheOpinion, Offer, CloseApplications, Shortlist, SkipSelection, Jury, SkipJury, Synthesis,
// SkipSynthesis, Choose, CandidateOpinion, Decision, Hire, Integration, Close, Cancel.
constexpr const char* kTable[kStageCount] = {
    //                          CFFOCSSJSSSCCDHICC
    /* Opened               */ ".SSSSSSSSSSSSSSSS.",
    /* CadrageAgreed        */ "I.SSSSSSSSSSSSSSS.",
    /* FicheSubmitted       */ "I..CCCCCCCCCCCCCC.",
    /* FicheFavorable       */ "I.I.SSSSSSSSSSSSS.",
    /* FicheDefavorable     */ "I.ICCCCCCCCCCCCCC.",
    /* OfferPublished       */ "IIII.SSSSSSSSSSSS.",
    /* ApplicationsClosed   */ "IIIII..SSSSSSSSSS.",
    /* Selected             */ "IIIIIII..SSSSSSSS.",
    /* JuryHeld             */ "IIIIIIIII..SSSSSS.",
    /* Synthesised          */ "IIIIIIIIIII.SSSSS.",
    /* CandidateChosen      */ "IIIIIIIIIII..CCCC.",
    /* CandidateFavorable   */ "IIIIIIIIIII.I.SSS.",
    /* CandidateDefavorable */ "IIIIIIIIIII.I.SSS.",
    /* Decided              */ "IIIIIIIIIIIIII.SS.",
    /* Hired                */ "IIIIIIIIIIIIIII.S.",
    /* Integrated           */ "IIIIIIIIIIIIIIII..",
    /* Closed               */ "IIIIIIIIIIIIIIIIII",
    /* Cancelled            */ "IIIIIIIIIIIIIIIIII",
};

class RecruitmentTableTest : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(RecruitmentTableTest, DecidesAsTheTableSays) {
  const auto [row, column] = GetParam();
  const Column& command = Columns()[column];
  const char expected = kTable[row][column];
  const RecruitmentState state = Reach(static_cast<Stage>(row));
  const Events events = command.decide(state, command.side);
  if (expected == '.') {
    ExpectOutcome(events, Emits({command.event}));
    return;
  }
  ExpectOutcome(events, BreaksRule(expected == 'I'   ? "INVALID_TRANSITION"
                                   : expected == 'S' ? "STEP_REQUIRED"
                                                     : "CAF_OPINION_REQUIRED"));
  const auto metadata = Metadata(events.status());
  if (expected == 'I') {
    EXPECT_EQ(metadata.count("from"), 1u);
    EXPECT_EQ(metadata.count("to"), 1u);
  } else {
    EXPECT_EQ(metadata.at("rule"), "R-4");
    EXPECT_EQ(metadata.count("step"), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryStageAndCommand, RecruitmentTableTest,
                         ::testing::Combine(::testing::Range(0, static_cast<int>(kStageCount)),
                                            ::testing::Range(0, 18)),
                         [](const auto& info) {
                           return std::string(kStageNames[std::get<0>(info.param)]) + "_" +
                                  Columns()[std::get<1>(info.param)].name;
                         });

TEST(RecruitmentTableTest, TheTableCoversEveryCommandAndStage) {
  ASSERT_EQ(Columns().size(), 18u);
  for (const char* row : kTable) EXPECT_EQ(std::string(row).size(), 18u) << row;
  // The stages are what their names say.
  EXPECT_EQ(Reach(kFicheDefavorable).fiche_opinion, v1::CAF_OPINION_DEFAVORABLE);
  EXPECT_EQ(Reach(kCandidateDefavorable).candidate_opinion, v1::CAF_OPINION_DEFAVORABLE);
  EXPECT_EQ(Reach(kClosed).status, v1::RECRUITMENT_STATUS_TERMINE);
  EXPECT_EQ(Reach(kClosed).step(), v1::RECRUITMENT_STEP_EN_POSTE);
  EXPECT_EQ(Reach(kCancelled).status, v1::RECRUITMENT_STATUS_ANNULE);
  EXPECT_EQ(Reach(kApplicationsClosed).step(), v1::RECRUITMENT_STEP_OFFRE_PUBLIEE);
  EXPECT_EQ(Reach(kCandidateChosen).step(), v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT);
}

// The hard rules of R-4, spelled out with the metadata a client acts on.
TEST(HardRulesTest, NoOfferBeforeAFavourableOpinionOnTheFiche) {
  const Events before =
      Decide(Reach(kFicheSubmitted), PublishOffer{kToday, "", kToday, Party::kEmployer},
             RecruitmentLookups{});
  EXPECT_EQ(Reason(before.status()), "CAF_OPINION_REQUIRED");
  EXPECT_THAT(Metadata(before.status()),
              UnorderedElementsAre(Pair("step", "RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF"),
                                   Pair("event", "ctg.v1.CafOpinionOnFicheGiven"),
                                   Pair("opinion", "CAF_OPINION_UNSPECIFIED"),
                                   Pair("rule", "R-4")));
  for (v1::CafOpinion opinion : {v1::CAF_OPINION_RESERVE, v1::CAF_OPINION_DEFAVORABLE}) {
    RecruitmentState state = Reach(kFicheSubmitted);
    Apply(state,
          GiveCafOpinionOnFiche{1, opinion, kToday, std::string(kCdt), "", kToday, Party::kCaf},
          RecruitmentLookups{});
    const Events refused =
        Decide(state, PublishOffer{kToday, "", kToday, Party::kEmployer}, RecruitmentLookups{});
    EXPECT_EQ(Reason(refused.status()), "CAF_OPINION_REQUIRED");
    EXPECT_EQ(Metadata(refused.status()).at("opinion"), v1::CafOpinion_Name(opinion));
  }
}

TEST(HardRulesTest, NoEmployerDecisionBeforeTheCafsOpinionOnTheCandidate) {
  const Events refused = Decide(Reach(kCandidateChosen),
                                TakeEmployerDecision{kCandidate, kToday, kToday, Party::kEmployer},
                                RecruitmentLookups{});
  EXPECT_THAT(refused, StatusIs(kFailed, HasSubstr("R-4")));
  EXPECT_EQ(Reason(refused.status()), "CAF_OPINION_REQUIRED");
  EXPECT_EQ(Metadata(refused.status()).at("event"), "ctg.v1.CafOpinionOnCandidateGiven");
  // Choosing someone else after the opinion needs a new opinion on them.
  RecruitmentState state = Reach(kCandidateFavorable);
  Apply(state, ChooseCandidate{kOtherCandidate, kToday, false, kToday, Party::kEmployer},
        RecruitmentLookups{});
  EXPECT_EQ(
      Reason(Decide(state, TakeEmployerDecision{kOtherCandidate, kToday, kToday, Party::kEmployer},
                    RecruitmentLookups{})
                 .status()),
      "CAF_OPINION_REQUIRED");
  Apply(state,
        GiveCafOpinionOnCandidate{kOtherCandidate, v1::CAF_OPINION_RESERVE, kToday,
                                  std::string(kCdt), "Expérience courte", kToday, Party::kCaf},
        RecruitmentLookups{});
  EXPECT_OK(Decide(state, TakeEmployerDecision{kOtherCandidate, kToday, kToday, Party::kEmployer},
                   RecruitmentLookups{}));
}

TEST(HardRulesTest, AStepAtAttenduIsNeverSkipped) {
  for (v1::RecruitmentStep step :
       {v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, v1::RECRUITMENT_STEP_JURY,
        v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS}) {
    const AgreeCadrage cadrage = Cadrage({InvolvementOf(step, v1::CAF_INVOLVEMENT_ATTENDU)});
    const Stage before = step == v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES ? kApplicationsClosed
                         : step == v1::RECRUITMENT_STEP_JURY                 ? kSelected
                                                                             : kJuryHeld;
    const Events refused =
        Decide(Reach(before, cadrage), SkipStep{step, "Pas le temps", Party::kEmployer},
               RecruitmentLookups{});
    EXPECT_EQ(Reason(refused.status()), "STEP_REQUIRED") << v1::RecruitmentStep_Name(step);
    EXPECT_THAT(Metadata(refused.status()),
                UnorderedElementsAre(
                    Pair("step", v1::RecruitmentStep_Name(step)), Pair("event", ::testing::_),
                    Pair("involvement", "CAF_INVOLVEMENT_ATTENDU"), Pair("rule", "R-4")));
    // Jumping over it names it too.
    const Events jumped = Decide(
        Reach(before, cadrage), ChooseCandidate{kCandidate, kToday, true, kToday, Party::kEmployer},
        RecruitmentLookups{});
    EXPECT_EQ(Reason(jumped.status()), "STEP_REQUIRED");
    EXPECT_EQ(Metadata(jumped.status()).at("step"), v1::RecruitmentStep_Name(step));
    EXPECT_EQ(Metadata(jumped.status()).at("involvement"), "CAF_INVOLVEMENT_ATTENDU");
  }
}

// ---------------------------------------------------------------------------------------------
// Sides

struct SideCase {
  std::string column;
  Stage stage;  // where the column's command is accepted
};
void PrintTo(const SideCase& test, std::ostream* os) { *os << test.column; }

class RecruitmentSideTest : public ::testing::TestWithParam<SideCase> {};

TEST_P(RecruitmentSideTest, OnlyTheRightSideTakesTheStep) {
  const Column* column = nullptr;
  for (const Column& candidate : Columns()) {
    if (candidate.name == GetParam().column) column = &candidate;
  }
  ASSERT_NE(column, nullptr);
  const RecruitmentState state = Reach(GetParam().stage);
  EXPECT_OK(column->decide(state, column->side));
  const Party wrong = column->side == Party::kCaf ? Party::kEmployer : Party::kCaf;
  const bool either = column->name == "Cadrage";
  for (Party party : {wrong, Party::kUnspecified}) {
    const Events events = column->decide(state, party);
    if (either && party == wrong) {
      EXPECT_OK(events) << "the cadrage is agreed by both";
      continue;
    }
    EXPECT_THAT(events, StatusIs(kFailed, ::testing::_)) << PartyName(party);
    EXPECT_EQ(Reason(events.status()), "WRONG_PARTY") << PartyName(party);
    EXPECT_EQ(Metadata(events.status()).at("party"),
              party == Party::kCaf        ? "STAFFING_PARTY_CAF"
              : party == Party::kEmployer ? "STAFFING_PARTY_EMPLOYER"
                                          : "STAFFING_PARTY_UNSPECIFIED");
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, RecruitmentSideTest,
    ::testing::Values(SideCase{"Cadrage", kOpened}, SideCase{"Fiche", kCadrageAgreed},
                      SideCase{"FicheOpinion", kFicheSubmitted}, SideCase{"Offer", kFicheFavorable},
                      SideCase{"CloseApplications", kOfferPublished},
                      SideCase{"Shortlist", kApplicationsClosed},
                      SideCase{"SkipSelection", kApplicationsClosed}, SideCase{"Jury", kSelected},
                      SideCase{"SkipJury", kSelected}, SideCase{"Synthesis", kJuryHeld},
                      SideCase{"SkipSynthesis", kJuryHeld}, SideCase{"Choose", kSynthesised},
                      SideCase{"CandidateOpinion", kCandidateChosen},
                      SideCase{"Decision", kCandidateFavorable}, SideCase{"Hire", kDecided},
                      SideCase{"Integration", kHired}, SideCase{"Close", kIntegrated},
                      SideCase{"Cancel", kJuryHeld}),
    [](const auto& info) { return info.param.column; });

TEST(RecruitmentSideTest, OpeningIsTheEmployers) {
  const World world = WithPost();
  OpenRecruitment command = Open();
  command.party = Party::kCaf;
  EXPECT_EQ(Reason(Decide(RecruitmentState{}, command, world.ForRecruitment()).status()),
            "WRONG_PARTY");
}

// ---------------------------------------------------------------------------------------------
// OpenRecruitment

using OpenCase = Case<RecruitmentState, OpenRecruitment>;
class OpenRecruitmentTest : public ::testing::TestWithParam<OpenCase> {};

TEST_P(OpenRecruitmentTest, Decides) {
  ExpectOutcome(GetParam(), RecruitmentState{}, Open(), WithPost());
}

const OpenCase kOpenCases[] = {
    {"Opened", Unchanged<RecruitmentState, OpenRecruitment>, Emits({"RecruitmentOpened"})},
    {"Vacancy",
     [](RecruitmentState&, OpenRecruitment& c, World&) { c.motif = v1::RECRUITMENT_MOTIF_VACANCE; },
     Emits({"RecruitmentOpened"})},
    {"IdMalformed",
     [](RecruitmentState&, OpenRecruitment& c, World&) { c.recruitment_id = "R-2025"; },
     RejectsFields({"recruitment_id"})},
    {"PostMalformed",
     [](RecruitmentState&, OpenRecruitment& c, World&) { c.post = std::string(kPostId); },
     RejectsFields({"post"})},
    {"NoMotif",
     [](RecruitmentState&, OpenRecruitment& c, World&) {
       c.motif = v1::RECRUITMENT_MOTIF_UNSPECIFIED;
     },
     RejectsFields({"motif"})},
    {"Tomorrow", [](RecruitmentState&, OpenRecruitment& c, World&) { c.date = Date(2025, 9, 16); },
     RejectsFields({"date"})},
    {"UnknownPost",
     [](RecruitmentState&, OpenRecruitment& c, World&) { c.post = PostName("inconnu"); },
     BreaksRule("POST_NOT_FOUND")},
    {"DeletedPost",
     [](RecruitmentState&, OpenRecruitment&, World& w) {
       w.posts[std::string(kPostId)].status = v1::POST_STATUS_SUPPRIME;
     },
     BreaksRule("POST_DELETED")},
    {"AlreadyOpened",
     [](RecruitmentState& s, OpenRecruitment& c, World& w) { Apply(s, c, w.ForRecruitment()); },
     Fails(absl::StatusCode::kAlreadyExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, OpenRecruitmentTest, ::testing::ValuesIn(kOpenCases), CaseName);

TEST(OpenRecruitmentTest, TheEventCopiesThePostsCtgAndEmployer) {
  const World world = WithPost();
  ASSERT_OK_AND_ASSIGN(auto events, Decide(RecruitmentState{}, Open(), world.ForRecruitment()));
  const auto& opened = std::get<v1::RecruitmentOpened>(events[0]);
  EXPECT_EQ(opened.recruitment_id(), kRecruitmentId);
  EXPECT_EQ(opened.post(), kPost);
  EXPECT_EQ(opened.ctg(), kCtg);
  EXPECT_EQ(opened.employer(), kEpci);
  EXPECT_EQ(opened.motif(), v1::RECRUITMENT_MOTIF_CREATION);
  EXPECT_EQ(Reason(Decide(RecruitmentState{}, Open(), RecruitmentLookups{}).status()),
            "POST_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// Cadrage (R1)

using CadrageCase = Case<RecruitmentState, AgreeCadrage>;
class AgreeCadrageTest : public ::testing::TestWithParam<CadrageCase> {};

TEST_P(AgreeCadrageTest, Decides) { ExpectOutcome(GetParam(), Reach(kOpened), Cadrage(), World{}); }

const std::vector<std::string> kCadrage = {"RecruitmentCadrageAgreed"};

const CadrageCase kCadrageCases[] = {
    {"Defaults", Unchanged<RecruitmentState, AgreeCadrage>, Emits(kCadrage)},
    {"ByTheCaf", [](RecruitmentState&, AgreeCadrage& c, World&) { c.party = Party::kCaf; },
     Emits(kCadrage)},
    {"EveryLevel",
     [](RecruitmentState&, AgreeCadrage& c, World&) {
       c.involvements = {
           InvolvementOf(v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_ATTENDU),
           InvolvementOf(v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, v1::CAF_INVOLVEMENT_NON),
           InvolvementOf(v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, v1::CAF_INVOLVEMENT_FACULTATIF)};
       c.candidate_choice_involvement = v1::CAF_INVOLVEMENT_ATTENDU;
     },
     Emits(kCadrage)},
    {"FixedStep",
     [](RecruitmentState&, AgreeCadrage& c, World&) {
       c.involvements = {
           InvolvementOf(v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF, v1::CAF_INVOLVEMENT_NON)};
     },
     RejectsFields({"involvements[0].step"})},
    {"StepTwice",
     [](RecruitmentState&, AgreeCadrage& c, World&) {
       c.involvements = {InvolvementOf(v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_NON),
                         InvolvementOf(v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_ATTENDU)};
     },
     RejectsFields({"involvements[1].step"})},
    {"NoLevel",
     [](RecruitmentState&, AgreeCadrage& c, World&) {
       c.involvements = {InvolvementOf(v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_UNSPECIFIED)};
     },
     RejectsFields({"involvements[0].involvement"})},
    {"UnknownChoiceLevel",
     [](RecruitmentState&, AgreeCadrage& c, World&) {
       c.candidate_choice_involvement = static_cast<v1::CafInvolvement>(9);
     },
     RejectsFields({"candidate_choice_involvement"})},
    {"NoFonction", [](RecruitmentState&, AgreeCadrage& c, World&) { c.fonction.clear(); },
     RejectsFields({"fonction"})},
    {"NoCdt", [](RecruitmentState&, AgreeCadrage& c, World&) { c.cdt.clear(); },
     RejectsFields({"cdt"})},
    {"NoSide", [](RecruitmentState&, AgreeCadrage& c, World&) { c.party = Party::kUnspecified; },
     BreaksRule("WRONG_PARTY")},
    {"BeforeTheNeed", [](RecruitmentState&, AgreeCadrage& c, World&) { c.date = Date(2025, 3, 2); },
     BreaksRule("DATE_BEFORE_PREVIOUS_STEP")},
    {"Twice",
     [](RecruitmentState& s, AgreeCadrage& c, World&) { Apply(s, c, RecruitmentLookups{}); },
     BreaksRule("INVALID_TRANSITION")},
    {"NoRecruitment", [](RecruitmentState& s, AgreeCadrage&, World&) { s = RecruitmentState{}; },
     Fails(absl::StatusCode::kNotFound)},
};

INSTANTIATE_TEST_SUITE_P(Table, AgreeCadrageTest, ::testing::ValuesIn(kCadrageCases), CaseName);

TEST(AgreeCadrageTest, TheEventListsEveryLevelFacultatifByDefault) {
  ASSERT_OK_AND_ASSIGN(
      auto events,
      Decide(Reach(kOpened),
             Cadrage({InvolvementOf(v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_ATTENDU)}),
             RecruitmentLookups{}));
  const auto& cadrage = std::get<v1::RecruitmentCadrageAgreed>(events[0]);
  ASSERT_EQ(cadrage.involvements_size(), 3);
  EXPECT_EQ(cadrage.involvements(0).step(), v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES);
  EXPECT_EQ(cadrage.involvements(0).involvement(), v1::CAF_INVOLVEMENT_FACULTATIF);
  EXPECT_EQ(cadrage.involvements(1).step(), v1::RECRUITMENT_STEP_JURY);
  EXPECT_EQ(cadrage.involvements(1).involvement(), v1::CAF_INVOLVEMENT_ATTENDU);
  EXPECT_EQ(cadrage.involvements(2).involvement(), v1::CAF_INVOLVEMENT_FACULTATIF);
  EXPECT_EQ(cadrage.candidate_choice_involvement(), v1::CAF_INVOLVEMENT_FACULTATIF);
  EXPECT_EQ(cadrage.cdt(), kCdt);
}

// ---------------------------------------------------------------------------------------------
// The fiche de poste loop (R2 ↔ R3)

TEST(FicheDePosteTest, LoopsUntilTheCafAgrees) {
  RecruitmentState state = Reach(kCadrageAgreed);
  auto submit = [&state] {
    ASSERT_OK_AND_ASSIGN(
        auto events,
        Decide(state, SubmitFicheDePoste{" ged://fiche ", kToday, kToday, Party::kEmployer},
               RecruitmentLookups{}));
    EXPECT_EQ(std::get<v1::FicheDePosteSubmitted>(events[0]).document(), "ged://fiche");
    for (const auto& event : events) Evolve(state, event, kTime);
  };
  auto opinion = [&state](int version, v1::CafOpinion opinion) {
    return Decide(
        state,
        GiveCafOpinionOnFiche{version, opinion, kToday, std::string(kCdt), "", kToday, Party::kCaf},
        RecruitmentLookups{});
  };
  submit();
  EXPECT_EQ(state.fiche_version, 1);
  ASSERT_OK_AND_ASSIGN(auto reserve, opinion(1, v1::CAF_OPINION_RESERVE));
  Evolve(state, reserve[0], kTime);
  submit();
  submit();  // a version superseding one that awaits its opinion
  EXPECT_EQ(state.fiche_version, 3);
  const auto stale = opinion(2, v1::CAF_OPINION_FAVORABLE);
  EXPECT_EQ(Reason(stale.status()), "FICHE_VERSION_MISMATCH");
  EXPECT_THAT(Metadata(stale.status()),
              UnorderedElementsAre(Pair("version", "2"), Pair("latest", "3")));
  ASSERT_OK_AND_ASSIGN(auto favourable, opinion(3, v1::CAF_OPINION_FAVORABLE));
  EXPECT_EQ(std::get<v1::CafOpinionOnFicheGiven>(favourable[0]).version(), 3);
  Evolve(state, favourable[0], kTime);
  EXPECT_OK(
      Decide(state, PublishOffer{kToday, "", kToday, Party::kEmployer}, RecruitmentLookups{}));
  // A fiche revised after the agreement needs a new opinion.
  submit();
  EXPECT_EQ(
      Reason(Decide(state, PublishOffer{kToday, "", kToday, Party::kEmployer}, RecruitmentLookups{})
                 .status()),
      "CAF_OPINION_REQUIRED");
}

// ---------------------------------------------------------------------------------------------
// Skipping steps

using SkipCase = Case<RecruitmentState, SkipStep>;
class SkipStepTest : public ::testing::TestWithParam<SkipCase> {};

TEST_P(SkipStepTest, Decides) {
  RecruitmentState state;
  SkipStep command;
  World world;
  GetParam().given(state, command, world);
  const Events events = Decide(state, command, RecruitmentLookups{});
  ExpectOutcome(events, GetParam().then);
  if (events.ok() && !events->empty()) {
    EXPECT_EQ(std::get<v1::RecruitmentStepSkipped>((*events)[0]).step(), command.step);
  }
}

// A `given` that reaches `stage` with the cadrage of `involvements`, and skips `step` for
// `reason`.
SkipCase::Given Skipping(Stage stage, v1::RecruitmentStep step,
                         std::vector<v1::StepInvolvement> involvements, std::string reason) {
  return [=](RecruitmentState& state, SkipStep& command, World&) {
    state = Reach(stage, Cadrage(involvements));
    command = SkipStep{step, reason, Party::kEmployer};
  };
}

const auto kSelection = v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES;
const auto kJury = v1::RECRUITMENT_STEP_JURY;
const auto kSynthesis = v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS;

const SkipCase kSkipCases[] = {
    {"SelectionFacultatif", Skipping(kApplicationsClosed, kSelection, {}, "Deux candidatures"),
     Emits({"RecruitmentStepSkipped"})},
    {"SelectionNon",
     Skipping(kApplicationsClosed, kSelection, {InvolvementOf(kSelection, v1::CAF_INVOLVEMENT_NON)},
              "Deux candidatures"),
     Emits({"RecruitmentStepSkipped"})},
    {"SelectionAttendu",
     Skipping(kApplicationsClosed, kSelection,
              {InvolvementOf(kSelection, v1::CAF_INVOLVEMENT_ATTENDU)}, "Deux candidatures"),
     BreaksRule("STEP_REQUIRED")},
    {"JuryNon",
     Skipping(kSelected, kJury, {InvolvementOf(kJury, v1::CAF_INVOLVEMENT_NON)}, "Entretiens"),
     Emits({"RecruitmentStepSkipped"})},
    {"SynthesisAttendu",
     Skipping(kJuryHeld, kSynthesis, {InvolvementOf(kSynthesis, v1::CAF_INVOLVEMENT_ATTENDU)},
              "Synthèse orale"),
     BreaksRule("STEP_REQUIRED")},
    {"NotTheNextStep", Skipping(kApplicationsClosed, kJury, {}, "Pas de jury"),
     BreaksRule("STEP_REQUIRED")},
    {"AStepBehind", Skipping(kJuryHeld, kSelection, {}, "Trop tard"),
     BreaksRule("INVALID_TRANSITION")},
    {"TheOpinionOnTheFiche",
     Skipping(kFicheSubmitted, v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF, {}, "Urgence"),
     BreaksRule("CAF_OPINION_REQUIRED")},
    {"TheOpinionOnTheCandidate",
     Skipping(kSynthesised, v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT, {}, "Urgence"),
     BreaksRule("CAF_OPINION_REQUIRED")},
    {"TheOffer",
     Skipping(kFicheFavorable, v1::RECRUITMENT_STEP_OFFRE_PUBLIEE, {}, "Candidat interne"),
     BreaksRule("STEP_REQUIRED")},
    {"TheFiche",
     Skipping(kCadrageAgreed, v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION, {}, "Urgence"),
     BreaksRule("STEP_REQUIRED")},
    {"TheIntegration",
     Skipping(kHired, v1::RECRUITMENT_STEP_INTEGRATION, {}, "Agent déjà en poste"),
     BreaksRule("STEP_REQUIRED")},
    {"TheNeed", Skipping(kOpened, v1::RECRUITMENT_STEP_BESOIN_IDENTIFIE, {}, "Rien"),
     BreaksRule("INVALID_TRANSITION")},
    {"WithoutReason", Skipping(kApplicationsClosed, kSelection, {}, " "),
     BreaksRule("REASON_REQUIRED")},
    {"NoStep", Skipping(kApplicationsClosed, v1::RECRUITMENT_STEP_UNSPECIFIED, {}, "Rien"),
     RejectsFields({"step"})},
    {"UnknownStep", Skipping(kApplicationsClosed, static_cast<v1::RecruitmentStep>(14), {}, "Rien"),
     RejectsFields({"step"})},
};

INSTANTIATE_TEST_SUITE_P(Table, SkipStepTest, ::testing::ValuesIn(kSkipCases), CaseName);

// ---------------------------------------------------------------------------------------------
// The Caf's participation at ATTENDU steps

struct ParticipationCase {
  std::string name;
  Stage stage;
  std::string column;
  std::vector<v1::StepInvolvement> involvements;
  v1::CafInvolvement choice;
  bool caf_participated;
  std::string error;  // "" if accepted
};
void PrintTo(const ParticipationCase& test, std::ostream* os) { *os << test.name; }

class ParticipationTest : public ::testing::TestWithParam<ParticipationCase> {};

TEST_P(ParticipationTest, Decides) {
  const ParticipationCase& test = GetParam();
  const RecruitmentState state = Reach(test.stage, Cadrage(test.involvements, test.choice));
  const bool present = test.caf_participated;
  Events events;
  if (test.column == "Shortlist") {
    events = Decide(state, ShortlistCandidates{kToday, 4, present, kToday, Party::kEmployer},
                    RecruitmentLookups{});
  } else if (test.column == "Jury") {
    events =
        Decide(state, HoldJury{kToday, 3, present, kToday, Party::kEmployer}, RecruitmentLookups{});
  } else if (test.column == "Synthesis") {
    events = Decide(state, SynthesiseInterviews{kToday, present, kToday, Party::kEmployer},
                    RecruitmentLookups{});
  } else {
    events = Decide(state, ChooseCandidate{kCandidate, kToday, present, kToday, Party::kEmployer},
                    RecruitmentLookups{});
  }
  if (test.error.empty()) {
    EXPECT_OK(events);
  } else {
    ExpectOutcome(events, BreaksRule(test.error));
  }
}

const auto kAttendu = v1::CAF_INVOLVEMENT_ATTENDU;
const auto kNoChoice = v1::CAF_INVOLVEMENT_UNSPECIFIED;

const ParticipationCase kParticipationCases[] = {
    {"SelectionAttenduWithoutCaf",
     kApplicationsClosed,
     "Shortlist",
     {InvolvementOf(kSelection, kAttendu)},
     kNoChoice,
     false,
     "CAF_PARTICIPATION_REQUIRED"},
    {"SelectionAttenduWithCaf",
     kApplicationsClosed,
     "Shortlist",
     {InvolvementOf(kSelection, kAttendu)},
     kNoChoice,
     true,
     ""},
    {"SelectionFacultatifWithoutCaf", kApplicationsClosed, "Shortlist", {}, kNoChoice, false, ""},
    {"SelectionNonWithoutCaf",
     kApplicationsClosed,
     "Shortlist",
     {InvolvementOf(kSelection, v1::CAF_INVOLVEMENT_NON)},
     kNoChoice,
     false,
     ""},
    {"JuryAttenduWithoutCaf",
     kSelected,
     "Jury",
     {InvolvementOf(kJury, kAttendu)},
     kNoChoice,
     false,
     "CAF_PARTICIPATION_REQUIRED"},
    {"JuryAttenduWithCaf",
     kSelected,
     "Jury",
     {InvolvementOf(kJury, kAttendu)},
     kNoChoice,
     true,
     ""},
    {"SynthesisAttenduWithoutCaf",
     kJuryHeld,
     "Synthesis",
     {InvolvementOf(kSynthesis, kAttendu)},
     kNoChoice,
     false,
     "CAF_PARTICIPATION_REQUIRED"},
    {"ChoiceAttenduWithoutCaf",
     kSynthesised,
     "Choose",
     {},
     kAttendu,
     false,
     "CAF_PARTICIPATION_REQUIRED"},
    {"ChoiceAttenduWithCaf", kSynthesised, "Choose", {}, kAttendu, true, ""},
    {"ChoiceFacultatifWithoutCaf", kSynthesised, "Choose", {}, kNoChoice, false, ""},
};

INSTANTIATE_TEST_SUITE_P(Table, ParticipationTest, ::testing::ValuesIn(kParticipationCases),
                         CaseName);

// ---------------------------------------------------------------------------------------------
// The candidate, the dates and the fields of the other steps

TEST(CandidateTest, OpinionDecisionAndHireAreAboutTheChosenCandidate) {
  const Events opinion =
      Decide(Reach(kCandidateChosen),
             GiveCafOpinionOnCandidate{kOtherCandidate, v1::CAF_OPINION_FAVORABLE, kToday,
                                       std::string(kCdt), "", kToday, Party::kCaf},
             RecruitmentLookups{});
  EXPECT_EQ(Reason(opinion.status()), "CANDIDATE_MISMATCH");
  EXPECT_THAT(Metadata(opinion.status()),
              UnorderedElementsAre(Pair("person", kOtherCandidate), Pair("candidate", kCandidate)));
  EXPECT_EQ(Reason(Decide(Reach(kCandidateFavorable),
                          TakeEmployerDecision{kOtherCandidate, kToday, kToday, Party::kEmployer},
                          RecruitmentLookups{})
                       .status()),
            "CANDIDATE_MISMATCH");
  EXPECT_EQ(Reason(Decide(Reach(kDecided),
                          HirePerson{kOtherCandidate, kToday, kToday, kToday, Party::kEmployer},
                          RecruitmentLookups{})
                       .status()),
            "CANDIDATE_MISMATCH");
  // A name is never a candidate.
  EXPECT_THAT(
      BadFields(Decide(Reach(kSynthesised),
                       ChooseCandidate{"Claire Martin", kToday, true, kToday, Party::kEmployer},
                       RecruitmentLookups{})
                    .status()),
      ElementsAre("person"));
}

TEST(DatesTest, StepsAreDatedInOrderAndNotInTheFuture) {
  const RecruitmentState state = Reach(kJuryHeld);
  const Events earlier =
      Decide(state, SynthesiseInterviews{Date(2025, 9, 14), true, kToday, Party::kEmployer},
             RecruitmentLookups{});
  EXPECT_EQ(Reason(earlier.status()), "DATE_BEFORE_PREVIOUS_STEP");
  EXPECT_THAT(Metadata(earlier.status()),
              UnorderedElementsAre(Pair("date", "2025-09-14"), Pair("previous", "2025-09-15")));
  const Events future =
      Decide(state, SynthesiseInterviews{Date(2025, 9, 16), true, kToday, Party::kEmployer},
             RecruitmentLookups{});
  EXPECT_THAT(BadFields(future.status()), ElementsAre("date"));
  // R-1c: the employer decides after the Caf's opinion on the candidate, not before it (the
  // same day is allowed: the opinion is then given first).
  const RecruitmentState opinion = Reach(kCandidateFavorable);
  const Events decided_before =
      Decide(opinion, TakeEmployerDecision{kCandidate, Date(2025, 9, 14), kToday, Party::kEmployer},
             RecruitmentLookups{});
  EXPECT_EQ(Reason(decided_before.status()), "DATE_BEFORE_PREVIOUS_STEP");
  EXPECT_THAT(Metadata(decided_before.status()),
              UnorderedElementsAre(Pair("date", "2025-09-14"), Pair("previous", "2025-09-15")));
  EXPECT_OK(Decide(opinion, TakeEmployerDecision{kCandidate, kToday, kToday, Party::kEmployer},
                   RecruitmentLookups{}));
  // The hire: the contract is signed, the first day may come later but not earlier.
  const RecruitmentState decided = Reach(kDecided);
  EXPECT_OK(Decide(decided,
                   HirePerson{kCandidate, kToday, Date(2026, 1, 5), kToday, Party::kEmployer},
                   RecruitmentLookups{}));
  EXPECT_THAT(
      BadFields(Decide(decided,
                       HirePerson{kCandidate, kToday, Date(2025, 9, 1), kToday, Party::kEmployer},
                       RecruitmentLookups{})
                    .status()),
      ElementsAre("start_date"));
  EXPECT_THAT(BadFields(Decide(decided,
                               HirePerson{kCandidate, Date(2025, 9, 20), Date(2025, 10, 1), kToday,
                                          Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("contract_date"));
  EXPECT_THAT(BadFields(Decide(Reach(kHired),
                               CompleteIntegration{kToday, std::nullopt, Date(2025, 12, 1),
                                                   std::nullopt, kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("copil_presentation_date"));
}

TEST(FieldsTest, EveryStepChecksItsFields) {
  EXPECT_THAT(BadFields(Decide(Reach(kCadrageAgreed),
                               SubmitFicheDePoste{"", kToday, kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("document"));
  EXPECT_THAT(BadFields(Decide(Reach(kFicheSubmitted),
                               GiveCafOpinionOnFiche{0, v1::CAF_OPINION_UNSPECIFIED, kToday, "",
                                                     std::string(2001, 'x'), kToday, Party::kCaf},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("version", "opinion", "cdt", "comment"));
  EXPECT_THAT(BadFields(Decide(Reach(kOfferPublished),
                               CloseApplications{kToday, -1, kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("applications_received"));
  EXPECT_THAT(BadFields(Decide(Reach(kApplicationsClosed),
                               ShortlistCandidates{kToday, -1, true, kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("candidates_shortlisted"));
  EXPECT_THAT(BadFields(Decide(Reach(kSelected),
                               HoldJury{google::type::Date{}, -3, true, kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("date", "candidates_interviewed"));
  EXPECT_THAT(
      BadFields(Decide(Reach(kCandidateChosen),
                       GiveCafOpinionOnCandidate{kCandidate, static_cast<v1::CafOpinion>(7), kToday,
                                                 std::string(kCdt), "", kToday, Party::kCaf},
                       RecruitmentLookups{})
                    .status()),
      ElementsAre("opinion"));
  EXPECT_THAT(
      BadFields(Decide(Reach(kFicheFavorable),
                       PublishOffer{kToday, std::string(201, 'x'), kToday, Party::kEmployer},
                       RecruitmentLookups{})
                    .status()),
      ElementsAre("channel"));
  EXPECT_THAT(BadFields(Decide(Reach(kIntegrated),
                               CloseRecruitment{Date(2025, 9, 31), kToday, Party::kEmployer},
                               RecruitmentLookups{})
                            .status()),
              ElementsAre("date"));
}

TEST(CancelTest, NeedsAReasonAndRecordsTheStep) {
  const RecruitmentState state = Reach(kJuryHeld);
  const Events blank =
      Decide(state, CancelRecruitment{"\t", Party::kEmployer}, RecruitmentLookups{});
  EXPECT_EQ(Reason(blank.status()), "REASON_REQUIRED");
  ASSERT_OK_AND_ASSIGN(
      auto events,
      Decide(state, CancelRecruitment{"Budget gelé", Party::kEmployer}, RecruitmentLookups{}));
  EXPECT_EQ(std::get<v1::RecruitmentCancelled>(events[0]).step(), v1::RECRUITMENT_STEP_JURY);
  const Events over = Decide(Reach(kClosed), CancelRecruitment{"Trop tard", Party::kEmployer},
                             RecruitmentLookups{});
  EXPECT_THAT(Metadata(over.status()),
              UnorderedElementsAre(Pair("from", "RECRUITMENT_STATUS_TERMINE"),
                                   Pair("to", "RECRUITMENT_STATUS_ANNULE"),
                                   Pair("event", "ctg.v1.RecruitmentCancelled")));
  EXPECT_THAT(
      Decide(RecruitmentState{}, CancelRecruitment{"x", Party::kEmployer}, RecruitmentLookups{}),
      StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

// ---------------------------------------------------------------------------------------------
// Facts, Evolve by replay, tags and codec

TEST(FactsTest, APostLearnsWhomTheRecruitmentHired) {
  EXPECT_EQ(FactsOf(Reach(kDecided)).hired_person, "");
  const RecruitmentFacts facts = FactsOf(Reach(kHired));
  EXPECT_EQ(facts.post_id, kPostId);
  EXPECT_EQ(facts.hired_person, kCandidate);
}

TEST(FactsTest, ARecruitmentIsOverOnceClosedOrCancelledOnly) {
  for (int stage = 0; stage < kStageCount; ++stage) {
    EXPECT_EQ(IsOver(Reach(static_cast<Stage>(stage))), stage == kClosed || stage == kCancelled)
        << kStageNames[stage];
  }
  EXPECT_FALSE(IsOver(RecruitmentState{})) << "no recruitment";
}

TEST(EvolveTest, ReplayingTheLogGivesTheRecruitment) {
  const World world = WithPost();
  std::vector<RecruitmentEvent> log;
  RecruitmentState state;
  auto decide_and_fold = [&](const auto& command) {
    auto events = Decide(state, command, world.ForRecruitment());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const RecruitmentEvent& event : *events) {
      Evolve(state, event, kTime + absl::Minutes(log.size()));
      log.push_back(event);
    }
  };
  const google::type::Date d1 = Date(2025, 3, 10), d2 = Date(2025, 4, 2), d3 = Date(2025, 5, 20);
  AgreeCadrage cadrage = Cadrage({InvolvementOf(kJury, kAttendu)}, v1::CAF_INVOLVEMENT_NON);
  cadrage.date = Date(2025, 3, 5);
  decide_and_fold(Open());
  decide_and_fold(cadrage);
  decide_and_fold(SubmitFicheDePoste{"ged://v1", d1, kToday, Party::kEmployer});
  decide_and_fold(GiveCafOpinionOnFiche{1, v1::CAF_OPINION_RESERVE, d1, std::string(kCdt),
                                        "Préciser l'évaluation", kToday, Party::kCaf});
  decide_and_fold(SubmitFicheDePoste{"ged://v2", d2, kToday, Party::kEmployer});
  decide_and_fold(GiveCafOpinionOnFiche{2, v1::CAF_OPINION_FAVORABLE, d2, std::string(kCdt), "",
                                        kToday, Party::kCaf});
  decide_and_fold(PublishOffer{d2, "emploi-territorial.fr", kToday, Party::kEmployer});
  decide_and_fold(CloseApplications{d3, 14, kToday, Party::kEmployer});
  decide_and_fold(SkipStep{kSelection, "Présélection inutile", Party::kEmployer});
  decide_and_fold(HoldJury{kToday, 3, true, kToday, Party::kEmployer});
  decide_and_fold(SynthesiseInterviews{kToday, false, kToday, Party::kEmployer});
  decide_and_fold(ChooseCandidate{kCandidate, kToday, false, kToday, Party::kEmployer});
  decide_and_fold(GiveCafOpinionOnCandidate{kCandidate, v1::CAF_OPINION_FAVORABLE, kToday,
                                            std::string(kCdt), "", kToday, Party::kCaf});
  decide_and_fold(TakeEmployerDecision{kCandidate, kToday, kToday, Party::kEmployer});
  decide_and_fold(HirePerson{kCandidate, kToday, Date(2025, 11, 3), kToday, Party::kEmployer});
  decide_and_fold(
      CompleteIntegration{kToday, kToday, kToday, std::nullopt, kToday, Party::kEmployer});
  decide_and_fold(CloseRecruitment{kToday, kToday, Party::kEmployer});
  ASSERT_EQ(log.size(), 17u);

  RecruitmentState replayed;
  for (const RecruitmentEvent& event : log) Evolve(replayed, event, kTime);
  for (const RecruitmentState* recruitment : {&state, &replayed}) {
    EXPECT_TRUE(recruitment->exists);
    EXPECT_EQ(recruitment->recruitment_id, kRecruitmentId);
    EXPECT_EQ(recruitment->post, kPost);
    EXPECT_EQ(recruitment->ctg, kCtg);
    EXPECT_EQ(recruitment->employer, kEpci);
    EXPECT_EQ(recruitment->status, v1::RECRUITMENT_STATUS_TERMINE);
    EXPECT_EQ(recruitment->step(), v1::RECRUITMENT_STEP_EN_POSTE);
    EXPECT_EQ(recruitment->fiche_version, 2);
    EXPECT_EQ(recruitment->fiche_opinion, v1::CAF_OPINION_FAVORABLE);
    EXPECT_EQ(recruitment->hired_person, kCandidate);
    EXPECT_THAT(recruitment->skipped_steps, ElementsAre(kSelection));
    EXPECT_EQ(recruitment->involvements.at(kJury), kAttendu);
    EXPECT_EQ(recruitment->candidate_choice_involvement, v1::CAF_INVOLVEMENT_NON);
  }
  EXPECT_EQ(state.create_time, kTime);
  EXPECT_EQ(state.update_time, kTime + absl::Minutes(16));
}

TEST(TagsTest, RecruitmentPostCtgEmployerCandidateAndCdt) {
  const RecruitmentState state = Reach(kHired);
  const std::vector<std::string> base = {"recruitment:recrutement-2025", "post:cdc-val-orbe",
                                         "ctg:val-orbe-2025", "org:249900028"};
  EXPECT_EQ(Tags(state, v1::OfferPublished{}), base);
  v1::CafOpinionOnCandidateGiven opinion;
  opinion.set_person(kCandidate);
  opinion.set_cdt(std::string(kCdt));
  EXPECT_THAT(Tags(state, opinion), ElementsAre(base[0], base[1], base[2], base[3],
                                                "person:cand-00017", "subject:cdt-0042"));
  v1::PersonHired hired;
  hired.set_person(kCandidate);
  EXPECT_THAT(Tags(state, hired),
              ElementsAre(base[0], base[1], base[2], base[3], "person:cand-00017"));
  v1::RecruitmentCadrageAgreed cadrage;
  cadrage.set_cdt(std::string(kCdt));
  EXPECT_THAT(Tags(state, cadrage),
              ElementsAre(base[0], base[1], base[2], base[3], "subject:cdt-0042"));
}

TEST(ParseRecruitmentEventTest, RoundTripsEveryEventType) {
  v1::RecruitmentOpened opened;
  opened.set_recruitment_id(std::string(kRecruitmentId));
  v1::RecruitmentCadrageAgreed cadrage;
  *cadrage.add_involvements() = InvolvementOf(kJury, kAttendu);
  v1::FicheDePosteSubmitted fiche;
  fiche.set_version(2);
  v1::CafOpinionOnFicheGiven fiche_opinion;
  fiche_opinion.set_opinion(v1::CAF_OPINION_RESERVE);
  v1::OfferPublished offer;
  offer.set_channel("emploi-territorial.fr");
  v1::ApplicationsClosed closed;
  closed.set_applications_received(9);
  v1::CandidatesShortlisted shortlisted;
  shortlisted.set_caf_participated(true);
  v1::JuryHeld jury;
  jury.set_candidates_interviewed(3);
  v1::InterviewsSynthesised synthesis;
  synthesis.set_caf_participated(true);
  v1::RecruitmentStepSkipped skipped;
  skipped.set_step(kJury);
  v1::CandidateChosen chosen;
  chosen.set_person(kCandidate);
  v1::CafOpinionOnCandidateGiven opinion;
  opinion.set_opinion(v1::CAF_OPINION_DEFAVORABLE);
  v1::EmployerDecisionTaken decision;
  decision.set_person(kCandidate);
  v1::PersonHired hired;
  *hired.mutable_start_date() = Date(2025, 11, 3);
  v1::IntegrationCompleted integrated;
  *integrated.mutable_cdt_meeting_date() = kToday;
  v1::RecruitmentClosed done;
  *done.mutable_date() = kToday;
  v1::RecruitmentCancelled cancelled;
  cancelled.set_step(kJury);
  const std::vector<RecruitmentEvent> events = {
      opened,  cadrage, fiche,   fiche_opinion, offer, closed,     shortlisted, jury,     synthesis,
      skipped, chosen,  opinion, decision,      hired, integrated, done,        cancelled};
  ASSERT_EQ(events.size(), std::variant_size_v<RecruitmentEvent>);
  for (const RecruitmentEvent& event : events) {
    const google::protobuf::Message& message = AsMessage(event);
    ASSERT_OK_AND_ASSIGN(
        RecruitmentEvent parsed,
        ParseRecruitmentEvent(message.GetDescriptor()->full_name(), message.SerializeAsString()));
    EXPECT_EQ(parsed.index(), event.index());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AsMessage(parsed), message))
        << message.GetDescriptor()->full_name();
  }
  EXPECT_THAT(ParseRecruitmentEvent("ctg.v1.PostCreated", ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("a recruitment's")));
  EXPECT_THAT(ParseRecruitmentEvent("ctg.v1.JuryHeld", std::string(11, '\xFF')),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
  // Every milestone names its step and an event of this stream.
  for (int m = 0; m <= static_cast<int>(Milestone::kClosed); ++m) {
    const Milestone milestone = static_cast<Milestone>(m);
    EXPECT_NE(StepOf(milestone), v1::RECRUITMENT_STEP_UNSPECIFIED);
    EXPECT_THAT(ParseRecruitmentEvent(EventOf(milestone), ""), ::ctg::testing::IsOk())
        << EventOf(milestone);
  }
}

}  // namespace
}  // namespace ctg::staffing
