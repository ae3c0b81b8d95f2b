// What the StaffingService handlers share: time, sides, ids, field renaming, conversions to
// the API's resources, and the CTG checks of lists.

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/types.h"
#include "services/platform/time_proto.h"
#include "services/staffing/api/staffing_internal.h"

namespace ctg::staffing_api {

staffing::Party PartyFor(platform::Permission permission, platform::Role role) {
  switch (permission) {
    case platform::Permission::kActAsEmployer:
      return staffing::Party::kEmployer;
    case platform::Permission::kActAsCaf:
      return staffing::Party::kCaf;
    case platform::Permission::kActAsEitherParty:
      return platform::ActsForCaf(role) ? staffing::Party::kCaf : staffing::Party::kEmployer;
    default:
      return staffing::Party::kUnspecified;
  }
}

Acting ActingOf(const api::Granted& granted) {
  return Acting{PartyFor(granted.permission, granted.role),
                granted.subject,
                granted.ctg.has_value()
                    ? absl::StrCat(staffing::kCtgNamePrefix, granted.ctg->ctg_id)
                    : std::string(),
                granted.ctg.has_value() ? granted.ctg->cdt : std::string(),
                Today(granted.now),
                granted.now};
}

absl::StatusOr<api::Target> Resolve(const StaffingModule& module, const Target& target) {
  std::optional<platform::CtgScope> scope = module.CtgScopeOf(target.ctg_id);
  if (!scope.has_value()) return target.hidden;
  return api::Target{target.stream, *std::move(scope), target.employer_siren, target.hidden};
}

absl::Status RequireCdt(const Acting& acting) {
  if (!acting.Cdt().empty()) return absl::OkStatus();
  return platform::RuleViolation(
      "CDT_NOT_ASSIGNED",
      absl::StrCat(acting.ctg,
                   " has no CDT: the Caf assigns one (PlansService.AssignCdt) "
                   "before the employer records anything with the CDT"),
      {{"ctg", acting.ctg}});
}

bool ReadableCtgs::operator()(const std::string& ctg) {
  auto it = scopes_.find(ctg);
  if (it == scopes_.end()) {
    it = scopes_.emplace(ctg, module_.CtgScopeOf(staffing::IdOf(ctg, staffing::kCtgNamePrefix)))
             .first;
  }
  return it->second.has_value() && platform::CanReadCtg(principal_, *it->second);
}

std::string ReadableCtgs::CdtOf(const std::string& ctg) const {
  auto it = scopes_.find(ctg);
  return it == scopes_.end() || !it->second.has_value() ? std::string() : it->second->cdt;
}

absl::StatusOr<std::string> CtgFilter(const StaffingModule& module,
                                      const platform::Principal& principal, absl::string_view ctg,
                                      absl::string_view field) {
  if (ctg.empty()) return std::string();
  ASSIGN_OR_RETURN(std::string id, plans::ParseCtgName(ctg, field));
  std::optional<platform::CtgScope> scope = module.CtgScopeOf(id);
  if (!scope.has_value()) return platform::CtgNotFound(id);
  if (absl::StatusOr<platform::Role> role = platform::Authorize(
          principal, platform::Permission::kReadCtg, platform::Scope::Ctg(*scope));
      !role.ok()) {
    return role.status();
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Conversions

namespace {

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  if (time != absl::Time() && time != absl::InfinitePast()) *out = platform::ToTimestamp(time);
}

v1::ChangeState ToChangeState(staffing::ChangeStatus status) {
  switch (status) {
    case staffing::ChangeStatus::kProposed:
      return v1::CHANGE_STATE_PROPOSED;
    case staffing::ChangeStatus::kApplied:
      return v1::CHANGE_STATE_APPLIED;
    case staffing::ChangeStatus::kWithdrawn:
      return v1::CHANGE_STATE_WITHDRAWN;
  }
  return v1::CHANGE_STATE_UNSPECIFIED;
}

}  // namespace

std::string ExchangeName(absl::string_view post_id, absl::string_view change_id,
                         absl::string_view exchange_id) {
  return absl::StrCat(staffing::ChangeName(post_id, change_id), "/exchanges/", exchange_id);
}

v1::Post ToPost(const staffing::PostState& state, std::optional<uint64_t> revision, bool full) {
  v1::Post post;
  post.set_name(staffing::PostName(state.post_id));
  post.set_ctg(state.ctg);
  post.set_employer(state.employer);
  post.set_etp_hundredths(state.etp_hundredths);
  for (const v1::Mission& mission : state.missions) *post.add_missions() = mission;
  for (v1::Thematique thematique : state.thematiques) post.add_thematiques(thematique);
  post.set_rattachement(state.rattachement);
  post.set_status(state.status);
  for (v1::AssignmentType type : {v1::ASSIGNMENT_TYPE_TITULAIRE, v1::ASSIGNMENT_TYPE_REMPLACANT}) {
    for (const staffing::AssignmentRecord& record : state.assignments) {
      if (!record.active || record.assignment.type() != type) continue;
      const std::string& person = record.assignment.person();
      if (std::find(post.holders().begin(), post.holders().end(), person) == post.holders().end()) {
        post.add_holders(person);
      }
    }
  }
  for (const staffing::AssignmentRecord& record : state.assignments) {
    v1::PostAssignment* assignment = post.add_assignments();
    *assignment->mutable_assignment() = record.assignment;
    assignment->set_change_id(record.change_id);
    assignment->set_active(record.active);
    if (!record.active) *assignment->mutable_ended_on() = record.ended_on;
  }
  for (const auto& [year, cofinancing] : state.cofinancing) *post.add_cofinancing() = cofinancing;
  for (const auto& [year, funding] : state.caf_funding) *post.add_caf_funding() = funding;
  if (full) {
    for (const staffing::ChangeRecord& record : state.changes) {
      v1::PostChange* change = post.add_changes();
      const std::string& change_id = record.proposal.change_id();
      change->set_name(staffing::ChangeName(state.post_id, change_id));
      *change->mutable_proposal() = record.proposal;
      change->set_state(ToChangeState(record.status));
      for (const v1::CdtExchangeRecorded& exchange : record.exchanges) {
        *change->add_exchanges() = exchange;
      }
      if (record.status == staffing::ChangeStatus::kApplied) {
        change->set_applied_exchange(
            ExchangeName(state.post_id, change_id, record.applied_exchange_id));
        *change->mutable_effective_date() = record.effective_date;
      }
    }
  }
  for (v1::RuleWarning& warning : staffing::Warnings(state)) {
    *post.add_warnings() = std::move(warning);
  }
  SetTime(state.create_time, post.mutable_create_time());
  SetTime(state.update_time, post.mutable_update_time());
  post.set_etag(platform::EtagFor(revision));
  return post;
}

v1::Recruitment ToRecruitment(const staffing::RecruitmentState& state,
                              std::optional<uint64_t> revision) {
  v1::Recruitment recruitment;
  recruitment.set_name(staffing::RecruitmentName(state.recruitment_id));
  recruitment.set_post(state.post);
  recruitment.set_ctg(state.ctg);
  recruitment.set_employer(state.employer);
  recruitment.set_motif(state.motif);
  recruitment.set_status(state.status);
  recruitment.set_step(state.step());
  const staffing::NextStep next = staffing::NextStepOf(state);
  recruitment.set_next_step(next.step);
  recruitment.set_awaiting(next.party);
  for (const auto& [step, involvement] : state.involvements) {
    v1::StepInvolvement* out = recruitment.add_involvements();
    out->set_step(step);
    out->set_involvement(involvement);
  }
  recruitment.set_candidate_choice_involvement(state.candidate_choice_involvement);
  recruitment.set_fiche_version(state.fiche_version);
  recruitment.set_fiche_opinion(state.fiche_opinion);
  recruitment.set_candidate(state.candidate);
  recruitment.set_candidate_opinion(state.candidate_opinion);
  recruitment.set_hired_person(state.hired_person);
  for (v1::RecruitmentStep step : state.skipped_steps) recruitment.add_skipped_steps(step);
  if (state.last_date.year() != 0) *recruitment.mutable_last_step_date() = state.last_date;
  SetTime(state.create_time, recruitment.mutable_create_time());
  SetTime(state.update_time, recruitment.mutable_update_time());
  recruitment.set_etag(platform::EtagFor(revision));
  return recruitment;
}

v1::Replacement ToReplacement(const staffing::ReplacementState& state,
                              std::optional<uint64_t> revision) {
  const v1::ReplacementRequested& request = state.request;
  v1::Replacement replacement;
  replacement.set_name(staffing::ReplacementName(request.replacement_id()));
  replacement.set_post(request.post());
  replacement.set_ctg(request.ctg());
  replacement.set_employer(request.employer());
  replacement.set_person(request.person());
  replacement.set_replaced_assignment_id(request.replaced_assignment_id());
  replacement.set_etp_hundredths(request.etp_hundredths());
  if (request.has_start_date()) *replacement.mutable_start_date() = request.start_date();
  if (request.has_end_date()) *replacement.mutable_end_date() = request.end_date();
  if (request.has_reduction()) *replacement.mutable_reduction() = request.reduction();
  replacement.set_status(state.status);
  if (state.validation.has_value()) *replacement.mutable_validation() = *state.validation;
  if (state.refusal.has_value()) *replacement.mutable_refusal() = *state.refusal;
  if (state.started_on.year() != 0) *replacement.mutable_started_on() = state.started_on;
  if (state.ended_on.year() != 0) *replacement.mutable_ended_on() = state.ended_on;
  replacement.set_outcome(state.outcome);
  SetTime(state.create_time, replacement.mutable_create_time());
  SetTime(state.update_time, replacement.mutable_update_time());
  replacement.set_etag(platform::EtagFor(revision));
  return replacement;
}

}  // namespace ctg::staffing_api
