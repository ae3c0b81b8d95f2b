// ctg.v1.PartnersService over the organisation registry (services/partners): validate →
// authorize → one command or query → convert.
#ifndef CTG_SERVICES_API_PARTNERS_SERVICE_H_
#define CTG_SERVICES_API_PARTNERS_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "services/api/registry.h"

namespace ctg::api {

class PartnersServiceImpl final : public v1::PartnersService::CallbackService {
 public:
  explicit PartnersServiceImpl(Registry& registry,
                               std::function<absl::Time()> clock = absl::Now);

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
  Registry& registry_;
  std::function<absl::Time()> clock_;
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_PARTNERS_SERVICE_H_
