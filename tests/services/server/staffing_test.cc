// The staffing API end to end through the real ctgd, with real tokens: a collectivité (the
// employer) and the Caf's CDT take a recruitment from R0 to R12, the hire goes through change
// control, the replacement time rule and the change control refuse what they must, the post's
// history is the whole chain, another collectivité sees nothing, and the Caf's queries (the
// CDT's work queue, the commission's changes) show what they must.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/services/server/registry_fixture.h"

namespace ctg::testing {
namespace {

using platform::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StaffingTest : public RegistryTest {
 protected:
  // The employer (the porteur of test-ctg), its chargé de coopération, the CTG's CDT, the
  // commission, and the porteur of other-ctg ("collectivité B").
  static platform::Principal Employer() {
    return Person("dgs-orbe", kEpci, Role::kCollectiviteAdmin);
  }
  static platform::Principal Charge() {
    return Person("cdc-orbe", kEpci, Role::kChargeCooperation);
  }
  static platform::Principal Cdt() { return Person("cdt-1", kCaf, Role::kCafCdt); }
  static platform::Principal Commission() {
    return Person("commission-1", kCaf, Role::kCafCommission);
  }
  static platform::Principal OtherEmployer() {
    return Person("dgs-vallees", kOtherEpci, Role::kCollectiviteAdmin);
  }

  static std::unique_ptr<grpc::ClientContext> As(const platform::Principal& who) {
    return server_->Context(who);
  }

  // A post of kEpci on test-ctg.
  static v1::Post CreatePost(const std::string& id, int etp) {
    v1::CreatePostRequest request;
    request.set_post_id(id);
    v1::Post* post = request.mutable_post();
    post->set_ctg("ctgs/test-ctg");
    post->set_employer(std::string("organisations/") + kEpci);
    post->set_etp_hundredths(etp);
    post->set_status(v1::POST_STATUS_VACANT);
    for (v1::MissionArea area :
         {v1::MISSION_AREA_DIAGNOSTICS, v1::MISSION_AREA_ASSISTANCE_ELUS_COPIL,
          v1::MISSION_AREA_OBJECTIFS_PRIORITAIRES, v1::MISSION_AREA_PARTENARIATS_RESEAUX,
          v1::MISSION_AREA_RELATIONS_POPULATION, v1::MISSION_AREA_EVALUATION}) {
      post->add_missions()->set_area(area);
    }
    post->add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
    post->add_thematiques(v1::THEMATIQUE_JEUNESSE);
    post->set_rattachement("Direction du pôle Famille et Solidarités");
    v1::Post created;
    grpc::Status status = staffing_->CreatePost(As(Employer()).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // A person registered by kEpci (for `recruitment`, if a candidate).
  static std::string RegisterPerson(const std::string& recruitment = "") {
    v1::CreatePersonRequest request;
    request.mutable_person()->set_organisation(std::string("organisations/") + kEpci);
    request.mutable_person()->set_recruitment(recruitment);
    request.mutable_person()->mutable_identity()->set_given_name("Camille");
    request.mutable_person()->mutable_identity()->set_family_name("Exemple");
    v1::Person person;
    grpc::Status status = persons_->CreatePerson(As(Employer()).get(), request, &person);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return person.name();
  }

  // Proposes a change of personnel on `post` assigning `assignment`, records the CDT's
  // exchange and applies it into `out`; the first failure, if any.
  static grpc::Status TryAssign(const std::string& post, const std::string& change_id,
                                const v1::Assignment& assignment, const google::type::Date& date,
                                v1::Post* out) {
    v1::ProposeChangeRequest propose;
    propose.set_name(post);
    propose.mutable_change()->set_change_id(change_id);
    propose.mutable_change()->set_kind(v1::CHANGE_KIND_PERSONNEL);
    *propose.mutable_change()->mutable_personnel()->add_assign() = assignment;
    grpc::Status status = staffing_->ProposeChange(As(Employer()).get(), propose, out);
    if (!status.ok()) return status;
    v1::RecordCdtExchangeRequest exchange;
    exchange.set_name(post);
    exchange.mutable_exchange()->set_change_id(change_id);
    exchange.mutable_exchange()->set_exchange_id("echange-" + change_id);
    *exchange.mutable_exchange()->mutable_date() = date;
    exchange.mutable_exchange()->set_form(v1::EXCHANGE_FORM_VISIO);
    exchange.mutable_exchange()->set_conclusion("Accord de la CDT sur l'affectation.");
    status = staffing_->RecordCdtExchange(As(Cdt()).get(), exchange, out);
    if (!status.ok()) return status;
    v1::ApplyChangeRequest apply;
    apply.set_name(post);
    apply.set_change_id(change_id);
    *apply.mutable_effective_date() = date;
    return staffing_->ApplyChange(As(Employer()).get(), apply, out);
  }

  // TryAssign, which must succeed; returns the post.
  static v1::Post Assign(const std::string& post, const std::string& change_id,
                         const v1::Assignment& assignment, const google::type::Date& date) {
    v1::Post out;
    grpc::Status status = TryAssign(post, change_id, assignment, date, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // A titulaire assignment of `person` at `etp` from `start`, declaring `activities`.
  static v1::Assignment TitulaireOf(const std::string& id, const std::string& person, int etp,
                                    const google::type::Date& start,
                                    std::vector<std::pair<std::string, int>> activities = {}) {
    v1::Assignment assignment;
    assignment.set_assignment_id(id);
    assignment.set_person(person);
    assignment.set_type(v1::ASSIGNMENT_TYPE_TITULAIRE);
    *assignment.mutable_start_date() = start;
    assignment.set_etp_hundredths(etp);
    for (const auto& [label, activity_etp] : activities) {
      v1::OtherActivity* other = assignment.add_other_activities();
      other->set_label(label);
      other->set_etp_hundredths(activity_etp);
    }
    return assignment;
  }

  // The CDT work queue as `who` sees it.
  static std::vector<v1::CdtTask> WorkQueue(const platform::Principal& who) {
    v1::ListCdtWorkQueueRequest request;
    request.set_page_size(500);
    v1::ListCdtWorkQueueResponse response;
    grpc::Status status = staffing_->ListCdtWorkQueue(As(who).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.tasks().begin(), response.tasks().end()};
  }

  static bool Awaits(const std::vector<v1::CdtTask>& tasks, v1::CdtTaskKind kind,
                     const std::string& resource) {
    for (const v1::CdtTask& task : tasks) {
      if (task.kind() == kind && task.resource() == resource) return true;
    }
    return false;
  }
};

TEST_F(StaffingTest, RecruitmentFromR0ToR12WithTheCafThenTheHireThroughChangeControl) {
  const v1::Post post = CreatePost("orbe-cdc", 100);
  EXPECT_EQ(post.name(), "posts/orbe-cdc");
  EXPECT_EQ(post.status(), v1::POST_STATUS_VACANT);
  EXPECT_TRUE(post.warnings().empty()) << "the six mission areas are covered";

  v1::Post moved;
  v1::TransitionPostRequest recruiting;
  recruiting.set_name(post.name());
  recruiting.set_status(v1::POST_STATUS_EN_RECRUTEMENT);
  ASSERT_TRUE(staffing_->TransitionPost(As(Charge()).get(), recruiting, &moved).ok());
  EXPECT_EQ(moved.status(), v1::POST_STATUS_EN_RECRUTEMENT);

  // R0, by the collectivité.
  v1::OpenRecruitmentRequest open;
  open.set_recruitment_id("orbe-2025");
  open.mutable_recruitment()->set_post(post.name());
  open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_VACANCE);
  *open.mutable_date() = Date(2025, 1, 6);
  v1::Recruitment r;
  grpc::Status status = staffing_->OpenRecruitment(As(Employer()).get(), open, &r);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string name = "recruitments/orbe-2025";
  EXPECT_EQ(r.name(), name);
  EXPECT_EQ(r.ctg(), "ctgs/test-ctg");
  EXPECT_EQ(r.step(), v1::RECRUITMENT_STEP_BESOIN_IDENTIFIE);
  EXPECT_EQ(r.next_step(), v1::RECRUITMENT_STEP_CADRAGE_CDT);
  EXPECT_EQ(r.awaiting(), v1::STAFFING_PARTY_EITHER);
  EXPECT_TRUE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_CADRAGE, name));

  // R1, by the CDT: the jury is ATTENDU, the selection FACULTATIF, the synthesis NON.
  v1::AgreeCadrageRequest cadrage;
  cadrage.set_name(name);
  *cadrage.mutable_date() = Date(2025, 1, 10);
  for (auto [step, level] :
       {std::pair{v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, v1::CAF_INVOLVEMENT_FACULTATIF},
        {v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_ATTENDU},
        {v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, v1::CAF_INVOLVEMENT_NON}}) {
    v1::StepInvolvement* involvement = cadrage.add_involvements();
    involvement->set_step(step);
    involvement->set_involvement(level);
  }
  cadrage.set_fonction("Coordination de la CTG, 1 ETP, rattachée au pôle Famille.");
  ASSERT_TRUE(staffing_->AgreeCadrage(As(Cdt()).get(), cadrage, &r).ok());
  EXPECT_EQ(r.step(), v1::RECRUITMENT_STEP_CADRAGE_CDT);
  EXPECT_EQ(r.involvements_size(), 3);

  // R2 ↔ R3: the fiche de poste loops until the Caf's opinion is favourable.
  v1::SubmitFicheDePosteRequest fiche;
  fiche.set_name(name);
  fiche.set_document("ged://orbe/fiche-de-poste-cdc-v1.pdf");
  *fiche.mutable_date() = Date(2025, 1, 13);
  ASSERT_TRUE(staffing_->SubmitFicheDePoste(As(Charge()).get(), fiche, &r).ok());
  EXPECT_EQ(r.fiche_version(), 1);
  EXPECT_EQ(r.awaiting(), v1::STAFFING_PARTY_CAF);
  EXPECT_TRUE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION, name));

