// A stand-in for ctgd in the client tests: the AuditService over a log of fake leaves with real
// RFC 6962 proofs and real Ed25519-signed checkpoints (ctg_tlog's own functions), the
// Partners and Plans services over fixtures of fictional organisations, the Persons service
// over fictional persons (kept in clear: it is a fake), and the Staffing service over
// fictional posts, recruitments, a work queue and applied changes. Knobs let a test make
// the server lie (rewrite or truncate its log, rotate its key, tamper with a proof) to check
// that the client notices. Served on 127.0.0.1:0 with LocalServerCredentials(LOCAL_TCP), the
// credentials of ctgd --dev, and in-process.
//
// Thread safety: the services lock `FakeCtgd::mu`; tests change knobs between calls.
#ifndef CTG_TESTS_CLIENTS_FAKE_CTGD_H_
#define CTG_TESTS_CLIENTS_FAKE_CTGD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/staffing.grpc.pb.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "grpcpp/server.h"

namespace ctg::testing {

inline constexpr char kFakeOrigin[] = "ctg-platform/test-valmont";
inline constexpr char kGoodToken[] = "good-token";

// A log of leaves "event 0", "event 1"… whose tree, proofs and checkpoints are computed with
// ctg_tlog, exactly as the event store does.
class FakeLog {
 public:
  // A log signed by a fresh key named kFakeOrigin.
  FakeLog();

  uint64_t size() const { return leaf_hashes_.size(); }
  const tlog::SigningKey& key() const { return *key_; }
  const std::vector<tlog::Hash>& leaf_hashes() const { return leaf_hashes_; }

  // Appends `count` leaves.
  void Append(int count);
  // Appends these leaf hashes (e.g. those of FixtureEvents()).
  void AppendLeafHashes(const std::vector<tlog::Hash>& hashes);
  // Replaces leaf `position` (a rewritten history).
  void Rewrite(uint64_t position);
  // Drops leaves beyond `size`.
  void Truncate(uint64_t size);
  // Signs with another fresh key of the same name from now on (a rotation, or a forger).
  void RotateKey();

  // The root of the first `size` leaves and the perfect node function over them.
  tlog::Hash Root(uint64_t size) const;
  std::vector<tlog::Hash> Inclusion(uint64_t position, uint64_t size) const;
  std::vector<tlog::Hash> Consistency(uint64_t old_size, uint64_t new_size) const;
  // The checkpoint of the first `size` leaves, signed at a time that grows with each call.
  std::string SignedNote(uint64_t size);
  tlog::Checkpoint CheckpointAt(uint64_t size);

 private:
  absl::StatusOr<tlog::Hash> Node(uint64_t size, int level, uint64_t index) const;

