// The Post aggregate (stream `post-{id}`, resource `posts/{id}`): a chargé de coopération post
// of a CTG (research §3.4): its employer, ETP, missions, thématiques, hierarchical attachment,
// status, yearly co-financing and Caf funding, the people assigned to it, and the change
// control that every change of personnel, organisation, mission or thematic assignment goes
// through (rule R-6, research §4.5): ChangeProposed → CdtExchangeRecorded → ChangeApplied,
// followed by the facts the change carries (PersonAssigned, AssignmentEnded, PostEtpChanged…),
// each naming its change, whose ChangeApplied names its exchange.
//
// Pure functions only: no clock, no randomness, no I/O. Ids, dates and "today" come with the
// commands. The caller loads the stream, folds it with Evolve, looks up what Decide needs from
// other aggregates (PostLookups), calls Decide and appends the events it returns, stamped with
// their metadata (actor, time, reason…) and Tags. Field paths in errors are the command's
// field names (`etp_hundredths`, `change.personnel.assign[0].person`…). A broken rule is
// FAILED_PRECONDITION with an ErrorInfo reason.
#ifndef CTG_SERVICES_STAFFING_POST_H_
#define CTG_SERVICES_STAFFING_POST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/common.pb.h"
#include "ctg/v1/plans.pb.h"
#include "ctg/v1/staffing_events.pb.h"
#include "services/staffing/party.h"
#include "services/staffing/workload.h"

