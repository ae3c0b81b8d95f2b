// ctg.v1.PartnersService over the organisation registry (services/partners): validate →
// authorize → one command or query → convert. Private to the partners module.
#ifndef CTG_SERVICES_PARTNERS_API_PARTNERS_SERVICE_H_
#define CTG_SERVICES_PARTNERS_API_PARTNERS_SERVICE_H_

#include "ctg/v1/partners.grpc.pb.h"
#include "services/api/pipeline.h"
#include "services/partners/api/partners_module.h"

namespace ctg::partners_api {

// An organisation as the command pipeline sees it.
struct OrganisationResource {
  using Aggregate = partners::OrganisationAggregate;
  using Message = v1::Organisation;
  static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field) {
    return partners::ParseOrganisationName(name, field);
  }
  static std::string Stream(absl::string_view siren) { return partners::OrganisationStream(siren); }
  static absl::Status NotFound(absl::string_view siren);
  static Message ToMessage(const partners::OrganisationState& state,
                           std::optional<uint64_t> revision);
};

class PartnersServiceImpl final : public v1::PartnersService::CallbackService {
 public:
  PartnersServiceImpl(PartnersModule& module, api::Clock clock);

  grpc::ServerUnaryReactor* CreateOrganisation(grpc::CallbackServerContext* call,
                                               const v1::CreateOrganisationRequest* request,
                                               v1::Organisation* response) override;
  grpc::ServerUnaryReactor* GetOrganisation(grpc::CallbackServerContext* call,
                                            const v1::GetOrganisationRequest* request,
                                            v1::Organisation* response) override;
  grpc::ServerUnaryReactor* ListOrganisations(grpc::CallbackServerContext* call,
                                              const v1::ListOrganisationsRequest* request,
                                              v1::ListOrganisationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOrganisation(grpc::CallbackServerContext* call,
                                               const v1::UpdateOrganisationRequest* request,
                                               v1::Organisation* response) override;

 private:
  PartnersModule& module_;
  api::ResourceCalls<OrganisationResource> organisations_;
};

}  // namespace ctg::partners_api

#endif  // CTG_SERVICES_PARTNERS_API_PARTNERS_SERVICE_H_
