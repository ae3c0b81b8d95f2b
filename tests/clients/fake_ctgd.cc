#include "tests/clients/fake_ctgd.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "eventstore/encoding.h"
#include "eventstore/types.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace ctg::testing {
namespace {

std::string Bytes(const tlog::Hash& hash) { return std::string(tlog::HashBytes(hash)); }

grpc::Status RichError(grpc::StatusCode code, const std::string& message,
                       const google::protobuf::Message& detail) {
  google::rpc::Status rich;
  rich.set_code(code);
  rich.set_message(message);
  rich.add_details()->PackFrom(detail);
  return grpc::Status(code, message, rich.SerializeAsString());
}

grpc::Status CheckToken(FakeCtgd& state, grpc::ServerContext* context) {
  if (!state.require_token) return grpc::Status::OK;
  auto it = context->client_metadata().find("authorization");
  if (it != context->client_metadata().end() &&
      std::string(it->second.data(), it->second.size()) == absl::StrCat("Bearer ", kGoodToken)) {
    return grpc::Status::OK;
  }
  google::rpc::ErrorInfo info;
  info.set_reason("TOKEN_EXPIRED");
  info.set_domain("ctg.caf.fr");
  return RichError(grpc::StatusCode::UNAUTHENTICATED, "the token expired at 2026-11-23T10:00:00Z",
                   info);
}

// Index-based page tokens over a list of `count` items.
template <typename Item, typename Add>
grpc::Status Page(const std::vector<Item>& items, int page_size, const std::string& token, Add add,
                  std::string* next_page_token) {
  size_t start = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &start)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
  }
  size_t end = std::min(items.size(), start + static_cast<size_t>(page_size));
  for (size_t i = start; i < end; ++i) add(items[i]);
  if (end < items.size()) *next_page_token = absl::StrCat(end);
  return grpc::Status::OK;
}

class AuditService final : public ctg::v1::AuditService::Service {
 public:
  explicit AuditService(FakeCtgd* state) : state_(*state) {}

  grpc::Status GetCheckpoint(grpc::ServerContext* context, const ctg::v1::GetCheckpointRequest*,
                             ctg::v1::Checkpoint* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ++state_.get_checkpoint_calls;
    const uint64_t size = state_.log.size();
    response->set_note(state_.log.SignedNote(size));
    response->set_origin(kFakeOrigin);
    response->set_tree_size(static_cast<int64_t>(size));
    response->set_root_hash(Bytes(state_.log.Root(size)));
    response->set_verifier_key(state_.log.key().verifier().ToString());
    if (state_.tamper_checkpoint) state_.tamper_checkpoint(response);
    return grpc::Status::OK;
  }

  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const ctg::v1::GetConsistencyProofRequest* request,
                                   ctg::v1::ConsistencyProof* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ++state_.consistency_calls;
    const uint64_t first = request->first_size();
    const uint64_t second =
        request->second_size() == 0 ? state_.log.size() : request->second_size();
    if (request->first_size() < 1 || first > second || second > state_.log.size()) {
      return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "sizes out of range");
    }
    response->set_first_size(static_cast<int64_t>(first));
    response->set_second_size(static_cast<int64_t>(second));
    for (const tlog::Hash& hash : state_.log.Consistency(first, second)) {
      response->add_hashes(Bytes(hash));
    }
    if (state_.tamper_consistency) state_.tamper_consistency(response);
    return grpc::Status::OK;
  }

  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const ctg::v1::GetInclusionProofRequest* request,
                                 ctg::v1::InclusionProof* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ++state_.inclusion_calls;
    state_.last_inclusion_request = *request;
    const uint64_t size = request->tree_size() == 0 ? state_.log.size() : request->tree_size();
    if (request->position() < 0 || static_cast<uint64_t>(request->position()) >= size ||
        size > state_.log.size()) {
      return grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "position out of range");
    }
    const uint64_t position = request->position();
    response->set_position(request->position());
    response->set_tree_size(static_cast<int64_t>(size));
    response->set_leaf_hash(Bytes(state_.log.leaf_hashes()[position]));
    for (const tlog::Hash& hash : state_.log.Inclusion(position, size)) {
      response->add_hashes(Bytes(hash));
    }
    if (state_.tamper_inclusion) state_.tamper_inclusion(response);
    return grpc::Status::OK;
  }

  grpc::Status ListEvents(grpc::ServerContext* context, const ctg::v1::ListEventsRequest* request,
                          ctg::v1::ListEventsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    if (request->stream().empty() && request->tag().empty()) {
      google::rpc::BadRequest bad;
      auto* violation = bad.add_field_violations();
      violation->set_field("source");
      violation->set_description("set stream or tag");
      return RichError(grpc::StatusCode::INVALID_ARGUMENT, "source: set stream or tag", bad);
    }
    std::vector<ctg::v1::AuditEvent> matching;
    for (const auto& event : state_.events) {
      bool type_ok = request->event_types().empty();
      for (const auto& type : request->event_types()) type_ok = type_ok || type == event.type();
      if (type_ok) matching.push_back(event);
    }
    return Page(
        matching, 2, request->page_token(),
        [&](const ctg::v1::AuditEvent& event) { *response->add_events() = event; },
        response->mutable_next_page_token());
  }

 private:
  FakeCtgd& state_;
};

class PartnersService final : public ctg::v1::PartnersService::Service {
 public:
  explicit PartnersService(FakeCtgd* state) : state_(*state) {}

  grpc::Status GetOrganisation(grpc::ServerContext* context,
                               const ctg::v1::GetOrganisationRequest* request,
                               ctg::v1::Organisation* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    for (const auto& organisation : FixtureOrganisations()) {
      if (organisation.name() == request->name()) {
        *response = organisation;
        return grpc::Status::OK;
      }
    }
    google::rpc::ResourceInfo info;
    info.set_resource_type("ctg.caf.fr/Organisation");
    info.set_resource_name(request->name());
    return RichError(grpc::StatusCode::NOT_FOUND,
                     absl::StrCat(request->name(), " is not registered"), info);
  }

