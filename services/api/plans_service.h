// ctg.v1.PlansService over the CTG registry (services/plans): validate → authorize → one
// command or query → convert. No business rule lives here.
#ifndef CTG_SERVICES_API_PLANS_SERVICE_H_
#define CTG_SERVICES_API_PLANS_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "services/api/registry.h"

namespace ctg::api {

class PlansServiceImpl final : public v1::PlansService::CallbackService {
 public:
  // `clock` gives each command its time (tests may fix it).
  explicit PlansServiceImpl(Registry& registry, std::function<absl::Time()> clock = absl::Now);

  grpc::ServerUnaryReactor* CreateCtg(grpc::CallbackServerContext* call,
                                      const v1::CreateCtgRequest* request,
                                      v1::Ctg* response) override;
  grpc::ServerUnaryReactor* GetCtg(grpc::CallbackServerContext* call,
                                   const v1::GetCtgRequest* request, v1::Ctg* response) override;
  grpc::ServerUnaryReactor* ListCtgs(grpc::CallbackServerContext* call,
                                     const v1::ListCtgsRequest* request,
                                     v1::ListCtgsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCtg(grpc::CallbackServerContext* call,
                                      const v1::UpdateCtgRequest* request,
                                      v1::Ctg* response) override;
  grpc::ServerUnaryReactor* AddSignatory(grpc::CallbackServerContext* call,
                                         const v1::AddSignatoryRequest* request,
                                         v1::Ctg* response) override;
  grpc::ServerUnaryReactor* RecordDeliberation(grpc::CallbackServerContext* call,
                                               const v1::RecordDeliberationRequest* request,
                                               v1::Ctg* response) override;
  grpc::ServerUnaryReactor* RecordSignature(grpc::CallbackServerContext* call,
                                            const v1::RecordSignatureRequest* request,
                                            v1::Ctg* response) override;
  grpc::ServerUnaryReactor* AssignCdt(grpc::CallbackServerContext* call,
                                      const v1::AssignCdtRequest* request,
                                      v1::Ctg* response) override;
  grpc::ServerUnaryReactor* TransitionCtg(grpc::CallbackServerContext* call,
                                          const v1::TransitionCtgRequest* request,
                                          v1::Ctg* response) override;

 private:
  struct Change;  // one change of an existing CTG, see plans_service.cc
  grpc::ServerUnaryReactor* RunChange(grpc::CallbackServerContext* call, Change change,
                                      v1::Ctg* response);

  Registry& registry_;
  std::function<absl::Time()> clock_;
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_PLANS_SERVICE_H_