  v1::PublishOfferRequest offer;
  offer.set_name(name);
  *offer.mutable_date() = Date(2025, 1, 14);
  offer.set_channel("emploi-territorial.fr");
  status = staffing_->PublishOffer(As(Employer()).get(), offer, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "CAF_OPINION_REQUIRED");

  v1::GiveCafOpinionOnFicheRequest opinion;
  opinion.set_name(name);
  opinion.set_version(1);
  opinion.set_opinion(v1::CAF_OPINION_RESERVE);
  *opinion.mutable_date() = Date(2025, 1, 15);
  opinion.set_comment("Préciser la mission d'évaluation.");
  // The collectivité cannot give the Caf's opinion: the side comes from the role.
  status = staffing_->GiveCafOpinionOnFiche(As(Employer()).get(), opinion, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(staffing_->GiveCafOpinionOnFiche(As(Cdt()).get(), opinion, &r).ok());
  EXPECT_EQ(r.fiche_opinion(), v1::CAF_OPINION_RESERVE);
  EXPECT_EQ(r.next_step(), v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION);

  fiche.set_document("ged://orbe/fiche-de-poste-cdc-v2.pdf");
  *fiche.mutable_date() = Date(2025, 1, 20);
  ASSERT_TRUE(staffing_->SubmitFicheDePoste(As(Employer()).get(), fiche, &r).ok());
  EXPECT_EQ(r.fiche_version(), 2);
  opinion.set_version(2);
  opinion.set_opinion(v1::CAF_OPINION_FAVORABLE);
  *opinion.mutable_date() = Date(2025, 1, 22);
  ASSERT_TRUE(staffing_->GiveCafOpinionOnFiche(As(Cdt()).get(), opinion, &r).ok());

  // R4.
  *offer.mutable_date() = Date(2025, 1, 23);
  ASSERT_TRUE(staffing_->PublishOffer(As(Employer()).get(), offer, &r).ok());
  v1::CloseApplicationsRequest close;
  close.set_name(name);
  *close.mutable_date() = Date(2025, 2, 21);
  close.set_applications_received(14);
  ASSERT_TRUE(staffing_->CloseApplications(As(Employer()).get(), close, &r).ok());

  // R5 is FACULTATIF: skipped. R6 is ATTENDU: never skipped, and held with the Caf.
  v1::SkipRecruitmentStepRequest skip;
  skip.set_name(name);
  skip.set_step(v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES);
  skip.set_reason("Présélection faite par le jury lui-même.");
  ASSERT_TRUE(staffing_->SkipRecruitmentStep(As(Employer()).get(), skip, &r).ok());
  skip.set_step(v1::RECRUITMENT_STEP_JURY);
  status = staffing_->SkipRecruitmentStep(As(Employer()).get(), skip, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "STEP_REQUIRED");
  EXPECT_EQ(InfoOf(status).metadata().at("involvement"), "CAF_INVOLVEMENT_ATTENDU");
  v1::HoldJuryRequest jury;
  jury.set_name(name);
  *jury.mutable_date() = Date(2025, 3, 4);
  jury.set_candidates_interviewed(4);
  status = staffing_->HoldJury(As(Employer()).get(), jury, &r);
  EXPECT_EQ(InfoOf(status).reason(), "CAF_PARTICIPATION_REQUIRED");
  jury.set_caf_participated(true);
  ASSERT_TRUE(staffing_->HoldJury(As(Employer()).get(), jury, &r).ok());
  // R7 is NON: skipped.
  skip.set_step(v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS);
  skip.set_reason("Synthèse orale en fin de jury.");
  ASSERT_TRUE(staffing_->SkipRecruitmentStep(As(Employer()).get(), skip, &r).ok());
  EXPECT_THAT(r.skipped_steps(), ElementsAre(v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES,
                                             v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS));

  // R8: the employer chooses a registered candidate; the Caf gives its opinion first.
  v1::ChooseCandidateRequest choose;
  choose.set_name(name);
  choose.set_person("persons/unregistered-0001");
  *choose.mutable_date() = Date(2025, 3, 5);
  status = staffing_->ChooseCandidate(As(Employer()).get(), choose, &r);
  EXPECT_EQ(InfoOf(status).reason(), "PERSON_NOT_FOUND");
  const std::string candidate = RegisterPerson(name);
  choose.set_person(candidate);
  ASSERT_TRUE(staffing_->ChooseCandidate(As(Employer()).get(), choose, &r).ok());
  EXPECT_EQ(r.candidate(), candidate);
  EXPECT_TRUE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_CANDIDATE_OPINION, name));

