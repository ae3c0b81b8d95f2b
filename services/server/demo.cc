#include "services/server/demo.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/staffing.grpc.pb.h"
#include "services/platform/command.h"

namespace ctg::server {
namespace {

using platform::Principal;
using platform::Role;

// Fictional SIRENs (valid Luhn check digits) of the demo département "Valmont".
constexpr char kCaf[] = "779000017";
constexpr char kDepartement[] = "229900014";
constexpr char kValOrbe[] = "249900028";
constexpr char kSaintAubin[] = "219900032";
constexpr char kMontclar[] = "219900040";
constexpr char kTroisVallees[] = "249900051";
constexpr char kMsa[] = "779900075";
constexpr char kFamillesRurales[] = "789900081";

std::string Org(absl::string_view siren) { return absl::StrCat("organisations/", siren); }

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Runs the demo's calls; each has a fixed request id, so a second run replays.
class Loader {
 public:
  Loader(const std::shared_ptr<grpc::Channel>& channel,
         const std::function<std::string(const std::string&)>& token_for)
      : partners_(v1::PartnersService::NewStub(channel)),
        plans_(v1::PlansService::NewStub(channel)),
        token_for_(token_for) {}

  absl::Status Organisation(const std::string& siren, v1::OrganisationType type,
                            const std::string& name, int64_t population,
                            const std::string& epci = "") {
    v1::CreateOrganisationRequest request;
    v1::Organisation* org = request.mutable_organisation();
    org->set_siren(siren);
    org->set_type(type);
    org->set_display_name(name);
    org->set_departement("99");
    if (population > 0) {
      org->mutable_population()->set_value(population);
      org->mutable_population()->set_year(2022);
      org->mutable_population()->set_kind(v1::Population::KIND_TOTALE);
    }
    if (!epci.empty()) org->set_epci(Org(epci));
    request.set_request_id(RequestId(absl::StrCat("org/", siren)));
    v1::Organisation response;
    return Call("caf-admin", absl::StrCat("register ", name), [&](grpc::ClientContext* c) {
      return partners_->CreateOrganisation(c, request, &response);
    });
  }

  template <typename Request>
  absl::Status Plans(const std::string& as, const std::string& what,
                     grpc::Status (v1::PlansService::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, v1::Ctg*),
                     Request request) {
    request.set_request_id(RequestId(what));
    v1::Ctg response;
    return Call(as, what, [&](grpc::ClientContext* c) {
      return (plans_.get()->*method)(c, request, &response);
    });
  }

  // Any call of `stub` as `as`, with the fixed request id of `what` when the request has one.
  template <typename Stub, typename Request, typename Response>
  absl::Status Invoke(const std::string& as, const std::string& what, Stub& stub,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                   Response*),
                      Request request, Response* response) {
    if constexpr (requires { request.set_request_id(std::string()); }) {
      request.set_request_id(RequestId(what));
    }
    return Call(as, what, [&](grpc::ClientContext* c) { return (stub.*method)(c, request, response); });
  }

 private:
  static std::string RequestId(absl::string_view step) {
    return eventstore::EventIdToString(platform::EventIdFor("ctg-demo", step, 0));
  }

  template <typename Fn>
  absl::Status Call(const std::string& as, const std::string& what, Fn fn) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token_for_(as)));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = fn(&context);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("demo: ", what, " (as ", as, "): ", status.error_message()));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<v1::PartnersService::Stub> partners_;
  std::unique_ptr<v1::PlansService::Stub> plans_;
  const std::function<std::string(const std::string&)>& token_for_;
};

v1::TransitionCtgRequest Transition(const std::string& ctg, v1::CtgState state) {
  v1::TransitionCtgRequest request;
  request.set_name(ctg);
  request.set_state(state);
  return request;
}

}  // namespace

