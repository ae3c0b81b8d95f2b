// The CTG aggregate (stream `ctg-{id}`): the decider of the plans context for Conventions
// Territoriales Globales: drafting, title, period and thématiques, signatories with their
// deliberations and signatures, the CDT who follows it, and its lifecycle (DOMAIN §4.1).
//
// Pure functions only: no clock, no randomness, no I/O. The caller loads the stream, folds it
// with Evolve, looks up what Decide needs from other aggregates (Lookups), calls Decide and
// appends the events it returns, stamped with their metadata (actor, time, reason…) and Tags.
// Field paths in errors are those of the PlansService requests (`ctg.title`, `signatory.role`,
// `deliberation.date`…). A broken rule is FAILED_PRECONDITION with an ErrorInfo reason.
#ifndef CTG_SERVICES_PLANS_CTG_H_
#define CTG_SERVICES_PLANS_CTG_H_

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/partners.pb.h"
#include "ctg/v1/plans.pb.h"
#include "ctg/v1/plans_events.pb.h"

namespace ctg::plans {

namespace v1 = ::ctg::v1;

// Every event of a CTG's stream.
using CtgEvent =
    std::variant<v1::CtgDrafted, v1::CtgRetitled, v1::CtgPeriodSet, v1::CtgThematiquesSet,
                 v1::CtgSignatoryAdded, v1::CtgDeliberationRecorded, v1::CtgSignatureRecorded,
                 v1::CtgCdtAssigned, v1::CtgStateChanged>;

// Streams of CTGs are `ctg-{id}`.
inline constexpr absl::string_view kStreamPrefix = "ctg-";
// Resource names of CTGs are `ctgs/{id}`.
inline constexpr absl::string_view kNamePrefix = "ctgs/";

// The stream of the CTG `ctg_id`: "ctg-" + id. Not checked.
std::string CtgStream(absl::string_view ctg_id);
// The resource name of the CTG `ctg_id`: "ctgs/" + id. Not checked.
std::string CtgName(absl::string_view ctg_id);
// The id of `name`, which must be "ctgs/{id}" with a valid id; else INVALID_ARGUMENT with a
// BadRequest naming `field`.
absl::StatusOr<std::string> ParseCtgName(absl::string_view name, absl::string_view field);
// OK if `id` matches ^[a-z][a-z0-9-]{2,62}$ and does not end with '-'; else INVALID_ARGUMENT
// with a BadRequest naming `field`.
absl::Status ValidateCtgId(absl::string_view id, absl::string_view field);

// A CTG as its events made it. `ctg.warnings` is always current (Evolve recomputes it);
// `ctg.etag` is left to the caller (it is the stream's revision).
struct CtgState {
  bool exists = false;
  v1::Ctg ctg;
};

// Folds `event`, decided at `time`, into `state`: Drafted sets create_time and state
// EN_PREPARATION; signatories keep the order they were added in; every event sets
// update_time and recomputes the warnings. Never fails (events are facts).
void Evolve(CtgState& state, const CtgEvent& event, absl::Time time);

// The rules of the référentiel that `ctg` does not meet and that never block (DOMAIN §5):
//   R-7 THEMATIC_MINIMUM: the thématiques lack petite enfance, enfance or jeunesse,
//       parentalité, or at least one thématique beyond those four.
//   R-8 PERIOD_MISSING: start_date or end_date is unset.
//   R-8 DURATION: the period is not 4 to 5 years: end_date must lie between
//       start_date + 4 years - 1 day and start_date + 5 years - 1 day, both included
//       ("start + N years" is the same day N years later; 29 February becomes 1 March).
// Messages are in French.
std::vector<v1::RuleWarning> Warnings(const v1::Ctg& ctg);

// What the decider needs to know of other aggregates, looked up by the caller. An empty
// function knows nothing (no organisation is registered, no CTG exists).
struct Lookups {
  // The type of the registered organisation `siren`, or nothing if it is not registered.
  std::function<std::optional<v1::OrganisationType>(absl::string_view siren)> organisation_type;
  // Whether the CTG `ctg_id` exists.
  std::function<bool(absl::string_view ctg_id)> ctg_exists;
};

// Drafts CTG `ctg_id` from `ctg` as in CreateCtgRequest.ctg (output-only fields ignored).
struct DraftCtg {
  std::string ctg_id;
  v1::Ctg ctg;
};
// Sets the fields named by `paths` ("title", "start_date", "end_date", "thematiques"; "*" is
// all four) to their values in `ctg`; a date named but unset is cleared.
struct UpdateCtg {
  v1::Ctg ctg;
  std::vector<std::string> paths;
};
// Adds `signatory` (organisation and role; the rest is ignored).
struct AddSignatory {
  v1::Signatory signatory;
};
// Records the deliberation of the signatory `organisation` ("organisations/{siren}").
struct RecordDeliberation {
  std::string organisation;
  v1::Deliberation deliberation;
};
// Records the date the signatory `organisation` signed.
struct RecordSignature {
  std::string organisation;
  google::type::Date signature_date;
};
// Assigns the CDT whose subject is `cdt`; `reason` is required to replace another CDT (it
// goes to the event's metadata, not in the event).
struct AssignCdt {
  std::string cdt;
  std::string reason;
};
// Moves the CTG to state `to`; `reason` (at most 2000 characters) is required to suspend or
// terminate (it goes to the event's metadata).
struct TransitionCtg {
  v1::CtgState to;
  std::string reason;
};

// Every Decide below checks, in order: the CTG's existence (NOT_FOUND, or ALREADY_EXISTS for
// DraftCtg), that it is not closed (ECHUE, RENOUVELEE, RESILIEE: reason CTG_CLOSED; not for
// TransitionCtg), the request's fields (INVALID_ARGUMENT with a BadRequest naming every bad
// field), then the rules (FAILED_PRECONDITION, ErrorInfo reason and metadata). A command
// that changes nothing returns no event (the caller then appends nothing).

// CtgDrafted, then CtgSignatoryAdded for the Caf (CAF) and for the porteur
// (COLLECTIVITE_PORTEUSE). Reasons: ORGANISATION_NOT_FOUND, WRONG_ORGANISATION_TYPE (the
// Caf must be a CAF; the porteur a COMMUNE, EPCI or SYNDICAT; metadata field, organisation,
// type), PREDECESSOR_NOT_FOUND.
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const DraftCtg& command,
                                             const Lookups& lookups);