  v1::TakeEmployerDecisionRequest decision;
  decision.set_name(name);
  decision.set_person(candidate);
  *decision.mutable_date() = Date(2025, 3, 10);
  status = staffing_->TakeEmployerDecision(As(Employer()).get(), decision, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "CAF_OPINION_REQUIRED");

  v1::GiveCafOpinionOnCandidateRequest on_candidate;
  on_candidate.set_name(name);
  on_candidate.set_person(candidate);
  on_candidate.set_opinion(v1::CAF_OPINION_FAVORABLE);
  *on_candidate.mutable_date() = Date(2025, 3, 7);
  ASSERT_TRUE(staffing_->GiveCafOpinionOnCandidate(As(Cdt()).get(), on_candidate, &r).ok());
  EXPECT_EQ(r.candidate_opinion(), v1::CAF_OPINION_FAVORABLE);
  EXPECT_FALSE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_CANDIDATE_OPINION, name));

  // R9 is the employer's alone: the CDT cannot take it.
  status = staffing_->TakeEmployerDecision(As(Cdt()).get(), decision, &r);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(staffing_->TakeEmployerDecision(As(Employer()).get(), decision, &r).ok());

  // R10.
  v1::HirePersonRequest hire;
  hire.set_name(name);
  hire.set_person(candidate);
  *hire.mutable_contract_date() = Date(2025, 3, 20);
  *hire.mutable_start_date() = Date(2025, 4, 1);
  ASSERT_TRUE(staffing_->HirePerson(As(Employer()).get(), hire, &r).ok());
  EXPECT_EQ(r.hired_person(), candidate);

  // The hire through change control: proposed, discussed with the CDT, applied.
  v1::Assignment titulaire = TitulaireOf("titulaire-2025", candidate, 100, Date(2025, 4, 1));
  titulaire.set_recruitment(name);
  const v1::Post held = Assign(post.name(), "embauche-2025", titulaire, Date(2025, 4, 1));
  EXPECT_EQ(held.status(), v1::POST_STATUS_POURVU);
  EXPECT_THAT(held.holders(), ElementsAre(candidate));
  ASSERT_EQ(held.changes_size(), 1);
  EXPECT_EQ(held.changes(0).state(), v1::CHANGE_STATE_APPLIED);
  EXPECT_EQ(held.changes(0).exchanges(0).cdt(), "cdt-1");

  // R11, R12.
  v1::CompleteIntegrationRequest integration;
  integration.set_name(name);
  *integration.mutable_date() = Date(2025, 4, 30);
  *integration.mutable_cdt_meeting_date() = Date(2025, 4, 8);
  *integration.mutable_copil_presentation_date() = Date(2025, 4, 24);
  ASSERT_TRUE(staffing_->CompleteIntegration(As(Employer()).get(), integration, &r).ok());
  v1::CloseRecruitmentRequest done;
  done.set_name(name);
  *done.mutable_date() = Date(2025, 5, 2);
  ASSERT_TRUE(staffing_->CloseRecruitment(As(Employer()).get(), done, &r).ok());
  EXPECT_EQ(r.status(), v1::RECRUITMENT_STATUS_TERMINE);
  EXPECT_EQ(r.step(), v1::RECRUITMENT_STEP_EN_POSTE);
  EXPECT_EQ(r.awaiting(), v1::STAFFING_PARTY_UNSPECIFIED);

  // The open recruitments of the CTG no longer list it; the closed ones do.
  v1::ListRecruitmentsRequest list;
  list.set_ctg("ctgs/test-ctg");
  list.set_status(v1::RECRUITMENT_STATUS_EN_COURS);
  v1::ListRecruitmentsResponse open_ones;
  ASSERT_TRUE(staffing_->ListRecruitments(As(Cdt()).get(), list, &open_ones).ok());
  for (const v1::Recruitment& each : open_ones.recruitments()) EXPECT_NE(each.name(), name);
  list.set_status(v1::RECRUITMENT_STATUS_TERMINE);
  v1::ListRecruitmentsResponse closed;
  ASSERT_TRUE(staffing_->ListRecruitments(As(Commission()).get(), list, &closed).ok());
  ASSERT_EQ(closed.recruitments_size(), 1);
  EXPECT_EQ(closed.recruitments(0).name(), name);

  // The whole recruitment is in its stream, each step by its side.
  v1::ListEventsRequest history;
  history.set_stream("recruitment-orbe-2025");
  history.set_page_size(100);
  v1::ListEventsResponse events;
  ASSERT_TRUE(audit_->ListEvents(As(Cdt()).get(), history, &events).ok());
  std::vector<std::string> types;
  for (const v1::AuditEvent& event : events.events()) types.push_back(event.type());
  EXPECT_THAT(types, ElementsAre("ctg.v1.RecruitmentOpened", "ctg.v1.RecruitmentCadrageAgreed",
                                 "ctg.v1.FicheDePosteSubmitted", "ctg.v1.CafOpinionOnFicheGiven",
                                 "ctg.v1.FicheDePosteSubmitted", "ctg.v1.CafOpinionOnFicheGiven",
                                 "ctg.v1.OfferPublished", "ctg.v1.ApplicationsClosed",
                                 "ctg.v1.RecruitmentStepSkipped", "ctg.v1.JuryHeld",
                                 "ctg.v1.RecruitmentStepSkipped", "ctg.v1.CandidateChosen",
                                 "ctg.v1.CafOpinionOnCandidateGiven",
                                 "ctg.v1.EmployerDecisionTaken", "ctg.v1.PersonHired",
                                 "ctg.v1.IntegrationCompleted", "ctg.v1.RecruitmentClosed"));
  EXPECT_EQ(events.events(3).metadata().actor().role(), v1::ROLE_CAF_CDT);
  EXPECT_EQ(events.events(13).metadata().actor().role(), v1::ROLE_COLLECTIVITE_ADMIN);
  EXPECT_EQ(events.events(8).metadata().reason(), "Présélection faite par le jury lui-même.");
}

