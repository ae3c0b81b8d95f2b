#include "tests/clients/fake_ctgd.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

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
      plans_(std::make_unique<PlansService>(state)) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::experimental::LocalServerCredentials(LOCAL_TCP),
                           &port);
  builder.RegisterService(audit_.get());
  builder.RegisterService(partners_.get());
  builder.RegisterService(plans_.get());
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeServer::~FakeServer() { server_->Shutdown(); }

std::shared_ptr<grpc::Channel> FakeServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

}  // namespace ctg::testing