// CtgRetitled, CtgPeriodSet (both dates as they become), CtgThematiquesSet: one per change.
// end_date must be after start_date once the change is applied.
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const UpdateCtg& command,
                                             const Lookups& lookups);
// CtgSignatoryAdded. Role COLLECTIVITE_MEMBRE (a COMMUNE, EPCI or SYNDICAT) or
// PARTENAIRE_SIGNATAIRE (any type). Reasons: CTG_ALREADY_SIGNED (from ACTIVE on),
// ORGANISATION_NOT_FOUND, WRONG_ORGANISATION_TYPE; ALREADY_EXISTS if it already signs.
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const AddSignatory& command,
                                             const Lookups& lookups);
// CtgDeliberationRecorded (replacing an earlier one), none if identical. Reasons:
// NOT_A_SIGNATORY, DELIBERATION_NOT_APPLICABLE (a signatory that is not a collectivité).
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state,
                                             const RecordDeliberation& command,
                                             const Lookups& lookups);
// CtgSignatureRecorded (replacing an earlier one), none if identical. Reason:
// NOT_A_SIGNATORY.
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const RecordSignature& command,
                                             const Lookups& lookups);
// CtgCdtAssigned, none if `cdt` is already assigned. `cdt`: 1 to 128 visible ASCII
// characters. Reason: REASON_REQUIRED (replacing a CDT without a reason).
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const AssignCdt& command,
                                             const Lookups& lookups);
// CtgStateChanged along DOMAIN §4.1: one step forward EN_PREPARATION → DIAGNOSTIC_EN_COURS →
// DIAGNOSTIC_PARTAGE → PLAN_ACTIONS_EN_ELABORATION → EN_SIGNATURE → ACTIVE →
// EVALUATION_FINALE → ECHUE → RENOUVELEE; ACTIVE ↔ SUSPENDUE; any state before ECHUE →
// RESILIEE. Reasons: INVALID_TRANSITION (metadata from, to; also for the current state),
// REASON_REQUIRED (to SUSPENDUE or RESILIEE), and for EN_SIGNATURE → ACTIVE:
// DELIBERATION_REQUIRED, SIGNATURE_REQUIRED (metadata organisation), PERIOD_REQUIRED.
absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const TransitionCtg& command,
                                             const Lookups& lookups);

// Whether `from` → `to` is a transition of the lifecycle (guards aside).
bool IsAllowedTransition(v1::CtgState from, v1::CtgState to);

// What `event` concerns, for the store's tag index (`after` is the state once `event` is
// folded): "ctg:{id}", "org:{siren}" of every signatory, and for CtgCdtAssigned
// "subject:{cdt}" of the new CDT and of the one replaced.
std::vector<std::string> Tags(const CtgState& after, const CtgEvent& event);

// The message `event` holds (to serialize it under its full type name).
const google::protobuf::Message& AsMessage(const CtgEvent& event);

// The event stored as `payload` under the full type name `type` (e.g. "ctg.v1.CtgDrafted").
// INTERNAL if `type` is not an event of this stream; DATA_LOSS if `payload` does not parse.
absl::StatusOr<CtgEvent> ParseCtgEvent(absl::string_view type, absl::string_view payload);

}  // namespace ctg::plans

#endif  // CTG_SERVICES_PLANS_CTG_H_
