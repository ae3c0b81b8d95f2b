// The authorization matrix: every RPC × every role × own or other scope, against the real
// ctgd. "Own" is test-ctg (and the principal's organisation); "other" is other-ctg (another
// organisation). Allowed calls may still fail on a rule (e.g. ALREADY_EXISTS): what matters
// here is that they get past the policy, and that refusals are PERMISSION_DENIED when the
// caller may see the resource and NOT_FOUND when it may not.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
  } else if (rpc == "CreateCtg") {  // an existing id: ALREADY_EXISTS once allowed
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
  } else if (rpc == "ListBackups") {
    v1::ListBackupsResponse out;
    status = admin_->ListBackups(context.get(), {}, &out);
  } else if (rpc == "VerifyLog") {
    v1::VerifyLogResponse out;
    status = admin_->VerifyLog(context.get(), {}, &out);
  } else {
    ADD_FAILURE() << "no call for " << rpc;
  }
  return status.error_code();
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
    {"CreateCtg",          {{A, A}, {A, A}, {D, D}, {A, D}, {D, D}, {D, D}, {D, D}}},
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
    {"GetPerson",          {{A, A}, {A, A}, {H, H}, {A, H}, {A, H}, {H, H}, {H, H}}},
    {"ErasePerson",        {{A, A}, {H, H}, {H, H}, {A, H}, {H, H}, {H, H}, {H, H}}},
    {"ListBackups",        {{A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
    {"VerifyLog",          {{A, A}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}, {D, D}}},
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

}  // namespace
}  // namespace ctg::testing
