// ctg.v1.StaffingService over the staffing context (services/staffing): posts with their
// change control, recruitments R0..R12, replacements, and the Caf's queries. validate →
// authorize (the side, CAF or EMPLOYER, comes from the authorized role) → one command or
// query → convert. No business rule lives here.
//
// The handlers are split by resource: staffing_posts.cc, staffing_recruitments.cc,
// staffing_replacements.cc, staffing_queries.cc; what they share is staffing_internal.h.
// Private to the staffing module.
#ifndef CTG_SERVICES_STAFFING_API_STAFFING_SERVICE_H_
#define CTG_SERVICES_STAFFING_API_STAFFING_SERVICE_H_

#include "ctg/v1/staffing.grpc.pb.h"
#include "services/staffing/api/staffing_internal.h"

namespace ctg::staffing_api {

class StaffingServiceImpl final : public v1::StaffingService::CallbackService {
 public:
  // `clock` gives each command its time and "today" (tests may fix it).
  StaffingServiceImpl(StaffingModule& module, api::Clock clock);

  // Posts (staffing_posts.cc).
  grpc::ServerUnaryReactor* CreatePost(grpc::CallbackServerContext* call,
                                       const v1::CreatePostRequest* request,
                                       v1::Post* response) override;
  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* call,
                                    const v1::GetPostRequest* request, v1::Post* response) override;
  grpc::ServerUnaryReactor* ListPosts(grpc::CallbackServerContext* call,
                                      const v1::ListPostsRequest* request,
                                      v1::ListPostsResponse* response) override;
  grpc::ServerUnaryReactor* TransitionPost(grpc::CallbackServerContext* call,
                                           const v1::TransitionPostRequest* request,
                                           v1::Post* response) override;
  grpc::ServerUnaryReactor* RecordCofinancing(grpc::CallbackServerContext* call,
                                              const v1::RecordCofinancingRequest* request,
                                              v1::Post* response) override;
  grpc::ServerUnaryReactor* RecordCafFunding(grpc::CallbackServerContext* call,
                                             const v1::RecordCafFundingRequest* request,
                                             v1::Post* response) override;
  grpc::ServerUnaryReactor* ProposeChange(grpc::CallbackServerContext* call,
                                          const v1::ProposeChangeRequest* request,
                                          v1::Post* response) override;
  grpc::ServerUnaryReactor* RecordCdtExchange(grpc::CallbackServerContext* call,
                                              const v1::RecordCdtExchangeRequest* request,
                                              v1::Post* response) override;
  grpc::ServerUnaryReactor* ApplyChange(grpc::CallbackServerContext* call,
                                        const v1::ApplyChangeRequest* request,
                                        v1::Post* response) override;
  grpc::ServerUnaryReactor* WithdrawChange(grpc::CallbackServerContext* call,
                                           const v1::WithdrawChangeRequest* request,
                                           v1::Post* response) override;

