#include "services/api/persons_service.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/platform/command_handler.h"
#include "services/platform/errors.h"
#include "services/platform/vault.h"

namespace ctg::api {
namespace {

using platform::Permission;

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// The SIREN of "organisations/{siren}", for the policy's scope ("" if malformed).
std::string SirenOf(absl::string_view organisation) {
  absl::string_view siren = organisation;
  return absl::ConsumePrefix(&siren, "organisations/") ? std::string(siren) : std::string();
}

platform::OutcomeCallback<PersonAggregate> Respond(grpc::ServerUnaryReactor* reactor,
                                                  v1::Person* response) {
  return [reactor, response](absl::StatusOr<platform::Outcome<PersonAggregate>> outcome) {
    if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
    *response = persons::ToResource(outcome->state);
    response->set_etag(platform::EtagFor(outcome->revision));
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace

void ErasePersonData(Registry& registry, platform::KeyVault& vault, const std::string& person_id,
                     platform::CommandContext context, persons::ErasePerson command,
                     platform::OutcomeCallback<PersonAggregate> done) {
  const std::string stream = persons::PersonStream(person_id);
  // The key goes first (the guarantee that matters), then the event records it.
  if (absl::Status erased = vault.Erase(stream); !erased.ok()) return done(erased);
  platform::Execute<PersonAggregate>(
      registry.store(), registry.persons(), stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      std::move(done));
}

PersonsServiceImpl::PersonsServiceImpl(Registry& registry, platform::KeyVault& vault,
                                       std::function<absl::Time()> clock)
    : registry_(registry),
      vault_(vault),
      clock_(std::move(clock)),
      erasures_("ctg-erasure", kMaxErasuresWaiting) {}

grpc::ServerUnaryReactor* PersonsServiceImpl::CreatePerson(
    grpc::CallbackServerContext* call, const v1::CreatePersonRequest* request,
    v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id");
      !s.ok()) {
    return Fail(reactor, s);
  }
  const v1::Person& person = request->person();
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(person.organisation(), "person.organisation");
  if (!siren.ok()) return Fail(reactor, siren.status());
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, Permission::kCreatePerson, platform::Scope::Organisation(*siren));
  if (!role.ok()) return Fail(reactor, role.status());
  if (!person.has_identity()) {
    return Fail(reactor, platform::InvalidField("person.identity", "required"));
  }
  if (absl::Status s = persons::ValidateIdentity(person.identity(), "person.identity"); !s.ok()) {
    return Fail(reactor, s);
  }
  const std::string person_id = platform::IdFromRequest("person", request->request_id(), 16);
  const std::string stream = persons::PersonStream(person_id);
  // Sealed before anything reaches the log; the stream name binds the bytes to this person.
  absl::StatusOr<std::string> sealed =
      vault_.Seal(stream, person.identity().SerializeAsString(), stream);
  if (!sealed.ok()) return Fail(reactor, sealed.status());
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role,
                         "/ctg.v1.PersonsService/CreatePerson", request->request_id(), clock_());
  persons::RegisterPerson command{person_id, person.organisation(), *std::move(sealed),
                                 person.recruitment()};
  platform::Execute<PersonAggregate>(
      registry_.store(), registry_.persons(), stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      Respond(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PersonsServiceImpl::GetPerson(grpc::CallbackServerContext* call,
                                                        const v1::GetPersonRequest* request,
                                                        v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> person_id = persons::ParsePersonName(request->name(), "name");
  if (!person_id.ok()) return Fail(reactor, person_id.status());
  const std::string stream = persons::PersonStream(*person_id);
  auto snapshot = registry_.persons().Get(stream);
  if (!snapshot.state.exists) return Fail(reactor, NotFound(request->name()));
  const std::vector<platform::CtgScope> ctgs = registry_.CtgsConcerning(snapshot.state);
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, Permission::kReadPerson,
      platform::Scope::Person(SirenOf(snapshot.state.organisation), ctgs));
  if (!role.ok()) return Fail(reactor, NotFound(request->name()));
  if (request->purpose().empty() || snapshot.state.erased) {
    *response = persons::ToResource(snapshot.state);
    response->set_etag(platform::EtagFor(snapshot.revision));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // The read is recorded first; only then is the identity opened.
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role, "/ctg.v1.PersonsService/GetPerson",
                         /*request_id=*/"", clock_());
  context.reason = request->purpose();
  persons::RecordAccess command{request->purpose()};
  platform::Execute<PersonAggregate>(
      registry_.store(), registry_.persons(), stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      [this, reactor, response,
       stream](absl::StatusOr<platform::Outcome<PersonAggregate>> outcome) {
        if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
        *response = persons::ToResource(outcome->state);
        response->set_etag(platform::EtagFor(outcome->revision));
        absl::StatusOr<std::string> plain =
            vault_.Open(stream, outcome->state.sealed_identity, stream);
        if (platform::IsPersonalDataErased(plain.status())) {
          response->set_erased(true);  // erased between the check and the read
          return reactor->Finish(grpc::Status::OK);
        }
        if (!plain.ok()) return reactor->Finish(ToGrpcStatus(plain.status()));
        if (!response->mutable_identity()->ParseFromString(*plain)) {
          return reactor->Finish(
              ToGrpcStatus(absl::DataLossError("a sealed identity does not parse")));
        }
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* PersonsServiceImpl::ErasePerson(
    grpc::CallbackServerContext* call, const v1::ErasePersonRequest* request,
    v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id");
      !s.ok()) {
    return Fail(reactor, s);
  }
  absl::StatusOr<std::string> person_id = persons::ParsePersonName(request->name(), "name");
  if (!person_id.ok()) return Fail(reactor, person_id.status());
  const std::string stream = persons::PersonStream(*person_id);
  auto snapshot = registry_.persons().Get(stream);
  if (!snapshot.state.exists) return Fail(reactor, NotFound(request->name()));
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kErasePerson,
                          platform::Scope::Organisation(SirenOf(snapshot.state.organisation)));
  if (!role.ok()) return Fail(reactor, NotFound(request->name()));
  persons::ErasePerson command{request->basis(), request->reference()};
  // Refuse a bad request before destroying anything.
  if (absl::StatusOr<std::vector<persons::PersonEvent>> check =
          persons::Decide(snapshot.state, command);
      !check.ok()) {
    return Fail(reactor, check.status());
  }
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role,
                         "/ctg.v1.PersonsService/ErasePerson", request->request_id(), clock_());
  // Erasing flushes and compacts the vault: on the erasure queue, not on a gRPC thread.
  absl::Status queued = erasures_.Submit([this, reactor, response, person_id = *person_id,
                                          context = std::move(context),
                                          command = std::move(command)]() mutable {
    ErasePersonData(registry_, vault_, person_id, std::move(context), std::move(command),
                    Respond(reactor, response));
  });
  if (!queued.ok()) return Fail(reactor, queued);
  return reactor;
}

}  // namespace ctg::api