  std::unique_ptr<tlog::SigningKey> key_;
  std::vector<tlog::Hash> leaf_hashes_;
  int rewrites_ = 0;
  int64_t clock_ = 0;
};

// The server's behaviour, which a test may change between calls.
struct FakeCtgd {
  std::mutex mu;
  FakeLog log;
  // Hooks that tamper with a response before it is sent.
  std::function<void(ctg::v1::Checkpoint*)> tamper_checkpoint;
  std::function<void(ctg::v1::ConsistencyProof*)> tamper_consistency;
  std::function<void(ctg::v1::InclusionProof*)> tamper_inclusion;
  // How many calls of each audit method were served.
  int get_checkpoint_calls = 0, consistency_calls = 0, inclusion_calls = 0;
  // The last inclusion request.
  ctg::v1::GetInclusionProofRequest last_inclusion_request;
  // Require `authorization: Bearer kGoodToken` on every call.
  bool require_token = false;
  // The events ListEvents returns (any source), two per page.
  std::vector<ctg::v1::AuditEvent> events;
  // Persons by name (a test starts from FixturePersons()); CreatePerson adds, ErasePerson
  // erases. CreatePerson answers with the identity (a careless server), and rejects an e-mail
  // address ending in ".invalid" with a message that echoes the identity, so that tests check what
  // the client prints.
  std::map<std::string, ctg::v1::Person> persons;
  // Every GetPerson request served, in order; the last CreatePerson and ErasePerson requests.
  std::vector<ctg::v1::GetPersonRequest> person_reads;
  ctg::v1::CreatePersonRequest last_create;
  ctg::v1::ErasePersonRequest last_erase;
  int erase_calls = 0;
  // Staffing (a test starts from LoadStaffingFixtures). Writes change `posts` and
  // `recruitments` as ctgd would, roughly: ApplyChange without an exchange is refused with
  // CDT_EXCHANGE_REQUIRED, an opinion on another fiche version with FICHE_VERSION_MISMATCH.
  std::map<std::string, ctg::v1::Post> posts;
  std::map<std::string, ctg::v1::Recruitment> recruitments;
  std::vector<ctg::v1::CdtTask> queue;
  std::vector<ctg::v1::AppliedChange> applied_changes;
  // The last requests of each kind.
  ctg::v1::ListPostsRequest last_list_posts;
  ctg::v1::ListRecruitmentsRequest last_list_recruitments;
  ctg::v1::ListChangesRequest last_list_changes;
  ctg::v1::ProposeChangeRequest last_propose;
  ctg::v1::RecordCdtExchangeRequest last_exchange;
  ctg::v1::ApplyChangeRequest last_apply;
  ctg::v1::GiveCafOpinionOnFicheRequest last_fiche_opinion;
  ctg::v1::GiveCafOpinionOnCandidateRequest last_candidate_opinion;
  int get_recruitment_calls = 0;
  // Replacements by name. CreatePost refuses an employer other than organisations/200000172
  // (EMPLOYER_NOT_SIGNATORY); SkipRecruitmentStep a step the cadrage set ATTENDU
  // (STEP_REQUIRED).
  std::map<std::string, ctg::v1::Replacement> replacements;
  ctg::v1::CreatePostRequest last_create_post;
  ctg::v1::TransitionPostRequest last_transition;
  ctg::v1::AgreeCadrageRequest last_cadrage;
  ctg::v1::SkipRecruitmentStepRequest last_skip;
  ctg::v1::RequestReplacementRequest last_request_replacement;
  ctg::v1::ValidateReplacementRequest last_validate_replacement;
  ctg::v1::ListReplacementsRequest last_list_replacements;
};

// Fixtures: fictional organisations and a CTG.
std::vector<ctg::v1::Organisation> FixtureOrganisations();
ctg::v1::Ctg FixtureCtg();
// Two fictional persons registered by organisations/200000172: kFixturePerson (Camille
// Exemple, a candidate of recruitments/rec-val-orbe-2026) and kFixtureErasedPerson (erased when
// its retention period ended).
inline constexpr char kFixturePerson[] = "persons/3f9c0d2a71b84e65";
inline constexpr char kFixtureErasedPerson[] = "persons/9a0b1c2d3e4f5a6b";
std::map<std::string, ctg::v1::Person> FixturePersons();
inline constexpr char kFixtureRemplacant[] = "persons/7d8e9f0a1b2c3d4e";
// Fictional staffing of ctgs/val-orbe-2025: posts/cc-val-orbe-1 (held by kFixturePerson since
// an applied change of personnel, with a proposed change of ETP awaiting its exchange) and
// posts/cc-val-orbe-2 (vacant); recruitments/rec-val-orbe-2026 (open, fiche v2 awaiting the
// Caf's opinion) and recruitments/rec-val-orbe-2025 (closed); two tasks in the queue; one
// applied change; replacements/rempl-val-orbe-1 (requested on posts/cc-val-orbe-1 for
// kFixtureRemplacant, awaiting the Caf's validation).
void LoadStaffingFixtures(FakeCtgd* state);
// Events at positions 0, 1, 2 as ctgd renders them, with the leaf hashes the event store
// computes for them (eventstore::EncodeLeaf): FakeLog::AppendLeafHashes(FixtureLeafHashes())
// makes a log that proves them.
std::vector<ctg::v1::AuditEvent> FixtureEvents();
std::vector<tlog::Hash> FixtureLeafHashes();

// The services of FakeCtgd, served on loopback and in-process.
class FakeServer {
 public:
  explicit FakeServer(FakeCtgd* state);
  ~FakeServer();

  // `127.0.0.1:{port}`.
  std::string address() const { return address_; }
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  std::unique_ptr<grpc::Service> audit_, partners_, plans_, persons_, staffing_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_CLIENTS_FAKE_CTGD_H_