namespace ctg::staffing {

namespace v1 = ::ctg::v1;

// Every event of a post's stream.
using PostEvent =
    std::variant<v1::PostCreated, v1::PostStatusChanged, v1::PostCofinancingRecorded,
                 v1::PostCafFundingRecorded, v1::ChangeProposed, v1::CdtExchangeRecorded,
                 v1::ChangeApplied, v1::ChangeWithdrawn, v1::PostEtpChanged,
                 v1::PostAttachmentChanged, v1::PostMissionsChanged, v1::PostThematiquesChanged,
                 v1::PersonAssigned, v1::AssignmentEnded>;

// Streams of posts are `post-{id}`.
inline constexpr absl::string_view kPostStreamPrefix = "post-";
// Resource names of posts are `posts/{id}`.
inline constexpr absl::string_view kPostNamePrefix = "posts/";

// The stream of the post `post_id`: "post-" + id. Not checked.
std::string PostStream(absl::string_view post_id);
// The resource name of the post `post_id`: "posts/" + id. Not checked.
std::string PostName(absl::string_view post_id);
// The resource name of the change `change_id` of the post `post_id`:
// "posts/{post}/changes/{change}". Not checked.
std::string ChangeName(absl::string_view post_id, absl::string_view change_id);
// The id of `name`, which must be "posts/{id}" with a valid id; else INVALID_ARGUMENT with a
// BadRequest naming `field`.
absl::StatusOr<std::string> ParsePostName(absl::string_view name, absl::string_view field);

// A person's assignment to the post, as the events made it.
struct AssignmentRecord {
  // As PersonAssigned carried it (its end_date is the planned one).
  v1::Assignment assignment;
  // The change that started it.
  std::string change_id;
  // False once an AssignmentEnded was recorded (an assignment past its planned end_date stays
  // active until then).
  bool active = true;
  // The last day, once ended.
  google::type::Date ended_on;
};

// Where a proposed change stands.
enum class ChangeStatus { kProposed, kApplied, kWithdrawn };

// A change of the post and its exchanges with the CDT.
struct ChangeRecord {
  // As proposed.
  v1::ChangeProposed proposal;
  ChangeStatus status = ChangeStatus::kProposed;
  // Every exchange recorded about it, in order.
  std::vector<v1::CdtExchangeRecorded> exchanges;
  // Once applied: the exchange it rests on and the day it took effect.
  std::string applied_exchange_id;
  google::type::Date effective_date;
};

// A post as its events made it.
struct PostState {
  bool exists = false;
  std::string post_id;
  // `ctgs/{ctg}`.
  std::string ctg;
  // `organisations/{siren}`.
  std::string employer;
  int32_t etp_hundredths = 0;
  std::vector<v1::Mission> missions;
  std::vector<v1::Thematique> thematiques;
  std::string rattachement;
  v1::PostStatus status = v1::POST_STATUS_UNSPECIFIED;
  // The last record of each year.
  std::map<int32_t, v1::PostCofinancingRecorded> cofinancing;
  std::map<int32_t, v1::PostCafFundingRecorded> caf_funding;
  // Every assignment, in the order they started, ended ones included.
  std::vector<AssignmentRecord> assignments;
  // Every change, in the order proposed.
  std::vector<ChangeRecord> changes;
  absl::Time create_time;
  absl::Time update_time;
};

// The assignment `assignment_id` of `state`, or null.
const AssignmentRecord* FindAssignment(const PostState& state, absl::string_view assignment_id);
// The change `change_id` of `state`, or null.
const ChangeRecord* FindChange(const PostState& state, absl::string_view change_id);

// Folds `event`, decided at `time`, into `state`. Created sets create_time; every event sets
// update_time. Never fails (events are facts).
void Evolve(PostState& state, const PostEvent& event, absl::Time time);

// The rule of the référentiel that `state` does not meet and that never blocks:
//   R-1b MISSIONS_INCOMPLETE: the missions lack some of the référentiel's six areas (the
//   message names them, in French).
std::vector<v1::RuleWarning> Warnings(const PostState& state);

// The status the assignments give a post: EN_REMPLACEMENT with an active remplaçant, else
// POURVU with an active titulaire, else VACANT if the post was POURVU or EN_REMPLACEMENT, else
// `state.status` unchanged. SUSPENDU and SUPPRIME are never left this way.
v1::PostStatus StatusFromAssignments(const PostState& state);

// What a post needs to know of a recruitment that a titulaire's assignment names.
struct RecruitmentFacts {
  // The recruitment's post id.
  std::string post_id;
  // `persons/{id}` once PersonHired (R10) was recorded, else empty.
  std::string hired_person;
};

// What a post needs to know of a replacement that a remplaçant's assignment names.
struct ReplacementFacts {
  // The replacement's post id.
  std::string post_id;
  // The person who replaces, `persons/{id}`.
  std::string person;
  // The replacement's identified time.
  int32_t etp_hundredths = 0;
  v1::ReplacementStatus status = v1::REPLACEMENT_STATUS_UNSPECIFIED;
};

// What the post decider needs to know of other aggregates, looked up by the caller. An empty
// function knows nothing (no CTG, recruitment or replacement exists; a person has no other
// work).
struct PostLookups {
  // The CTG `ctg_id` (its signatories and state), or nothing.
  std::function<std::optional<v1::Ctg>(absl::string_view ctg_id)> ctg;
  // The recruitment `recruitment_id`, or nothing.
  std::function<std::optional<RecruitmentFacts>(absl::string_view recruitment_id)> recruitment;
  // The replacement `replacement_id`, or nothing.
  std::function<std::optional<ReplacementFacts>(absl::string_view replacement_id)> replacement;
  // The current work of the person `person` (`persons/{id}`).
  std::function<Workload(absl::string_view person)> workload;
};

// Creates post `post_id` of the CTG `ctg` (`ctgs/{id}`) employed by `employer`
// (`organisations/{siren}`), with status `status` (A_CREER or VACANT). EMPLOYER side.
struct CreatePost {
  std::string post_id;
  std::string ctg;
  std::string employer;
  int32_t etp_hundredths = 0;
  std::vector<v1::Mission> missions;
  std::vector<v1::Thematique> thematiques;
  // Optional.
  std::string rattachement;
  v1::PostStatus status = v1::POST_STATUS_A_CREER;
  Party party = Party::kUnspecified;
};

// Moves the post to `to` by decision (the moves that follow assignments happen by themselves,
// see ApplyChange); `reason` is required to suspend or delete (it goes to the event's
// metadata). EMPLOYER side.
struct TransitionPost {
  v1::PostStatus to = v1::POST_STATUS_UNSPECIFIED;
  std::string reason;
  Party party = Party::kUnspecified;
};

// Records the employer's co-financing of one year. EMPLOYER side.
struct RecordCofinancing {
  v1::PostCofinancingRecorded cofinancing;
  Party party = Party::kUnspecified;
};

// Records the Caf's funding of one year, as the commission decided it (its date not after
// `today`). CAF side.
struct RecordCafFunding {
  v1::PostCafFundingRecorded funding;
  google::type::Date today;
  Party party = Party::kUnspecified;
};

// Proposes `change` (its change_id, kind and the proposal of that kind). Either side.
struct ProposeChange {
  v1::ChangeProposed change;
  Party party = Party::kUnspecified;
};

// Records `exchange` with the CDT about a proposed change (its date not after `today`).
// Either side.
struct RecordCdtExchange {
  v1::CdtExchangeRecorded exchange;
  google::type::Date today;
  Party party = Party::kUnspecified;
};

// Applies the proposed change `change_id` from `effective_date` on, resting on the exchange
// `exchange_id` (empty: the last exchange recorded for that change). EMPLOYER side.
struct ApplyChange {
  std::string change_id;
  std::string exchange_id;
  google::type::Date effective_date;
  Party party = Party::kUnspecified;
};

// Withdraws the proposed change `change_id`; `reason` is required (it goes to the event's
// metadata). Either side.
struct WithdrawChange {
  std::string change_id;
  std::string reason;
  Party party = Party::kUnspecified;
};

// Every Decide below checks, in order: the post's existence (NOT_FOUND, or ALREADY_EXISTS for
// CreatePost), that it is not deleted (reason POST_DELETED; not for TransitionPost), the
// command's fields (INVALID_ARGUMENT with a BadRequest naming every bad field), the side
// (WRONG_PARTY), then the rules (FAILED_PRECONDITION, ErrorInfo reason and metadata). A
// command that changes nothing returns no event.

// PostCreated. Reasons: CTG_NOT_FOUND, CTG_CLOSED (ECHUE, RENOUVELEE or RESILIEE),
// EMPLOYER_NOT_SIGNATORY (R-1a: the employer must sign the CTG as a collectivité; metadata
// employer, ctg, rule).
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const CreatePost& command,
                                              const PostLookups& lookups);
