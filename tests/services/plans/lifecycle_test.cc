// The CTG lifecycle (DOMAIN §4.1): every (from, to) pair of states, the reasons required to
// suspend or terminate, and the R-16 guard of EN_SIGNATURE → ACTIVE.
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/plans/ctg.h"
#include "tests/services/plans/ctg_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace ctg::plans {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using namespace ::ctg::plans::testing;  // NOLINT: the fixtures of this test

constexpr auto kFailed = absl::StatusCode::kFailedPrecondition;

// Every transition of the lifecycle, listed one by one; every other pair is refused.
const std::set<std::pair<v1::CtgState, v1::CtgState>> kAllowed = {
    // The main line, one step at a time.
    {v1::CTG_STATE_EN_PREPARATION, v1::CTG_STATE_DIAGNOSTIC_EN_COURS},
    {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE},
    {v1::CTG_STATE_DIAGNOSTIC_PARTAGE, v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION},
    {v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION, v1::CTG_STATE_EN_SIGNATURE},
    {v1::CTG_STATE_EN_SIGNATURE, v1::CTG_STATE_ACTIVE},
    {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_EVALUATION_FINALE},
    {v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_ECHUE},
    {v1::CTG_STATE_ECHUE, v1::CTG_STATE_RENOUVELEE},
    // Suspension.
    {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE},
    {v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_ACTIVE},
    // Termination, from every state that has not ended.
    {v1::CTG_STATE_EN_PREPARATION, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_DIAGNOSTIC_PARTAGE, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_EN_SIGNATURE, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_RESILIEE},
    {v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_RESILIEE},
};

std::vector<v1::CtgState> EveryState() {
  std::vector<v1::CtgState> states;
  for (int state = v1::CtgState_MIN + 1; state <= v1::CtgState_MAX; ++state) {
    states.push_back(static_cast<v1::CtgState>(state));
  }
  return states;
}

class TransitionMatrixTest
    : public ::testing::TestWithParam<std::tuple<v1::CtgState, v1::CtgState>> {};

TEST_P(TransitionMatrixTest, AllowedIffListed) {
  const auto [from, to] = GetParam();
  const bool allowed = kAllowed.count({from, to}) == 1;
  EXPECT_EQ(IsAllowedTransition(from, to), allowed);
  // Every guard is met and a reason given: only the lifecycle decides.
  const auto events = Decide(InState(from), TransitionCtg{to, "Décision du COPIL"}, Registry());
  if (allowed) {
    ASSERT_OK(events);
    ASSERT_EQ(events->size(), 1u);
    const auto& changed = std::get<v1::CtgStateChanged>((*events)[0]);
    EXPECT_EQ(changed.from(), from);
    EXPECT_EQ(changed.to(), to);
  } else {
    EXPECT_THAT(events, StatusIs(kFailed, ::testing::HasSubstr("INVALID_TRANSITION")));
    EXPECT_EQ(Reason(events.status()), "INVALID_TRANSITION");
    EXPECT_THAT(Metadata(events.status()),
                UnorderedElementsAre(Pair("from", v1::CtgState_Name(from)),
                                     Pair("to", v1::CtgState_Name(to))));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPair, TransitionMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(EveryState()),
                                            ::testing::ValuesIn(EveryState())),
                         [](const auto& info) {
                           return v1::CtgState_Name(std::get<0>(info.param)).substr(10) + "_to_" +
                                  v1::CtgState_Name(std::get<1>(info.param)).substr(10);
                         });

TEST(TransitionTest, TheListIsTheLifecycleOfTheDomain) {
  EXPECT_EQ(kAllowed.size(), 18u);
  // Nothing leaves a final state.
  for (v1::CtgState to : EveryState()) {
    EXPECT_FALSE(IsAllowedTransition(v1::CTG_STATE_RENOUVELEE, to));
    EXPECT_FALSE(IsAllowedTransition(v1::CTG_STATE_RESILIEE, to));
    EXPECT_FALSE(IsAllowedTransition(v1::CTG_STATE_UNSPECIFIED, to));
  }
}