  grpc::Status ListOrganisations(grpc::ServerContext* context,
                                 const ctg::v1::ListOrganisationsRequest* request,
                                 ctg::v1::ListOrganisationsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    std::vector<ctg::v1::Organisation> matching;
    for (const auto& organisation : FixtureOrganisations()) {
      if (request->type() != ctg::v1::ORGANISATION_TYPE_UNSPECIFIED &&
          organisation.type() != request->type())
        continue;
      if (!request->epci().empty() && organisation.epci() != request->epci()) continue;
      matching.push_back(organisation);
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::Organisation& o) { *response->add_organisations() = o; },
        response->mutable_next_page_token());
  }

 private:
  FakeCtgd& state_;
};

class PlansService final : public ctg::v1::PlansService::Service {
 public:
  explicit PlansService(FakeCtgd* state) : state_(*state) {}

  grpc::Status GetCtg(grpc::ServerContext* context, const ctg::v1::GetCtgRequest* request,
                      ctg::v1::Ctg* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    if (request->name() != FixtureCtg().name()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request->name(), " not found"));
    }
    *response = FixtureCtg();
    return grpc::Status::OK;
  }

  grpc::Status ListCtgs(grpc::ServerContext* context, const ctg::v1::ListCtgsRequest* request,
                        ctg::v1::ListCtgsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ctg::v1::Ctg ctg = FixtureCtg();
    if (request->state() == ctg::v1::CTG_STATE_UNSPECIFIED || request->state() == ctg.state()) {
      *response->add_ctgs() = ctg;
    }
    return grpc::Status::OK;
  }

 private:
  FakeCtgd& state_;
};

class PersonsService final : public ctg::v1::PersonsService::Service {
 public:
  explicit PersonsService(FakeCtgd* state) : state_(*state) {}

  grpc::Status CreatePerson(grpc::ServerContext* context,
                            const ctg::v1::CreatePersonRequest* request,
                            ctg::v1::Person* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_create = *request;
    const ctg::v1::Person& person = request->person();
    const auto organisations = FixtureOrganisations();
    if (std::none_of(organisations.begin(), organisations.end(),
                     [&](const auto& o) { return o.name() == person.organisation(); })) {
      google::rpc::BadRequest bad;
      auto* violation = bad.add_field_violations();
      violation->set_field("person.organisation");
      violation->set_description(absl::StrCat(person.organisation(), " is not registered"));
      return RichError(grpc::StatusCode::INVALID_ARGUMENT, "invalid person", bad);
    }
    if (absl::EndsWith(person.identity().email(), ".invalid")) {
      google::rpc::BadRequest bad;
      auto* violation = bad.add_field_violations();
      violation->set_field("person.identity.email");
      violation->set_description(
          absl::StrCat("the domain of ", person.identity().email(), " does not exist (registering ",
                       person.identity().given_name(), " ", person.identity().family_name(), ")"));
      return RichError(grpc::StatusCode::INVALID_ARGUMENT, "invalid person", bad);
    }
    std::string id = absl::StrCat("p", state_.persons.size(), "-generated");
    if (!request->request_id().empty()) {
      id = absl::StrReplaceAll(request->request_id(), {{"-", ""}}).substr(0, 16);
    }
    const std::string name = absl::StrCat("persons/", id);
    if (state_.persons.count(name) > 0) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, absl::StrCat(name, " already exists"));
    }
    ctg::v1::Person created = person;
    created.set_name(name);
    created.mutable_create_time()->set_seconds(1795100000);
    created.set_etag("W/\"1\"");
    state_.persons[name] = created;
    *response = created;
    return grpc::Status::OK;
  }

  grpc::Status GetPerson(grpc::ServerContext* context, const ctg::v1::GetPersonRequest* request,
                         ctg::v1::Person* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.person_reads.push_back(*request);
    auto it = state_.persons.find(request->name());
    if (it == state_.persons.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request->name(), " not found"));
    }
    *response = it->second;
    if (request->purpose().empty() || response->erased()) response->clear_identity();
    return grpc::Status::OK;
  }

  grpc::Status ErasePerson(grpc::ServerContext* context, const ctg::v1::ErasePersonRequest* request,
                           ctg::v1::Person* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ++state_.erase_calls;
    state_.last_erase = *request;
    auto it = state_.persons.find(request->name());
    if (it == state_.persons.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(request->name(), " not found"));
    }
    if (request->basis() == ctg::v1::ERASURE_BASIS_UNSPECIFIED) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "basis: required");
    }
    ctg::v1::Person& person = it->second;
    if (!person.erased()) {
      person.clear_identity();
      person.set_erased(true);
      person.set_erasure_basis(request->basis());
      person.mutable_erase_time()->set_seconds(1795200000);
      person.set_etag("W/\"3\"");
    }
    *response = person;
    return grpc::Status::OK;
  }

 private:
  FakeCtgd& state_;
};

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string DateKey(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

grpc::Status RuleError(const std::string& reason, const std::string& message) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("ctg.caf.fr");
  return RichError(grpc::StatusCode::FAILED_PRECONDITION, absl::StrCat(reason, ": ", message),
                   info);
}

class StaffingService final : public ctg::v1::StaffingService::Service {
 public:
  explicit StaffingService(FakeCtgd* state) : state_(*state) {}

