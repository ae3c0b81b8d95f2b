#include "tests/services/server/registry_fixture.h"

#include <signal.h>

#include <tuple>

namespace ctg::testing {

TempDir* RegistryTest::dir_ = nullptr;
CtgdProcess* RegistryTest::server_ = nullptr;
std::unique_ptr<v1::PartnersService::Stub> RegistryTest::partners_;
std::unique_ptr<v1::PlansService::Stub> RegistryTest::plans_;
std::unique_ptr<v1::AuditService::Stub> RegistryTest::audit_;
std::unique_ptr<v1::AdminService::Stub> RegistryTest::admin_;
std::unique_ptr<v1::PersonsService::Stub> RegistryTest::persons_;
std::unique_ptr<v1::StaffingService::Stub> RegistryTest::staffing_;
std::string RegistryTest::own_person_;
std::string RegistryTest::other_person_;

google::type::Date RegistryTest::Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

v1::Ctg RegistryTest::MakeCtg(const std::string& title, const std::string& porteur) {
  v1::Ctg ctg;
  ctg.set_title(title);
  ctg.set_caf(std::string("organisations/") + kCaf);
  ctg.set_porteur("organisations/" + porteur);
  *ctg.mutable_start_date() = Date(2025, 1, 1);
  *ctg.mutable_end_date() = Date(2029, 12, 31);
  for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                           v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ACCES_AUX_DROITS}) {
    ctg.add_thematiques(t);
  }
  return ctg;
}

void RegistryTest::SetUpTestSuite() {
  dir_ = new TempDir();
  CtgdOptions options;
  options.dir = dir_->path();
  auto started = CtgdProcess::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = started->release();
  auto channel = server_->Channel();
  partners_ = v1::PartnersService::NewStub(channel);
  plans_ = v1::PlansService::NewStub(channel);
  audit_ = v1::AuditService::NewStub(channel);
  admin_ = v1::AdminService::NewStub(channel);
  persons_ = v1::PersonsService::NewStub(channel);
  staffing_ = v1::StaffingService::NewStub(channel);

  const std::pair<const char*, v1::OrganisationType> orgs[] = {
      {kCaf, v1::ORGANISATION_TYPE_CAF},
      {kEpci, v1::ORGANISATION_TYPE_EPCI},
      {kCommune, v1::ORGANISATION_TYPE_COMMUNE},
      {kOtherEpci, v1::ORGANISATION_TYPE_EPCI},
      {kPartnerOrg, v1::ORGANISATION_TYPE_MSA}};
  for (const auto& [siren, type] : orgs) {
    v1::CreateOrganisationRequest request;
    request.mutable_organisation()->set_siren(siren);
    request.mutable_organisation()->set_type(type);
    request.mutable_organisation()->set_display_name(std::string("Organisation ") + siren);
    v1::Organisation response;
    grpc::Status status = partners_->CreateOrganisation(AdminContext().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (const auto& [id, porteur] : {std::pair<std::string, std::string>{"test-ctg", kEpci},
                                    {"other-ctg", kOtherEpci}}) {
    v1::CreateCtgRequest request;
    request.set_ctg_id(id);
    *request.mutable_ctg() = MakeCtg("CTG " + id, porteur);
    v1::Ctg response;
    grpc::Status status = plans_->CreateCtg(AdminContext().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (const auto& [siren, role] :
       {std::pair<std::string, v1::SignatoryRole>{kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE},
        {kPartnerOrg, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE}}) {
    v1::AddSignatoryRequest request;
    request.set_name("ctgs/test-ctg");
    request.mutable_signatory()->set_organisation("organisations/" + siren);
    request.mutable_signatory()->set_role(role);
    v1::Ctg response;
    grpc::Status status = plans_->AddSignatory(AdminContext().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (auto [siren, name] : {std::pair<const char*, std::string*>{kEpci, &own_person_},
                             {kOtherEpci, &other_person_}}) {
    v1::CreatePersonRequest request;
    request.mutable_person()->set_organisation(std::string("organisations/") + siren);
    request.mutable_person()->mutable_identity()->set_given_name("Agathe");
    request.mutable_person()->mutable_identity()->set_family_name("Fictive");
    v1::Person person;
    grpc::Status status = persons_->CreatePerson(AdminContext().get(), request, &person);
    ASSERT_TRUE(status.ok()) << status.error_message();
    *name = person.name();
  }
  v1::AssignCdtRequest assign;
  assign.set_name("ctgs/test-ctg");
  assign.set_cdt("cdt-1");
  v1::Ctg response;
  grpc::Status status = plans_->AssignCdt(AdminContext().get(), assign, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Staffing: a post of each CTG's porteur, a recruitment opened and a replacement requested.
  for (const auto& [prefix, employer, person] :
       {std::tuple<std::string, std::string, std::string>{"test", kEpci, own_person_},
        {"other", kOtherEpci, other_person_}}) {
    v1::CreatePostRequest create;
    create.set_post_id(prefix + "-post");
    create.mutable_post()->set_ctg("ctgs/" + prefix + "-ctg");
    create.mutable_post()->set_employer("organisations/" + employer);
    create.mutable_post()->set_etp_hundredths(100);
    create.mutable_post()->set_status(v1::POST_STATUS_VACANT);
    v1::Post post;
    status = staffing_->CreatePost(AdminContext().get(), create, &post);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::OpenRecruitmentRequest open;
    open.set_recruitment_id(prefix + "-recruitment");
    open.mutable_recruitment()->set_post(post.name());
    open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_CREATION);
    *open.mutable_date() = Date(2025, 1, 15);
    v1::Recruitment recruitment;
    status = staffing_->OpenRecruitment(AdminContext().get(), open, &recruitment);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::RequestReplacementRequest replace;
    replace.set_replacement_id(prefix + "-replacement");
    replace.mutable_replacement()->set_post(post.name());
    replace.mutable_replacement()->set_person(person);
    replace.mutable_replacement()->set_etp_hundredths(50);
    *replace.mutable_replacement()->mutable_start_date() = Date(2025, 3, 1);
    v1::Replacement replacement;
    status = staffing_->RequestReplacement(AdminContext().get(), replace, &replacement);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
}

void RegistryTest::TearDownTestSuite() {
  partners_.reset();
  plans_.reset();
  audit_.reset();
  admin_.reset();
  persons_.reset();
  staffing_.reset();
  if (server_ != nullptr) server_->Stop(SIGTERM);
  delete server_;
  server_ = nullptr;
  delete dir_;
  dir_ = nullptr;
}

}  // namespace ctg::testing
