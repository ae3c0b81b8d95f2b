#include "services/persons/api/persons_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/platform/errors.h"
#include "services/platform/vault.h"

namespace ctg::persons_api {
namespace {

using api::Fail;
using api::ToGrpcStatus;
using platform::Permission;

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// The SIREN of "organisations/{siren}", for the policy's scope ("" if malformed).
std::string SirenOf(absl::string_view organisation) {
  absl::string_view siren = organisation;
  return absl::ConsumePrefix(&siren, partners::kNamePrefix) ? std::string(siren) : std::string();
}

}  // namespace

PersonsServiceImpl::PersonsServiceImpl(PersonsModule& module, api::Clock clock)
    : module_(module), clock_(std::move(clock)), erasures_("ctg-erasure", kMaxErasuresWaiting) {}

grpc::ServerUnaryReactor* PersonsServiceImpl::CreatePerson(grpc::CallbackServerContext* call,
                                                           const v1::CreatePersonRequest* request,
                                                           v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  const v1::Person& person = request->person();
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(person.organisation(), "person.organisation");
  if (!siren.ok()) return Fail(reactor, siren.status());
  absl::StatusOr<platform::Role> role = platform::Authorize(*principal, Permission::kCreatePerson,
                                                            platform::Scope::Organisation(*siren));
  if (!role.ok()) return Fail(reactor, role.status());
  if (!person.has_identity()) {
    return Fail(reactor, platform::InvalidField("person.identity", "required"));
  }
  if (absl::Status s = persons::ValidateIdentity(person.identity(), "person.identity"); !s.ok()) {
    return Fail(reactor, s);
  }
  const std::string person_id = platform::IdFromRequest(
      "person", platform::RequestScope(*principal), request->request_id(), 16);
  const std::string stream = persons::PersonStream(person_id);
  // Sealed before anything reaches the log; the stream name binds the bytes to this person.
  absl::StatusOr<std::string> sealed =
      module_.vault_.Seal(stream, person.identity().SerializeAsString(), stream);
  if (!sealed.ok()) return Fail(reactor, sealed.status());
  platform::CommandContext context =
      api::MakeCommandContext(*call, *std::move(principal), *role, api::MethodOf(*request),
                              *request, request->request_id(), clock_());
  persons::RegisterPerson command{person_id, person.organisation(), *std::move(sealed),
                                  person.recruitment()};
  platform::Execute<persons::PersonAggregate>(
      module_.store_, module_.persons_, stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      api::Respond<PersonResource>(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PersonsServiceImpl::GetPerson(grpc::CallbackServerContext* call,
                                                        const v1::GetPersonRequest* request,
                                                        v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  absl::StatusOr<std::string> person_id = persons::ParsePersonName(request->name(), "name");
  if (!person_id.ok()) return Fail(reactor, person_id.status());
  const std::string stream = persons::PersonStream(*person_id);
  auto snapshot = module_.persons().Get(stream);
  if (!snapshot.state.exists) return Fail(reactor, NotFound(request->name()));
  const platform::PersonScope scope = module_.PersonScopeOf(snapshot.state);
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kReadPerson, platform::Scope::Person(scope));
  if (!role.ok()) return Fail(reactor, NotFound(request->name()));
  if (request->purpose().empty() || snapshot.state.erased) {
    *response = PersonResource::ToMessage(snapshot.state, snapshot.revision);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // The read is recorded first; only then is the identity opened.
  platform::CommandContext context =
      api::MakeCommandContext(*call, *std::move(principal), *role, api::MethodOf(*request),
                              *request, /*request_id=*/"", clock_());
  context.reason = request->purpose();
  persons::RecordAccess command{request->purpose()};
  platform::Execute<persons::PersonAggregate>(
      module_.store_, module_.persons_, stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      [this, reactor, response,
       stream](absl::StatusOr<platform::Outcome<persons::PersonAggregate>> outcome) {
        if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
        *response = PersonResource::ToMessage(outcome->state, outcome->revision);
        absl::StatusOr<std::string> plain =
            module_.vault_.Open(stream, outcome->state.sealed_identity, stream);
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

grpc::ServerUnaryReactor* PersonsServiceImpl::ErasePerson(grpc::CallbackServerContext* call,
                                                          const v1::ErasePersonRequest* request,
                                                          v1::Person* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  absl::StatusOr<std::string> person_id = persons::ParsePersonName(request->name(), "name");
  if (!person_id.ok()) return Fail(reactor, person_id.status());
  const std::string stream = persons::PersonStream(*person_id);
  auto snapshot = module_.persons().Get(stream);
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
      api::MakeCommandContext(*call, *std::move(principal), *role, api::MethodOf(*request),
                              *request, request->request_id(), clock_());
  // Erasing flushes and compacts the vault: on the erasure queue, not on a gRPC thread.
  absl::Status queued =
      erasures_.Submit([this, reactor, response, person_id = *person_id,
                        context = std::move(context), command = std::move(command)]() mutable {
        module_.ErasePersonData(person_id, std::move(context), std::move(command),
                                api::Respond<PersonResource>(reactor, response));
      });
  if (!queued.ok()) return Fail(reactor, queued);
  return reactor;
}

}  // namespace ctg::persons_api