TEST_F(StaffingTest, AReplacementBeyondFullTimeIsRefusedUnlessAnotherActivityIsReduced) {
  // The person holds 0.60 ETP on one post and declares 0.40 ETP of another activity.
  const v1::Post first = CreatePost("val-a", 60);
  const std::string person = RegisterPerson();
  const v1::Assignment assignment = TitulaireOf("titulaire-val-a", person, 60, Date(2025, 2, 1),
                                               {{"Coordination enfance-jeunesse", 40}});
  ASSERT_EQ(Assign(first.name(), "affectation-val-a", assignment, Date(2025, 2, 1)).status(),
            v1::POST_STATUS_POURVU);

  // A 0.20 ETP replacement on another post would take them to 1.20 ETP.
  const v1::Post second = CreatePost("val-b", 100);
  v1::RequestReplacementRequest request;
  request.set_replacement_id("remplacement-val-b");
  request.mutable_replacement()->set_post(second.name());
  request.mutable_replacement()->set_person(person);
  request.mutable_replacement()->set_etp_hundredths(20);
  *request.mutable_replacement()->mutable_start_date() = Date(2025, 6, 1);
  v1::Replacement replacement;
  grpc::Status status = staffing_->RequestReplacement(As(Employer()).get(), request, &replacement);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const google::rpc::ErrorInfo info = InfoOf(status);
  EXPECT_EQ(info.reason(), "ETP_EXCEEDED");
  EXPECT_EQ(info.metadata().at("total"), "1.20");
  EXPECT_EQ(info.metadata().at("limit"), "1.00");
  EXPECT_EQ(info.metadata().at("rule"), "R-5");

  // Reducing the other activity by the replacement's time makes it possible.
  request.mutable_replacement()->mutable_reduction()->set_activity("Coordination enfance-jeunesse");
  request.mutable_replacement()->mutable_reduction()->set_etp_hundredths(20);
  status = staffing_->RequestReplacement(As(Employer()).get(), request, &replacement);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replacement.status(), v1::REPLACEMENT_STATUS_DEMANDE);
  EXPECT_TRUE(
      Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION, replacement.name()));

  // It starts only once the Caf validated it; the validation is the CDT's.
  v1::StartReplacementRequest start;
  start.set_name(replacement.name());
  *start.mutable_start_date() = Date(2025, 6, 1);
  status = staffing_->StartReplacement(As(Employer()).get(), start, &replacement);
  EXPECT_EQ(InfoOf(status).reason(), "CAF_VALIDATION_REQUIRED");
  v1::ValidateReplacementRequest validate;
  validate.set_name(replacement.name());
  *validate.mutable_date() = Date(2025, 5, 20);
  EXPECT_EQ(
      staffing_->ValidateReplacement(As(Employer()).get(), validate, &replacement).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(staffing_->ValidateReplacement(As(Cdt()).get(), validate, &replacement).ok());
  EXPECT_EQ(replacement.validation().cdt(), "cdt-1");
  ASSERT_TRUE(staffing_->StartReplacement(As(Employer()).get(), start, &replacement).ok());
  EXPECT_EQ(replacement.status(), v1::REPLACEMENT_STATUS_EN_COURS);
}

