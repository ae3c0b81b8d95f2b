#include "services/api/partners_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/platform/command_handler.h"
#include "services/platform/errors.h"

namespace ctg::api {
namespace {

using platform::Permission;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

v1::Organisation ToResource(const partners::OrganisationState& state,
                            std::optional<uint64_t> revision) {
  v1::Organisation organisation = state.organisation;
  organisation.set_etag(platform::EtagFor(revision));
  return organisation;
}

platform::OutcomeCallback<OrganisationAggregate> Respond(grpc::ServerUnaryReactor* reactor,
                                                        v1::Organisation* response) {
  return [reactor, response](absl::StatusOr<platform::Outcome<OrganisationAggregate>> outcome) {
    if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
    *response = ToResource(outcome->state, outcome->revision);
    reactor->Finish(grpc::Status::OK);
  };
}

absl::Status NotFound(absl::string_view siren) {
  return absl::NotFoundError(absl::StrCat("organisations/", siren, " not found"));
}

}  // namespace

PartnersServiceImpl::PartnersServiceImpl(Registry& registry, std::function<absl::Time()> clock)
    : registry_(registry), clock_(std::move(clock)) {}

grpc::ServerUnaryReactor* PartnersServiceImpl::CreateOrganisation(
    grpc::CallbackServerContext* call, const v1::CreateOrganisationRequest* request,
    v1::Organisation* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id");
      !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_organisation()) {
    return Fail(reactor, platform::InvalidField("organisation", "required"));
  }
  const std::string& siren = request->organisation().siren();
  if (absl::Status s = partners::ValidateSiren(siren, "organisation.siren"); !s.ok()) {
    return Fail(reactor, s);
  }
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, Permission::kCreateOrganisation, platform::Scope::Organisation(siren));
  if (!role.ok()) return Fail(reactor, role.status());
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role,
                         "/ctg.v1.PartnersService/CreateOrganisation", *request,
                         request->request_id(), clock_());
  partners::RegisterOrganisation command{request->organisation()};
  platform::Execute<OrganisationAggregate>(
      registry_.store(), registry_.organisations(), partners::OrganisationStream(siren),
      std::move(context), /*etag=*/"",
      [this, command = std::move(command)](const partners::OrganisationState& state) {
        return partners::Decide(state, command, registry_.PartnersLookups());
      },
      Respond(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PartnersServiceImpl::GetOrganisation(
    grpc::CallbackServerContext* call, const v1::GetOrganisationRequest* request,
    v1::Organisation* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> siren = partners::ParseOrganisationName(request->name(), "name");
  if (!siren.ok()) return Fail(reactor, siren.status());
  if (auto role = platform::Authorize(*principal, Permission::kReadRegistry,
                                      platform::Scope::None());
      !role.ok()) {
    return Fail(reactor, role.status());
  }
  auto snapshot = registry_.organisations().Get(partners::OrganisationStream(*siren));
  if (!snapshot.state.exists) return Fail(reactor, NotFound(*siren));
  *response = ToResource(snapshot.state, snapshot.revision);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PartnersServiceImpl::ListOrganisations(
    grpc::CallbackServerContext* call, const v1::ListOrganisationsRequest* request,
    v1::ListOrganisationsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (auto role = platform::Authorize(*principal, Permission::kReadRegistry,
                                      platform::Scope::None());
      !role.ok()) {
    return Fail(reactor, role.status());
  }
  absl::StatusOr<int> page_size = PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  if (!request->epci().empty()) {
    if (auto epci = partners::ParseOrganisationName(request->epci(), "epci"); !epci.ok()) {
      return Fail(reactor, epci.status());
    }
  }
  const std::string filter = absl::StrCat("orgs|", request->type(), "|", request->epci());
  absl::StatusOr<std::string> after = DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());

  std::string last;
  bool more = false;
  registry_.organisations().ForEachAfter(
      after->empty() ? std::string(partners::kStreamPrefix) : *after,
      [&](const std::string& stream,
          const platform::Repository<OrganisationAggregate>::Snapshot& s) {
        if (response->organisations_size() == *page_size) {
          more = true;
          return false;
        }
        last = stream;
        const v1::Organisation& organisation = s.state.organisation;
        if (!s.state.exists) return true;
        if (request->type() != v1::ORGANISATION_TYPE_UNSPECIFIED &&
            organisation.type() != request->type()) {
          return true;
        }
        if (!request->epci().empty() && organisation.epci() != request->epci()) return true;
        *response->add_organisations() = ToResource(s.state, s.revision);
        return true;
      });
  if (more) response->set_next_page_token(EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PartnersServiceImpl::UpdateOrganisation(
    grpc::CallbackServerContext* call, const v1::UpdateOrganisationRequest* request,
    v1::Organisation* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id");
      !s.ok()) {
    return Fail(reactor, s);
  }
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(request->organisation().name(), "organisation.name");
  if (!siren.ok()) return Fail(reactor, siren.status());
  absl::StatusOr<std::vector<std::string>> paths =
      MaskPaths(request->update_mask(), {"display_name", "population", "epci"});
  if (!paths.ok()) return Fail(reactor, paths.status());
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, Permission::kUpdateOrganisation, platform::Scope::Organisation(*siren));
  if (!role.ok()) return Fail(reactor, role.status());
  if (!registry_.organisations().Get(partners::OrganisationStream(*siren)).state.exists) {
    return Fail(reactor, NotFound(*siren));
  }
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role,
                         "/ctg.v1.PartnersService/UpdateOrganisation", *request,
                         request->request_id(), clock_());
  partners::UpdateOrganisation command{request->organisation(), *std::move(paths)};
  platform::Execute<OrganisationAggregate>(
      registry_.store(), registry_.organisations(), partners::OrganisationStream(*siren),
      std::move(context), request->organisation().etag(),
      [this, command = std::move(command)](const partners::OrganisationState& state) {
        return partners::Decide(state, command, registry_.PartnersLookups());
      },
      Respond(reactor, response));
  return reactor;
}

}  // namespace ctg::api
