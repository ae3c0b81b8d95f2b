// What enters the CDT's work queue: the tasks each recruitment, replacement and post sets the
// CDT.
#include "services/staffing/cdt_work_queue.h"

#include <utility>

#include "services/platform/time_proto.h"

namespace ctg::staffing {
namespace {

// A task of `kind` about `resource`, on the post `post` of `ctg` and `employer`, since `since`.
v1::CdtTask TaskOf(v1::CdtTaskKind kind, std::string resource, const std::string& post,
                   const std::string& ctg, const std::string& employer, absl::Time since) {
  v1::CdtTask task;
  task.set_kind(kind);
  task.set_resource(std::move(resource));
  task.set_post(post);
  task.set_ctg(ctg);
  task.set_employer(employer);
  *task.mutable_since() = platform::ToTimestamp(since);
  return task;
}

}  // namespace

std::optional<v1::CdtTask> CdtTaskOf(const RecruitmentState& state) {
  if (!state.exists || state.status != v1::RECRUITMENT_STATUS_EN_COURS) return std::nullopt;
  auto task = [&state](v1::CdtTaskKind kind) {
    return TaskOf(kind, RecruitmentName(state.recruitment_id), state.post, state.ctg,
                  state.employer, state.update_time);
  };
  switch (state.milestone) {
    case Milestone::kOpened:
      return task(v1::CDT_TASK_KIND_CADRAGE);
    case Milestone::kFicheSubmitted: {
      v1::CdtTask opinion = task(v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION);
      opinion.set_fiche_version(state.fiche_version);
      return opinion;
    }
    case Milestone::kCandidateChosen: {
      v1::CdtTask opinion = task(v1::CDT_TASK_KIND_CANDIDATE_OPINION);
      opinion.set_person(state.candidate);
      return opinion;
    }
    default:
      return std::nullopt;
  }
}

std::optional<v1::CdtTask> CdtTaskOf(const ReplacementState& state) {
  if (!state.exists || state.status != v1::REPLACEMENT_STATUS_DEMANDE) return std::nullopt;
  const v1::ReplacementRequested& request = state.request;
  v1::CdtTask task =
      TaskOf(v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION, ReplacementName(request.replacement_id()),
             request.post(), request.ctg(), request.employer(), state.update_time);
  task.set_person(request.person());
  return task;
}

std::vector<v1::CdtTask> CdtTasksOf(const PostState& state) {
  std::vector<v1::CdtTask> tasks;
  if (!state.exists) return tasks;
  for (const ChangeRecord& change : state.changes) {
    if (change.status != ChangeStatus::kProposed || !change.exchanges.empty()) continue;
    v1::CdtTask task = TaskOf(
        v1::CDT_TASK_KIND_CDT_EXCHANGE, ChangeName(state.post_id, change.proposal.change_id()),
        PostName(state.post_id), state.ctg, state.employer, state.update_time);
    task.set_change_kind(change.proposal.kind());
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace ctg::staffing