TEST_F(StaffingTest, AnActivityDeclaredWithOneAssignmentCountsForEveryOther) {
  // X works 0.50 ETP on post c1 and declares 0.40 ETP of another activity there.
  const std::string person = RegisterPerson();
  const v1::Post c1 = CreatePost("val-c1", 50);
  Assign(c1.name(), "affectation-c1",
         TitulaireOf("titulaire-c1", person, 50, Date(2025, 2, 1),
                     {{"Coordination enfance-jeunesse", 40}}),
         Date(2025, 2, 1));

  // 0.50 ETP more on post c2, declaring nothing, would be 1.40 ETP in all.
  const v1::Post c2 = CreatePost("val-c2", 50);
  v1::Post out;
  grpc::Status status = TryAssign(c2.name(), "affectation-c2",
                                  TitulaireOf("titulaire-c2", person, 50, Date(2025, 3, 3)),
                                  Date(2025, 3, 3), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  const google::rpc::ErrorInfo info = InfoOf(status);
  EXPECT_EQ(info.reason(), "ETP_EXCEEDED");
  EXPECT_EQ(info.metadata().at("total"), "1.40");
  EXPECT_EQ(info.metadata().at("rule"), "R-13");

  // 0.10 ETP fits (1.00 in all); the activity stays the person's, so a replacement that
  // reduces it by its own time finds it, though the latest assignment declared nothing.
  ASSERT_TRUE(TryAssign(c2.name(), "affectation-c2-bis",
                        TitulaireOf("titulaire-c2-bis", person, 10, Date(2025, 3, 3)),
                        Date(2025, 3, 3), &out)
                  .ok());
  const v1::Post c3 = CreatePost("val-c3", 100);
  v1::RequestReplacementRequest request;
  request.set_replacement_id("remplacement-val-c3");
  request.mutable_replacement()->set_post(c3.name());
  request.mutable_replacement()->set_person(person);
  request.mutable_replacement()->set_etp_hundredths(20);
  *request.mutable_replacement()->mutable_start_date() = Date(2025, 6, 1);
  request.mutable_replacement()->mutable_reduction()->set_activity("Coordination enfance-jeunesse");
  request.mutable_replacement()->mutable_reduction()->set_etp_hundredths(20);
  v1::Replacement replacement;
  status = staffing_->RequestReplacement(As(Employer()).get(), request, &replacement);
  ASSERT_TRUE(status.ok()) << status.error_message() << " " << InfoOf(status).reason();
  EXPECT_EQ(replacement.status(), v1::REPLACEMENT_STATUS_DEMANDE);
}

TEST_F(StaffingTest, AChangeNeedsAnExchangeWithTheCdtAndTheHistoryShowsTheWholeChain) {
  const v1::Post post = CreatePost("chain-post", 80);
  v1::ProposeChangeRequest propose;
  propose.set_name(post.name());
  propose.set_reason("Recentrer le poste sur la petite enfance et la parentalité.");
  propose.mutable_change()->set_change_id("thematiques-2025");
  propose.mutable_change()->set_kind(v1::CHANGE_KIND_THEMATIQUE);
  propose.mutable_change()->mutable_thematiques()->add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
  propose.mutable_change()->mutable_thematiques()->add_thematiques(v1::THEMATIQUE_PARENTALITE);
  v1::Post out;
  ASSERT_TRUE(staffing_->ProposeChange(As(Charge()).get(), propose, &out).ok());
  const std::string change = "posts/chain-post/changes/thematiques-2025";
  EXPECT_TRUE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_CDT_EXCHANGE, change));

  // Without an exchange with the CDT, it is not applied.
  v1::ApplyChangeRequest apply;
  apply.set_name(post.name());
  apply.set_change_id("thematiques-2025");
  *apply.mutable_effective_date() = Date(2025, 9, 1);
  grpc::Status status = staffing_->ApplyChange(As(Employer()).get(), apply, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InfoOf(status).reason(), "CDT_EXCHANGE_REQUIRED");
  EXPECT_EQ(InfoOf(status).metadata().at("rule"), "R-6");

  // The collectivité records the exchange: the CTG's CDT is stamped on it.
  v1::RecordCdtExchangeRequest exchange;
  exchange.set_name(post.name());
  exchange.mutable_exchange()->set_change_id("thematiques-2025");
  exchange.mutable_exchange()->set_exchange_id("reunion-juin");
  exchange.mutable_exchange()->set_cdt("someone-else");  // ignored: set by the server
  *exchange.mutable_exchange()->mutable_date() = Date(2025, 6, 12);
  exchange.mutable_exchange()->set_form(v1::EXCHANGE_FORM_REUNION);
  exchange.mutable_exchange()->set_conclusion("La CDT valide le recentrage thématique.");
  ASSERT_TRUE(staffing_->RecordCdtExchange(As(Charge()).get(), exchange, &out).ok());
  ASSERT_EQ(out.changes(0).exchanges_size(), 1);
  EXPECT_EQ(out.changes(0).exchanges(0).cdt(), "cdt-1");
  EXPECT_FALSE(Awaits(WorkQueue(Cdt()), v1::CDT_TASK_KIND_CDT_EXCHANGE, change));

  status = staffing_->ApplyChange(As(Employer()).get(), apply, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(out.thematiques(),
              ElementsAre(v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_PARENTALITE));
  EXPECT_EQ(out.changes(0).state(), v1::CHANGE_STATE_APPLIED);
  const std::string exchange_name = change + "/exchanges/reunion-juin";
  EXPECT_EQ(out.changes(0).applied_exchange(), exchange_name);

  // The post's history: created, proposed, discussed, applied, and the new thématiques.
  v1::ListEventsRequest history;
  history.set_stream("post-chain-post");
  v1::ListEventsResponse events;
  ASSERT_TRUE(audit_->ListEvents(As(Cdt()).get(), history, &events).ok());
  std::vector<std::string> types;
  for (const v1::AuditEvent& event : events.events()) types.push_back(event.type());
  ASSERT_THAT(types, ElementsAre("ctg.v1.PostCreated", "ctg.v1.ChangeProposed",
                                 "ctg.v1.CdtExchangeRecorded", "ctg.v1.ChangeApplied",
                                 "ctg.v1.PostThematiquesChanged"));
  EXPECT_EQ(events.events(1).metadata().reason(),
            "Recentrer le poste sur la petite enfance et la parentalité.");
  EXPECT_EQ(events.events(1).metadata().actor().role(), v1::ROLE_CHARGE_COOPERATION);
  const v1::AuditEvent& applied = events.events(3);
  EXPECT_THAT(applied.payload_json(), HasSubstr("\"exchange_id\":\"reunion-juin\""));
  EXPECT_EQ(applied.metadata().cdt_exchange(), exchange_name);
  EXPECT_EQ(applied.metadata().actor().role(), v1::ROLE_COLLECTIVITE_ADMIN);
  EXPECT_EQ(events.events(4).metadata().cdt_exchange(), exchange_name);
  EXPECT_THAT(events.events(4).payload_json(), HasSubstr("\"change_id\":\"thematiques-2025\""));
  EXPECT_THAT(events.events(2).tags(), ::testing::Contains("subject:cdt-1"));
  // The employer audits its own post's history; another collectivité learns nothing of it.
  v1::ListEventsResponse employer_view;
  ASSERT_TRUE(audit_->ListEvents(As(Employer()).get(), history, &employer_view).ok());
  EXPECT_EQ(employer_view.events_size(), events.events_size());
  EXPECT_EQ(audit_->ListEvents(As(OtherEmployer()).get(), history, &employer_view).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The commission's query: every change applied in the period, with its exchange.
  v1::ListChangesRequest query;
  *query.mutable_start_date() = Date(2025, 9, 1);
  *query.mutable_end_date() = Date(2025, 9, 30);
  v1::ListChangesResponse changes;
  ASSERT_TRUE(staffing_->ListChanges(As(Commission()).get(), query, &changes).ok());
  ASSERT_EQ(changes.changes_size(), 1);
  EXPECT_EQ(changes.changes(0).name(), change);
  EXPECT_EQ(changes.changes(0).ctg(), "ctgs/test-ctg");
  EXPECT_EQ(changes.changes(0).proposal().kind(), v1::CHANGE_KIND_THEMATIQUE);
  EXPECT_EQ(changes.changes(0).exchange().conclusion(), "La CDT valide le recentrage thématique.");
  EXPECT_EQ(changes.changes(0).exchange_name(), exchange_name);
  *query.mutable_start_date() = Date(2025, 9, 2);
  ASSERT_TRUE(staffing_->ListChanges(As(Commission()).get(), query, &changes).ok());
  EXPECT_EQ(changes.changes_size(), 0);

  // The commission reads, and writes nothing.
  propose.mutable_change()->set_change_id("commission-essai");
  status = staffing_->ProposeChange(As(Commission()).get(), propose, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StaffingTest, FundingPerYearIdempotencyEtagsAndTheCommissionGrid) {
  // A bad request names the request's fields.
  v1::CreatePostRequest bad;
  bad.set_post_id("grid-post");
  bad.mutable_post()->set_ctg("ctgs/test-ctg");
  bad.mutable_post()->set_employer(std::string("organisations/") + kEpci);
  bad.mutable_post()->set_etp_hundredths(140);
  v1::Post post;
  grpc::Status status = staffing_->CreatePost(As(Employer()).get(), bad, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("post.etp_hundredths"));
  post = CreatePost("grid-post", 80);

  // The Caf funds a year only once the employer co-finances it (R-1a).
  v1::RecordCafFundingRequest funding;
  funding.set_name(post.name());
  funding.mutable_funding()->set_year(2025);
  funding.mutable_funding()->set_scheme(v1::FUNDING_SCHEME_BONUS_TERRITOIRE);
  funding.mutable_funding()->set_amount_cents(2'400'000);
  funding.mutable_funding()->set_rate_basis_points(5000);
  *funding.mutable_funding()->mutable_decision_date() = Date(2025, 3, 14);
  funding.mutable_funding()->set_decision_reference("CCTG-2025-014");
  status = staffing_->RecordCafFunding(As(Cdt()).get(), funding, &post);
  EXPECT_EQ(InfoOf(status).reason(), "COFINANCING_REQUIRED");

  v1::RecordCofinancingRequest cofinancing;
  cofinancing.set_name(post.name());
  cofinancing.set_request_id("6f1c1e0a-6d0b-4c53-9a0e-2d7c5d1f0a11");
  cofinancing.mutable_cofinancing()->set_year(2025);
  cofinancing.mutable_cofinancing()->set_amount_cents(2'400'000);
  cofinancing.mutable_cofinancing()->set_rate_basis_points(5000);
  v1::Post first;
  ASSERT_TRUE(staffing_->RecordCofinancing(As(Employer()).get(), cofinancing, &first).ok());
  v1::Post retried;
  ASSERT_TRUE(staffing_->RecordCofinancing(As(Employer()).get(), cofinancing, &retried).ok());
  EXPECT_EQ(retried.etag(), first.etag()) << "a retried request_id returns the first result";

  funding.set_etag("r0");  // stale: the post changed since its creation
  status = staffing_->RecordCafFunding(As(Cdt()).get(), funding, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  funding.set_etag(first.etag());
  EXPECT_EQ(staffing_->RecordCafFunding(As(Employer()).get(), funding, &post).error_code(),
            grpc::StatusCode::PERMISSION_DENIED)
      << "the Caf's funding is the Caf's";
  status = staffing_->RecordCafFunding(As(Cdt()).get(), funding, &post);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(post.caf_funding_size(), 1);
  EXPECT_EQ(post.caf_funding(0).amount_cents(), 2'400'000);

  // Posts per CTG, with holders, ETP, thématiques and funding (query 4), in the BASIC view.
  v1::ListPostsRequest list;
  list.set_ctg("ctgs/test-ctg");
  list.set_page_size(500);
  v1::ListPostsResponse listed;
  ASSERT_TRUE(staffing_->ListPosts(As(Commission()).get(), list, &listed).ok());
  bool found = false;
  for (const v1::Post& each : listed.posts()) {
    EXPECT_EQ(each.ctg(), "ctgs/test-ctg");
    EXPECT_TRUE(each.changes().empty()) << "BASIC view";
    if (each.name() != "posts/grid-post") continue;
    found = true;
    EXPECT_EQ(each.etp_hundredths(), 80);
    EXPECT_EQ(each.cofinancing_size(), 1);
    EXPECT_EQ(each.caf_funding_size(), 1);
  }
  EXPECT_TRUE(found);
}

TEST_F(StaffingTest, AnotherCollectiviteNeitherSeesNorTouchesThePosts) {
  const auto other = OtherEmployer();
  v1::GetPostRequest get;
  get.set_name("posts/test-post");
  v1::Post post;
  grpc::Status status = staffing_->GetPost(As(other).get(), get, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "posts/test-post not found");

  v1::ListPostsRequest list;
  v1::ListPostsResponse listed;
  ASSERT_TRUE(staffing_->ListPosts(As(other).get(), list, &listed).ok());
  for (const v1::Post& each : listed.posts()) EXPECT_EQ(each.ctg(), "ctgs/other-ctg");
  list.set_ctg("ctgs/test-ctg");
  EXPECT_EQ(staffing_->ListPosts(As(other).get(), list, &listed).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::TransitionPostRequest transition;
  transition.set_name("posts/test-post");
  transition.set_status(v1::POST_STATUS_SUSPENDU);
  transition.set_reason("essai");
  status = staffing_->TransitionPost(As(other).get(), transition, &post);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "posts/test-post not found");

  v1::ProposeChangeRequest propose;
  propose.set_name("posts/test-post");
  propose.mutable_change()->set_change_id("intrusion");
  propose.mutable_change()->set_kind(v1::CHANGE_KIND_ORGANISATION);
  propose.mutable_change()->mutable_organisation()->set_etp_hundredths(50);
  EXPECT_EQ(staffing_->ProposeChange(As(other).get(), propose, &post).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::OpenRecruitmentRequest open;
  open.mutable_recruitment()->set_post("posts/test-post");
  open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_VACANCE);
  *open.mutable_date() = Date(2025, 2, 1);
  v1::Recruitment recruitment;
  status = staffing_->OpenRecruitment(As(other).get(), open, &recruitment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "posts/test-post not found");

  v1::GetRecruitmentRequest get_recruitment;
  get_recruitment.set_name("recruitments/test-recruitment");
  EXPECT_EQ(staffing_->GetRecruitment(As(other).get(), get_recruitment, &recruitment).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetReplacementRequest get_replacement;
  get_replacement.set_name("replacements/test-replacement");
  v1::Replacement replacement;
  EXPECT_EQ(staffing_->GetReplacement(As(other).get(), get_replacement, &replacement).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Nor can it create a post on a CTG it does not sign, for itself or for another.
  for (const char* employer : {kOtherEpci, kEpci}) {
    v1::CreatePostRequest create;
    create.set_post_id("intrus");
    create.mutable_post()->set_ctg("ctgs/test-ctg");
    create.mutable_post()->set_employer(std::string("organisations/") + employer);
    create.mutable_post()->set_etp_hundredths(100);
    status = staffing_->CreatePost(As(other).get(), create, &post);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), "ctgs/test-ctg not found");
  }

  // A co-signatory commune reads the CTG's post but does not act as its employer.
  const auto commune = Person("dgs-commune", kCommune, Role::kCollectiviteAdmin);
  ASSERT_TRUE(staffing_->GetPost(As(commune).get(), get, &post).ok());
  EXPECT_EQ(staffing_->TransitionPost(As(commune).get(), transition, &post).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StaffingTest, TheCdtWorkQueueIsTheirPortfolioAndTheCommissionSeesAll) {
  // The fixture opened a recruitment and requested a replacement on each CTG.
  const std::vector<v1::CdtTask> cdt = WorkQueue(Cdt());
  EXPECT_TRUE(Awaits(cdt, v1::CDT_TASK_KIND_CADRAGE, "recruitments/test-recruitment"));
  EXPECT_TRUE(
      Awaits(cdt, v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION, "replacements/test-replacement"));
  for (const v1::CdtTask& task : cdt) {
    EXPECT_EQ(task.ctg(), "ctgs/test-ctg") << task.resource();
    EXPECT_EQ(task.cdt(), "cdt-1");
  }
  for (const auto& who : {Admin(), Commission()}) {
    const std::vector<v1::CdtTask> all = WorkQueue(who);
    EXPECT_TRUE(Awaits(all, v1::CDT_TASK_KIND_CADRAGE, "recruitments/other-recruitment"));
    EXPECT_TRUE(
        Awaits(all, v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION, "replacements/other-replacement"));
  }

  // A page at a time, with a token.
  v1::ListCdtWorkQueueRequest request;
  request.set_page_size(1);
  v1::ListCdtWorkQueueResponse page;
  ASSERT_TRUE(staffing_->ListCdtWorkQueue(As(Admin()).get(), request, &page).ok());
  ASSERT_EQ(page.tasks_size(), 1);
  ASSERT_FALSE(page.next_page_token().empty());
  const std::string first = page.tasks(0).resource();
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(staffing_->ListCdtWorkQueue(As(Admin()).get(), request, &page).ok());
  ASSERT_EQ(page.tasks_size(), 1);
  EXPECT_GT(page.tasks(0).resource(), first);

  // The collectivité's own work is not the Caf's queue.
  v1::ListCdtWorkQueueRequest mine;
  v1::ListCdtWorkQueueResponse refused;
  EXPECT_EQ(staffing_->ListCdtWorkQueue(As(Employer()).get(), mine, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace ctg::testing
