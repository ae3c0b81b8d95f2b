// The authorization matrix: every RPC × every role × own or other scope, against the real
// ctgd. "Own" is test-ctg (and the principal's organisation); "other" is other-ctg (another
// organisation). Allowed calls may still fail on a rule (e.g. ALREADY_EXISTS): what matters
// here is that they get past the policy, and that refusals are PERMISSION_DENIED when the
// caller may see the resource and NOT_FOUND when it may not.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/services/server/registry_fixture.h"

namespace ctg::testing {
namespace {

using platform::Role;

enum class Expect { kAllowed, kDenied, kHidden };

const char* Name(Expect e) {
  return e == Expect::kAllowed ? "allowed" : e == Expect::kDenied ? "PERMISSION_DENIED" : "NOT_FOUND";
}

// Each role's principal, as a member of the organisation that makes test-ctg "own".
platform::Principal PrincipalFor(Role role) {
  switch (role) {
    case Role::kCafAdmin: return Person("admin-1", kCaf, role);
    case Role::kCafCdt: return Person("cdt-1", kCaf, role);
    case Role::kCafCommission: return Person("commission-1", kCaf, role);
    case Role::kCollectiviteAdmin: return Person("dgs-1", kEpci, role);
    case Role::kChargeCooperation: return Person("cdc-1", kEpci, role);
    case Role::kElu: return Person("elu-1", kCommune, role);
    case Role::kPartner: return Person("msa-1", kPartnerOrg, role);
  }
  return {};
}

constexpr Role kRoles[] = {Role::kCafAdmin,          Role::kCafCdt,
                           Role::kCafCommission,     Role::kCollectiviteAdmin,
                           Role::kChargeCooperation, Role::kElu,
                           Role::kPartner};

class AuthorizationMatrixTest : public RegistryTest {
 protected:
  // Calls `rpc` as `role` on the own (`own` = true) or other scope; returns the code.
  grpc::StatusCode Call(const std::string& rpc, Role role, bool own);
  // The StaffingService's RPCs; false if `rpc` is none of them.
  bool CallStaffing(const std::string& rpc, const platform::Principal& who, bool own,
                    grpc::Status* status);