const std::vector<DemoPrincipal>& DemoPrincipals() {
  static const auto* principals = new std::vector<DemoPrincipal>{
      {"caf-admin", Principal{"demo-caf-admin", kCaf, {Role::kCafAdmin}},
       "administrator of the Caf de Valmont"},
      {"cdt", Principal{"demo-cdt-val-orbe", kCaf, {Role::kCafCdt}},
       "the Caf's CDT following the CTG du Val d'Orbe"},
      {"commission", Principal{"demo-commission", kCaf, {Role::kCafCommission}},
       "a member of the Caf's commission CTG (reads everything)"},
      {"collectivite-admin", Principal{"demo-admin-val-orbe", kValOrbe, {Role::kCollectiviteAdmin}},
       "administrator of the CC du Val d'Orbe"},
      {"charge-cooperation",
       Principal{"demo-cdc-val-orbe", kValOrbe, {Role::kChargeCooperation}},
       "the chargé de coopération of the CC du Val d'Orbe"},
      {"elu", Principal{"demo-elu-saint-aubin", kSaintAubin, {Role::kElu}},
       "an élue of Saint-Aubin-sur-Orbe"},
      {"partner", Principal{"demo-msa", kMsa, {Role::kPartner}},
       "the MSA Valmont-Orbe, a partner signatory"},
  };
  return *principals;
}