TEST(TransitionTest, TargetStateMustBeKnown) {
  for (v1::CtgState to :
       {v1::CTG_STATE_UNSPECIFIED, static_cast<v1::CtgState>(12), static_cast<v1::CtgState>(-1)}) {
    const auto events =
        Decide(InState(v1::CTG_STATE_ACTIVE), TransitionCtg{to, "raison"}, Registry());
    EXPECT_THAT(events, StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
    EXPECT_THAT(BadFields(events.status()), ElementsAre("state"));
  }
}

TEST(TransitionTest, MissingCtgIsNotFound) {
  EXPECT_THAT(Decide(CtgState{}, TransitionCtg{v1::CTG_STATE_DIAGNOSTIC_EN_COURS, ""}, Registry()),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

// ---------------------------------------------------------------------------------------
// Reasons

struct ReasonCase {
  std::string name;
  v1::CtgState from;
  v1::CtgState to;
  std::string reason;
  absl::StatusCode code;
  std::string error_reason;  // ErrorInfo reason, or the BadRequest field for INVALID_ARGUMENT
};
void PrintTo(const ReasonCase& test, std::ostream* os) { *os << test.name; }

class TransitionReasonTest : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(TransitionReasonTest, Decides) {
  const ReasonCase& test = GetParam();
  const auto events = Decide(InState(test.from), TransitionCtg{test.to, test.reason}, Registry());
  EXPECT_EQ(events.status().code(), test.code) << events.status();
  if (test.code == absl::StatusCode::kInvalidArgument) {
    EXPECT_THAT(BadFields(events.status()), ElementsAre(test.error_reason));
  } else {
    EXPECT_EQ(Reason(events.status()), test.error_reason);
  }
}

std::string Accented(int chars) {
  std::string text;
  for (int i = 0; i < chars; ++i) text += "é";
  return text;
}

const ReasonCase kReasonCases[] = {
    {"SuspendWithReason", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, "Audit en cours",
     absl::StatusCode::kOk, ""},
    {"SuspendWithoutReason", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, "", kFailed,
     "REASON_REQUIRED"},
    {"SuspendWithBlankReason", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, " \n ", kFailed,
     "REASON_REQUIRED"},
    {"ResumeWithoutReason", v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_ACTIVE, "",
     absl::StatusCode::kOk, ""},
    {"TerminateWithoutReason", v1::CTG_STATE_EN_PREPARATION, v1::CTG_STATE_RESILIEE, "", kFailed,
     "REASON_REQUIRED"},
    {"TerminateSuspendedWithoutReason", v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_RESILIEE, "",
     kFailed, "REASON_REQUIRED"},
    {"TerminateWithReason", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_RESILIEE, "Dissolution de l'EPCI",
     absl::StatusCode::kOk, ""},
    {"ForwardWithoutReason", v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_ECHUE, "",
     absl::StatusCode::kOk, ""},
    {"InvalidTransitionBeforeMissingReason", v1::CTG_STATE_RESILIEE, v1::CTG_STATE_RESILIEE, "",
     kFailed, "INVALID_TRANSITION"},
    {"ReasonOf2000Characters", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, Accented(2000),
     absl::StatusCode::kOk, ""},
    {"ReasonOf2001Characters", v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, Accented(2001),
     absl::StatusCode::kInvalidArgument, "reason"},
};

INSTANTIATE_TEST_SUITE_P(Table, TransitionReasonTest, ::testing::ValuesIn(kReasonCases), CaseName);

// ---------------------------------------------------------------------------------------
// EN_SIGNATURE → ACTIVE

struct GuardCase {
  std::string name;
  std::function<void(v1::Ctg&)> change;  // applied to ReadyToActivate()
  std::string reason;                    // "" if the CTG becomes ACTIVE
  std::string organisation;              // ErrorInfo metadata "organisation", if any
};
void PrintTo(const GuardCase& test, std::ostream* os) { *os << test.name; }

class ActivationGuardTest : public ::testing::TestWithParam<GuardCase> {};

// Index of each signatory in ReadyToActivate(): the Caf, the porteur, the member, the partner.
enum { kCafAt, kPorteurAt, kMemberAt, kPartnerAt };

auto Without(int signatory, bool deliberation, bool signature) {
  return [=](v1::Ctg& ctg) {
    if (deliberation) ctg.mutable_signatories(signatory)->clear_deliberation();
    if (signature) ctg.mutable_signatories(signatory)->clear_signature_date();
  };
}

TEST_P(ActivationGuardTest, Decides) {
  CtgState state = ReadyToActivate();
  ASSERT_EQ(state.ctg.state(), v1::CTG_STATE_EN_SIGNATURE);
  ASSERT_EQ(state.ctg.signatories_size(), 4);
  GetParam().change(state.ctg);
  const auto events = Decide(state, TransitionCtg{v1::CTG_STATE_ACTIVE, ""}, Registry());
  if (GetParam().reason.empty()) {
    EXPECT_OK(events);
    return;
  }
  EXPECT_THAT(events, StatusIs(kFailed, ::testing::_));
  EXPECT_EQ(Reason(events.status()), GetParam().reason);
  const auto metadata = Metadata(events.status());
  if (GetParam().organisation.empty()) {
    EXPECT_EQ(metadata.count("organisation"), 0u);
  } else {
    EXPECT_EQ(metadata.at("organisation"), GetParam().organisation);
    EXPECT_EQ(metadata.at("rule"), "R-16");
  }
}

const GuardCase kGuardCases[] = {
    {"EverythingRecorded", [](v1::Ctg&) {}, "", ""},
    {"PartnerNeedsNoSignature", Without(kPartnerAt, false, true), "", ""},
    {"CafNeedsNoDeliberation", Without(kCafAt, true, false), "", ""},
    {"PorteurWithoutDeliberation", Without(kPorteurAt, true, false), "DELIBERATION_REQUIRED",
     kEpci},
    {"MemberWithoutDeliberation", Without(kMemberAt, true, false), "DELIBERATION_REQUIRED",
     kCommune},
    {"FirstMissingDeliberationIsNamed",
     [](v1::Ctg& ctg) {
       Without(kMemberAt, true, false)(ctg);
       Without(kPorteurAt, true, false)(ctg);
     },
     "DELIBERATION_REQUIRED", kEpci},
    {"PorteurWithoutSignature", Without(kPorteurAt, false, true), "SIGNATURE_REQUIRED", kEpci},
    {"MemberWithoutSignature", Without(kMemberAt, false, true), "SIGNATURE_REQUIRED", kCommune},
    {"CafWithoutSignature", Without(kCafAt, false, true), "SIGNATURE_REQUIRED", kCaf},
    {"DeliberationBeforeSignature",
     [](v1::Ctg& ctg) {
       Without(kCafAt, false, true)(ctg);
       Without(kMemberAt, true, false)(ctg);
     },
     "DELIBERATION_REQUIRED", kCommune},
    {"NoStartDate", [](v1::Ctg& ctg) { ctg.clear_start_date(); }, "PERIOD_REQUIRED", ""},
    {"NoEndDate", [](v1::Ctg& ctg) { ctg.clear_end_date(); }, "PERIOD_REQUIRED", ""},
    {"SignaturesBeforePeriod",
     [](v1::Ctg& ctg) {
       ctg.clear_end_date();
       Without(kPorteurAt, false, true)(ctg);
     },
     "SIGNATURE_REQUIRED", kEpci},
    {"DurationWarningDoesNotBlock",
     [](v1::Ctg& ctg) { *ctg.mutable_end_date() = Date(2025, 6, 30); }, "", ""},
    {"ThematicWarningDoesNotBlock", [](v1::Ctg& ctg) { ctg.clear_thematiques(); }, "", ""},
};

INSTANTIATE_TEST_SUITE_P(Table, ActivationGuardTest, ::testing::ValuesIn(kGuardCases), CaseName);

TEST(ActivationGuardTest, ResumingFromSuspensionIsNotGuarded) {
  CtgState state = InState(v1::CTG_STATE_SUSPENDUE);
  state.ctg.clear_end_date();
  state.ctg.mutable_signatories(kPorteurAt)->clear_deliberation();
  EXPECT_OK(Decide(state, TransitionCtg{v1::CTG_STATE_ACTIVE, ""}, Registry()));
}

TEST(LifecycleTest, ACtgLivesFromDraftToRenewal) {
  CtgState state = ReadyToActivate();
  for (v1::CtgState to :
       {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_ACTIVE,
        v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_ECHUE, v1::CTG_STATE_RENOUVELEE}) {
    Apply(state, TransitionCtg{to, "Décision du COPIL"});
    EXPECT_EQ(state.ctg.state(), to);
  }
  EXPECT_EQ(
      Reason(Decide(state, TransitionCtg{v1::CTG_STATE_RESILIEE, "Erreur"}, Registry()).status()),
      "INVALID_TRANSITION");
}

}  // namespace
}  // namespace ctg::plans
