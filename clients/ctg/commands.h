// The subcommands of `ctg`, as functions over a gRPC stub and plain argument structs, so that
// they run the same against a real ctgd, an in-process server or a test double.
//
// Each writes its result to Output::out: an aligned table or labelled fields for a person, or
// with Output::json exactly one proto3 JSON object on one line. Hints (more pages, a key
// pinned on first use) go to Output::err. A failure is returned, not printed: a failed call
// as RpcError made it, a failed check as verification.h describes; the caller prints it and
// exits with 1. Arguments are already validated (each group's registrar, command_line.h, does
// it and exits with 2).
//
// Thread safety: a command uses its stub, its TrustStore and its streams only.
#ifndef CTG_CLIENTS_CTG_COMMANDS_H_
#define CTG_CLIENTS_CTG_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/staffing.grpc.pb.h"
#include "eventstore/tlog/merkle.h"
#include "google/type/date.pb.h"

namespace ctg::cli {

// Where a command writes.
struct Output {
  std::ostream* out = nullptr;  // the result
  std::ostream* err = nullptr;  // hints and warnings for a person
  bool json = false;            // one JSON object instead of a table
};

// `ctg orgs list`.
struct OrgsListArgs {
  ctg::v1::OrganisationType type = ctg::v1::ORGANISATION_TYPE_UNSPECIFIED;  // any if unspecified
  std::string epci;        // `organisations/{siren}`, or empty
  int32_t page_size = 0;   // 0: the server's default
  std::string page_token;  // where to resume
  bool all = false;        // follow next_page_token to the end
};
absl::Status RunOrgsList(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const OrgsListArgs& args, Output& output);

// `ctg orgs show SIREN`; `name` is `organisations/{siren}`.
absl::Status RunOrgsShow(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const std::string& name, Output& output);

// `ctg ctgs list`.
struct CtgsListArgs {
  ctg::v1::CtgState state = ctg::v1::CTG_STATE_UNSPECIFIED;  // any if unspecified
  std::string signatory;                                     // `organisations/{siren}`, or empty
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunCtgsList(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const CtgsListArgs& args, Output& output);

// `ctg ctgs show ID`; `name` is `ctgs/{id}`. Shows the signatories, their deliberations and
// signatures, and the rule warnings.
absl::Status RunCtgsShow(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const std::string& name, Output& output);

// `ctg history`.
struct HistoryArgs {
  std::string stream;  // exactly one of stream and tag
  std::string tag;
  std::optional<absl::Time> since;  // recorded at or after
  std::optional<absl::Time> until;  // recorded before
  std::vector<std::string> types;   // full type names
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
  // Prove every listed event (VerifyEvent: its recomputed leaf is in the log at its position,
  // against the kept checkpoint); the first that fails fails the command.
  bool verify = false;
};
absl::Status RunHistory(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                        const HistoryArgs& args, const TrustOptions& trust, TrustStore& store,
                        Output& output);

// `ctg checkpoint` (show_proof false) and `ctg verify --consistency` (show_proof true):
// UpdateCheckpoint, then what was verified.
absl::Status RunCheckpoint(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                           const TrustOptions& trust, TrustStore& store, bool show_proof,
                           Output& output);

// `ctg verify --position N [--leaf_hash HEX]`: VerifyEventInclusion, and if `expected_leaf`
// is set, that the proved leaf is that one (DATA_LOSS otherwise).
absl::Status RunVerifyPosition(ctg::v1::AuditService::StubInterface& audit,
                               const CallSettings& call, const TrustOptions& trust,
                               TrustStore& store, uint64_t position,
                               const std::optional<tlog::Hash>& expected_leaf, Output& output);

// Persons. Personal data (the identity) is printed only by `persons show --purpose`; no error
// message of these commands contains it (what the server echoes of it is redacted).

// `ctg persons create`: prints the new person's name (`persons/{id}`), or with --json the
// person without its identity.
struct PersonsCreateArgs {
  std::string organisation;  // `organisations/{siren}`, the registering collectivité
  ctg::v1::PersonIdentity identity;
  std::string recruitment;  // `recruitments/{id}` for a candidate, or empty
  // The idempotency key; a retry with the same key names the same person. If it fails without
  // an answer (timeout, unreachable), the error says to rerun with this key.
  std::string request_id;
};
absl::Status RunPersonsCreate(ctg::v1::PersonsService::StubInterface& persons,
                              const CallSettings& call, const PersonsCreateArgs& args,
                              Output& output);

// `ctg persons show ID [--purpose …]`. Without a purpose: whether the person exists or was
// erased, never the identity. With one: the identity too, and a notice on Output::err that
// the read was recorded with that purpose.
struct PersonsShowArgs {
  std::string name;     // `persons/{id}`
  std::string purpose;  // empty: no identity
};
absl::Status RunPersonsShow(ctg::v1::PersonsService::StubInterface& persons,
                            const CallSettings& call, const PersonsShowArgs& args, Output& output);

// `ctg persons erase ID --basis …`: no confirmation asked. Looks the person up first (without
// a purpose, so nothing is read or recorded) to say whether this call erased it or it already
// was; then says what was destroyed and what the log keeps.
struct PersonsEraseArgs {
  std::string name;  // `persons/{id}`
  ctg::v1::ErasureBasis basis = ctg::v1::ERASURE_BASIS_UNSPECIFIED;
  std::string reference;   // for the record, without personal data; may be empty
  std::string request_id;  // idempotency key
};
absl::Status RunPersonsErase(ctg::v1::PersonsService::StubInterface& persons,
                             const CallSettings& call, const PersonsEraseArgs& args,
                             Output& output);

// Staffing: the chargé de coopération posts, their recruitments and changes (staffing.proto).
// People appear as `persons/{id}` only.

// `ctg posts list`: id, CTG, employer, status, ETP, holders, thématiques, warnings.
struct PostsListArgs {
  std::string ctg;       // `ctgs/{id}`, or empty
  std::string employer;  // `organisations/{siren}`, or empty
  ctg::v1::PostStatus status = ctg::v1::POST_STATUS_UNSPECIFIED;  // any if unspecified
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunPostsList(ctg::v1::StaffingService::StubInterface& staffing,
                          const CallSettings& call, const PostsListArgs& args, Output& output);

// `ctg posts show ID`: the post field by field, its missions, assignments, funding per year,
// every change with its exchanges with the CDT, and its rule warnings.
absl::Status RunPostsShow(ctg::v1::StaffingService::StubInterface& staffing,
                          const CallSettings& call, const std::string& name, Output& output);

// `ctg recruitments list`: by default the open ones (EN_COURS), with their current and next
// step and whose move it is.
struct RecruitmentsListArgs {
  std::string ctg;   // `ctgs/{id}`, or empty
  std::string post;  // `posts/{id}`, or empty
  ctg::v1::RecruitmentStatus status = ctg::v1::RECRUITMENT_STATUS_EN_COURS;  // any: UNSPECIFIED
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunRecruitmentsList(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const RecruitmentsListArgs& args,
                                 Output& output);

// `ctg recruitments show ID`.
absl::Status RunRecruitmentsShow(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const std::string& name, Output& output);

// `ctg queue`: what awaits the Caf (ListCdtWorkQueue).
struct QueueArgs {
  std::string ctg;                                                 // `ctgs/{id}`, or empty
  ctg::v1::CdtTaskKind kind = ctg::v1::CDT_TASK_KIND_UNSPECIFIED;  // any if unspecified
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunQueue(ctg::v1::StaffingService::StubInterface& staffing, const CallSettings& call,
                      const QueueArgs& args, Output& output);

// `ctg changes`: the applied changes taking effect from `since` to `until` (both included),
// each with the exchange with the CDT it rests on (ListChanges).
struct ChangesArgs {
  std::optional<google::type::Date> since, until;
  std::string ctg;                                              // `ctgs/{id}`, or empty
  ctg::v1::ChangeKind kind = ctg::v1::CHANGE_KIND_UNSPECIFIED;  // any if unspecified
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunChanges(ctg::v1::StaffingService::StubInterface& staffing, const CallSettings& call,
                        const ChangesArgs& args, Output& output);

// `ctg posts propose-change POST …`: ProposeChange, then what was proposed and what comes next.
struct ProposeChangeArgs {
  std::string post;  // `posts/{id}`
  ctg::v1::ChangeProposed change;
  std::string reason;
  std::string etag;
  std::string request_id;
};
absl::Status RunProposeChange(ctg::v1::StaffingService::StubInterface& staffing,
                              const CallSettings& call, const ProposeChangeArgs& args,
                              Output& output);

// `ctg posts record-exchange POST …`: RecordCdtExchange.
struct RecordExchangeArgs {
  std::string post;                       // `posts/{id}`
  ctg::v1::CdtExchangeRecorded exchange;  // change_id, exchange_id, date, form, conclusion
  std::string etag;
  std::string request_id;
};
absl::Status RunRecordExchange(ctg::v1::StaffingService::StubInterface& staffing,
                               const CallSettings& call, const RecordExchangeArgs& args,
                               Output& output);

// `ctg posts apply-change POST …`: ApplyChange, then the post's status and holders.
struct ApplyChangeArgs {
  std::string post;  // `posts/{id}`
  std::string change_id;
  std::string exchange_id;  // empty: the last exchange recorded for the change
  google::type::Date effective_date;
  std::string etag;
  std::string request_id;
};
absl::Status RunApplyChange(ctg::v1::StaffingService::StubInterface& staffing,
                            const CallSettings& call, const ApplyChangeArgs& args, Output& output);

// `ctg recruitments opinion ID …`: the Caf's opinion on the fiche de poste (R3) or on the
// chosen candidate (R8). Without `fiche_version` (0) or `candidate` (empty), the recruitment is
// looked up first and its last fiche or chosen candidate is the one the opinion is about.
struct CafOpinionArgs {
  std::string recruitment;  // `recruitments/{id}`
  bool on_candidate = false;
  int32_t fiche_version = 0;
  std::string candidate;  // `persons/{id}`
  ctg::v1::CafOpinion opinion = ctg::v1::CAF_OPINION_UNSPECIFIED;
  google::type::Date date;
  std::string comment;
  std::string etag;
  std::string request_id;
};
absl::Status RunCafOpinion(ctg::v1::StaffingService::StubInterface& staffing,
                           const CallSettings& call, const CafOpinionArgs& args, Output& output);

// Every other write of StaffingService, as the request the command line built (its
// `request_id` set): `ctg posts create|transition|cofinancing|caf-funding|withdraw-change`, `ctg
// recruitments open|cadrage|fiche|publish|…|cancel` and `ctg replacements
// request|validate|refuse|start|end|cancel`.
using StaffingWrite = std::variant<
    // posts
    ctg::v1::CreatePostRequest, ctg::v1::TransitionPostRequest, ctg::v1::RecordCofinancingRequest,
    ctg::v1::RecordCafFundingRequest, ctg::v1::WithdrawChangeRequest,
    // recruitments
    ctg::v1::OpenRecruitmentRequest, ctg::v1::AgreeCadrageRequest,
    ctg::v1::SubmitFicheDePosteRequest, ctg::v1::PublishOfferRequest,
    ctg::v1::CloseApplicationsRequest, ctg::v1::ShortlistCandidatesRequest,
    ctg::v1::HoldJuryRequest, ctg::v1::SynthesiseInterviewsRequest,
    ctg::v1::SkipRecruitmentStepRequest, ctg::v1::ChooseCandidateRequest,
    ctg::v1::TakeEmployerDecisionRequest, ctg::v1::HirePersonRequest,
    ctg::v1::CompleteIntegrationRequest, ctg::v1::CloseRecruitmentRequest,
    ctg::v1::CancelRecruitmentRequest,
    // replacements
    ctg::v1::RequestReplacementRequest, ctg::v1::ValidateReplacementRequest,
    ctg::v1::RefuseReplacementRequest, ctg::v1::StartReplacementRequest,
    ctg::v1::EndReplacementRequest, ctg::v1::CancelReplacementRequest>;

// Sends `write` with its RPC, then prints `{resource}: {what was done}` and the resource's
// state (a post's status, ETP and holders; a recruitment's step, next step and whose move;
// a replacement's status and dates), or with --json the resource. A write whose outcome is
// unknown (timeout, unreachable) says to rerun with its request id.
absl::Status RunStaffingWrite(ctg::v1::StaffingService::StubInterface& staffing,
                              const CallSettings& call, const StaffingWrite& write, Output& output);

// `ctg replacements list`: id, post, CTG, person, ETP, status, planned dates.
struct ReplacementsListArgs {
  std::string ctg;   // `ctgs/{id}`, or empty
  std::string post;  // `posts/{id}`, or empty
  ctg::v1::ReplacementStatus status = ctg::v1::REPLACEMENT_STATUS_UNSPECIFIED;  // any
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunReplacementsList(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const ReplacementsListArgs& args,
                                 Output& output);

// `ctg replacements show ID`: the replacement field by field, with the Caf's validation or
// refusal.
absl::Status RunReplacementsShow(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const std::string& name, Output& output);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_COMMANDS_H_
