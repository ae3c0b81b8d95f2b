// The Replacement aggregate: names, Evolve, the time rule, the Decide overloads
// (research §4.4), Tags and the event codec.
#include "services/staffing/replacement.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/partners/organisation.h"
#include "services/platform/text.h"
#include "services/platform/dates.h"
#include "services/platform/errors.h"
#include "services/platform/event_variant.h"
#include "services/staffing/fields.h"

namespace ctg::staffing {

using platform::DateProblem;
using platform::FormatDate;
namespace {

using ::ctg::platform::BadRequestBuilder;
using ::ctg::platform::RuleViolation;

absl::Status Exists(const ReplacementState& state) {
  if (!state.exists) return absl::NotFoundError("replacement not found");
  return absl::OkStatus();
}

// INVALID_TRANSITION unless the replacement may go from its status to `to`.
absl::Status CheckTransition(const ReplacementState& state, v1::ReplacementStatus to) {
  if (IsAllowedReplacementTransition(state.status, to)) return absl::OkStatus();
  return RuleViolation(
      "INVALID_TRANSITION",
      absl::StrCat("a replacement does not go from ", v1::ReplacementStatus_Name(state.status),
                   " to ", v1::ReplacementStatus_Name(to)),
      {{"from", v1::ReplacementStatus_Name(state.status)}, {"to", v1::ReplacementStatus_Name(to)}});
}

// The Caf's decision: `date` not after `today`, the CDT's subject, the comment.
void CheckDecision(BadRequestBuilder& bad, const google::type::Date& date,
                   const google::type::Date& today, absl::string_view cdt,
                   absl::string_view comment, bool comment_required) {
  CheckPastDate(bad, "date", date, today);
  CheckSubject(bad, "cdt", cdt);
  CheckText(bad, "comment", comment, kMaxCommentChars, !comment_required);
}

// The time rule on the person's current work, as the lookups know it.
absl::Status CheckTime(const v1::ReplacementRequested& request, const ReplacementLookups& lookups) {
  const Workload workload = lookups.workload ? lookups.workload(request.person()) : Workload{};
  return CheckReplacementTime(request.person(), workload, request.etp_hundredths(),
                              request.has_reduction() ? &request.reduction() : nullptr);
}

}  // namespace

std::string ReplacementStream(absl::string_view replacement_id) {
  return absl::StrCat(kReplacementStreamPrefix, replacement_id);
}

std::string ReplacementName(absl::string_view replacement_id) {
  return absl::StrCat(kReplacementNamePrefix, replacement_id);
}

absl::StatusOr<std::string> ParseReplacementName(absl::string_view name, absl::string_view field) {
  return ParseName(name, kReplacementNamePrefix, "a replacement", field);
}

ReplacementFacts FactsOf(const ReplacementState& state) {
  return ReplacementFacts{IdOf(state.request.post(), kPostNamePrefix), state.request.person(),
                          state.request.etp_hundredths(), state.status};
}

void Evolve(ReplacementState& state, const ReplacementEvent& event, absl::Time time) {
  if (const auto* requested = std::get_if<v1::ReplacementRequested>(&event)) {
    state = ReplacementState{};
    state.exists = true;
    state.request = *requested;
    state.status = v1::REPLACEMENT_STATUS_DEMANDE;
    state.create_time = time;
  } else if (const auto* validated = std::get_if<v1::ReplacementValidated>(&event)) {
    state.validation = *validated;
    state.status = v1::REPLACEMENT_STATUS_VALIDE;
  } else if (const auto* refused = std::get_if<v1::ReplacementRefused>(&event)) {
    state.refusal = *refused;
    state.status = v1::REPLACEMENT_STATUS_REFUSE;
  } else if (const auto* started = std::get_if<v1::ReplacementStarted>(&event)) {
    state.started_on = started->start_date();
    state.status = v1::REPLACEMENT_STATUS_EN_COURS;
  } else if (const auto* ended = std::get_if<v1::ReplacementEnded>(&event)) {
    state.ended_on = ended->end_date();
    state.outcome = ended->outcome();
    state.status = v1::REPLACEMENT_STATUS_TERMINE;
  } else if (std::holds_alternative<v1::ReplacementCancelled>(event)) {
    state.status = v1::REPLACEMENT_STATUS_ANNULE;
  }
  state.update_time = time;
}

absl::Status CheckReplacementTime(absl::string_view person, const Workload& workload,
                                  int32_t etp_hundredths, const v1::ActivityReduction* reduction) {
  int64_t total = SumActivities(workload.other_activities) + etp_hundredths;
  for (const WorkloadAssignment& assignment : workload.assignments) {
    total += assignment.etp_hundredths;
  }
  if (reduction != nullptr) {
    const v1::OtherActivity* reduced = nullptr;
    for (const v1::OtherActivity& activity : workload.other_activities) {
      if (platform::NormaliseText(activity.label()) ==
          platform::NormaliseText(reduction->activity())) {
        reduced = &activity;
      }
    }
    if (reduced == nullptr) {
      return RuleViolation(
          "ACTIVITY_NOT_FOUND",
          absl::StrCat("R-5: \"", reduction->activity(), "\" is not an activity of ", person),
          {{"activity", reduction->activity()}, {"person", std::string(person)}});
    }
    if (reduction->etp_hundredths() > reduced->etp_hundredths()) {
      return RuleViolation(
          "REDUCTION_EXCEEDS_ACTIVITY",
          absl::StrCat("R-5: \"", reduction->activity(), "\" takes ",
                       FormatEtp(reduced->etp_hundredths()), " ETP; it cannot be reduced by ",
                       FormatEtp(reduction->etp_hundredths())),
          {{"activity", reduction->activity()}, {"person", std::string(person)}});
    }
  }
  if (total <= kFullTimeEtp) return absl::OkStatus();
  // Above full time: only a reduction of another activity by at least the replacement's time
  // frees it ("à moins de diminuer son temps de travail sur son autre activité").
  if (reduction != nullptr && reduction->etp_hundredths() >= etp_hundredths &&
      total - reduction->etp_hundredths() <= kFullTimeEtp) {
    return absl::OkStatus();
  }
  return EtpExceeded("R-5", person, total);
}

bool IsAllowedReplacementTransition(v1::ReplacementStatus from, v1::ReplacementStatus to) {
  static constexpr std::pair<v1::ReplacementStatus, v1::ReplacementStatus> kAllowed[] = {
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_VALIDE},
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_REFUSE},
      {v1::REPLACEMENT_STATUS_DEMANDE, v1::REPLACEMENT_STATUS_ANNULE},
      {v1::REPLACEMENT_STATUS_VALIDE, v1::REPLACEMENT_STATUS_EN_COURS},
      {v1::REPLACEMENT_STATUS_VALIDE, v1::REPLACEMENT_STATUS_ANNULE},
      {v1::REPLACEMENT_STATUS_EN_COURS, v1::REPLACEMENT_STATUS_TERMINE},
  };
  for (const auto& [allowed_from, allowed_to] : kAllowed) {
    if (from == allowed_from && to == allowed_to) return true;
  }
  return false;
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const RequestReplacement& command,
                                                     const ReplacementLookups& lookups) {
  if (state.exists) {
    return absl::AlreadyExistsError(
        absl::StrCat(ReplacementName(state.request.replacement_id()), " already exists"));
  }
  BadRequestBuilder bad;
  CheckId(bad, "replacement_id", command.replacement_id);
  const std::optional<std::string> post_id =
      CheckName(bad, "post", command.post, kPostNamePrefix, "a post");
  CheckPerson(bad, "person", command.person);
  if (!command.replaced_assignment_id.empty()) {
    CheckId(bad, "replaced_assignment_id", command.replaced_assignment_id);
  }
  CheckEtp(bad, "etp_hundredths", command.etp_hundredths);
  CheckDate(bad, "start_date", command.start_date);
  if (command.end_date.has_value()) {
    CheckDate(bad, "end_date", *command.end_date);
    if (DateProblem(command.start_date).empty() && DateProblem(*command.end_date).empty() &&
        Before(*command.end_date, command.start_date)) {
      bad.Add("end_date", "must not be before start_date");
    }
  }
  if (command.reduction.has_value()) {
    CheckText(bad, "reduction.activity", command.reduction->activity(), kMaxLabelChars);
    CheckEtp(bad, "reduction.etp_hundredths", command.reduction->etp_hundredths());
  }
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "requesting a replacement"));

  std::optional<PostState> post;
  if (lookups.post) post = lookups.post(*post_id);
  if (!post.has_value() || !post->exists) {
    return RuleViolation("POST_NOT_FOUND", absl::StrCat(command.post, " does not exist"),
                         {{"post", command.post}});
  }
  if (post->status == v1::POST_STATUS_SUPPRIME) {
    return RuleViolation("POST_DELETED", absl::StrCat(command.post, " is deleted"),
                         {{"post", command.post}});
  }
  if (!command.replaced_assignment_id.empty()) {
    const AssignmentRecord* replaced = FindAssignment(*post, command.replaced_assignment_id);
    if (replaced == nullptr || !replaced->active ||
        replaced->assignment.type() != v1::ASSIGNMENT_TYPE_TITULAIRE) {
      return RuleViolation(
          "ASSIGNMENT_NOT_ACTIVE",
          absl::StrCat("assignment ", command.replaced_assignment_id,
                       " is not an active titulaire's assignment of ", command.post),
          {{"assignment", command.replaced_assignment_id}});
    }
  }

  v1::ReplacementRequested requested;
  requested.set_replacement_id(command.replacement_id);
  requested.set_post(command.post);
  requested.set_ctg(post->ctg);
  requested.set_employer(post->employer);
  requested.set_person(command.person);
  requested.set_replaced_assignment_id(command.replaced_assignment_id);
  requested.set_etp_hundredths(command.etp_hundredths);
  *requested.mutable_start_date() = command.start_date;
  if (command.end_date.has_value()) *requested.mutable_end_date() = *command.end_date;
  if (command.reduction.has_value()) {
    *requested.mutable_reduction() = *command.reduction;
    requested.mutable_reduction()->set_activity(
        platform::NormaliseText(command.reduction->activity()));
  }
  RETURN_IF_ERROR(CheckTime(requested, lookups));
  return std::vector<ReplacementEvent>{std::move(requested)};
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const ValidateReplacement& command,
                                                     const ReplacementLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckDecision(bad, command.date, command.today, command.cdt, command.comment, false);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kCaf, "validating a replacement"));
  RETURN_IF_ERROR(CheckTransition(state, v1::REPLACEMENT_STATUS_VALIDE));
  RETURN_IF_ERROR(CheckTime(state.request, lookups));
  v1::ReplacementValidated validated;
  *validated.mutable_date() = command.date;
  validated.set_cdt(command.cdt);
  validated.set_comment(platform::NormaliseText(command.comment));
  return std::vector<ReplacementEvent>{std::move(validated)};
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const RefuseReplacement& command,
                                                     const ReplacementLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckDecision(bad, command.date, command.today, command.cdt, command.comment, true);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kCaf, "refusing a replacement"));
  RETURN_IF_ERROR(CheckTransition(state, v1::REPLACEMENT_STATUS_REFUSE));
  v1::ReplacementRefused refused;
  *refused.mutable_date() = command.date;
  refused.set_cdt(command.cdt);
  refused.set_comment(platform::NormaliseText(command.comment));
  return std::vector<ReplacementEvent>{std::move(refused)};
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const StartReplacement& command,
                                                     const ReplacementLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "start_date", command.start_date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "starting a replacement"));
  if (state.status == v1::REPLACEMENT_STATUS_DEMANDE) {
    return RuleViolation("CAF_VALIDATION_REQUIRED",
                         "R-5: a replacement is validated by the Caf before it starts",
                         {{"status", v1::ReplacementStatus_Name(state.status)}, {"rule", "R-5"}});
  }
  RETURN_IF_ERROR(CheckTransition(state, v1::REPLACEMENT_STATUS_EN_COURS));
  v1::ReplacementStarted started;
  *started.mutable_start_date() = command.start_date;
  return std::vector<ReplacementEvent>{std::move(started)};
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const EndReplacement& command,
                                                     const ReplacementLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "end_date", command.end_date, command.today);
  if (command.outcome == v1::REPLACEMENT_OUTCOME_UNSPECIFIED) {
    bad.Add("outcome", "is required");
  } else if (!v1::ReplacementOutcome_IsValid(command.outcome)) {
    bad.Add("outcome", "is not a known outcome");
  }
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "ending a replacement"));
  RETURN_IF_ERROR(CheckTransition(state, v1::REPLACEMENT_STATUS_TERMINE));
  if (Before(command.end_date, state.started_on)) {
    return RuleViolation("END_BEFORE_START",
                         absl::StrCat("the replacement started on ", FormatDate(state.started_on),
                                      "; it cannot end on ", FormatDate(command.end_date)),
                         {{"start_date", FormatDate(state.started_on)}});
  }
  if (command.outcome == v1::REPLACEMENT_OUTCOME_AUTRE && IsBlank(command.reason)) {
    return RuleViolation("REASON_REQUIRED", "a replacement ending for another cause needs a reason",
                         {{"field", "reason"}});
  }
  v1::ReplacementEnded ended;
  *ended.mutable_end_date() = command.end_date;
  ended.set_outcome(command.outcome);
  return std::vector<ReplacementEvent>{std::move(ended)};
}

absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const CancelReplacement& command,
                                                     const ReplacementLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "cancelling a replacement"));
  RETURN_IF_ERROR(CheckTransition(state, v1::REPLACEMENT_STATUS_ANNULE));
  if (IsBlank(command.reason)) {
    return RuleViolation("REASON_REQUIRED", "cancelling a replacement requires a reason",
                         {{"field", "reason"}});
  }
  v1::ReplacementCancelled cancelled;
  cancelled.set_from(state.status);
  return std::vector<ReplacementEvent>{std::move(cancelled)};
}

std::vector<std::string> Tags(const ReplacementState& after, const ReplacementEvent& event) {
  const v1::ReplacementRequested& request = after.request;
  std::vector<std::string> tags = {
      absl::StrCat("replacement:", request.replacement_id()),
      absl::StrCat("post:", IdOf(request.post(), kPostNamePrefix)),
      absl::StrCat("ctg:", IdOf(request.ctg(), kCtgNamePrefix)),
      absl::StrCat("org:", IdOf(request.employer(), partners::kNamePrefix)),
      absl::StrCat("person:", IdOf(request.person(), kPersonNamePrefix))};
  if (const auto* validated = std::get_if<v1::ReplacementValidated>(&event)) {
    tags.push_back(absl::StrCat("subject:", validated->cdt()));
  } else if (const auto* refused = std::get_if<v1::ReplacementRefused>(&event)) {
    tags.push_back(absl::StrCat("subject:", refused->cdt()));
  }
  return tags;
}

const google::protobuf::Message& AsMessage(const ReplacementEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<ReplacementEvent> ParseReplacementEvent(absl::string_view type,
                                                       absl::string_view payload) {
  return platform::ParseEventVariant<ReplacementEvent>(type, payload, "a replacement's");
}

}  // namespace ctg::staffing
