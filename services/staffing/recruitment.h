// The Recruitment aggregate (stream `recruitment-{id}`, resource `recruitments/{id}`): the
// recruitment of a chargé de coopération with the Caf at each step, R0 to R12 (DOMAIN.md;
// research §4.3, rule R-4). The Caf's involvement in the selection (R5), the jury (R6), the
// synthesis (R7) and the choice of the candidate is agreed at the cadrage (R1); its opinion on
// the fiche de poste (R3) and on the chosen candidate (R8) is always expected.
//
// Hard rules: no offer before a favourable opinion of the Caf on the last fiche de poste
// (R2 and R3 loop until then); no employer decision before the Caf's opinion on the chosen
// candidate; a step at involvement ATTENDU is never skipped. Only the Caf gives the Caf's
// opinions; only the employer takes the employer's steps; either records the cadrage.
//
// Pure functions only: no clock, no randomness, no I/O; ids, dates and "today" come with the
// commands. Same calling convention as post.h (Evolve, Decide with RecruitmentLookups, Tags).
#ifndef CTG_SERVICES_STAFFING_RECRUITMENT_H_
#define CTG_SERVICES_STAFFING_RECRUITMENT_H_

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
#include "ctg/v1/staffing.pb.h"
#include "ctg/v1/staffing_events.pb.h"
#include "services/staffing/party.h"
#include "services/staffing/post.h"

namespace ctg::staffing {

// Every event of a recruitment's stream.
using RecruitmentEvent =
    std::variant<v1::RecruitmentOpened, v1::RecruitmentCadrageAgreed, v1::FicheDePosteSubmitted,
                 v1::CafOpinionOnFicheGiven, v1::OfferPublished, v1::ApplicationsClosed,
                 v1::CandidatesShortlisted, v1::JuryHeld, v1::InterviewsSynthesised,
                 v1::RecruitmentStepSkipped, v1::CandidateChosen, v1::CafOpinionOnCandidateGiven,
                 v1::EmployerDecisionTaken, v1::PersonHired, v1::IntegrationCompleted,
                 v1::RecruitmentClosed, v1::RecruitmentCancelled>;

// Streams of recruitments are `recruitment-{id}`.
inline constexpr absl::string_view kRecruitmentStreamPrefix = "recruitment-";
// Resource names of recruitments are `recruitments/{id}`.
inline constexpr absl::string_view kRecruitmentNamePrefix = "recruitments/";

// The stream of the recruitment `recruitment_id`. Not checked.
std::string RecruitmentStream(absl::string_view recruitment_id);
// The resource name of the recruitment `recruitment_id`. Not checked.
std::string RecruitmentName(absl::string_view recruitment_id);
// The id of `name`, which must be "recruitments/{id}" with a valid id; else INVALID_ARGUMENT
// with a BadRequest naming `field`.
absl::StatusOr<std::string> ParseRecruitmentName(absl::string_view name, absl::string_view field);

// The milestones of a recruitment, in the order they are reached. Each is one step of R0..R12
// or a part of one (R4: the offer, then the closing of applications; R8: the choice, then the
// Caf's opinion on it). R5, R6 and R7 are reached either by their own event or by
// RecruitmentStepSkipped. The step, the event and the side of each are written once, in this
// order, in recruitment.cc's table.
enum class Milestone {
  kOpened,                 // R0  RecruitmentOpened
  kCadrageAgreed,          // R1  RecruitmentCadrageAgreed
  kFicheSubmitted,         // R2  FicheDePosteSubmitted
  kFicheOpinionGiven,      // R3  CafOpinionOnFicheGiven
  kOfferPublished,         // R4  OfferPublished
  kApplicationsClosed,     // R4  ApplicationsClosed
  kApplicationsSelected,   // R5  CandidatesShortlisted
  kJuryHeld,               // R6  JuryHeld
  kInterviewsSynthesised,  // R7  InterviewsSynthesised
  kCandidateChosen,        // R8  CandidateChosen
  kCandidateOpinionGiven,  // R8  CafOpinionOnCandidateGiven
  kEmployerDecided,        // R9  EmployerDecisionTaken
  kHired,                  // R10 PersonHired
  kIntegrated,             // R11 IntegrationCompleted
  kClosed,                 // R12 RecruitmentClosed
};

// The step `milestone` belongs to.
v1::RecruitmentStep StepOf(Milestone milestone);
// The full type name of the event that records `milestone` (e.g. "ctg.v1.OfferPublished").
absl::string_view EventOf(Milestone milestone);

// A recruitment as its events made it.
struct RecruitmentState {
  bool exists = false;
  std::string recruitment_id;
  // `posts/{post}`, `ctgs/{ctg}`, `organisations/{siren}`.
  std::string post;
  std::string ctg;
  std::string employer;
  v1::RecruitmentMotif motif = v1::RECRUITMENT_MOTIF_UNSPECIFIED;
  v1::RecruitmentStatus status = v1::RECRUITMENT_STATUS_UNSPECIFIED;
  // The last milestone reached.
  Milestone milestone = Milestone::kOpened;
  // The involvement agreed at the cadrage for SELECTION_CANDIDATURES, JURY and
  // SYNTHESE_ENTRETIENS (empty before it).
  std::map<v1::RecruitmentStep, v1::CafInvolvement> involvements;
  // The involvement agreed for the choice of the candidate.
  v1::CafInvolvement candidate_choice_involvement = v1::CAF_INVOLVEMENT_UNSPECIFIED;
  // The last version of the fiche de poste submitted (0 before any), and the Caf's opinion on
  // it (UNSPECIFIED while it has none).
  int32_t fiche_version = 0;
  v1::CafOpinion fiche_opinion = v1::CAF_OPINION_UNSPECIFIED;
  // The candidate chosen last (`persons/{id}`), and the Caf's opinion on them (UNSPECIFIED
  // while it has none).
  std::string candidate;
  v1::CafOpinion candidate_opinion = v1::CAF_OPINION_UNSPECIFIED;
  // The person hired (R10), once hired.
  std::string hired_person;
  // The steps skipped, in order.
  std::vector<v1::RecruitmentStep> skipped_steps;
  // The date of the last dated step: the next one may not be dated before it.
  google::type::Date last_date;
  absl::Time create_time;
  absl::Time update_time;

