// ctg.v1.PlansService over the CTG registry (services/plans): validate → authorize → one
// command or query → convert. No business rule lives here. Private to the plans module.
#ifndef CTG_SERVICES_PLANS_API_PLANS_SERVICE_H_
#define CTG_SERVICES_PLANS_API_PLANS_SERVICE_H_

#include "ctg/v1/plans.grpc.pb.h"
#include "services/api/pipeline.h"
#include "services/plans/api/plans_module.h"

namespace ctg::plans_api {

// A CTG as the command pipeline sees it.
struct CtgResource {
  using Aggregate = plans::CtgAggregate;
  using Message = v1::Ctg;
  static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field) {
    return plans::ParseCtgName(name, field);
  }
  static std::string Stream(absl::string_view id) { return plans::CtgStream(id); }
  static absl::Status NotFound(absl::string_view id) { return platform::CtgNotFound(id); }
  static Message ToMessage(const plans::CtgState& state, std::optional<uint64_t> revision);
};

class PlansServiceImpl final : public v1::PlansService::CallbackService {
 public:
  // `clock` gives each command its time (tests may fix it).
  PlansServiceImpl(PlansModule& module, api::Clock clock);

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
  // The decider of `command` against the current CTGs and organisations.
  template <typename Cmd>
  std::function<platform::Decider<plans::CtgAggregate>(const api::Granted&)> DecideWith(
      Cmd command) const;

  PlansModule& module_;
  api::ResourceCalls<CtgResource> ctgs_;
};

}  // namespace ctg::plans_api

#endif  // CTG_SERVICES_PLANS_API_PLANS_SERVICE_H_