  grpc::Status GetPost(grpc::ServerContext* context, const ctg::v1::GetPostRequest* request,
                       ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    auto it = state_.posts.find(request->name());
    if (it == state_.posts.end()) return NotFound(request->name());
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status ListPosts(grpc::ServerContext* context, const ctg::v1::ListPostsRequest* request,
                         ctg::v1::ListPostsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_list_posts = *request;
    if (!request->ctg().empty() && request->ctg() != FixtureCtg().name()) {
      return NotFound(request->ctg());
    }
    std::vector<ctg::v1::Post> matching;
    for (const auto& [name, post] : state_.posts) {
      if (!request->ctg().empty() && post.ctg() != request->ctg()) continue;
      if (request->status() != ctg::v1::POST_STATUS_UNSPECIFIED &&
          post.status() != request->status())
        continue;
      ctg::v1::Post basic = post;
      if (request->view() != ctg::v1::POST_VIEW_FULL) basic.clear_changes();
      matching.push_back(std::move(basic));
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::Post& post) { *response->add_posts() = post; },
        response->mutable_next_page_token());
  }

  grpc::Status GetRecruitment(grpc::ServerContext* context,
                              const ctg::v1::GetRecruitmentRequest* request,
                              ctg::v1::Recruitment* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    ++state_.get_recruitment_calls;
    auto it = state_.recruitments.find(request->name());
    if (it == state_.recruitments.end()) return NotFound(request->name());
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status ListRecruitments(grpc::ServerContext* context,
                                const ctg::v1::ListRecruitmentsRequest* request,
                                ctg::v1::ListRecruitmentsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_list_recruitments = *request;
    std::vector<ctg::v1::Recruitment> matching;
    for (const auto& [name, recruitment] : state_.recruitments) {
      if (!request->ctg().empty() && recruitment.ctg() != request->ctg()) continue;
      if (!request->post().empty() && recruitment.post() != request->post()) continue;
      if (request->status() != ctg::v1::RECRUITMENT_STATUS_UNSPECIFIED &&
          recruitment.status() != request->status())
        continue;
      matching.push_back(recruitment);
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::Recruitment& r) { *response->add_recruitments() = r; },
        response->mutable_next_page_token());
  }

