// NextStepOf: who acts next at each step of a recruitment, for every milestone and status (and,
// after the Caf's opinion on the fiche de poste, every opinion).
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/staffing/recruitment.h"

namespace ctg::staffing {
namespace {

// One milestone (with the Caf's opinion on the fiche de poste, which only R3 reads) and the
// step it awaits while EN_COURS.
struct NextStepCase {
  Milestone milestone;
  v1::CafOpinion fiche_opinion;
  NextStep en_cours;
};

void PrintTo(const NextStepCase& test, std::ostream* os) { *os << EventOf(test.milestone); }

const NextStepCase kNextStepCases[] = {
    {Milestone::kOpened,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_CADRAGE_CDT, v1::STAFFING_PARTY_EITHER}},
    {Milestone::kCadrageAgreed,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kFicheSubmitted,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF, v1::STAFFING_PARTY_CAF}},
    // only a favourable opinion opens the offer; any other sends the fiche back to R2.
    {Milestone::kFicheOpinionGiven,
     v1::CAF_OPINION_FAVORABLE,
     {v1::RECRUITMENT_STEP_OFFRE_PUBLIEE, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kFicheOpinionGiven,
     v1::CAF_OPINION_RESERVE,
     {v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kFicheOpinionGiven,
     v1::CAF_OPINION_DEFAVORABLE,
     {v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kFicheOpinionGiven,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION, v1::STAFFING_PARTY_EMPLOYER}},
    // R4 has two milestones: the closing of applications follows the offer.
    {Milestone::kOfferPublished,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_OFFRE_PUBLIEE, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kApplicationsClosed,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kApplicationsSelected,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_JURY, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kJuryHeld,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, v1::STAFFING_PARTY_EMPLOYER}},
    // R8 has two milestones: the employer chooses, then the Caf gives its opinion.
    {Milestone::kInterviewsSynthesised,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kCandidateChosen,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT, v1::STAFFING_PARTY_CAF}},
    {Milestone::kCandidateOpinionGiven,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_DECISION_EMPLOYEUR, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kEmployerDecided,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_RECRUTE, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kHired,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_INTEGRATION, v1::STAFFING_PARTY_EMPLOYER}},
    {Milestone::kIntegrated,
     v1::CAF_OPINION_UNSPECIFIED,
     {v1::RECRUITMENT_STEP_EN_POSTE, v1::STAFFING_PARTY_EMPLOYER}},
    // Nothing follows R12.
    {Milestone::kClosed, v1::CAF_OPINION_UNSPECIFIED, {}},
};

constexpr v1::RecruitmentStatus kEveryStatus[] = {
    v1::RECRUITMENT_STATUS_UNSPECIFIED, v1::RECRUITMENT_STATUS_EN_COURS,
    v1::RECRUITMENT_STATUS_TERMINE, v1::RECRUITMENT_STATUS_ANNULE};

class NextStepOfTest
    : public ::testing::TestWithParam<std::tuple<NextStepCase, v1::RecruitmentStatus>> {};

TEST_P(NextStepOfTest, AwaitsTheNextStepWhileEnCours) {
  const auto& [test, status] = GetParam();
  RecruitmentState state;
  state.exists = status != v1::RECRUITMENT_STATUS_UNSPECIFIED;
  state.status = status;
  state.milestone = test.milestone;
  state.fiche_opinion = test.fiche_opinion;
  const NextStep want = status == v1::RECRUITMENT_STATUS_EN_COURS ? test.en_cours : NextStep{};
  const NextStep next = NextStepOf(state);
  EXPECT_EQ(v1::RecruitmentStep_Name(next.step), v1::RecruitmentStep_Name(want.step));
  EXPECT_EQ(v1::StaffingParty_Name(next.party), v1::StaffingParty_Name(want.party));
}

INSTANTIATE_TEST_SUITE_P(
    EveryMilestoneAndStatus, NextStepOfTest,
    ::testing::Combine(::testing::ValuesIn(kNextStepCases), ::testing::ValuesIn(kEveryStatus)),
    [](const auto& info) {
      const auto& test = std::get<0>(info.param);
      const auto& status = std::get<1>(info.param);
      std::string name(EventOf(test.milestone).substr(sizeof("ctg.v1.") - 1));
      if (test.milestone == Milestone::kFicheOpinionGiven) {
        absl::StrAppend(&name, "_",
                        v1::CafOpinion_Name(test.fiche_opinion).substr(sizeof("CAF_OPINION_") - 1));
      }
      return absl::StrCat(
          name, "_", v1::RecruitmentStatus_Name(status).substr(sizeof("RECRUITMENT_STATUS_") - 1));
    });

TEST(NextStepOfTest, TheTableCoversEveryMilestone) {
  std::set<int> covered;
  for (const NextStepCase& test : kNextStepCases) covered.insert(static_cast<int>(test.milestone));
  for (int m = 0; m <= static_cast<int>(Milestone::kClosed); ++m) {
    EXPECT_TRUE(covered.count(m)) << EventOf(static_cast<Milestone>(m));
  }
}

// The step announced is one the sequence accepts next.
TEST(NextStepOfTest, TheSequenceAcceptsTheAnnouncedStep) {
  for (const NextStepCase& test : kNextStepCases) {
    if (test.en_cours.step == v1::RECRUITMENT_STEP_UNSPECIFIED) continue;
    RecruitmentState state;
    state.exists = true;
    state.status = v1::RECRUITMENT_STATUS_EN_COURS;
    state.milestone = test.milestone;
    state.fiche_opinion = test.fiche_opinion;
    const NextStep next = NextStepOf(state);
    bool accepted = false;
    for (int m = 0; m <= static_cast<int>(Milestone::kClosed); ++m) {
      const Milestone to = static_cast<Milestone>(m);
      if (StepOf(to) == next.step && IsAllowedStep(state, to)) accepted = true;
    }
    EXPECT_TRUE(accepted) << EventOf(test.milestone) << " announces "
                          << v1::RecruitmentStep_Name(next.step);
  }
}

}  // namespace
}  // namespace ctg::staffing
