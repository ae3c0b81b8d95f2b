// The Replacement aggregate (stream `replacement-{id}`, resource `replacements/{id}`): a person
// replaces on a post for a while (research §4.4): requested by the employer → validated (or
// refused) by the Caf beforehand → running → ended; cancelled before it starts.
//
// The time rule (R-5, with R-13): the replacement is done on identified working time on top of
// the replacing person's time, so their total (assignments on every post + other activities +
// this replacement's ETP) may not exceed 1.0 ETP, unless the request reduces one of their other
// activities by at least the replacement's ETP (and the total, reduction deducted, is then
// within 1.0 ETP). ETPs are integer hundredths (workload.h).
//
// Pure functions only: no clock, no randomness, no I/O; ids, dates and "today" come with the
// commands. Same calling convention as post.h (Evolve, Decide with ReplacementLookups, Tags).
#ifndef CTG_SERVICES_STAFFING_REPLACEMENT_H_
#define CTG_SERVICES_STAFFING_REPLACEMENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/staffing_events.pb.h"
#include "services/staffing/party.h"
#include "services/staffing/post.h"
#include "services/staffing/workload.h"

namespace ctg::staffing {

// Every event of a replacement's stream.
using ReplacementEvent =
    std::variant<v1::ReplacementRequested, v1::ReplacementValidated, v1::ReplacementRefused,
                 v1::ReplacementStarted, v1::ReplacementEnded, v1::ReplacementCancelled>;

// Streams of replacements are `replacement-{id}`.
inline constexpr absl::string_view kReplacementStreamPrefix = "replacement-";
// Resource names of replacements are `replacements/{id}`.
inline constexpr absl::string_view kReplacementNamePrefix = "replacements/";

// The stream of the replacement `replacement_id`. Not checked.
std::string ReplacementStream(absl::string_view replacement_id);
// The resource name of the replacement `replacement_id`. Not checked.
std::string ReplacementName(absl::string_view replacement_id);
// The id of `name`, which must be "replacements/{id}" with a valid id; else INVALID_ARGUMENT
// with a BadRequest naming `field`.
absl::StatusOr<std::string> ParseReplacementName(absl::string_view name, absl::string_view field);

// A replacement as its events made it.
struct ReplacementState {
  bool exists = false;
  // As requested (post, ctg, employer, person, ETP, planned period, reduction).
  v1::ReplacementRequested request;
  v1::ReplacementStatus status = v1::REPLACEMENT_STATUS_UNSPECIFIED;
  // The Caf's decision, once given (one of the two).
  std::optional<v1::ReplacementValidated> validation;
  std::optional<v1::ReplacementRefused> refusal;
  // The actual first and last days, once started and ended.
  google::type::Date started_on;
  google::type::Date ended_on;
  v1::ReplacementOutcome outcome = v1::REPLACEMENT_OUTCOME_UNSPECIFIED;
  absl::Time create_time;
  absl::Time update_time;
};

// What a post needs to know of `state` (PostLookups::replacement).
ReplacementFacts FactsOf(const ReplacementState& state);

// Folds `event`, decided at `time`, into `state`. Never fails (events are facts).
void Evolve(ReplacementState& state, const ReplacementEvent& event, absl::Time time);

// What the replacement decider needs to know of other aggregates, looked up by the caller. An
// empty function knows nothing (no post exists; a person has no other work).
struct ReplacementLookups {
  // The post `post_id`, or nothing.
  std::function<std::optional<PostState>(absl::string_view post_id)> post;
  // The current work of the person `person` (`persons/{id}`).
  std::function<Workload(absl::string_view person)> workload;
};

// Requests replacement `replacement_id` on the post `post` (`posts/{id}`) by `person`
// (`persons/{id}`) for `etp_hundredths`, from `start_date` to the optional `end_date`,
// replacing the titulaire's assignment `replaced_assignment_id` (optional), freeing the time
// with `reduction` (optional). EMPLOYER.
struct RequestReplacement {
  std::string replacement_id;
  std::string post;
  std::string person;
  std::string replaced_assignment_id;
  int32_t etp_hundredths = 0;
  google::type::Date start_date;
  std::optional<google::type::Date> end_date;
  std::optional<v1::ActivityReduction> reduction;
  Party party = Party::kUnspecified;
};
// The Caf (CDT `cdt`) validates the replacement on `date` (not after `today`). CAF.
struct ValidateReplacement {
  google::type::Date date;
  std::string cdt;
  std::string comment;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// The Caf (CDT `cdt`) refuses the replacement on `date`; `comment` (why) is required. CAF.
struct RefuseReplacement {
  google::type::Date date;
  std::string cdt;
  std::string comment;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// The replacement started on `start_date` (not after `today`). EMPLOYER.
struct StartReplacement {
  google::type::Date start_date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// The replacement ended on `end_date` (not after `today`) with `outcome`; `reason` is required
// for AUTRE (it goes to the event's metadata). EMPLOYER.
struct EndReplacement {
  google::type::Date end_date;
  v1::ReplacementOutcome outcome = v1::REPLACEMENT_OUTCOME_UNSPECIFIED;
  std::string reason;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// Cancels the replacement before it starts; `reason` is required (metadata). EMPLOYER.
struct CancelReplacement {
  std::string reason;
  Party party = Party::kUnspecified;
};

// Every Decide below checks, in order: existence (NOT_FOUND, or ALREADY_EXISTS for
// RequestReplacement), the command's fields (INVALID_ARGUMENT, every bad field), the side
// (WRONG_PARTY), the lifecycle (INVALID_TRANSITION, metadata from, to), then the rules.

// ReplacementRequested. Reasons: POST_NOT_FOUND, POST_DELETED, ASSIGNMENT_NOT_ACTIVE (the
// replaced assignment is not an active titulaire's of the post), ACTIVITY_NOT_FOUND (the
// reduction names none of the person's other activities), REDUCTION_EXCEEDS_ACTIVITY, and
// R-5 ETP_EXCEEDED (CheckReplacementTime).
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const RequestReplacement& command,
                                                     const ReplacementLookups& lookups);
// ReplacementValidated, from DEMANDE. The time rule is checked again on the person's current
// work: ETP_EXCEEDED, ACTIVITY_NOT_FOUND, REDUCTION_EXCEEDS_ACTIVITY.
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const ValidateReplacement& command,
                                                     const ReplacementLookups& lookups);
// ReplacementRefused, from DEMANDE.
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const RefuseReplacement& command,
                                                     const ReplacementLookups& lookups);
// ReplacementStarted, from VALIDE. From DEMANDE: CAF_VALIDATION_REQUIRED (R-5, "validé en
// amont par la Caf").
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const StartReplacement& command,
                                                     const ReplacementLookups& lookups);
// ReplacementEnded, from EN_COURS. Reasons: END_BEFORE_START, REASON_REQUIRED (AUTRE).
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const EndReplacement& command,
                                                     const ReplacementLookups& lookups);