  // The step of `milestone`.
  v1::RecruitmentStep step() const { return StepOf(milestone); }
};

// What a post needs to know of `state` (PostLookups::recruitment).
RecruitmentFacts FactsOf(const RecruitmentState& state);

// Whether the recruitment is over: closed (R12) or cancelled. From then on (its update_time)
// runs the retention period of its candidates not hired (persons::DueForErasure).
bool IsOver(const RecruitmentState& state);

// Folds `event`, decided at `time`, into `state`. Never fails (events are facts).
void Evolve(RecruitmentState& state, const RecruitmentEvent& event, absl::Time time);

// What the recruitment decider needs to know of other aggregates, looked up by the caller. An
// empty function knows no post.
struct RecruitmentLookups {
  // The post `post_id`, or nothing.
  std::function<std::optional<PostState>(absl::string_view post_id)> post;
};

// The commands, one per step. Every date is that of the step, not after `today` (which comes
// with the command), and not before the date of the previous dated step. `party` is the
// actor's side.

// R0. Opens recruitment `recruitment_id` for the post `post` (`posts/{id}`). EMPLOYER.
struct OpenRecruitment {
  std::string recruitment_id;
  std::string post;
  v1::RecruitmentMotif motif = v1::RECRUITMENT_MOTIF_UNSPECIFIED;
  google::type::Date date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R1. The cadrage with the CDT `cdt` (subject): the involvement in R5, R6 and R7 (those not
// listed are FACULTATIF) and in the choice (UNSPECIFIED is FACULTATIF), and the function
// agreed. Either side.
struct AgreeCadrage {
  google::type::Date date;
  std::string cdt;
  std::vector<v1::StepInvolvement> involvements;
  v1::CafInvolvement candidate_choice_involvement = v1::CAF_INVOLVEMENT_UNSPECIFIED;
  std::string fonction;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R2. Submits the next version of the fiche de poste, found at `document`. EMPLOYER.
struct SubmitFicheDePoste {
  std::string document;
  google::type::Date date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R3. The Caf's opinion on version `version` of the fiche de poste (the last one). CAF.
struct GiveCafOpinionOnFiche {
  int32_t version = 0;
  v1::CafOpinion opinion = v1::CAF_OPINION_UNSPECIFIED;
  google::type::Date date;
  std::string cdt;
  std::string comment;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R4. Publishes the offer (`channel` optional). EMPLOYER.
struct PublishOffer {
  google::type::Date date;
  std::string channel;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R4. Closes the applications. EMPLOYER.
struct CloseApplications {
  google::type::Date date;
  int32_t applications_received = 0;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R5. Records the selection of the applications. EMPLOYER.
struct ShortlistCandidates {
  google::type::Date date;
  int32_t candidates_shortlisted = 0;
  bool caf_participated = false;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R6. Records the jury. EMPLOYER.
struct HoldJury {
  google::type::Date date;
  int32_t candidates_interviewed = 0;
  bool caf_participated = false;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R7. Records the synthesis of the interviews. EMPLOYER.
struct SynthesiseInterviews {
  google::type::Date date;
  bool caf_participated = false;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// Skips `step` (R5, R6 or R7 at FACULTATIF or NON); `reason` is required (it goes to the
// event's metadata). EMPLOYER.
struct SkipStep {
  v1::RecruitmentStep step = v1::RECRUITMENT_STEP_UNSPECIFIED;
  std::string reason;
  Party party = Party::kUnspecified;
};
// R8, first part. Chooses `person` (`persons/{id}`). EMPLOYER.
struct ChooseCandidate {
  std::string person;
  google::type::Date date;
  bool caf_participated = false;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R8. The Caf's opinion on the chosen candidate `person`. CAF.
struct GiveCafOpinionOnCandidate {
  std::string person;
  v1::CafOpinion opinion = v1::CAF_OPINION_UNSPECIFIED;
  google::type::Date date;
  std::string cdt;
  std::string comment;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R9. The employer decides to recruit the chosen candidate `person`. EMPLOYER.
struct TakeEmployerDecision {
  std::string person;
  google::type::Date date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R10. `person` (the one decided on) signed on `contract_date` and starts on `start_date` (not
// before the contract). EMPLOYER.
struct HirePerson {
  std::string person;
  google::type::Date contract_date;
  google::type::Date start_date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R11. The integration is completed; the dates of its parts are optional. EMPLOYER.
struct CompleteIntegration {
  google::type::Date date;
  std::optional<google::type::Date> cdt_meeting_date;
  std::optional<google::type::Date> copil_presentation_date;
  std::optional<google::type::Date> partners_meeting_date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// R12. The person is in post; closes the recruitment. EMPLOYER.
struct CloseRecruitment {
  google::type::Date date;
  google::type::Date today;
  Party party = Party::kUnspecified;
};
// Cancels the recruitment; `reason` is required (it goes to the event's metadata). EMPLOYER.
struct CancelRecruitment {
  std::string reason;
  Party party = Party::kUnspecified;
};

// Whether a step recorded by the milestone `to` may follow `state` (guards aside):
//   R1 follows R0; R2 follows R1, R2 (a new version supersedes one awaiting its opinion) or R3
//   (any opinion: a revised fiche needs a new one); R3 follows R2; the offer follows R3 only if
//   the opinion is FAVORABLE; the choice follows R7, a previous choice, or the Caf's opinion
//   on it (choosing someone else); every other milestone follows the one before it. Nothing
//   follows a recruitment that is TERMINE or ANNULE.
bool IsAllowedStep(const RecruitmentState& state, Milestone to);

// The step a recruitment awaits, and the side whose business it is.
struct NextStep {
  v1::RecruitmentStep step = v1::RECRUITMENT_STEP_UNSPECIFIED;
  v1::StaffingParty party = v1::STAFFING_PARTY_UNSPECIFIED;

  bool operator==(const NextStep&) const = default;
};

// Who acts next on `state`: the step of the milestone after the current one and the side that
// records it (EITHER for the cadrage, CAF for its opinions, EMPLOYER otherwise); after an
// opinion on the fiche de poste that is not FAVORABLE, R2 again (EMPLOYER). Both UNSPECIFIED
// once the recruitment is not EN_COURS or is at R12.
NextStep NextStepOf(const RecruitmentState& state);

// Every Decide below checks, in order: existence (NOT_FOUND, or ALREADY_EXISTS for
// OpenRecruitment), the command's fields (INVALID_ARGUMENT, every bad field), the side
// (WRONG_PARTY, metadata party, expected), the sequence (IsAllowedStep), the step's guards,
// then the date order. A step out of sequence is refused with:
//   INVALID_TRANSITION: the recruitment is over, or the step is behind it (metadata from, to:
//       steps or, when over, the status; event);
//   CAF_OPINION_REQUIRED: the first missing milestone is the Caf's opinion on the fiche
//       de poste (or a favourable one: metadata opinion) or on the chosen candidate;
//   STEP_REQUIRED: the first missing milestone is another step (metadata step, event,
//       and involvement for R5..R7).
// Guards: FICHE_VERSION_MISMATCH (the opinion is not on the last version), CANDIDATE_MISMATCH
// (the opinion, decision or hire is about another person than the chosen candidate),
// CAF_PARTICIPATION_REQUIRED (R5, R6, R7 or the choice at ATTENDU recorded without the Caf);
// then DATE_BEFORE_PREVIOUS_STEP (metadata date, previous).

// RecruitmentOpened. Reasons: POST_NOT_FOUND, POST_DELETED.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const OpenRecruitment& command,
                                                     const RecruitmentLookups& lookups);
// RecruitmentCadrageAgreed, listing R5, R6 and R7 with their level.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const AgreeCadrage& command,
                                                     const RecruitmentLookups& lookups);
// FicheDePosteSubmitted, with the next version number.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SubmitFicheDePoste& command,
                                                     const RecruitmentLookups& lookups);
// CafOpinionOnFicheGiven.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const GiveCafOpinionOnFiche& command,
                                                     const RecruitmentLookups& lookups);
// OfferPublished.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const PublishOffer& command,
                                                     const RecruitmentLookups& lookups);
// ApplicationsClosed.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CloseApplications& command,
                                                     const RecruitmentLookups& lookups);
// CandidatesShortlisted.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const ShortlistCandidates& command,
                                                     const RecruitmentLookups& lookups);
// JuryHeld.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const HoldJury& command,
                                                     const RecruitmentLookups& lookups);
// InterviewsSynthesised.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SynthesiseInterviews& command,
                                                     const RecruitmentLookups& lookups);
// RecruitmentStepSkipped. The step must be the next one. Reasons: CAF_OPINION_REQUIRED (R3 or
// R8), STEP_REQUIRED (any other step but R5..R7, or one of them at ATTENDU: metadata
// involvement), REASON_REQUIRED.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SkipStep& command,
                                                     const RecruitmentLookups& lookups);
// CandidateChosen.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const ChooseCandidate& command,
                                                     const RecruitmentLookups& lookups);
// CafOpinionOnCandidateGiven.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const GiveCafOpinionOnCandidate& command,
                                                     const RecruitmentLookups& lookups);
// EmployerDecisionTaken (whatever the Caf's opinion: the decision is the employer's alone).
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const TakeEmployerDecision& command,
                                                     const RecruitmentLookups& lookups);
// PersonHired.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const HirePerson& command,
                                                     const RecruitmentLookups& lookups);
// IntegrationCompleted.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CompleteIntegration& command,
                                                     const RecruitmentLookups& lookups);
// RecruitmentClosed.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CloseRecruitment& command,
                                                     const RecruitmentLookups& lookups);
// RecruitmentCancelled, from any step while EN_COURS. Reasons: INVALID_TRANSITION (over),
// REASON_REQUIRED.
absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CancelRecruitment& command,
                                                     const RecruitmentLookups& lookups);

// What `event` concerns (`after` is the state once it is folded): "recruitment:{id}",
// "post:{id}", "ctg:{id}", "org:{siren}" of the employer; "person:{id}" of the candidate a
// CandidateChosen, CafOpinionOnCandidateGiven, EmployerDecisionTaken or PersonHired names;
// "subject:{cdt}" for the cadrage and the Caf's opinions.
std::vector<std::string> Tags(const RecruitmentState& after, const RecruitmentEvent& event);

// The message `event` holds.
const google::protobuf::Message& AsMessage(const RecruitmentEvent& event);

// The event stored as `payload` under the full type name `type`. INTERNAL if `type` is not an
// event of this stream; DATA_LOSS if `payload` does not parse.
absl::StatusOr<RecruitmentEvent> ParseRecruitmentEvent(absl::string_view type,
                                                       absl::string_view payload);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_RECRUITMENT_H_
