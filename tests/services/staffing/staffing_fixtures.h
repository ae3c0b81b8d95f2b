// Fixtures of the staffing deciders' tests: fictional organisations and people of the Val
// d'Orbe, a World of lookups the tests can change, states built by deciding and folding real
// events, and the helpers that read an error's details.
#ifndef CTG_TESTS_SERVICES_STAFFING_STAFFING_FIXTURES_H_
#define CTG_TESTS_SERVICES_STAFFING_STAFFING_FIXTURES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/partners/organisation.h"
#include "services/platform/errors.h"
#include "services/staffing/fields.h"
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"
#include "tests/testing/decider_table.h"

namespace ctg::staffing::testing {

// `prefix` (8 digits) followed by its Luhn check digit: a valid SIREN.
inline std::string Siren(absl::string_view prefix) {
  int sum = 0;
  for (size_t i = 0; i < prefix.size(); ++i) {
    int digit = prefix[i] - '0';
    if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return absl::StrCat(prefix, (10 - sum % 10) % 10);
}

// Fictional organisations.
inline const std::string kCafSiren = "779000017";                // Caf de Valmont
inline const std::string kEpciSiren = "249900028";               // CC du Val d'Orbe
inline const std::string kCommuneSiren = Siren("21000001");      // Saint-Aubin-sur-Orbe
inline const std::string kDepartementSiren = Siren("22000001");  // Conseil départemental
inline const std::string kOtherSiren = Siren("21000099");        // signs no CTG
inline const std::string kCaf = partners::OrganisationName(kCafSiren);
inline const std::string kEpci = partners::OrganisationName(kEpciSiren);
inline const std::string kCommune = partners::OrganisationName(kCommuneSiren);
inline const std::string kDepartement = partners::OrganisationName(kDepartementSiren);
inline const std::string kOther = partners::OrganisationName(kOtherSiren);

// The CTG (ACTIVE) and an expired one.
inline constexpr absl::string_view kCtgId = "val-orbe-2025";
inline constexpr absl::string_view kOldCtgId = "val-orbe-2019";
inline const std::string kCtg = absl::StrCat(kCtgNamePrefix, kCtgId);
inline const std::string kOldCtg = absl::StrCat(kCtgNamePrefix, kOldCtgId);

// The post every test works on, another post, and the streams' ids.
inline constexpr absl::string_view kPostId = "cdc-val-orbe";
inline constexpr absl::string_view kOtherPostId = "cdc-coteaux";
inline const std::string kPost = PostName(kPostId);
inline constexpr absl::string_view kRecruitmentId = "recrutement-2025";
inline const std::string kRecruitment = RecruitmentName(kRecruitmentId);
inline constexpr absl::string_view kReplacementId = "remplacement-2026";
inline const std::string kReplacement = ReplacementName(kReplacementId);

// People, by opaque ids only.
inline const std::string kAgent = "persons/agent-0001";      // the titulaire
inline const std::string kReplacer = "persons/agent-0002";   // the remplaçante
inline const std::string kCandidate = "persons/cand-00017";  // a candidate
inline const std::string kOtherCandidate = "persons/cand-00023";

// The CDT's token subject.
inline constexpr absl::string_view kCdt = "cdt-0042";

inline const absl::Time kTime = absl::FromUnixSeconds(1'760'000'000);

inline google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}
inline const google::type::Date kToday = Date(2025, 9, 15);

// What the lookups know; tests change it freely. Lookups point to the World: it must outlive
// them.
struct World {
  std::map<std::string, v1::Ctg> ctgs;
  std::map<std::string, RecruitmentFacts> recruitments;
  std::map<std::string, ReplacementFacts> replacements;
  std::map<std::string, Workload> workloads;
  std::map<std::string, PostState> posts;

  PostLookups ForPost() const {
    PostLookups lookups;
    lookups.ctg = [this](absl::string_view id) -> std::optional<v1::Ctg> {
      auto it = ctgs.find(std::string(id));
      if (it == ctgs.end()) return std::nullopt;
      return it->second;
    };
    lookups.recruitment = [this](absl::string_view id) -> std::optional<RecruitmentFacts> {
      auto it = recruitments.find(std::string(id));
      if (it == recruitments.end()) return std::nullopt;
      return it->second;
    };
    lookups.replacement = [this](absl::string_view id) -> std::optional<ReplacementFacts> {
      auto it = replacements.find(std::string(id));
      if (it == replacements.end()) return std::nullopt;
      return it->second;
    };
    lookups.workload = [this](absl::string_view person) { return WorkloadOf(person); };
    return lookups;
  }
  RecruitmentLookups ForRecruitment() const {
    RecruitmentLookups lookups;
    lookups.post = [this](absl::string_view id) { return PostOf(id); };
    return lookups;
  }
  ReplacementLookups ForReplacement() const {
    ReplacementLookups lookups;
    lookups.post = [this](absl::string_view id) { return PostOf(id); };
    lookups.workload = [this](absl::string_view person) { return WorkloadOf(person); };
    return lookups;
  }

  std::optional<PostState> PostOf(absl::string_view id) const {
    auto it = posts.find(std::string(id));
    if (it == posts.end()) return std::nullopt;
    return it->second;
  }
  Workload WorkloadOf(absl::string_view person) const {
    auto it = workloads.find(std::string(person));
    return it == workloads.end() ? Workload{} : it->second;
  }
};

inline v1::Signatory SignatoryOf(const std::string& organisation, v1::SignatoryRole role) {
  v1::Signatory signatory;
  signatory.set_organisation(organisation);
  signatory.set_role(role);
  return signatory;
}

// The CTG du Val d'Orbe (ACTIVE): the Caf, the EPCI (porteuse), the commune (membre), the
// département (partenaire); and the CTG it renewed (ECHUE).
inline World DefaultWorld() {
  World world;
  v1::Ctg ctg;
  ctg.set_name(kCtg);
  ctg.set_state(v1::CTG_STATE_ACTIVE);
  *ctg.add_signatories() = SignatoryOf(kCaf, v1::SIGNATORY_ROLE_CAF);
  *ctg.add_signatories() = SignatoryOf(kEpci, v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE);
  *ctg.add_signatories() = SignatoryOf(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE);
  *ctg.add_signatories() = SignatoryOf(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE);
  world.ctgs[std::string(kCtgId)] = ctg;
  ctg.set_name(kOldCtg);
  ctg.set_state(v1::CTG_STATE_ECHUE);
  world.ctgs[std::string(kOldCtgId)] = ctg;
  return world;
}

inline v1::Mission MissionOf(v1::MissionArea area, absl::string_view label = "") {
  v1::Mission mission;
  mission.set_area(area);
  mission.set_label(std::string(label));
  return mission;
}

// The six areas of the référentiel and a local one (SPPE).
inline std::vector<v1::Mission> AllMissions() {
  return {MissionOf(v1::MISSION_AREA_DIAGNOSTICS),
          MissionOf(v1::MISSION_AREA_ASSISTANCE_ELUS_COPIL),
          MissionOf(v1::MISSION_AREA_OBJECTIFS_PRIORITAIRES),
          MissionOf(v1::MISSION_AREA_PARTENARIATS_RESEAUX),
          MissionOf(v1::MISSION_AREA_RELATIONS_POPULATION),
          MissionOf(v1::MISSION_AREA_EVALUATION),
          MissionOf(v1::MISSION_AREA_LOCALE, "Accompagnement du SPPE")};
}

// A 0.8 ETP post of the CTG, employed by the EPCI, A_CREER.
inline CreatePost NewPost() {
  CreatePost command;
  command.post_id = std::string(kPostId);
  command.ctg = kCtg;
  command.employer = kEpci;
  command.etp_hundredths = 80;
  command.missions = AllMissions();
  command.thematiques = {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                         v1::THEMATIQUE_PARENTALITE};
  command.rattachement = "Direction du pôle Famille et Solidarités";
  command.status = v1::POST_STATUS_A_CREER;
  command.party = Party::kEmployer;
  return command;
}

// Decides `command` on `state` and folds the events at `time`; fails the test if refused.
template <typename State, typename Command, typename Lookups>
void Apply(State& state, const Command& command, const Lookups& lookups, absl::Time time = kTime) {
  auto events = Decide(state, command, lookups);
  ASSERT_TRUE(events.ok()) << events.status();
  for (const auto& event : *events) Evolve(state, event, time);
}

// The post as created from NewPost().
inline PostState CreatedPost(const World& world) {
  PostState state;
  Apply(state, NewPost(), world.ForPost());
  return state;
}

inline v1::Assignment AssignmentOf(absl::string_view id, const std::string& person,
                                   v1::AssignmentType type, int etp) {
  v1::Assignment assignment;
  assignment.set_assignment_id(std::string(id));
  assignment.set_person(person);
  assignment.set_type(type);
  *assignment.mutable_start_date() = Date(2025, 10, 1);
  assignment.set_etp_hundredths(etp);
  if (type == v1::ASSIGNMENT_TYPE_REMPLACANT) assignment.set_replacement(kReplacement);
  return assignment;
}

inline v1::OtherActivity ActivityOf(absl::string_view label, int etp) {
  v1::OtherActivity activity;
  activity.set_label(std::string(label));
  activity.set_etp_hundredths(etp);
  return activity;
}

inline v1::ChangeProposed PersonnelProposal(absl::string_view change_id,
                                            std::vector<v1::Assignment> assign,
                                            std::vector<v1::AssignmentClosure> end = {}) {
  v1::ChangeProposed change;
  change.set_change_id(std::string(change_id));
  change.set_kind(v1::CHANGE_KIND_PERSONNEL);
  for (v1::Assignment& assignment : assign) *change.mutable_personnel()->add_assign() = assignment;
  for (v1::AssignmentClosure& closure : end) *change.mutable_personnel()->add_end() = closure;
  return change;
}

inline v1::AssignmentClosure ClosureOf(absl::string_view assignment_id,
                                       google::type::Date end_date = Date(2026, 6, 30)) {
  v1::AssignmentClosure closure;
  closure.set_assignment_id(std::string(assignment_id));
  *closure.mutable_end_date() = end_date;
  return closure;
}

inline v1::CdtExchangeRecorded ExchangeOf(absl::string_view change_id,
                                          absl::string_view exchange_id,
                                          google::type::Date date = Date(2025, 9, 10)) {
  v1::CdtExchangeRecorded exchange;
  exchange.set_change_id(std::string(change_id));
  exchange.set_exchange_id(std::string(exchange_id));
  *exchange.mutable_date() = date;
  exchange.set_form(v1::EXCHANGE_FORM_VISIO);
  exchange.set_cdt(std::string(kCdt));
  exchange.set_conclusion("Accord de la CDT sur le changement proposé.");
  return exchange;
}

// Proposes `change`, records an exchange about it ("{change_id}-echange") and applies it from
// 2025-10-01: the whole R-6 chain.
inline void ApplyThroughCdt(PostState& state, const v1::ChangeProposed& change,
                            const World& world) {
  Apply(state, ProposeChange{change, Party::kEmployer}, world.ForPost());
  const std::string exchange_id = absl::StrCat(change.change_id(), "-echange");
  Apply(state, RecordCdtExchange{ExchangeOf(change.change_id(), exchange_id), kToday, Party::kCaf},
        world.ForPost());
  Apply(state, ApplyChange{change.change_id(), exchange_id, Date(2025, 10, 1), Party::kEmployer},
        world.ForPost());
}

// The post with `agent` as its titulaire (0.8 ETP), assigned through the CDT: POURVU.
inline PostState HeldPost(const World& world) {
  PostState state = CreatedPost(world);
  ApplyThroughCdt(
      state,
      PersonnelProposal("arrivee-titulaire",
                        {AssignmentOf("titulaire-1", kAgent, v1::ASSIGNMENT_TYPE_TITULAIRE, 80)}),
      world);
  return state;
}

using ::ctg::testing::BadFields;
using ::ctg::testing::BreaksRule;
using ::ctg::testing::CaseName;
using ::ctg::testing::Emits;
using ::ctg::testing::EmitsNothing;
using ::ctg::testing::Fails;
using ::ctg::testing::Metadata;
using ::ctg::testing::Reason;
using ::ctg::testing::RejectsFields;
using ::ctg::testing::TypeNames;

// One row of a staffing decider table (tests/testing/decider_table.h): `given` changes the
// suite's base state, command and world.
template <typename State, typename Command>
using Case = ::ctg::testing::DeciderCase<State, Command, World>;

inline PostLookups LookupsFor(const World& world, const PostState&) { return world.ForPost(); }
inline RecruitmentLookups LookupsFor(const World& world, const RecruitmentState&) {
  return world.ForRecruitment();
}
inline ReplacementLookups LookupsFor(const World& world, const ReplacementState&) {
  return world.ForReplacement();
}

// Decides the row's command on the row's state and world, and checks the outcome.
template <typename State, typename Command>
void ExpectOutcome(const Case<State, Command>& test, State state, Command command, World world) {
  ::ctg::testing::ExpectDecision(
      test,
      [](const State& s, const Command& c, const World& w) {
        return Decide(s, c, LookupsFor(w, s));
      },
      std::move(state), std::move(command), std::move(world));
}

// A no-op setup.
template <typename State, typename Command>
void Unchanged(State&, Command&, World&) {}

}  // namespace ctg::staffing::testing

#endif  // CTG_TESTS_SERVICES_STAFFING_STAFFING_FIXTURES_H_