  // The log position of the first event of `stream`.
  int64_t FirstPosition(const std::string& stream) {
    v1::ListEventsRequest request;
    request.set_stream(stream);
    request.set_page_size(1);
    v1::ListEventsResponse response;
    grpc::Status status = audit_->ListEvents(AdminContext().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.events_size() > 0 ? response.events(0).position() : -1;
  }
};

grpc::StatusCode AuthorizationMatrixTest::Call(const std::string& rpc, Role role, bool own) {
  const platform::Principal who = PrincipalFor(role);
  auto context = server_->Context(who);
  const std::string ctg = own ? "ctgs/test-ctg" : "ctgs/other-ctg";
  // The organisation acted for: the caller's own for collectivités, the porteur for others.
  const std::string organisation =
      absl::StrCat("organisations/", role == Role::kCafAdmin || role == Role::kCafCdt ||
                                             role == Role::kCafCommission
                                         ? (own ? kEpci : kOtherEpci)
                                         : (own ? who.organisation : kOtherEpci));
  v1::Ctg ctg_out;
  grpc::Status status;
  if (rpc == "GetCtg") {
    v1::GetCtgRequest r;
    r.set_name(ctg);
    status = plans_->GetCtg(context.get(), r, &ctg_out);
  } else if (rpc == "UpdateCtg") {  // same title: passes the policy, changes nothing
    v1::UpdateCtgRequest r;
    r.mutable_ctg()->set_name(ctg);
    r.mutable_ctg()->set_title(own ? "CTG test-ctg" : "CTG other-ctg");
    r.mutable_update_mask()->add_paths("title");
    status = plans_->UpdateCtg(context.get(), r, &ctg_out);
  } else if (rpc == "AddSignatory") {  // already a signatory: ALREADY_EXISTS once allowed
    v1::AddSignatoryRequest r;
    r.set_name(ctg);
    r.mutable_signatory()->set_organisation(std::string("organisations/") + kCaf);
    r.mutable_signatory()->set_role(v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE);
    status = plans_->AddSignatory(context.get(), r, &ctg_out);
  } else if (rpc == "RecordDeliberation") {
    v1::RecordDeliberationRequest r;
    r.set_name(ctg);
    r.set_organisation(organisation);
    r.mutable_deliberation()->set_instance("Conseil communautaire");
    *r.mutable_deliberation()->mutable_date() = Date(2024, 12, 9);
    r.mutable_deliberation()->set_number("2024-1");
    status = plans_->RecordDeliberation(context.get(), r, &ctg_out);
  } else if (rpc == "RecordSignature") {
    v1::RecordSignatureRequest r;
    r.set_name(ctg);
    r.set_organisation(organisation);
    *r.mutable_signature_date() = Date(2024, 12, 18);
    status = plans_->RecordSignature(context.get(), r, &ctg_out);
  } else if (rpc == "AssignCdt") {  // the same CDT again: a no-op once allowed
    v1::AssignCdtRequest r;
    r.set_name(ctg);
    r.set_cdt(own ? "cdt-1" : "cdt-2");
    status = plans_->AssignCdt(context.get(), r, &ctg_out);
  } else if (rpc == "TransitionCtg") {  // to its own state: INVALID_TRANSITION once allowed
    v1::TransitionCtgRequest r;
    r.set_name(ctg);
    r.set_state(v1::CTG_STATE_EN_PREPARATION);
    status = plans_->TransitionCtg(context.get(), r, &ctg_out);
  } else if (rpc == "CreateCtg") {  // an existing id: ALREADY_EXISTS once allowed, if readable
    v1::CreateCtgRequest r;
    r.set_ctg_id(own ? "test-ctg" : "other-ctg");
    *r.mutable_ctg() = MakeCtg("CTG", own && role != Role::kCafAdmin && role != Role::kCafCdt &&
                                              role != Role::kCafCommission
                                          ? who.organisation
                                          : (own ? kEpci : kOtherEpci));
    status = plans_->CreateCtg(context.get(), r, &ctg_out);
  } else if (rpc == "ListCtgs") {  // the policy filters items: count what comes back
    v1::ListCtgsRequest r;
    v1::ListCtgsResponse out;
    status = plans_->ListCtgs(context.get(), r, &out);
    bool found = false;
    for (const v1::Ctg& c : out.ctgs()) found |= c.name() == ctg;
    if (status.ok() && !found) return grpc::StatusCode::NOT_FOUND;
  } else if (rpc == "CreateOrganisation") {  // existing: ALREADY_EXISTS once allowed
    v1::CreateOrganisationRequest r;
    r.mutable_organisation()->set_siren(own ? kEpci : kOtherEpci);
    r.mutable_organisation()->set_type(v1::ORGANISATION_TYPE_EPCI);
    r.mutable_organisation()->set_display_name("x");
    v1::Organisation out;
    status = partners_->CreateOrganisation(context.get(), r, &out);
  } else if (rpc == "UpdateOrganisation") {  // same name: a no-op once allowed
    v1::UpdateOrganisationRequest r;
    const std::string siren = own ? who.organisation : kOtherEpci;
    r.mutable_organisation()->set_name("organisations/" + siren);
    r.mutable_organisation()->set_display_name("Organisation " + siren);
    r.mutable_update_mask()->add_paths("display_name");
    v1::Organisation out;
    status = partners_->UpdateOrganisation(context.get(), r, &out);
  } else if (rpc == "GetOrganisation") {
    v1::GetOrganisationRequest r;
    r.set_name(std::string("organisations/") + (own ? kEpci : kOtherEpci));
    v1::Organisation out;
    status = partners_->GetOrganisation(context.get(), r, &out);
  } else if (rpc == "ListOrganisations") {
    v1::ListOrganisationsResponse out;
    status = partners_->ListOrganisations(context.get(), {}, &out);
  } else if (rpc == "ListEvents") {
    v1::ListEventsRequest r;
    r.set_stream(own ? "ctg-test-ctg" : "ctg-other-ctg");
    v1::ListEventsResponse out;
    status = audit_->ListEvents(context.get(), r, &out);
  } else if (rpc == "GetInclusionProof") {
    v1::GetInclusionProofRequest r;
    r.set_position(FirstPosition(own ? "ctg-test-ctg" : "ctg-other-ctg"));
    v1::InclusionProof out;
    status = audit_->GetInclusionProof(context.get(), r, &out);
  } else if (rpc == "GetCheckpoint") {
    v1::Checkpoint out;
    status = audit_->GetCheckpoint(context.get(), {}, &out);
  } else if (rpc == "GetConsistencyProof") {
    v1::GetConsistencyProofRequest r;
    r.set_first_size(1);
    v1::ConsistencyProof out;
    status = audit_->GetConsistencyProof(context.get(), r, &out);
  } else if (rpc == "SubscribeEvents") {
    v1::SubscribeEventsRequest r;
    auto reader = audit_->SubscribeEvents(context.get(), r);
    v1::SubscribeEventsResponse first;
    if (reader->Read(&first)) {
      context->TryCancel();
      reader->Finish();
      return grpc::StatusCode::OK;
    }
    status = reader->Finish();
  } else if (rpc == "CreatePerson") {
    v1::CreatePersonRequest r;
    r.mutable_person()->set_organisation(
        absl::StrCat("organisations/", own && !who.organisation.empty() &&
                                               role != Role::kCafAdmin && role != Role::kCafCdt &&
                                               role != Role::kCafCommission
                                           ? who.organisation
                                           : (own ? kEpci : kOtherEpci)));
    r.mutable_person()->mutable_identity()->set_given_name("Agathe");
    r.mutable_person()->mutable_identity()->set_family_name("Fictive");
    v1::Person out;
    status = persons_->CreatePerson(context.get(), r, &out);
  } else if (rpc == "GetPerson") {  // with a purpose: the read is recorded once allowed
    v1::GetPersonRequest r;
    r.set_name(own ? own_person_ : other_person_);
    r.set_purpose("contrôle des droits");
    v1::Person out;
    status = persons_->GetPerson(context.get(), r, &out);
  } else if (rpc == "ErasePerson") {  // no basis: INVALID_ARGUMENT once allowed, erases nothing
    v1::ErasePersonRequest r;
    r.set_name(own ? own_person_ : other_person_);
    v1::Person out;
    status = persons_->ErasePerson(context.get(), r, &out);
  } else if (rpc == "CreateBackup") {
    v1::Backup out;
    status = admin_->CreateBackup(context.get(), {}, &out);
  } else if (rpc == "ListBackups") {
    v1::ListBackupsResponse out;
    status = admin_->ListBackups(context.get(), {}, &out);
  } else if (rpc == "VerifyLog") {
    v1::VerifyLogResponse out;
    status = admin_->VerifyLog(context.get(), {}, &out);
  } else if (!CallStaffing(rpc, who, own, &status)) {
    ADD_FAILURE() << "no call for " << rpc;
  }
  return status.error_code();
}

// The StaffingService rows. Allowed calls are made to fail on the request's fields, a rule or
// an existing id, so that no row changes what the next one sees.
bool AuthorizationMatrixTest::CallStaffing(const std::string& rpc, const platform::Principal& who,
                                           bool own, grpc::Status* status) {
  auto context = server_->Context(who);
  const std::string prefix = own ? "test" : "other";
  const std::string ctg = "ctgs/" + prefix + "-ctg";
  const std::string post = "posts/" + prefix + "-post";
  const std::string recruitment = "recruitments/" + prefix + "-recruitment";
  const std::string replacement = "replacements/" + prefix + "-replacement";
  const bool caf = who.HasRole(Role::kCafAdmin) || who.HasRole(Role::kCafCdt) ||
                   who.HasRole(Role::kCafCommission);
  v1::Post post_out;
  v1::Recruitment recruitment_out;
  v1::Replacement replacement_out;
  // Each step of a recruitment or a replacement, with nothing filled in but its name.
#define CTG_STEP(Rpc, name, out)                   \
  if (rpc == #Rpc) {                               \
    v1::Rpc##Request r;                            \
    r.set_name(name);                              \
    *status = staffing_->Rpc(context.get(), r, out); \
    return true;                                   \
  }
  CTG_STEP(TransitionPost, post, &post_out)       // no status: INVALID_ARGUMENT
  CTG_STEP(RecordCofinancing, post, &post_out)    // no year
  CTG_STEP(RecordCafFunding, post, &post_out)     // no year
  CTG_STEP(ProposeChange, post, &post_out)        // no change
  CTG_STEP(RecordCdtExchange, post, &post_out)    // no exchange (or CDT_NOT_ASSIGNED)
  CTG_STEP(ApplyChange, post, &post_out)          // no change id
  CTG_STEP(WithdrawChange, post, &post_out)       // no change id
  CTG_STEP(AgreeCadrage, recruitment, &recruitment_out)  // no date
  CTG_STEP(SubmitFicheDePoste, recruitment, &recruitment_out)
  CTG_STEP(GiveCafOpinionOnFiche, recruitment, &recruitment_out)
  CTG_STEP(PublishOffer, recruitment, &recruitment_out)
  CTG_STEP(CloseApplications, recruitment, &recruitment_out)
  CTG_STEP(ShortlistCandidates, recruitment, &recruitment_out)
  CTG_STEP(HoldJury, recruitment, &recruitment_out)
  CTG_STEP(SynthesiseInterviews, recruitment, &recruitment_out)
  CTG_STEP(SkipRecruitmentStep, recruitment, &recruitment_out)
  CTG_STEP(ChooseCandidate, recruitment, &recruitment_out)
  CTG_STEP(GiveCafOpinionOnCandidate, recruitment, &recruitment_out)
  CTG_STEP(TakeEmployerDecision, recruitment, &recruitment_out)
  CTG_STEP(HirePerson, recruitment, &recruitment_out)
  CTG_STEP(CompleteIntegration, recruitment, &recruitment_out)
  CTG_STEP(CloseRecruitment, recruitment, &recruitment_out)
  CTG_STEP(CancelRecruitment, recruitment, &recruitment_out)  // no reason: REASON_REQUIRED
  CTG_STEP(ValidateReplacement, replacement, &replacement_out)
  CTG_STEP(RefuseReplacement, replacement, &replacement_out)
  CTG_STEP(StartReplacement, replacement, &replacement_out)
  CTG_STEP(EndReplacement, replacement, &replacement_out)
  CTG_STEP(CancelReplacement, replacement, &replacement_out)  // no reason: REASON_REQUIRED
  CTG_STEP(GetPost, post, &post_out)
  CTG_STEP(GetRecruitment, recruitment, &recruitment_out)
  CTG_STEP(GetReplacement, replacement, &replacement_out)
#undef CTG_STEP
  if (rpc == "CreatePost") {  // an existing id: ALREADY_EXISTS once allowed
    v1::CreatePostRequest r;
    r.set_post_id(prefix + "-post");
    r.mutable_post()->set_ctg(ctg);
    r.mutable_post()->set_employer(absl::StrCat(
        "organisations/", own && !caf ? who.organisation : (own ? kEpci : kOtherEpci)));
    r.mutable_post()->set_etp_hundredths(100);
    *status = staffing_->CreatePost(context.get(), r, &post_out);
  } else if (rpc == "OpenRecruitment") {  // an existing id: ALREADY_EXISTS once allowed
    v1::OpenRecruitmentRequest r;
    r.set_recruitment_id(prefix + "-recruitment");
    r.mutable_recruitment()->set_post(post);
    r.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_VACANCE);
    *r.mutable_date() = Date(2025, 2, 1);
    *status = staffing_->OpenRecruitment(context.get(), r, &recruitment_out);
  } else if (rpc == "RequestReplacement") {  // an existing id: ALREADY_EXISTS once allowed
    v1::RequestReplacementRequest r;
    r.set_replacement_id(prefix + "-replacement");
    r.mutable_replacement()->set_post(post);
    r.mutable_replacement()->set_person(own ? own_person_ : other_person_);
    r.mutable_replacement()->set_etp_hundredths(10);
    *r.mutable_replacement()->mutable_start_date() = Date(2025, 3, 1);
    *status = staffing_->RequestReplacement(context.get(), r, &replacement_out);
  } else if (rpc == "ListPosts") {  // filtered on the CTG: NOT_FOUND if hidden
    v1::ListPostsRequest r;
    r.set_ctg(ctg);
    v1::ListPostsResponse out;
    *status = staffing_->ListPosts(context.get(), r, &out);
    if (status->ok() && (out.posts_size() != 1 || out.posts(0).name() != post)) {
      *status = grpc::Status(grpc::StatusCode::INTERNAL, "the CTG's post is not listed");
    }
  } else if (rpc == "ListRecruitments") {
    v1::ListRecruitmentsRequest r;
    r.set_ctg(ctg);
    v1::ListRecruitmentsResponse out;
    *status = staffing_->ListRecruitments(context.get(), r, &out);
  } else if (rpc == "ListReplacements") {
    v1::ListReplacementsRequest r;
    r.set_ctg(ctg);
    v1::ListReplacementsResponse out;
    *status = staffing_->ListReplacements(context.get(), r, &out);
  } else if (rpc == "ListCdtWorkQueue") {
    v1::ListCdtWorkQueueRequest r;
    r.set_ctg(ctg);
    v1::ListCdtWorkQueueResponse out;
    *status = staffing_->ListCdtWorkQueue(context.get(), r, &out);
  } else if (rpc == "ListChanges") {
    v1::ListChangesRequest r;
    r.set_ctg(ctg);
    v1::ListChangesResponse out;
    *status = staffing_->ListChanges(context.get(), r, &out);
  } else {
    return false;
  }
  return true;
}

struct Row {
  const char* rpc;
  // Expected outcome per role, in kRoles order: {own, other}.
  std::pair<Expect, Expect> by_role[7];
};

constexpr Expect A = Expect::kAllowed;
constexpr Expect D = Expect::kDenied;
constexpr Expect H = Expect::kHidden;

//                       caf_admin  caf_cdt   commission collect.  chargé    elu       partner
const Row kMatrix[] = {
    {"GetCtg",             {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"ListCtgs",           {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"UpdateCtg",          {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"AddSignatory",       {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RecordDeliberation", {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RecordSignature",    {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"TransitionCtg",      {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"AssignCdt",          {{A, A}, {D, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"CreateCtg",          {{A, A}, {A, H}, {D, D}, {A, D}, {D, D}, {D, D}, {D, D}}},
    {"CreateOrganisation", {{A, A}, {A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
    {"UpdateOrganisation", {{A, A}, {A, A}, {D, D}, {A, D}, {D, D}, {D, D}, {D, D}}},
    {"GetOrganisation",    {{A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}}},
    {"ListOrganisations",  {{A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}}},
    {"ListEvents",         {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"GetInclusionProof",  {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"GetCheckpoint",      {{A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}}},
    {"GetConsistencyProof",{{A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}, {A, A}}},
    {"SubscribeEvents",    {{A, A}, {A, A}, {A, A}, {D, D}, {D, D}, {D, D}, {D, D}}},
    {"CreatePerson",       {{A, A}, {D, D}, {D, D}, {A, D}, {A, D}, {D, D}, {D, D}}},
    {"GetPerson",          {{A, A}, {A, H}, {H, H}, {A, H}, {A, H}, {H, H}, {H, H}}},
    {"ErasePerson",        {{A, A}, {H, H}, {H, H}, {A, H}, {H, H}, {H, H}, {H, H}}},
    {"CreateBackup",       {{A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
    {"ListBackups",        {{A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
    {"VerifyLog",          {{A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
    // StaffingService. Reads are the CTG's; the employer's steps its collectivité's; the
    // Caf's steps the portfolio's CDT's; caf_admin takes both sides; the commission reads.
    {"GetPost",            {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"ListPosts",          {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"CreatePost",         {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"TransitionPost",     {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RecordCofinancing",  {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RecordCafFunding",   {{A, A}, {A, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"ProposeChange",      {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RecordCdtExchange",  {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"ApplyChange",        {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"WithdrawChange",     {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"OpenRecruitment",    {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"GetRecruitment",     {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"ListRecruitments",   {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"AgreeCadrage",       {{A, A}, {A, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"SubmitFicheDePoste", {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"GiveCafOpinionOnFiche", {{A, A}, {A, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"PublishOffer",       {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"CloseApplications",  {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"ShortlistCandidates",{{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"HoldJury",           {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"SynthesiseInterviews",{{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"SkipRecruitmentStep",{{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"ChooseCandidate",    {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"GiveCafOpinionOnCandidate", {{A, A}, {A, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"TakeEmployerDecision",{{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"HirePerson",         {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"CompleteIntegration",{{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"CloseRecruitment",   {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"CancelRecruitment",  {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"RequestReplacement", {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"ValidateReplacement",{{A, A}, {A, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"RefuseReplacement",  {{A, A}, {A, H}, {D, D}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"StartReplacement",   {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"EndReplacement",     {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"CancelReplacement",  {{A, A}, {D, H}, {D, D}, {A, H}, {A, H}, {D, H}, {D, H}}},
    {"GetReplacement",     {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"ListReplacements",   {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
    {"ListCdtWorkQueue",   {{A, A}, {A, H}, {A, A}, {D, H}, {D, H}, {D, H}, {D, H}}},
    {"ListChanges",        {{A, A}, {A, H}, {A, A}, {A, H}, {A, H}, {A, H}, {A, H}}},
};

TEST_F(AuthorizationMatrixTest, EveryRpcEveryRoleOwnAndOtherScope) {
  int checked = 0;
  for (const Row& row : kMatrix) {
    for (size_t r = 0; r < std::size(kRoles); ++r) {
      for (bool own : {true, false}) {
        const Expect expected = own ? row.by_role[r].first : row.by_role[r].second;
        const grpc::StatusCode code = Call(row.rpc, kRoles[r], own);
        const bool ok = expected == Expect::kAllowed
                            ? code != grpc::StatusCode::PERMISSION_DENIED &&
                                  code != grpc::StatusCode::NOT_FOUND &&
                                  code != grpc::StatusCode::UNAUTHENTICATED
                            : code == (expected == Expect::kDenied
                                           ? grpc::StatusCode::PERMISSION_DENIED
                                           : grpc::StatusCode::NOT_FOUND);
        EXPECT_TRUE(ok) << row.rpc << " as " << platform::RoleName(kRoles[r]) << " on "
                        << (own ? "own" : "other") << " scope: expected " << Name(expected)
                        << ", got code " << code;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(std::size(kMatrix) * std::size(kRoles) * 2));
}

// A new RPC cannot slip past the policy unseen: every method of every ctg.v1 service has its
// row, and every row names a method.
TEST(AuthorizationMatrixRowsTest, EveryMethodOfEveryServiceHasARow) {
  std::set<std::string> rows;
  for (const Row& row : kMatrix) {
    EXPECT_TRUE(rows.insert(row.rpc).second) << row.rpc << " has two rows";
  }
  std::set<std::string> methods;
  for (const char* service :
       {v1::PartnersService::service_full_name(), v1::PlansService::service_full_name(),
        v1::AuditService::service_full_name(), v1::AdminService::service_full_name(),
        v1::PersonsService::service_full_name(), v1::StaffingService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string& method = descriptor->method(i)->name();
      EXPECT_TRUE(methods.insert(method).second) << method << " is in two services";
      EXPECT_EQ(rows.count(method), 1u) << descriptor->full_name() << "." << method
                                        << " has no row in the authorization matrix";
    }
  }
  for (const std::string& row : rows) {
    EXPECT_EQ(methods.count(row), 1u) << "the row " << row << " names no method";
  }
}

}  // namespace
}  // namespace ctg::testing