absl::Status LoadDemo(const std::shared_ptr<grpc::Channel>& channel,
                      const std::function<std::string(const std::string& name)>& token_for) {
  Loader load(channel, token_for);
  using S = v1::PlansService::Stub;
  const absl::Status steps[] = {
      load.Organisation(kCaf, v1::ORGANISATION_TYPE_CAF, "Caf de Valmont", 0),
      load.Organisation(kDepartement, v1::ORGANISATION_TYPE_DEPARTEMENT,
                        "Conseil départemental de Valmont", 412000),
      load.Organisation(kValOrbe, v1::ORGANISATION_TYPE_EPCI,
                        "Communauté de communes du Val d'Orbe", 23480),
      load.Organisation(kSaintAubin, v1::ORGANISATION_TYPE_COMMUNE, "Saint-Aubin-sur-Orbe", 6120,
                        kValOrbe),
      load.Organisation(kMontclar, v1::ORGANISATION_TYPE_COMMUNE, "Montclar-le-Haut", 1840,
                        kValOrbe),
      load.Organisation(kTroisVallees, v1::ORGANISATION_TYPE_EPCI,
                        "Communauté d'agglomération des Trois Vallées", 58900),
      load.Organisation(kMsa, v1::ORGANISATION_TYPE_MSA, "MSA Valmont-Orbe", 0),
      load.Organisation(kFamillesRurales, v1::ORGANISATION_TYPE_ASSOCIATION,
                        "Familles rurales du Val d'Orbe", 0),
  };
  for (const absl::Status& step : steps) {
    if (!step.ok()) return step;
  }

  // CTG 1: the Val d'Orbe's, signed and active, followed by the demo CDT.
  const std::string val_orbe = "ctgs/val-orbe-2025";
  {
    v1::CreateCtgRequest create;
    create.set_ctg_id("val-orbe-2025");
    v1::Ctg* ctg = create.mutable_ctg();
    ctg->set_title("CTG du Val d'Orbe 2025-2029");
    ctg->set_caf(Org(kCaf));
    ctg->set_porteur(Org(kValOrbe));
    *ctg->mutable_start_date() = Date(2025, 1, 1);
    *ctg->mutable_end_date() = Date(2029, 12, 31);
    for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_ENFANCE,
                             v1::THEMATIQUE_JEUNESSE, v1::THEMATIQUE_PARENTALITE,
                             v1::THEMATIQUE_ANIMATION_VIE_SOCIALE,
                             v1::THEMATIQUE_ACCES_AUX_DROITS}) {
      ctg->add_thematiques(t);
    }
    if (auto s = load.Plans("caf-admin", "draft val-orbe", &S::CreateCtg, create); !s.ok()) {
      return s;
    }
  }
  const std::pair<const char*, v1::SignatoryRole> signatories[] = {
      {kSaintAubin, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE},
      {kMontclar, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE},
      {kMsa, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE},
      {kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE},
  };
  for (const auto& [siren, role] : signatories) {
    v1::AddSignatoryRequest add;
    add.set_name(val_orbe);
    add.mutable_signatory()->set_organisation(Org(siren));
    add.mutable_signatory()->set_role(role);
    if (auto s = load.Plans("caf-admin", absl::StrCat("sign-up ", siren), &S::AddSignatory, add);
        !s.ok()) {
      return s;
    }
  }
  {
    v1::AssignCdtRequest assign;
    assign.set_name(val_orbe);
    assign.set_cdt("demo-cdt-val-orbe");
    if (auto s = load.Plans("caf-admin", "assign cdt val-orbe", &S::AssignCdt, assign); !s.ok()) {
      return s;
    }
  }
  for (v1::CtgState state : {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE,
                             v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION,
                             v1::CTG_STATE_EN_SIGNATURE}) {
    if (auto s = load.Plans("cdt", absl::StrCat("val-orbe to ", v1::CtgState_Name(state)),
                            &S::TransitionCtg, Transition(val_orbe, state));
        !s.ok()) {
      return s;
    }
  }
  const std::pair<const char*, const char*> deliberations[] = {
      {kValOrbe, "2024-112"}, {kSaintAubin, "2024-37"}, {kMontclar, "2024-15"}};
  for (const auto& [siren, number] : deliberations) {
    v1::RecordDeliberationRequest record;
    record.set_name(val_orbe);
    record.set_organisation(Org(siren));
    record.mutable_deliberation()->set_instance(siren == std::string(kValOrbe)
                                                    ? "Conseil communautaire"
                                                    : "Conseil municipal");
    *record.mutable_deliberation()->mutable_date() = Date(2024, 12, 9);
    record.mutable_deliberation()->set_number(number);
    // The collectivité records its own deliberation; the CDT those of its member communes.
    const std::string as = siren == std::string(kValOrbe) ? "collectivite-admin" : "cdt";
    if (auto s = load.Plans(as, absl::StrCat("deliberation ", siren), &S::RecordDeliberation,
                            record);
        !s.ok()) {
      return s;
    }
  }
  for (const char* siren : {kCaf, kValOrbe, kSaintAubin, kMontclar, kMsa, kDepartement}) {
    v1::RecordSignatureRequest sign;
    sign.set_name(val_orbe);
    sign.set_organisation(Org(siren));
    *sign.mutable_signature_date() = Date(2024, 12, 18);
    if (auto s = load.Plans("cdt", absl::StrCat("signature ", siren), &S::RecordSignature, sign);
        !s.ok()) {
      return s;
    }
  }
  if (auto s = load.Plans("cdt", "val-orbe active", &S::TransitionCtg,
                          Transition(val_orbe, v1::CTG_STATE_ACTIVE));
      !s.ok()) {
    return s;
  }

  // CTG 2: the Trois Vallées', in diagnostic, with too few thématiques so far (R-7 warning).
  const std::string trois_vallees = "ctgs/trois-vallees-2026";
  {
    v1::CreateCtgRequest create;
    create.set_ctg_id("trois-vallees-2026");
    v1::Ctg* ctg = create.mutable_ctg();
    ctg->set_title("CTG des Trois Vallées 2026-2029");
    ctg->set_caf(Org(kCaf));
    ctg->set_porteur(Org(kTroisVallees));
    *ctg->mutable_start_date() = Date(2026, 1, 1);
    *ctg->mutable_end_date() = Date(2029, 12, 31);
    ctg->add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
    ctg->add_thematiques(v1::THEMATIQUE_PARENTALITE);
    if (auto s = load.Plans("caf-admin", "draft trois-vallees", &S::CreateCtg, create); !s.ok()) {
      return s;
    }
    v1::AddSignatoryRequest add;
    add.set_name(trois_vallees);
    add.mutable_signatory()->set_organisation(Org(kFamillesRurales));
    add.mutable_signatory()->set_role(v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE);
    if (auto s = load.Plans("caf-admin", "sign-up familles rurales", &S::AddSignatory, add);
        !s.ok()) {
      return s;
    }
    if (auto s = load.Plans("caf-admin", "trois-vallees to diagnostic", &S::TransitionCtg,
                            Transition(trois_vallees, v1::CTG_STATE_DIAGNOSTIC_EN_COURS));
        !s.ok()) {
      return s;
    }
  }
  // Staffing on the Val d'Orbe's CTG: the chargée de coopération's post, filled through change
  // control; a change of thématiques; a running replacement; a recruitment in progress that
  // awaits the Caf's opinion on its fiche de poste.
  auto persons = v1::PersonsService::NewStub(channel);
  auto staffing = v1::StaffingService::NewStub(channel);
  using St = v1::StaffingService::Stub;
  auto person = [&](const char* given, const char* family, std::string* name) {
    v1::CreatePersonRequest request;
    request.mutable_person()->set_organisation(Org(kValOrbe));
    request.mutable_person()->mutable_identity()->set_given_name(given);
    request.mutable_person()->mutable_identity()->set_family_name(family);
    v1::Person created;
    absl::Status status = load.Invoke("collectivite-admin", absl::StrCat("person ", given, " ", family),
                                      *persons, &v1::PersonsService::Stub::CreatePerson, request,
                                      &created);
    *name = created.name();
    return status;
  };
  auto post = [&](const char* id, int etp, v1::PostStatus status) {
    v1::CreatePostRequest request;
    request.set_post_id(id);
    v1::Post* p = request.mutable_post();
    p->set_ctg(val_orbe);
    p->set_employer(Org(kValOrbe));
    p->set_etp_hundredths(etp);
    p->set_status(status);
    for (v1::MissionArea area :
         {v1::MISSION_AREA_DIAGNOSTICS, v1::MISSION_AREA_ASSISTANCE_ELUS_COPIL,
          v1::MISSION_AREA_OBJECTIFS_PRIORITAIRES, v1::MISSION_AREA_PARTENARIATS_RESEAUX,
          v1::MISSION_AREA_RELATIONS_POPULATION, v1::MISSION_AREA_EVALUATION}) {
      p->add_missions()->set_area(area);
    }
    for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_ENFANCE,
                             v1::THEMATIQUE_JEUNESSE, v1::THEMATIQUE_PARENTALITE}) {
      p->add_thematiques(t);
    }
    p->set_rattachement("Direction du pôle Famille et Solidarités");
    v1::Post created;
    return load.Invoke("collectivite-admin", absl::StrCat("post ", id), *staffing,
                       &St::CreatePost, request, &created);
  };
  // Proposed by `proposer`, discussed with the CDT, applied by the employer.
  auto change = [&](const std::string& post_name, v1::ChangeProposed proposal,
                    const std::string& reason, const google::type::Date& date,
                    const char* conclusion) -> absl::Status {
    const std::string id = proposal.change_id();
    v1::ProposeChangeRequest propose;
    propose.set_name(post_name);
    propose.set_reason(reason);
    *propose.mutable_change() = std::move(proposal);
    v1::Post out;
    if (auto s = load.Invoke("charge-cooperation", absl::StrCat("propose ", id), *staffing,
                             &St::ProposeChange, propose, &out);
        !s.ok()) {
      return s;
    }
    v1::RecordCdtExchangeRequest exchange;
    exchange.set_name(post_name);
    exchange.mutable_exchange()->set_change_id(id);
    exchange.mutable_exchange()->set_exchange_id(absl::StrCat("echange-", id));
    *exchange.mutable_exchange()->mutable_date() = date;
    exchange.mutable_exchange()->set_form(v1::EXCHANGE_FORM_REUNION);
    exchange.mutable_exchange()->set_conclusion(conclusion);
    if (auto s = load.Invoke("cdt", absl::StrCat("exchange ", id), *staffing,
                             &St::RecordCdtExchange, exchange, &out);
        !s.ok()) {
      return s;
    }
    v1::ApplyChangeRequest apply;
    apply.set_name(post_name);
    apply.set_change_id(id);
    *apply.mutable_effective_date() = date;
    return load.Invoke("collectivite-admin", absl::StrCat("apply ", id), *staffing,
                       &St::ApplyChange, apply, &out);
  };

  std::string agent, replacing;
  if (auto s = person("Camille", "Exemple", &agent); !s.ok()) return s;
  if (auto s = person("Dominique", "Exemple", &replacing); !s.ok()) return s;
  if (auto s = post("val-orbe-cdc", 100, v1::POST_STATUS_VACANT); !s.ok()) return s;
  {
    v1::ChangeProposed hire;
    hire.set_change_id("affectation-titulaire");
    hire.set_kind(v1::CHANGE_KIND_PERSONNEL);
    v1::Assignment* assignment = hire.mutable_personnel()->add_assign();
    assignment->set_assignment_id("titulaire-2025");
    assignment->set_person(agent);
    assignment->set_type(v1::ASSIGNMENT_TYPE_TITULAIRE);
    *assignment->mutable_start_date() = Date(2025, 1, 6);
    assignment->set_etp_hundredths(100);
    if (auto s = change("posts/val-orbe-cdc", hire, "Prise de poste de la chargée de coopération.",
                        Date(2025, 1, 6), "La CDT valide l'affectation sur le poste.");
        !s.ok()) {
      return s;
    }
    v1::ChangeProposed thematiques;
    thematiques.set_change_id("thematiques-2025");
    thematiques.set_kind(v1::CHANGE_KIND_THEMATIQUE);
    for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_ENFANCE,
                             v1::THEMATIQUE_JEUNESSE, v1::THEMATIQUE_PARENTALITE,
                             v1::THEMATIQUE_ACCES_AUX_DROITS}) {
      thematiques.mutable_thematiques()->add_thematiques(t);
    }
    if (auto s = change("posts/val-orbe-cdc", thematiques,
                        "Ajouter l'accès aux droits, priorité du COPIL de juin.",
                        Date(2025, 6, 16), "La CDT valide l'ajout de l'accès aux droits.");
        !s.ok()) {
      return s;
    }
  }
  {
    // A running replacement, validated beforehand by the Caf.
    v1::RequestReplacementRequest request;
    request.set_replacement_id("val-orbe-conge-2025");
    request.mutable_replacement()->set_post("posts/val-orbe-cdc");
    request.mutable_replacement()->set_person(replacing);
    request.mutable_replacement()->set_etp_hundredths(50);
    *request.mutable_replacement()->mutable_start_date() = Date(2025, 9, 1);
    v1::Replacement replacement;
    if (auto s = load.Invoke("collectivite-admin", "replacement request", *staffing,
                             &St::RequestReplacement, request, &replacement);
        !s.ok()) {
      return s;
    }
    v1::ValidateReplacementRequest validate;
    validate.set_name("replacements/val-orbe-conge-2025");
    *validate.mutable_date() = Date(2025, 8, 20);
    if (auto s = load.Invoke("cdt", "replacement validation", *staffing,
                             &St::ValidateReplacement, validate, &replacement);
        !s.ok()) {
      return s;
    }
    v1::StartReplacementRequest start;
    start.set_name("replacements/val-orbe-conge-2025");
    *start.mutable_start_date() = Date(2025, 9, 1);
    if (auto s = load.Invoke("collectivite-admin", "replacement start", *staffing,
                             &St::StartReplacement, start, &replacement);
        !s.ok()) {
      return s;
    }
  }
  {
    // A second, half-time post being recruited: the fiche de poste awaits the Caf's opinion.
    if (auto s = post("val-orbe-cdc-2", 50, v1::POST_STATUS_VACANT); !s.ok()) return s;
    v1::TransitionPostRequest recruiting;
    recruiting.set_name("posts/val-orbe-cdc-2");
    recruiting.set_status(v1::POST_STATUS_EN_RECRUTEMENT);
    v1::Post moved;
    if (auto s = load.Invoke("charge-cooperation", "post val-orbe-cdc-2 recruiting", *staffing,
                             &St::TransitionPost, recruiting, &moved);
        !s.ok()) {
      return s;
    }
    v1::OpenRecruitmentRequest open;
    open.set_recruitment_id("val-orbe-2026");
    open.mutable_recruitment()->set_post("posts/val-orbe-cdc-2");
    open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_CREATION);
    *open.mutable_date() = Date(2026, 9, 7);
    v1::Recruitment r;
    if (auto s = load.Invoke("collectivite-admin", "recruitment open", *staffing,
                             &St::OpenRecruitment, open, &r);
        !s.ok()) {
      return s;
    }
    v1::AgreeCadrageRequest cadrage;
    cadrage.set_name("recruitments/val-orbe-2026");
    *cadrage.mutable_date() = Date(2026, 9, 14);
    for (auto [step, level] :
         {std::pair{v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES, v1::CAF_INVOLVEMENT_FACULTATIF},
          {v1::RECRUITMENT_STEP_JURY, v1::CAF_INVOLVEMENT_ATTENDU},
          {v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, v1::CAF_INVOLVEMENT_NON}}) {
      v1::StepInvolvement* involvement = cadrage.add_involvements();
      involvement->set_step(step);
      involvement->set_involvement(level);
    }
    cadrage.set_fonction("Renfort de la coordination, 0,5 ETP, petite enfance et parentalité.");
    if (auto s = load.Invoke("cdt", "recruitment cadrage", *staffing, &St::AgreeCadrage,
                             cadrage, &r);
        !s.ok()) {
      return s;
    }
    v1::SubmitFicheDePosteRequest fiche;
    fiche.set_name("recruitments/val-orbe-2026");
    fiche.set_document("ged://val-orbe/fiche-de-poste-cdc-2-v1.pdf");
    *fiche.mutable_date() = Date(2026, 9, 21);
    if (auto s = load.Invoke("charge-cooperation", "recruitment fiche", *staffing,
                             &St::SubmitFicheDePoste, fiche, &r);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace ctg::server