// PostStatusChanged. Allowed moves (IsAllowedPostTransition): A_CREER → VACANT, EN_RECRUTEMENT,
// SUPPRIME; VACANT → EN_RECRUTEMENT, SUSPENDU, SUPPRIME; EN_RECRUTEMENT → VACANT, SUSPENDU,
// SUPPRIME; POURVU → SUSPENDU; EN_REMPLACEMENT → SUSPENDU; SUSPENDU → VACANT, EN_RECRUTEMENT,
// POURVU, EN_REMPLACEMENT, SUPPRIME. Reasons: INVALID_TRANSITION (metadata from, to),
// REASON_REQUIRED (to SUSPENDU or SUPPRIME), STATUS_CONTRADICTS_ASSIGNMENTS (VACANT,
// EN_RECRUTEMENT and SUPPRIME need no active assignment, POURVU an active titulaire and no
// remplaçant, EN_REMPLACEMENT an active remplaçant; metadata to).
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const TransitionPost& command,
                                              const PostLookups& lookups);
// PostCofinancingRecorded, none if the year's record is identical.
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCofinancing& command,
                                              const PostLookups& lookups);
// PostCafFundingRecorded, none if the year's record is identical. The amount is at most the
// ceiling when there is one. Reason: COFINANCING_REQUIRED (R-1a: the employer's co-financing
// of that year is recorded and above 0; metadata year, rule).
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCafFunding& command,
                                              const PostLookups& lookups);
