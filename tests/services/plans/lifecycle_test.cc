// The CTG lifecycle (DOMAIN §4.1): every (from, to) pair of states, the reasons required to
// suspend or terminate, and the R-16 guard of EN_SIGNATURE → ACTIVE.
#include <functional>
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
using namespace ::ctg::plans::testing;  // NOLINT: the fixtures of this test
using ::ctg::testing::Then;

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

const std::vector<std::string> kChanged = {"CtgStateChanged"};

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
  ExpectOutcome(events, allowed ? Emits(kChanged)
                                : BreaksRule("INVALID_TRANSITION")
                                      .WithMetadata({{"from", v1::CtgState_Name(from)},
                                                     {"to", v1::CtgState_Name(to)}}));
  if (allowed && events.ok() && events->size() == 1) {
    const auto& changed = std::get<v1::CtgStateChanged>((*events)[0]);
    EXPECT_EQ(changed.from(), from);
    EXPECT_EQ(changed.to(), to);
  } else if (!allowed) {
    EXPECT_THAT(events, StatusIs(kFailed, ::testing::HasSubstr("INVALID_TRANSITION")));
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

using TransitionCase = CommandCase<TransitionCtg>;
class TransitionReasonTest : public ::testing::TestWithParam<TransitionCase> {};

TEST_P(TransitionReasonTest, Decides) { ExpectOutcome(GetParam(), CtgState{}, TransitionCtg{}); }

// A `given` that moves a CTG ready to activate, put in `from`, to `to` for `reason`.
TransitionCase::Given Moving(v1::CtgState from, v1::CtgState to, std::string reason) {
  return [=](CtgState& state, TransitionCtg& command) {
    state = InState(from);
    command = TransitionCtg{to, reason};
  };
}

std::string Accented(int chars) {
  std::string text;
  for (int i = 0; i < chars; ++i) text += "é";
  return text;
}

const TransitionCase kReasonCases[] = {
    {"SuspendWithReason", Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, "Audit en cours"),
     Emits(kChanged)},
    {"SuspendWithoutReason", Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, ""),
     BreaksRule("REASON_REQUIRED")},
    {"SuspendWithBlankReason", Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, " \n "),
     BreaksRule("REASON_REQUIRED")},
    {"ResumeWithoutReason", Moving(v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_ACTIVE, ""),
     Emits(kChanged)},
    {"TerminateWithoutReason", Moving(v1::CTG_STATE_EN_PREPARATION, v1::CTG_STATE_RESILIEE, ""),
     BreaksRule("REASON_REQUIRED")},
    {"TerminateSuspendedWithoutReason", Moving(v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_RESILIEE, ""),
     BreaksRule("REASON_REQUIRED")},
    {"TerminateWithReason",
     Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_RESILIEE, "Dissolution de l'EPCI"),
     Emits(kChanged)},
    {"ForwardWithoutReason", Moving(v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_ECHUE, ""),
     Emits(kChanged)},
    {"InvalidTransitionBeforeMissingReason",
     Moving(v1::CTG_STATE_RESILIEE, v1::CTG_STATE_RESILIEE, ""), BreaksRule("INVALID_TRANSITION")},
    {"ReasonOf2000Characters",
     Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, Accented(2000)), Emits(kChanged)},
    {"ReasonOf2001Characters",
     Moving(v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE, Accented(2001)),
     RejectsFields({"reason"})},
};

INSTANTIATE_TEST_SUITE_P(Table, TransitionReasonTest, ::testing::ValuesIn(kReasonCases), CaseName);

// ---------------------------------------------------------------------------------------
// EN_SIGNATURE → ACTIVE

class ActivationGuardTest : public ::testing::TestWithParam<TransitionCase> {};

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
  ExpectOutcome(GetParam(), state, TransitionCtg{v1::CTG_STATE_ACTIVE, ""});
}

// A `given` that applies `change` to the CTG ready to activate.
TransitionCase::Given Changing(std::function<void(v1::Ctg&)> change) {
  return [change](CtgState& state, TransitionCtg&) { change(state.ctg); };
}

// R-16 blocks the activation because of `organisation` ("" for the period).
Then Blocks(std::string reason, const std::string& organisation) {
  if (organisation.empty()) return BreaksRule(std::move(reason)).WithMetadata({});
  return BreaksRule(std::move(reason)).With("organisation", organisation).With("rule", "R-16");
}

const TransitionCase kGuardCases[] = {
    {"EverythingRecorded", Changing([](v1::Ctg&) {}), Emits(kChanged)},
    {"PartnerNeedsNoSignature", Changing(Without(kPartnerAt, false, true)), Emits(kChanged)},
    {"CafNeedsNoDeliberation", Changing(Without(kCafAt, true, false)), Emits(kChanged)},
    {"PorteurWithoutDeliberation", Changing(Without(kPorteurAt, true, false)),
     Blocks("DELIBERATION_REQUIRED", kEpci)},
    {"MemberWithoutDeliberation", Changing(Without(kMemberAt, true, false)),
     Blocks("DELIBERATION_REQUIRED", kCommune)},
    {"FirstMissingDeliberationIsNamed", Changing([](v1::Ctg& ctg) {
       Without(kMemberAt, true, false)(ctg);
       Without(kPorteurAt, true, false)(ctg);
     }),
     Blocks("DELIBERATION_REQUIRED", kEpci)},
    {"PorteurWithoutSignature", Changing(Without(kPorteurAt, false, true)),
     Blocks("SIGNATURE_REQUIRED", kEpci)},
    {"MemberWithoutSignature", Changing(Without(kMemberAt, false, true)),
     Blocks("SIGNATURE_REQUIRED", kCommune)},
    {"CafWithoutSignature", Changing(Without(kCafAt, false, true)),
     Blocks("SIGNATURE_REQUIRED", kCaf)},
    {"DeliberationBeforeSignature", Changing([](v1::Ctg& ctg) {
       Without(kCafAt, false, true)(ctg);
       Without(kMemberAt, true, false)(ctg);
     }),
     Blocks("DELIBERATION_REQUIRED", kCommune)},
    {"NoStartDate", Changing([](v1::Ctg& ctg) { ctg.clear_start_date(); }),
     Blocks("PERIOD_REQUIRED", "")},
    {"NoEndDate", Changing([](v1::Ctg& ctg) { ctg.clear_end_date(); }),
     Blocks("PERIOD_REQUIRED", "")},
    {"SignaturesBeforePeriod", Changing([](v1::Ctg& ctg) {
       ctg.clear_end_date();
       Without(kPorteurAt, false, true)(ctg);
     }),
     Blocks("SIGNATURE_REQUIRED", kEpci)},
    {"DurationWarningDoesNotBlock",
     Changing([](v1::Ctg& ctg) { *ctg.mutable_end_date() = Date(2025, 6, 30); }), Emits(kChanged)},
    {"ThematicWarningDoesNotBlock", Changing([](v1::Ctg& ctg) { ctg.clear_thematiques(); }),
     Emits(kChanged)},
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