  grpc::Status ListCdtWorkQueue(grpc::ServerContext* context,
                                const ctg::v1::ListCdtWorkQueueRequest* request,
                                ctg::v1::ListCdtWorkQueueResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    std::vector<ctg::v1::CdtTask> matching;
    for (const ctg::v1::CdtTask& task : state_.queue) {
      if (request->kind() != ctg::v1::CDT_TASK_KIND_UNSPECIFIED && task.kind() != request->kind())
        continue;
      if (!request->ctg().empty() && task.ctg() != request->ctg()) continue;
      matching.push_back(task);
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::CdtTask& task) { *response->add_tasks() = task; },
        response->mutable_next_page_token());
  }

  grpc::Status ListChanges(grpc::ServerContext* context, const ctg::v1::ListChangesRequest* request,
                           ctg::v1::ListChangesResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_list_changes = *request;
    std::vector<ctg::v1::AppliedChange> matching;
    for (const ctg::v1::AppliedChange& change : state_.applied_changes) {
      const std::string day = DateKey(change.effective_date());
      if (request->has_start_date() && day < DateKey(request->start_date())) continue;
      if (request->has_end_date() && day > DateKey(request->end_date())) continue;
      matching.push_back(change);
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::AppliedChange& change) { *response->add_changes() = change; },
        response->mutable_next_page_token());
  }

  grpc::Status ProposeChange(grpc::ServerContext* context,
                             const ctg::v1::ProposeChangeRequest* request,
                             ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_propose = *request;
    auto it = state_.posts.find(request->name());
    if (it == state_.posts.end()) return NotFound(request->name());
    ctg::v1::PostChange* change = it->second.add_changes();
    change->set_name(absl::StrCat(request->name(), "/changes/", request->change().change_id()));
    *change->mutable_proposal() = request->change();
    change->set_state(ctg::v1::CHANGE_STATE_PROPOSED);
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status RecordCdtExchange(grpc::ServerContext* context,
                                 const ctg::v1::RecordCdtExchangeRequest* request,
                                 ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_exchange = *request;
    auto it = state_.posts.find(request->name());
    if (it == state_.posts.end()) return NotFound(request->name());
    ctg::v1::PostChange* change = FindChange(it->second, request->exchange().change_id());
    if (change == nullptr) {
      return RuleError("CHANGE_NOT_FOUND",
                       absl::StrCat("no change ", request->exchange().change_id()));
    }
    ctg::v1::CdtExchangeRecorded* exchange = change->add_exchanges();
    *exchange = request->exchange();
    exchange->set_cdt("cdt-valmont-7");  // stamped by the server
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status ApplyChange(grpc::ServerContext* context, const ctg::v1::ApplyChangeRequest* request,
                           ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_apply = *request;
    auto it = state_.posts.find(request->name());
    if (it == state_.posts.end()) return NotFound(request->name());
    ctg::v1::PostChange* change = FindChange(it->second, request->change_id());
    if (change == nullptr) {
      return RuleError("CHANGE_NOT_FOUND", absl::StrCat("no change ", request->change_id()));
    }
    if (change->exchanges().empty()) {
      return RuleError("CDT_EXCHANGE_REQUIRED",
                       absl::StrCat("the change ", request->change_id(),
                                    " rests on no exchange with the CDT (R-6)"));
    }
    const std::string exchange_id = request->exchange_id().empty()
                                        ? change->exchanges().rbegin()->exchange_id()
                                        : request->exchange_id();
    change->set_state(ctg::v1::CHANGE_STATE_APPLIED);
    change->set_applied_exchange(absl::StrCat(change->name(), "/exchanges/", exchange_id));
    *change->mutable_effective_date() = request->effective_date();
    if (change->proposal().has_organisation() &&
        change->proposal().organisation().has_etp_hundredths()) {
      it->second.set_etp_hundredths(change->proposal().organisation().etp_hundredths());
    }
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status GiveCafOpinionOnFiche(grpc::ServerContext* context,
                                     const ctg::v1::GiveCafOpinionOnFicheRequest* request,
                                     ctg::v1::Recruitment* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_fiche_opinion = *request;
    auto it = state_.recruitments.find(request->name());
    if (it == state_.recruitments.end()) return NotFound(request->name());
    ctg::v1::Recruitment& r = it->second;
    if (request->version() != r.fiche_version()) {
      return RuleError("FICHE_VERSION_MISMATCH",
                       absl::StrCat("the last fiche de poste is v", r.fiche_version()));
    }
    r.set_fiche_opinion(request->opinion());
    r.set_step(ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF);
    const bool favourable = request->opinion() == ctg::v1::CAF_OPINION_FAVORABLE;
    r.set_next_step(favourable ? ctg::v1::RECRUITMENT_STEP_OFFRE_PUBLIEE
                               : ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION);
    r.set_awaiting(ctg::v1::STAFFING_PARTY_EMPLOYER);
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status GiveCafOpinionOnCandidate(grpc::ServerContext* context,
                                         const ctg::v1::GiveCafOpinionOnCandidateRequest* request,
                                         ctg::v1::Recruitment* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_candidate_opinion = *request;
    auto it = state_.recruitments.find(request->name());
    if (it == state_.recruitments.end()) return NotFound(request->name());
    ctg::v1::Recruitment& r = it->second;
    if (request->person() != r.candidate()) {
      return RuleError("CANDIDATE_MISMATCH", "that person is not the chosen candidate");
    }
    r.set_candidate_opinion(request->opinion());
    r.set_next_step(ctg::v1::RECRUITMENT_STEP_DECISION_EMPLOYEUR);
    r.set_awaiting(ctg::v1::STAFFING_PARTY_EMPLOYER);
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status CreatePost(grpc::ServerContext* context, const ctg::v1::CreatePostRequest* request,
                          ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_create_post = *request;
    if (request->post().employer() != "organisations/200000172") {
      return RuleError("EMPLOYER_NOT_SIGNATORY",
                       absl::StrCat(request->post().employer(), " does not sign the CTG"));
    }
    ctg::v1::Post post = request->post();
    post.set_name(absl::StrCat("posts/", request->post_id().empty()
                                             ? request->request_id().substr(0, 8)
                                             : request->post_id()));
    if (post.status() == ctg::v1::POST_STATUS_UNSPECIFIED)
      post.set_status(ctg::v1::POST_STATUS_A_CREER);
    post.set_etag("W/\"1\"");
    state_.posts[post.name()] = post;
    *response = post;
    return grpc::Status::OK;
  }

  grpc::Status TransitionPost(grpc::ServerContext* context,
                              const ctg::v1::TransitionPostRequest* request,
                              ctg::v1::Post* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_transition = *request;
    auto it = state_.posts.find(request->name());
    if (it == state_.posts.end()) return NotFound(request->name());
    if (!request->etag().empty() && request->etag() != it->second.etag()) {
      return grpc::Status(grpc::StatusCode::ABORTED, "the post changed since that etag");
    }
    it->second.set_status(request->status());
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status AgreeCadrage(grpc::ServerContext* context,
                            const ctg::v1::AgreeCadrageRequest* request,
                            ctg::v1::Recruitment* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_cadrage = *request;
    auto it = state_.recruitments.find(request->name());
    if (it == state_.recruitments.end()) return NotFound(request->name());
    ctg::v1::Recruitment& r = it->second;
    *r.mutable_involvements() = request->involvements();
    r.set_candidate_choice_involvement(request->candidate_choice_involvement());
    r.set_step(ctg::v1::RECRUITMENT_STEP_CADRAGE_CDT);
    r.set_next_step(ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION);
    r.set_awaiting(ctg::v1::STAFFING_PARTY_EMPLOYER);
    *r.mutable_last_step_date() = request->date();
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status SkipRecruitmentStep(grpc::ServerContext* context,
                                   const ctg::v1::SkipRecruitmentStepRequest* request,
                                   ctg::v1::Recruitment* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_skip = *request;
    auto it = state_.recruitments.find(request->name());
    if (it == state_.recruitments.end()) return NotFound(request->name());
    ctg::v1::Recruitment& r = it->second;
    for (const ctg::v1::StepInvolvement& involvement : r.involvements()) {
      if (involvement.step() == request->step() &&
          involvement.involvement() == ctg::v1::CAF_INVOLVEMENT_ATTENDU) {
        return RuleError("STEP_REQUIRED", "the cadrage set the Caf's involvement to ATTENDU");
      }
    }
    r.add_skipped_steps(request->step());
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status RequestReplacement(grpc::ServerContext* context,
                                  const ctg::v1::RequestReplacementRequest* request,
                                  ctg::v1::Replacement* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_request_replacement = *request;
    auto post = state_.posts.find(request->replacement().post());
    if (post == state_.posts.end()) return NotFound(request->replacement().post());
    ctg::v1::Replacement r = request->replacement();
    r.set_name(absl::StrCat("replacements/", request->replacement_id().empty()
                                                 ? request->request_id().substr(0, 8)
                                                 : request->replacement_id()));
    r.set_ctg(post->second.ctg());
    r.set_employer(post->second.employer());
    r.set_status(ctg::v1::REPLACEMENT_STATUS_DEMANDE);
    r.set_etag("W/\"1\"");
    state_.replacements[r.name()] = r;
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status ValidateReplacement(grpc::ServerContext* context,
                                   const ctg::v1::ValidateReplacementRequest* request,
                                   ctg::v1::Replacement* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_validate_replacement = *request;
    auto it = state_.replacements.find(request->name());
    if (it == state_.replacements.end()) return NotFound(request->name());
    ctg::v1::Replacement& r = it->second;
    r.set_status(ctg::v1::REPLACEMENT_STATUS_VALIDE);
    *r.mutable_validation()->mutable_date() = request->date();
    r.mutable_validation()->set_cdt("cdt-valmont-7");  // stamped by the server
    r.mutable_validation()->set_comment(request->comment());
    *response = r;
    return grpc::Status::OK;
  }

  grpc::Status GetReplacement(grpc::ServerContext* context,
                              const ctg::v1::GetReplacementRequest* request,
                              ctg::v1::Replacement* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    auto it = state_.replacements.find(request->name());
    if (it == state_.replacements.end()) return NotFound(request->name());
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status ListReplacements(grpc::ServerContext* context,
                                const ctg::v1::ListReplacementsRequest* request,
                                ctg::v1::ListReplacementsResponse* response) override {
    std::lock_guard<std::mutex> lock(state_.mu);
    if (grpc::Status status = CheckToken(state_, context); !status.ok()) return status;
    state_.last_list_replacements = *request;
    std::vector<ctg::v1::Replacement> matching;
    for (const auto& [name, r] : state_.replacements) {
      if (!request->post().empty() && r.post() != request->post()) continue;
      if (request->status() != ctg::v1::REPLACEMENT_STATUS_UNSPECIFIED &&
          r.status() != request->status())
        continue;
      matching.push_back(r);
    }
    return Page(
        matching, request->page_size() > 0 ? request->page_size() : 50, request->page_token(),
        [&](const ctg::v1::Replacement& r) { *response->add_replacements() = r; },
        response->mutable_next_page_token());
  }

 private:
  static grpc::Status NotFound(const std::string& name) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(name, " not found"));
  }
  static ctg::v1::PostChange* FindChange(ctg::v1::Post& post, const std::string& change_id) {
    for (ctg::v1::PostChange& change : *post.mutable_changes()) {
      if (change.proposal().change_id() == change_id) return &change;
    }
    return nullptr;
  }

  FakeCtgd& state_;
};

}  // namespace

FakeLog::FakeLog() : key_(tlog::SigningKey::Generate(kFakeOrigin).value()) {}

void FakeLog::Append(int count) {
  for (int i = 0; i < count; ++i) {
    leaf_hashes_.push_back(tlog::LeafHash(absl::StrCat("event ", leaf_hashes_.size())));
  }
}

void FakeLog::AppendLeafHashes(const std::vector<tlog::Hash>& hashes) {
  leaf_hashes_.insert(leaf_hashes_.end(), hashes.begin(), hashes.end());
}

void FakeLog::Rewrite(uint64_t position) {
  leaf_hashes_.at(position) =
      tlog::LeafHash(absl::StrCat("rewritten event ", position, " #", ++rewrites_));
}

void FakeLog::Truncate(uint64_t size) { leaf_hashes_.resize(size); }

void FakeLog::RotateKey() { key_ = tlog::SigningKey::Generate(kFakeOrigin).value(); }

absl::StatusOr<tlog::Hash> FakeLog::Node(uint64_t size, int level, uint64_t index) const {
  if (level < 0 || level > 62 || ((index + 1) << level) > size) {
    return absl::OutOfRangeError(absl::StrCat("node (", level, ", ", index, ") outside ", size));
  }
  if (level == 0) return leaf_hashes_[index];
  auto left = Node(size, level - 1, 2 * index);
  auto right = Node(size, level - 1, 2 * index + 1);
  if (!left.ok()) return left.status();
  if (!right.ok()) return right.status();
  return tlog::NodeHash(*left, *right);
}

tlog::Hash FakeLog::Root(uint64_t size) const {
  return tlog::RootAt(size, [&](int level, uint64_t index) { return Node(size, level, index); })
      .value();
}

std::vector<tlog::Hash> FakeLog::Inclusion(uint64_t position, uint64_t size) const {
  return tlog::InclusionProof(position, size,
                              [&](int level, uint64_t index) { return Node(size, level, index); })
      .value();
}

std::vector<tlog::Hash> FakeLog::Consistency(uint64_t old_size, uint64_t new_size) const {
  return tlog::ConsistencyProof(
             old_size, new_size,
             [&](int level, uint64_t index) { return Node(new_size, level, index); })
      .value();
}

tlog::Checkpoint FakeLog::CheckpointAt(uint64_t size) {
  return tlog::Checkpoint{.origin = kFakeOrigin,
                          .size = size,
                          .root = Root(size),
                          .time = absl::FromUnixSeconds(1795000000 + ++clock_)};
}

std::string FakeLog::SignedNote(uint64_t size) { return key_->Sign(CheckpointAt(size)).value(); }

std::vector<ctg::v1::Organisation> FixtureOrganisations() {
  std::vector<ctg::v1::Organisation> organisations(4);
  const auto set = [](ctg::v1::Organisation& o, const std::string& siren,
                      ctg::v1::OrganisationType type, const std::string& display_name,
                      int64_t population, const std::string& epci) {
    o.set_name("organisations/" + siren);
    o.set_siren(siren);
    o.set_type(type);
    o.set_display_name(display_name);
    if (population > 0) {
      o.mutable_population()->set_value(population);
      o.mutable_population()->set_year(2022);
      o.mutable_population()->set_kind(ctg::v1::Population::KIND_MUNICIPALE);
    }
    o.set_epci(epci);
    o.set_departement("73");
    o.mutable_create_time()->set_seconds(1795000000);
    o.set_etag("W/\"1\"");
  };
  set(organisations[0], "200000172", ctg::v1::ORGANISATION_TYPE_EPCI,
      "Communauté de communes du Val d'Orbe", 18450, "");
  set(organisations[1], "210000018", ctg::v1::ORGANISATION_TYPE_COMMUNE, "Saint-Éloi-sur-Orbe",
      2310, "organisations/200000172");
  set(organisations[2], "210000026", ctg::v1::ORGANISATION_TYPE_COMMUNE, "Écully-le-Haut", 912,
      "organisations/200000172");
  set(organisations[3], "534000001", ctg::v1::ORGANISATION_TYPE_CAF, "Caf de Valmont", 0, "");
  return organisations;
}

ctg::v1::Ctg FixtureCtg() {
  ctg::v1::Ctg ctg;
  ctg.set_name("ctgs/val-orbe-2025");
  ctg.set_title("CTG du Val d'Orbe 2025-2029");
  ctg.set_caf("organisations/534000001");
  ctg.set_porteur("organisations/200000172");
  ctg.set_state(ctg::v1::CTG_STATE_ACTIVE);
  *ctg.mutable_start_date() = Date(2025, 1, 1);
  *ctg.mutable_end_date() = Date(2029, 12, 31);
  ctg.add_thematiques(ctg::v1::THEMATIQUE_PETITE_ENFANCE);
  ctg.add_thematiques(ctg::v1::THEMATIQUE_PARENTALITE);
  ctg.set_cdt("cdt-valmont-7");
  auto* caf = ctg.add_signatories();
  caf->set_organisation("organisations/534000001");
  caf->set_role(ctg::v1::SIGNATORY_ROLE_CAF);
  *caf->mutable_signature_date() = Date(2025, 3, 20);
  auto* porteur = ctg.add_signatories();
  porteur->set_organisation("organisations/200000172");
  porteur->set_role(ctg::v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE);
  porteur->mutable_deliberation()->set_instance("Conseil communautaire");
  porteur->mutable_deliberation()->set_number("2025-041");
  *porteur->mutable_deliberation()->mutable_date() = Date(2025, 3, 12);
  *porteur->mutable_signature_date() = Date(2025, 3, 21);
  auto* warning = ctg.add_warnings();
  warning->set_rule("R-7");
  warning->set_reason("THEMATIC_MINIMUM");
  warning->set_message("La thématique jeunesse n'est pas couverte.");
  ctg.set_etag("W/\"7\"");
  return ctg;
}

std::map<std::string, ctg::v1::Person> FixturePersons() {
  std::map<std::string, ctg::v1::Person> persons;
  ctg::v1::Person& candidate = persons[kFixturePerson];
  candidate.set_name(kFixturePerson);
  candidate.set_organisation("organisations/200000172");
  candidate.set_recruitment("recruitments/rec-val-orbe-2026");
  candidate.mutable_identity()->set_given_name("Camille");
  candidate.mutable_identity()->set_family_name("Exemple");
  candidate.mutable_identity()->set_email("camille.exemple@example.org");
  candidate.mutable_identity()->set_phone("01 99 00 12 34");  // a range kept for fiction
  candidate.mutable_create_time()->set_seconds(1795000000);
  candidate.set_etag("W/\"2\"");
  ctg::v1::Person& erased = persons[kFixtureErasedPerson];
  erased.set_name(kFixtureErasedPerson);
  erased.set_organisation("organisations/200000172");
  erased.set_erased(true);
  erased.set_erasure_basis(ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED);
  erased.mutable_create_time()->set_seconds(1700000000);
  erased.mutable_erase_time()->set_seconds(1790000000);
  erased.set_etag("W/\"4\"");
  return persons;
}

void LoadStaffingFixtures(FakeCtgd* state) {
  const std::string ctg = "ctgs/val-orbe-2025", employer = "organisations/200000172";
  // A post held since an applied change of personnel, with a change of ETP proposed.
  ctg::v1::Post& held = state->posts["posts/cc-val-orbe-1"];
  held.set_name("posts/cc-val-orbe-1");
  held.set_ctg(ctg);
  held.set_employer(employer);
  held.set_etp_hundredths(100);
  auto add_mission = [](ctg::v1::Post& post, ctg::v1::MissionArea area, const std::string& label) {
    ctg::v1::Mission* mission = post.add_missions();
    mission->set_area(area);
    mission->set_label(label);
  };
  add_mission(held, ctg::v1::MISSION_AREA_DIAGNOSTICS, "");
  add_mission(held, ctg::v1::MISSION_AREA_ASSISTANCE_ELUS_COPIL, "");
  add_mission(held, ctg::v1::MISSION_AREA_LOCALE, "Accompagnement du SPPE");
  held.add_thematiques(ctg::v1::THEMATIQUE_PETITE_ENFANCE);
  held.add_thematiques(ctg::v1::THEMATIQUE_JEUNESSE);
  held.set_rattachement("Direction du pôle Famille et Solidarités");
  held.set_status(ctg::v1::POST_STATUS_POURVU);
  ctg::v1::Assignment titulaire;
  titulaire.set_assignment_id("titulaire-2026");
  titulaire.set_person(kFixturePerson);
  titulaire.set_type(ctg::v1::ASSIGNMENT_TYPE_TITULAIRE);
  *titulaire.mutable_start_date() = Date(2026, 9, 1);
  titulaire.set_etp_hundredths(100);
  titulaire.set_recruitment("recruitments/rec-val-orbe-2025");
  ctg::v1::PostAssignment* assignment = held.add_assignments();
  *assignment->mutable_assignment() = titulaire;
  assignment->set_change_id("personnel-2026");
  assignment->set_active(true);
  held.add_holders(kFixturePerson);
  ctg::v1::PostCofinancingRecorded* cofinancing = held.add_cofinancing();
  cofinancing->set_year(2026);
  cofinancing->set_amount_cents(2100000);
  cofinancing->set_rate_basis_points(6000);
  ctg::v1::PostCafFundingRecorded* funding = held.add_caf_funding();
  funding->set_year(2026);
  funding->set_scheme(ctg::v1::FUNDING_SCHEME_BONUS_TERRITOIRE);
  funding->set_amount_cents(1400000);
  funding->set_rate_basis_points(4000);
  *funding->mutable_decision_date() = Date(2026, 3, 12);
  funding->set_decision_reference("CCTG-2026-014");
  ctg::v1::PostChange* personnel = held.add_changes();
  personnel->set_name("posts/cc-val-orbe-1/changes/personnel-2026");
  personnel->mutable_proposal()->set_change_id("personnel-2026");
  personnel->mutable_proposal()->set_kind(ctg::v1::CHANGE_KIND_PERSONNEL);
  *personnel->mutable_proposal()->mutable_personnel()->add_assign() = titulaire;
  personnel->set_state(ctg::v1::CHANGE_STATE_APPLIED);
  ctg::v1::CdtExchangeRecorded* exchange = personnel->add_exchanges();
  exchange->set_change_id("personnel-2026");
  exchange->set_exchange_id("ex-1");
  *exchange->mutable_date() = Date(2026, 8, 20);
  exchange->set_form(ctg::v1::EXCHANGE_FORM_REUNION);
  exchange->set_cdt("cdt-valmont-7");
  exchange->set_conclusion("Accord sur l'arrivée de la titulaire au 1er septembre.");
  personnel->set_applied_exchange("posts/cc-val-orbe-1/changes/personnel-2026/exchanges/ex-1");
  *personnel->mutable_effective_date() = Date(2026, 9, 1);
  ctg::v1::PostChange* etp = held.add_changes();
  etp->set_name("posts/cc-val-orbe-1/changes/etp-2027");
  etp->mutable_proposal()->set_change_id("etp-2027");
  etp->mutable_proposal()->set_kind(ctg::v1::CHANGE_KIND_ORGANISATION);
  etp->mutable_proposal()->mutable_organisation()->set_etp_hundredths(80);
  etp->set_state(ctg::v1::CHANGE_STATE_PROPOSED);
  ctg::v1::RuleWarning* warning = held.add_warnings();
  warning->set_rule("R-1b");
  warning->set_reason("MISSIONS_INCOMPLETE");
  warning->set_message("Les missions 4, 5 et 6 du référentiel ne sont pas affectées au poste.");
  held.mutable_create_time()->set_seconds(1780000000);
  held.set_etag("W/\"9\"");

  ctg::v1::Post& vacant = state->posts["posts/cc-val-orbe-2"];
  vacant.set_name("posts/cc-val-orbe-2");
  vacant.set_ctg(ctg);
  vacant.set_employer(employer);
  vacant.set_etp_hundredths(50);
  add_mission(vacant, ctg::v1::MISSION_AREA_DIAGNOSTICS, "");
  vacant.add_thematiques(ctg::v1::THEMATIQUE_PARENTALITE);
  vacant.set_status(ctg::v1::POST_STATUS_EN_RECRUTEMENT);
  vacant.set_etag("W/\"3\"");

  ctg::v1::Recruitment& open = state->recruitments["recruitments/rec-val-orbe-2026"];
  open.set_name("recruitments/rec-val-orbe-2026");
  open.set_post("posts/cc-val-orbe-2");
  open.set_ctg(ctg);
  open.set_employer(employer);
  open.set_motif(ctg::v1::RECRUITMENT_MOTIF_VACANCE);
  open.set_status(ctg::v1::RECRUITMENT_STATUS_EN_COURS);
  open.set_step(ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION);
  open.set_next_step(ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF);
  open.set_awaiting(ctg::v1::STAFFING_PARTY_CAF);
  for (auto [step, involvement] :
       {std::pair{ctg::v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES,
                  ctg::v1::CAF_INVOLVEMENT_ATTENDU},
        std::pair{ctg::v1::RECRUITMENT_STEP_JURY, ctg::v1::CAF_INVOLVEMENT_ATTENDU},
        std::pair{ctg::v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS,
                  ctg::v1::CAF_INVOLVEMENT_FACULTATIF}}) {
    ctg::v1::StepInvolvement* entry = open.add_involvements();
    entry->set_step(step);
    entry->set_involvement(involvement);
  }
  open.set_candidate_choice_involvement(ctg::v1::CAF_INVOLVEMENT_ATTENDU);
  open.set_fiche_version(2);
  *open.mutable_last_step_date() = Date(2026, 10, 2);
  open.set_etag("W/\"5\"");

  ctg::v1::Recruitment& closed = state->recruitments["recruitments/rec-val-orbe-2025"];
  closed.set_name("recruitments/rec-val-orbe-2025");
  closed.set_post("posts/cc-val-orbe-1");
  closed.set_ctg(ctg);
  closed.set_employer(employer);
  closed.set_motif(ctg::v1::RECRUITMENT_MOTIF_CREATION);
  closed.set_status(ctg::v1::RECRUITMENT_STATUS_TERMINE);
  closed.set_step(ctg::v1::RECRUITMENT_STEP_EN_POSTE);
  closed.set_fiche_version(1);
  closed.set_fiche_opinion(ctg::v1::CAF_OPINION_FAVORABLE);
  closed.set_candidate(kFixturePerson);
  closed.set_candidate_opinion(ctg::v1::CAF_OPINION_FAVORABLE);
  closed.set_hired_person(kFixturePerson);
  *closed.mutable_last_step_date() = Date(2026, 9, 30);

  ctg::v1::Replacement& replacement = state->replacements["replacements/rempl-val-orbe-1"];
  replacement.set_name("replacements/rempl-val-orbe-1");
  replacement.set_post("posts/cc-val-orbe-1");
  replacement.set_ctg(ctg);
  replacement.set_employer(employer);
  replacement.set_person(kFixtureRemplacant);
  replacement.set_replaced_assignment_id("titulaire-2026");
  replacement.set_etp_hundredths(80);
  *replacement.mutable_start_date() = Date(2027, 2, 1);
  *replacement.mutable_end_date() = Date(2027, 7, 31);
  replacement.set_status(ctg::v1::REPLACEMENT_STATUS_DEMANDE);
  replacement.set_etag("W/\"2\"");

  ctg::v1::CdtTask& fiche = state->queue.emplace_back();
  fiche.set_kind(ctg::v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION);
  fiche.set_resource("recruitments/rec-val-orbe-2026");
  fiche.set_post("posts/cc-val-orbe-2");
  fiche.set_ctg(ctg);
  fiche.set_employer(employer);
  fiche.set_cdt("cdt-valmont-7");
  fiche.mutable_since()->set_seconds(1790900000);
  fiche.set_fiche_version(2);
  ctg::v1::CdtTask& exchange_task = state->queue.emplace_back();
  exchange_task.set_kind(ctg::v1::CDT_TASK_KIND_CDT_EXCHANGE);
  exchange_task.set_resource("posts/cc-val-orbe-1/changes/etp-2027");
  exchange_task.set_post("posts/cc-val-orbe-1");
  exchange_task.set_ctg(ctg);
  exchange_task.set_employer(employer);
  exchange_task.set_cdt("cdt-valmont-7");
  exchange_task.mutable_since()->set_seconds(1791000000);
  exchange_task.set_change_kind(ctg::v1::CHANGE_KIND_ORGANISATION);

  ctg::v1::AppliedChange& applied = state->applied_changes.emplace_back();
  applied.set_name(personnel->name());
  applied.set_post(held.name());
  applied.set_ctg(ctg);
  applied.set_employer(employer);
  *applied.mutable_proposal() = personnel->proposal();
  *applied.mutable_effective_date() = personnel->effective_date();
  *applied.mutable_exchange() = *exchange;
  applied.set_exchange_name(personnel->applied_exchange());
}

std::vector<ctg::v1::AuditEvent> FixtureEvents() {
  std::vector<ctg::v1::AuditEvent> events(3);
  const auto set = [](ctg::v1::AuditEvent& e, int64_t position, const std::string& id,
                      const std::string& type, const std::string& subject, ctg::v1::Role role,
                      const std::string& json) {
    e.set_position(position);
    e.set_stream("ctg-val-orbe-2025");
    e.set_revision(position);
    e.set_event_id(id);
    e.set_type(type);
    e.mutable_record_time()->set_seconds(1795000000 + 3600 * position);
    e.mutable_record_time()->set_nanos(123456000);
    ctg::v1::EventMetadata* metadata = e.mutable_metadata();
    metadata->mutable_actor()->set_subject(subject);
    metadata->mutable_actor()->set_organisation("organisations/534000001");
    metadata->mutable_actor()->set_role(role);
    metadata->set_request_id(absl::StrCat("req-", position));
    metadata->add_tags("ctg:val-orbe-2025");
    e.set_metadata_bytes(metadata->SerializeAsString());
    e.set_payload_json(json);
    e.set_payload(absl::StrCat("payload bytes of ", type));
    e.add_tags("org:534000001");
    e.add_tags("ctg:val-orbe-2025");
    // The leaf the event store computes for this event.
    eventstore::Leaf leaf;
    leaf.id = eventstore::ParseEventId(id).value();
    leaf.stream = e.stream();
    leaf.revision = static_cast<uint64_t>(position);
    leaf.position = static_cast<uint64_t>(position);
    leaf.recorded_time_us = e.record_time().seconds() * 1000000 + e.record_time().nanos() / 1000;
    leaf.type = type;
    leaf.metadata_digest = tlog::Sha256(e.metadata_bytes());
    leaf.payload_digest = tlog::Sha256(e.payload());
    leaf.tags_digest = tlog::Sha256(eventstore::EncodeTags({"ctg:val-orbe-2025", "org:534000001"}));
    e.set_leaf_hash(Bytes(tlog::LeafHash(eventstore::EncodeLeaf(leaf))));
  };
  set(events[0], 0, "5f0c6a3e-8d1b-4c2a-9e7f-0a1b2c3d4e5f", "ctg.v1.CtgDrafted", "cdt-valmont-7",
      ctg::v1::ROLE_CAF_CDT,
      R"({"ctgId":"val-orbe-2025","title":"CTG du Val d'Orbe 2025-2029","caf":"organisations/534000001"})");
  set(events[1], 1, "6a1d7b4f-9e2c-4d3b-8f80-1b2c3d4e5f60", "ctg.v1.CtgThematiquesSet",
      "cdt-valmont-7", ctg::v1::ROLE_CAF_CDT,
      R"({"thematiques":["THEMATIQUE_PETITE_ENFANCE","THEMATIQUE_PARENTALITE"]})");
  set(events[2], 2, "7b2e8c50-af3d-4e4c-9091-2c3d4e5f6071", "ctg.v1.CtgSignatoryAdded",
      "admin-valmont", ctg::v1::ROLE_CAF_ADMIN,
      R"({"organisation":"organisations/210000018","role":"SIGNATORY_ROLE_COLLECTIVITE_MEMBRE"})");
  return events;
}

std::vector<tlog::Hash> FixtureLeafHashes() {
  std::vector<tlog::Hash> hashes;
  for (const ctg::v1::AuditEvent& event : FixtureEvents()) {
    hashes.push_back(tlog::HashFromBytes(event.leaf_hash()).value());
  }
  return hashes;
}

FakeServer::FakeServer(FakeCtgd* state)
    : audit_(std::make_unique<AuditService>(state)),
      partners_(std::make_unique<PartnersService>(state)),
      plans_(std::make_unique<PlansService>(state)),
      persons_(std::make_unique<PersonsService>(state)),
      staffing_(std::make_unique<StaffingService>(state)) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::experimental::LocalServerCredentials(LOCAL_TCP),
                           &port);
  builder.RegisterService(audit_.get());
  builder.RegisterService(partners_.get());
  builder.RegisterService(plans_.get());
  builder.RegisterService(persons_.get());
  builder.RegisterService(staffing_.get());
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeServer::~FakeServer() { server_->Shutdown(); }

std::shared_ptr<grpc::Channel> FakeServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

}  // namespace ctg::testing
