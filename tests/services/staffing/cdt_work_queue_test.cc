// What enters the CDT's work queue: the task of every recruitment (milestone × status), of every
// replacement (status) and of every change of a post (status, with or without an exchange).
#include "services/staffing/cdt_work_queue.h"

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/platform/time_proto.h"
#include "tests/services/staffing/staffing_print.h"
#include "tests/services/staffing/staffing_fixtures.h"

namespace ctg::staffing {
namespace {

using testing::ExchangeOf;
using testing::kCandidate;
using testing::kCtg;
using testing::kEpci;
using testing::kPost;
using testing::kPostId;
using testing::kRecruitment;
using testing::kRecruitmentId;
using testing::kReplacement;
using testing::kReplacementId;
using testing::kReplacer;
using testing::kTime;

// When the state last changed, apart from when it was created.
const absl::Time kUpdated = kTime + absl::Hours(26);

void ExpectTask(const std::optional<v1::CdtTask>& task, const std::optional<v1::CdtTask>& want) {
  ASSERT_EQ(task.has_value(), want.has_value())
      << (task.has_value() ? task->ShortDebugString() : want->ShortDebugString());
  if (!want.has_value()) return;
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(*want, *task)) << diff;
}

v1::CdtTask TaskOf(v1::CdtTaskKind kind, const std::string& resource) {
  v1::CdtTask task;
  task.set_kind(kind);
  task.set_resource(resource);
  task.set_post(kPost);
  task.set_ctg(kCtg);
  task.set_employer(kEpci);
  *task.mutable_since() = platform::ToTimestamp(kUpdated);
  return task;
}

// ---------------------------------------------------------------------------------------------
// Recruitments

// The kind of task a recruitment EN_COURS at `milestone` sets the CDT (UNSPECIFIED for none).
v1::CdtTaskKind KindAwaitedAt(Milestone milestone) {
  switch (milestone) {
    case Milestone::kOpened:
      return v1::CDT_TASK_KIND_CADRAGE;
    case Milestone::kFicheSubmitted:
      return v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION;
    case Milestone::kCandidateChosen:
      return v1::CDT_TASK_KIND_CANDIDATE_OPINION;
    default:
      return v1::CDT_TASK_KIND_UNSPECIFIED;
  }
}

std::vector<Milestone> EveryMilestone() {
  std::vector<Milestone> milestones;
  for (int m = 0; m <= static_cast<int>(Milestone::kClosed); ++m) {
    milestones.push_back(static_cast<Milestone>(m));
  }
  return milestones;
}

class RecruitmentTaskTest
    : public ::testing::TestWithParam<std::tuple<Milestone, v1::RecruitmentStatus>> {};

TEST_P(RecruitmentTaskTest, AwaitsTheCdtAtR0R2AndR8WhileEnCours) {
  const auto& [milestone, status] = GetParam();
  RecruitmentState state;
  state.exists = status != v1::RECRUITMENT_STATUS_UNSPECIFIED;
  state.recruitment_id = std::string(kRecruitmentId);
  state.post = kPost;
  state.ctg = kCtg;
  state.employer = kEpci;
  state.status = status;
  state.milestone = milestone;
  state.fiche_version = 2;
  state.candidate = kCandidate;
  state.create_time = kTime;
  state.update_time = kUpdated;

  std::optional<v1::CdtTask> want;
  const v1::CdtTaskKind kind = KindAwaitedAt(milestone);
  if (status == v1::RECRUITMENT_STATUS_EN_COURS && kind != v1::CDT_TASK_KIND_UNSPECIFIED) {
    want = TaskOf(kind, kRecruitment);
    if (kind == v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION) want->set_fiche_version(2);
    if (kind == v1::CDT_TASK_KIND_CANDIDATE_OPINION) want->set_person(kCandidate);
  }
  ExpectTask(CdtTaskOf(state), want);
}

INSTANTIATE_TEST_SUITE_P(EveryMilestoneAndStatus, RecruitmentTaskTest,
                         ::testing::Combine(::testing::ValuesIn(EveryMilestone()),
                                            ::testing::Values(v1::RECRUITMENT_STATUS_UNSPECIFIED,
                                                              v1::RECRUITMENT_STATUS_EN_COURS,
                                                              v1::RECRUITMENT_STATUS_TERMINE,
                                                              v1::RECRUITMENT_STATUS_ANNULE)),
                         [](const auto& info) {
                           const auto& milestone = std::get<0>(info.param);
                           const auto& status = std::get<1>(info.param);
                           return absl::StrCat(EventOf(milestone).substr(sizeof("ctg.v1.") - 1),
                                               "_",
                                               v1::RecruitmentStatus_Name(status).substr(
                                                   sizeof("RECRUITMENT_STATUS_") - 1));
                         });

// ---------------------------------------------------------------------------------------------
// Replacements

class ReplacementTaskTest
    : public ::testing::TestWithParam<std::tuple<v1::ReplacementStatus, bool>> {};

TEST_P(ReplacementTaskTest, AwaitsTheCafsValidationWhileDemande) {
  const auto& [status, exists] = GetParam();
  ReplacementState state;
  state.exists = exists;
  state.request.set_replacement_id(std::string(kReplacementId));
  state.request.set_post(kPost);
  state.request.set_ctg(kCtg);
  state.request.set_employer(kEpci);
  state.request.set_person(kReplacer);
  state.status = status;
  state.create_time = kTime;
  state.update_time = kUpdated;

  std::optional<v1::CdtTask> want;
  if (exists && status == v1::REPLACEMENT_STATUS_DEMANDE) {
    want = TaskOf(v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION, kReplacement);
    want->set_person(kReplacer);
  }
  ExpectTask(CdtTaskOf(state), want);
}

std::vector<v1::ReplacementStatus> EveryReplacementStatus() {
  std::vector<v1::ReplacementStatus> statuses;
  for (int s = v1::ReplacementStatus_MIN; s <= v1::ReplacementStatus_MAX; ++s) {
    if (v1::ReplacementStatus_IsValid(s)) statuses.push_back(static_cast<v1::ReplacementStatus>(s));
  }
  return statuses;
}

INSTANTIATE_TEST_SUITE_P(EveryStatus, ReplacementTaskTest,
                         ::testing::Combine(::testing::ValuesIn(EveryReplacementStatus()),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           const auto& status = std::get<0>(info.param);
                           const auto& exists = std::get<1>(info.param);
                           return absl::StrCat(v1::ReplacementStatus_Name(status).substr(
                                                   sizeof("REPLACEMENT_STATUS_") - 1),
                                               exists ? "" : "_Missing");
                         });

// ---------------------------------------------------------------------------------------------
// Changes of a post

constexpr absl::string_view kChangeId = "arrivee-titulaire";

PostState PostWith(std::vector<ChangeRecord> changes) {
  PostState state;
  state.exists = true;
  state.post_id = std::string(kPostId);
  state.ctg = kCtg;
  state.employer = kEpci;
  state.changes = std::move(changes);
  state.create_time = kTime;
  state.update_time = kUpdated;
  return state;
}

ChangeRecord ChangeOf(absl::string_view change_id, v1::ChangeKind kind, ChangeStatus status,
                      bool exchanged) {
  ChangeRecord change;
  change.proposal.set_change_id(std::string(change_id));
  change.proposal.set_kind(kind);
  change.status = status;
  if (exchanged) {
    change.exchanges.push_back(ExchangeOf(change_id, absl::StrCat(change_id, "-echange")));
  }
  return change;
}

v1::CdtTask ExchangeTaskOf(absl::string_view change_id, v1::ChangeKind kind) {
  v1::CdtTask task =
      TaskOf(v1::CDT_TASK_KIND_CDT_EXCHANGE, absl::StrCat(kPost, "/changes/", change_id));
  task.set_change_kind(kind);
  return task;
}

class ChangeTaskTest : public ::testing::TestWithParam<std::tuple<ChangeStatus, bool, bool>> {};

TEST_P(ChangeTaskTest, AwaitsAnExchangeWhileProposedWithoutOne) {
  const auto& [status, exchanged, exists] = GetParam();
  PostState state = PostWith({ChangeOf(kChangeId, v1::CHANGE_KIND_PERSONNEL, status, exchanged)});
  state.exists = exists;
  const std::vector<v1::CdtTask> tasks = CdtTasksOf(state);
  std::optional<v1::CdtTask> want;
  if (exists && status == ChangeStatus::kProposed && !exchanged) {
    want = ExchangeTaskOf(kChangeId, v1::CHANGE_KIND_PERSONNEL);
  }
  ASSERT_LE(tasks.size(), 1u);
  ExpectTask(tasks.empty() ? std::nullopt : std::optional<v1::CdtTask>(tasks[0]), want);
}

INSTANTIATE_TEST_SUITE_P(EveryStatus, ChangeTaskTest,
                         ::testing::Combine(::testing::Values(ChangeStatus::kProposed,
                                                              ChangeStatus::kApplied,
                                                              ChangeStatus::kWithdrawn),
                                            ::testing::Bool(), ::testing::Bool()),
                         [](const auto& info) {
                           const auto& status = std::get<0>(info.param);
                           const auto& exchanged = std::get<1>(info.param);
                           const auto& exists = std::get<2>(info.param);
                           const char* status_name = status == ChangeStatus::kProposed ? "Proposed"
                                                     : status == ChangeStatus::kApplied
                                                         ? "Applied"
                                                         : "Withdrawn";
                           return absl::StrCat(status_name,
                                               exchanged ? "_Exchanged" : "_NotExchanged",
                                               exists ? "" : "_PostMissing");
                         });

TEST(ChangeTaskTest, OneTaskPerChangeAwaitingTheCdtInTheOrderProposed) {
  const PostState state = PostWith({
      ChangeOf("missions-2026", v1::CHANGE_KIND_AFFECTATION_MISSION, ChangeStatus::kProposed,
               false),
      ChangeOf("arrivee-titulaire", v1::CHANGE_KIND_PERSONNEL, ChangeStatus::kApplied, true),
      ChangeOf("etp-2026", v1::CHANGE_KIND_ORGANISATION, ChangeStatus::kProposed, true),
      ChangeOf("thematiques-2026", v1::CHANGE_KIND_THEMATIQUE, ChangeStatus::kProposed, false),
  });
  const std::vector<v1::CdtTask> tasks = CdtTasksOf(state);
  ASSERT_EQ(tasks.size(), 2u);
  ExpectTask(tasks[0], ExchangeTaskOf("missions-2026", v1::CHANGE_KIND_AFFECTATION_MISSION));
  ExpectTask(tasks[1], ExchangeTaskOf("thematiques-2026", v1::CHANGE_KIND_THEMATIQUE));
}

TEST(ChangeNameTest, NamesTheChangeUnderItsPost) {
  EXPECT_EQ(ChangeName("cdc-val-orbe", "arrivee-titulaire"),
            "posts/cdc-val-orbe/changes/arrivee-titulaire");
}

}  // namespace
}  // namespace ctg::staffing
