#include "services/partners/api/partners_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/platform/errors.h"

namespace ctg::partners_api {

using api::Fail;
using platform::Permission;

absl::Status OrganisationResource::NotFound(absl::string_view siren) {
  return absl::NotFoundError(absl::StrCat(partners::kNamePrefix, siren, " not found"));
}

v1::Organisation OrganisationResource::ToMessage(const partners::OrganisationState& state,
                                                 std::optional<uint64_t> revision) {
  v1::Organisation organisation = state.organisation;
  organisation.set_etag(platform::EtagFor(revision));
  return organisation;
}

// The registry is public: an organisation is its own scope, and a missing one is NOT_FOUND once
// the caller may act on it.
PartnersServiceImpl::PartnersServiceImpl(PartnersModule& module, api::Clock clock)
    : module_(module),
      organisations_(module.store_, module.organisations_, std::move(clock),
                     [](absl::string_view siren, const auto&) -> absl::StatusOr<api::Target> {
                       return api::Target{OrganisationResource::Stream(siren), std::nullopt,
                                          std::string(siren), absl::OkStatus()};
                     }) {}

grpc::ServerUnaryReactor* PartnersServiceImpl::CreateOrganisation(
    grpc::CallbackServerContext* call, const v1::CreateOrganisationRequest* request,
    v1::Organisation* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_organisation()) {
    return Fail(reactor, platform::InvalidField("organisation", "required"));
  }
  const std::string& siren = request->organisation().siren();
  if (absl::Status s = partners::ValidateSiren(siren, "organisation.siren"); !s.ok()) {
    return Fail(reactor, s);
  }
  partners::RegisterOrganisation command{request->organisation()};
  return organisations_.Execute(
      call, *std::move(principal),
      api::Target{OrganisationResource::Stream(siren), std::nullopt, siren, absl::OkStatus()},
      {request, Permission::kCreateOrganisation, /*etag=*/"", request->request_id(), "",
       absl::OkStatus(),
       api::Always<partners::OrganisationAggregate>(
           [this, command = std::move(command)](const partners::OrganisationState& state) {
             return partners::Decide(state, command, module_.Lookups());
           })},
      response);
}

grpc::ServerUnaryReactor* PartnersServiceImpl::GetOrganisation(
    grpc::CallbackServerContext* call, const v1::GetOrganisationRequest* request,
    v1::Organisation* response) {
  return organisations_.Get(call, *request, request->name(), Permission::kReadRegistry, response);
}

grpc::ServerUnaryReactor* PartnersServiceImpl::ListOrganisations(
    grpc::CallbackServerContext* call, const v1::ListOrganisationsRequest* request,
    v1::ListOrganisationsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (auto role =
          platform::Authorize(*principal, Permission::kReadRegistry, platform::Scope::None());
      !role.ok()) {
    return Fail(reactor, role.status());
  }
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), api::kDefaultPageSize, api::kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  if (!request->epci().empty()) {
    if (auto epci = partners::ParseOrganisationName(request->epci(), "epci"); !epci.ok()) {
      return Fail(reactor, epci.status());
    }
  }
  const std::string filter = absl::StrCat("orgs|", request->type(), "|", request->epci());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());
  const std::string next = api::Page(
      module_.organisations(), after->empty() ? std::string(partners::kStreamPrefix) : *after,
      *page_size, [&](const auto& snapshot) {
        const v1::Organisation& organisation = snapshot.state.organisation;
        if (request->type() != v1::ORGANISATION_TYPE_UNSPECIFIED &&
            organisation.type() != request->type()) {
          return false;
        }
        if (!request->epci().empty() && organisation.epci() != request->epci()) return false;
        *response->add_organisations() =
            OrganisationResource::ToMessage(snapshot.state, snapshot.revision);
        return true;
      });
  if (!next.empty()) response->set_next_page_token(api::EncodePageToken(next, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PartnersServiceImpl::UpdateOrganisation(
    grpc::CallbackServerContext* call, const v1::UpdateOrganisationRequest* request,
    v1::Organisation* response) {
  absl::StatusOr<std::vector<std::string>> paths =
      api::MaskPaths(request->update_mask(), {"display_name", "population", "epci"});
  partners::UpdateOrganisation command{request->organisation(),
                                       paths.ok() ? *paths : std::vector<std::string>()};
  return organisations_.RunOnExisting(
      call, request->organisation().name(), "organisation.name",
      {request, Permission::kUpdateOrganisation, request->organisation().etag(),
       request->request_id(), "", paths.status(),
       api::Always<partners::OrganisationAggregate>(
           [this, command = std::move(command)](const partners::OrganisationState& state) {
             return partners::Decide(state, command, module_.Lookups());
           })},
      response);
}

}  // namespace ctg::partners_api
