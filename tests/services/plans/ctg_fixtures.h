// Fixtures of the CTG decider's tests: fictional organisations of the Val d'Orbe, the
// lookups that know them, and CTG states built by deciding and replaying real events.
#ifndef CTG_TESTS_SERVICES_PLANS_CTG_FIXTURES_H_
#define CTG_TESTS_SERVICES_PLANS_CTG_FIXTURES_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/partners/organisation.h"
#include "services/plans/ctg.h"
#include "services/platform/errors.h"
#include "tests/testing/decider_table.h"

namespace ctg::plans::testing {

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

// SIRENs and resource names of fictional organisations.
inline const std::string kCafSiren = Siren("53484901");          // Caf de Valmont
inline const std::string kEpciSiren = "249900028";               // CC du Val d'Orbe
inline const std::string kOtherEpciSiren = Siren("20000025");    // CC des Coteaux de l'Orbe
inline const std::string kCommuneSiren = Siren("21000001");      // Saint-Aubin-sur-Orbe
inline const std::string kSyndicatSiren = Siren("25000001");     // SIVU de l'Orbe
inline const std::string kDepartementSiren = Siren("22000001");  // Conseil départemental
inline const std::string kAssociationSiren = Siren("77500001");  // Les Petits Pas de l'Orbe
inline const std::string kUnknownSiren = Siren("21000099");      // registered nowhere
inline const std::string kCaf = partners::OrganisationName(kCafSiren);
inline const std::string kEpci = partners::OrganisationName(kEpciSiren);
inline const std::string kOtherEpci = partners::OrganisationName(kOtherEpciSiren);
inline const std::string kCommune = partners::OrganisationName(kCommuneSiren);
inline const std::string kSyndicat = partners::OrganisationName(kSyndicatSiren);
inline const std::string kDepartement = partners::OrganisationName(kDepartementSiren);
inline const std::string kAssociation = partners::OrganisationName(kAssociationSiren);
inline const std::string kUnknown = partners::OrganisationName(kUnknownSiren);

// The CTG every test drafts, and one that exists (a predecessor).
inline constexpr absl::string_view kCtgId = "val-orbe-2025";
inline constexpr absl::string_view kPredecessorId = "val-orbe-2019";
inline const absl::Time kTime = absl::FromUnixSeconds(1'760'000'000);

// Knows the organisations above and the CTG kPredecessorId.
inline Lookups Registry() {
  static const auto* const types = new std::map<std::string, v1::OrganisationType>{
      {kCafSiren, v1::ORGANISATION_TYPE_CAF},
      {kEpciSiren, v1::ORGANISATION_TYPE_EPCI},
      {kOtherEpciSiren, v1::ORGANISATION_TYPE_EPCI},
      {kCommuneSiren, v1::ORGANISATION_TYPE_COMMUNE},
      {kSyndicatSiren, v1::ORGANISATION_TYPE_SYNDICAT},
      {kDepartementSiren, v1::ORGANISATION_TYPE_DEPARTEMENT},
      {kAssociationSiren, v1::ORGANISATION_TYPE_ASSOCIATION}};
  Lookups lookups;
  lookups.organisation_type = [](absl::string_view siren) -> std::optional<v1::OrganisationType> {
    auto it = types->find(std::string(siren));
    if (it == types->end()) return std::nullopt;
    return it->second;
  };
  lookups.ctg_exists = [](absl::string_view id) { return id == kPredecessorId; };
  return lookups;
}

inline google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The CTG of CreateCtgRequest: 2025-01-01 to 2029-12-31, thématiques meeting R-7.
inline v1::Ctg NewCtg() {
  v1::Ctg ctg;
  ctg.set_title("CTG du Val d'Orbe 2025-2029");
  ctg.set_caf(kCaf);
  ctg.set_porteur(kEpci);
  *ctg.mutable_start_date() = Date(2025, 1, 1);
  *ctg.mutable_end_date() = Date(2029, 12, 31);
  for (v1::Thematique thematique :
       {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
        v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ANIMATION_VIE_SOCIALE}) {
    ctg.add_thematiques(thematique);
  }
  return ctg;
}

inline v1::Deliberation DeliberationOf(absl::string_view number) {
  v1::Deliberation deliberation;
  deliberation.set_instance("Conseil communautaire");
  *deliberation.mutable_date() = Date(2024, 11, 14);
  deliberation.set_number(std::string(number));
  return deliberation;
}

// Decides `command` on `state` and folds the events at `time`; fails the test if refused.
template <typename Command>
void Apply(CtgState& state, const Command& command, absl::Time time = kTime) {
  auto events = Decide(state, command, Registry());
  ASSERT_TRUE(events.ok()) << events.status();
  for (const CtgEvent& event : *events) Evolve(state, event, time);
}

// The CTG as drafted from NewCtg().
inline CtgState Drafted() {
  CtgState state;
  Apply(state, DraftCtg{std::string(kCtgId), NewCtg()});
  return state;
}

// Drafted, with the commune as member and the département as partner, every collectivité's
// deliberation and every signature recorded, moved along to EN_SIGNATURE: ready to activate.
inline CtgState ReadyToActivate() {
  CtgState state = Drafted();
  v1::Signatory member;
  member.set_organisation(kCommune);
  member.set_role(v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE);
  Apply(state, AddSignatory{member});
  v1::Signatory partner;
  partner.set_organisation(kDepartement);
  partner.set_role(v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE);
  Apply(state, AddSignatory{partner});
  Apply(state, RecordDeliberation{kEpci, DeliberationOf("2024-118")});
  Apply(state, RecordDeliberation{kCommune, DeliberationOf("2024-041")});
  for (const std::string& signatory : {kCaf, kEpci, kCommune, kDepartement}) {
    Apply(state, RecordSignature{signatory, Date(2025, 1, 20)});
  }
  for (v1::CtgState to : {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE,
                          v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION, v1::CTG_STATE_EN_SIGNATURE}) {
    Apply(state, TransitionCtg{to, ""});
  }
  return state;
}

// ReadyToActivate(), put in `state` directly (to test a command from any state).
inline CtgState InState(v1::CtgState state) {
  CtgState ctg = ReadyToActivate();
  ctg.ctg.set_state(state);
  return ctg;
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

// One row of a CTG decider table (tests/testing/decider_table.h): `given` changes the suite's
// base state and command.
template <typename Command>
using CommandCase = ::ctg::testing::DeciderCase<CtgState, Command>;

// Decides the row's command on the row's state, with Registry(), and checks the outcome.
template <typename Command>
void ExpectOutcome(const CommandCase<Command>& test, CtgState state, Command command) {
  ::ctg::testing::ExpectDecision(test, ::ctg::testing::DecideWith(Registry()), std::move(state),
                                 std::move(command));
}

}  // namespace ctg::plans::testing

#endif  // CTG_TESTS_SERVICES_PLANS_CTG_FIXTURES_H_