// ChangeProposed. The kind matches the proposal; PERSONNEL assigns or ends at least one
// assignment (a remplaçant names its replacement; a titulaire may name its recruitment, a
// remplaçant may not), ORGANISATION sets the ETP or the attachment, AFFECTATION_MISSION and
// THEMATIQUE give a non-empty list. ALREADY_EXISTS if the change id is taken. Nothing else is
// checked until the change is applied.
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const ProposeChange& command,
                                              const PostLookups& lookups);
// CdtExchangeRecorded. NOT_FOUND for an unknown change; ALREADY_EXISTS if the exchange id is
// taken. Reason: CHANGE_NOT_PENDING (applied or withdrawn; metadata change).
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCdtExchange& command,
                                              const PostLookups& lookups);
// ChangeApplied, then the change's facts (AssignmentEnded and PersonAssigned, PostEtpChanged
// and PostAttachmentChanged for what differs, PostMissionsChanged, PostThematiquesChanged),
// then PostStatusChanged if the assignments move the status (StatusFromAssignments).
// NOT_FOUND for an unknown change. Reasons, in order:
//   CHANGE_NOT_PENDING (applied or withdrawn);
//   R-6 CDT_EXCHANGE_REQUIRED: no exchange recorded for the change, or `exchange_id` is not one
//       of them (metadata change, exchange, rule);
//   R-6 CDT_EXCHANGE_AFTER_CHANGE: the exchange is dated after `effective_date`;
//   for PERSONNEL: ASSIGNMENT_NOT_ACTIVE (an assignment to end is unknown or already ended),
//       END_BEFORE_START, ALREADY_EXISTS (an assignment id is taken),
//       REPLACEMENT_NOT_FOUND, CAF_VALIDATION_REQUIRED (R-5: the replacement is not validated
//       by the Caf), REPLACEMENT_MISMATCH (another post, person or ETP, or the replacement is
//       over; metadata field), RECRUITMENT_NOT_FOUND, RECRUITMENT_MISMATCH (another post, or
//       the person is not the one it hired), R-13 ETP_EXCEEDED (the person's assignments on
//       every post plus the other activities declared in the new assignment exceed 1.0 ETP);
//   for PERSONNEL and ORGANISATION: POST_ETP_EXCEEDED (the active titulaires', or the active
//       remplaçants', ETPs add up to more than the post's; metadata type, total, limit).
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const ApplyChange& command,
                                              const PostLookups& lookups);
// ChangeWithdrawn. NOT_FOUND for an unknown change. Reasons: CHANGE_NOT_PENDING,
// REASON_REQUIRED.
absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const WithdrawChange& command,
                                              const PostLookups& lookups);

// Whether `from` → `to` is a move a TransitionPost may make (guards aside).
bool IsAllowedPostTransition(v1::PostStatus from, v1::PostStatus to);

// What `event` concerns, for the store's tag index (`after` is the state once `event` is
// folded): "post:{id}", "ctg:{id}", "org:{siren}" of the employer; "person:{id}" of the people
// a PersonAssigned, AssignmentEnded or personnel ChangeProposed names; "subject:{cdt}" for a
// CdtExchangeRecorded.
std::vector<std::string> Tags(const PostState& after, const PostEvent& event);

// The message `event` holds (to serialize it under its full type name).
const google::protobuf::Message& AsMessage(const PostEvent& event);

// The event stored as `payload` under the full type name `type` (e.g. "ctg.v1.PostCreated").
// INTERNAL if `type` is not an event of this stream; DATA_LOSS if `payload` does not parse.
absl::StatusOr<PostEvent> ParsePostEvent(absl::string_view type, absl::string_view payload);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_POST_H_