  // Recruitments (staffing_recruitments.cc).
  grpc::ServerUnaryReactor* OpenRecruitment(grpc::CallbackServerContext* call,
                                            const v1::OpenRecruitmentRequest* request,
                                            v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* GetRecruitment(grpc::CallbackServerContext* call,
                                           const v1::GetRecruitmentRequest* request,
                                           v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* ListRecruitments(grpc::CallbackServerContext* call,
                                             const v1::ListRecruitmentsRequest* request,
                                             v1::ListRecruitmentsResponse* response) override;
  grpc::ServerUnaryReactor* AgreeCadrage(grpc::CallbackServerContext* call,
                                         const v1::AgreeCadrageRequest* request,
                                         v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* SubmitFicheDePoste(grpc::CallbackServerContext* call,
                                               const v1::SubmitFicheDePosteRequest* request,
                                               v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* GiveCafOpinionOnFiche(grpc::CallbackServerContext* call,
                                                  const v1::GiveCafOpinionOnFicheRequest* request,
                                                  v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* PublishOffer(grpc::CallbackServerContext* call,
                                         const v1::PublishOfferRequest* request,
                                         v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* CloseApplications(grpc::CallbackServerContext* call,
                                              const v1::CloseApplicationsRequest* request,
                                              v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* ShortlistCandidates(grpc::CallbackServerContext* call,
                                                const v1::ShortlistCandidatesRequest* request,
                                                v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* HoldJury(grpc::CallbackServerContext* call,
                                     const v1::HoldJuryRequest* request,
                                     v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* SynthesiseInterviews(grpc::CallbackServerContext* call,
                                                 const v1::SynthesiseInterviewsRequest* request,
                                                 v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* SkipRecruitmentStep(grpc::CallbackServerContext* call,
                                                const v1::SkipRecruitmentStepRequest* request,
                                                v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* ChooseCandidate(grpc::CallbackServerContext* call,
                                            const v1::ChooseCandidateRequest* request,
                                            v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* GiveCafOpinionOnCandidate(
      grpc::CallbackServerContext* call, const v1::GiveCafOpinionOnCandidateRequest* request,
      v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* TakeEmployerDecision(grpc::CallbackServerContext* call,
                                                 const v1::TakeEmployerDecisionRequest* request,
                                                 v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* HirePerson(grpc::CallbackServerContext* call,
                                       const v1::HirePersonRequest* request,
                                       v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* CompleteIntegration(grpc::CallbackServerContext* call,
                                                const v1::CompleteIntegrationRequest* request,
                                                v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* CloseRecruitment(grpc::CallbackServerContext* call,
                                             const v1::CloseRecruitmentRequest* request,
                                             v1::Recruitment* response) override;
  grpc::ServerUnaryReactor* CancelRecruitment(grpc::CallbackServerContext* call,
                                              const v1::CancelRecruitmentRequest* request,
                                              v1::Recruitment* response) override;

  // Replacements (staffing_replacements.cc).
  grpc::ServerUnaryReactor* RequestReplacement(grpc::CallbackServerContext* call,
                                               const v1::RequestReplacementRequest* request,
                                               v1::Replacement* response) override;
  grpc::ServerUnaryReactor* ValidateReplacement(grpc::CallbackServerContext* call,
                                                const v1::ValidateReplacementRequest* request,
                                                v1::Replacement* response) override;
  grpc::ServerUnaryReactor* RefuseReplacement(grpc::CallbackServerContext* call,
                                              const v1::RefuseReplacementRequest* request,
                                              v1::Replacement* response) override;
  grpc::ServerUnaryReactor* StartReplacement(grpc::CallbackServerContext* call,
                                             const v1::StartReplacementRequest* request,
                                             v1::Replacement* response) override;
  grpc::ServerUnaryReactor* EndReplacement(grpc::CallbackServerContext* call,
                                           const v1::EndReplacementRequest* request,
                                           v1::Replacement* response) override;
  grpc::ServerUnaryReactor* CancelReplacement(grpc::CallbackServerContext* call,
                                              const v1::CancelReplacementRequest* request,
                                              v1::Replacement* response) override;
  grpc::ServerUnaryReactor* GetReplacement(grpc::CallbackServerContext* call,
                                           const v1::GetReplacementRequest* request,
                                           v1::Replacement* response) override;
  grpc::ServerUnaryReactor* ListReplacements(grpc::CallbackServerContext* call,
                                             const v1::ListReplacementsRequest* request,
                                             v1::ListReplacementsResponse* response) override;

  // Queries (staffing_queries.cc).
  grpc::ServerUnaryReactor* ListCdtWorkQueue(grpc::CallbackServerContext* call,
                                             const v1::ListCdtWorkQueueRequest* request,
                                             v1::ListCdtWorkQueueResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* call,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;

 private:
  // The pipeline of each resource.
  template <typename Aggregate>
  const api::ResourceCalls<Resource<Aggregate>>& Calls() const;

  // Authorizes and runs `command` creating the resource of `target` for `principal`.
  template <typename Aggregate>
  grpc::ServerUnaryReactor* Execute(grpc::CallbackServerContext* call,
                                    platform::Principal principal, const Target& target,
                                    Command<Aggregate> command,
                                    typename Resource<Aggregate>::Message* response) const {
    absl::StatusOr<api::Target> resolved = Resolve(module_, target);
    if (!resolved.ok()) return api::Fail(call->DefaultReactor(), resolved.status());
    return Calls<Aggregate>().Execute(call, std::move(principal), *resolved, std::move(command),
                                      response);
  }

  StaffingModule& module_;
  const api::ResourceCalls<Resource<PostAggregate>> posts_;
  const api::ResourceCalls<Resource<RecruitmentAggregate>> recruitments_;
  const api::ResourceCalls<Resource<ReplacementAggregate>> replacements_;
};

template <>
inline const api::ResourceCalls<Resource<PostAggregate>>& StaffingServiceImpl::Calls() const {
  return posts_;
}
template <>
inline const api::ResourceCalls<Resource<RecruitmentAggregate>>& StaffingServiceImpl::Calls()
    const {
  return recruitments_;
}
template <>
inline const api::ResourceCalls<Resource<ReplacementAggregate>>& StaffingServiceImpl::Calls()
    const {
  return replacements_;
}

}  // namespace ctg::staffing_api

#endif  // CTG_SERVICES_STAFFING_API_STAFFING_SERVICE_H_