// ReplacementCancelled, from DEMANDE or VALIDE. Reason: REASON_REQUIRED.
absl::StatusOr<std::vector<ReplacementEvent>> Decide(const ReplacementState& state,
                                                     const CancelReplacement& command,
                                                     const ReplacementLookups& lookups);

// R-5 (and R-13) for `person` replacing for `etp_hundredths` with `workload`: OK if the
// assignments' and other activities' ETPs plus `etp_hundredths` add up to at most 1.0 ETP, or
// if `reduction` lowers an activity by at least `etp_hundredths` and the total less the
// reduction is within 1.0 ETP. Else ETP_EXCEEDED (metadata total: before any reduction;
// limit "1.00"). ACTIVITY_NOT_FOUND or REDUCTION_EXCEEDS_ACTIVITY for a reduction that does
// not fit the person's declared activities (metadata activity).
absl::Status CheckReplacementTime(absl::string_view person, const Workload& workload,
                                  int32_t etp_hundredths, const v1::ActivityReduction* reduction);

// Whether `from` → `to` is a step of the lifecycle: DEMANDE → VALIDE, REFUSE, ANNULE;
// VALIDE → EN_COURS, ANNULE; EN_COURS → TERMINE.
bool IsAllowedReplacementTransition(v1::ReplacementStatus from, v1::ReplacementStatus to);

// What `event` concerns (`after` is the state once it is folded): "replacement:{id}",
// "post:{id}", "ctg:{id}", "org:{siren}" of the employer, "person:{id}" of the person who
// replaces; "subject:{cdt}" for the Caf's validation or refusal.
std::vector<std::string> Tags(const ReplacementState& after, const ReplacementEvent& event);

// The message `event` holds.
const google::protobuf::Message& AsMessage(const ReplacementEvent& event);

// The event stored as `payload` under the full type name `type`. INTERNAL if `type` is not an
// event of this stream; DATA_LOSS if `payload` does not parse.
absl::StatusOr<ReplacementEvent> ParseReplacementEvent(absl::string_view type,
                                                       absl::string_view payload);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_REPLACEMENT_H_
