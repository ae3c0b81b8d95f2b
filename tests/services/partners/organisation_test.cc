// The Organisation decider: registration and update rules as tables, Evolve by replaying
// decided events, tags, and the event codec.
#include "services/partners/organisation.h"

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/platform/text.h"
#include "services/platform/errors.h"
#include "tests/testing/decider_table.h"
#include "tests/testing/status_matchers.h"

namespace ctg::partners {
namespace {

using ::ctg::testing::BadFields;
using ::ctg::testing::BreaksRule;
using ::ctg::testing::CaseName;
using ::ctg::testing::DeciderCase;
using ::ctg::testing::DecideWith;
using ::ctg::testing::Emits;
using ::ctg::testing::ExpectDecision;
using ::ctg::testing::ExpectOutcome;
using ::ctg::testing::Reason;
using ::ctg::testing::RejectsFields;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// `prefix` (8 digits) followed by its Luhn check digit: a valid SIREN.
std::string Siren(absl::string_view prefix) {
  int sum = 0;
  for (size_t i = 0; i < prefix.size(); ++i) {
    int digit = prefix[i] - '0';
    if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return absl::StrCat(prefix, (10 - sum % 10) % 10);
}

// Fictional organisations of the Val d'Orbe.
const std::string kCaf = Siren("53484901");           // Caf de Valmont
const std::string kEpci = "249900028";                // Communauté de communes du Val d'Orbe
const std::string kOtherEpci = Siren("20000025");     // Communauté de communes des Coteaux
const std::string kCommune = Siren("21000001");       // Saint-Aubin-sur-Orbe
const std::string kOtherCommune = Siren("21000002");  // Villers-sur-Orbe
const std::string kUnknown = Siren("21000099");       // registered nowhere
const absl::Time kTime = absl::FromUnixSeconds(1'760'000'000);

Lookups Registry() {
  static const auto* const types = new std::map<std::string, v1::OrganisationType>{
      {kCaf, v1::ORGANISATION_TYPE_CAF},
      {kEpci, v1::ORGANISATION_TYPE_EPCI},
      {kOtherEpci, v1::ORGANISATION_TYPE_EPCI},
      {kCommune, v1::ORGANISATION_TYPE_COMMUNE},
      {kOtherCommune, v1::ORGANISATION_TYPE_COMMUNE}};
  return Lookups{[](absl::string_view siren) -> std::optional<v1::OrganisationType> {
    auto it = types->find(std::string(siren));
    if (it == types->end()) return std::nullopt;
    return it->second;
  }};
}

v1::Organisation Commune() {
  v1::Organisation organisation;
  organisation.set_siren(kCommune);
  organisation.set_type(v1::ORGANISATION_TYPE_COMMUNE);
  organisation.set_display_name("Saint-Aubin-sur-Orbe");
  organisation.mutable_population()->set_value(1873);
  organisation.mutable_population()->set_year(2021);
  organisation.mutable_population()->set_kind(v1::Population::KIND_MUNICIPALE);
  organisation.set_epci(OrganisationName(kEpci));
  organisation.set_departement("07");
  return organisation;
}

// The state after registering `organisation` (which must be valid).
OrganisationState Registered(const v1::Organisation& organisation, absl::Time time = kTime) {
  OrganisationState state;
  auto events = Decide(state, RegisterOrganisation{organisation}, Registry());
  EXPECT_OK(events);
  if (events.ok()) {
    for (const auto& event : *events) Evolve(state, event, time);
  }
  return state;
}

// ---------------------------------------------------------------------------------------
// SIRENs and names

TEST(SirenTest, TheTestHelperMakesTheKnownValidSiren) {
  EXPECT_EQ(Siren("24990002"), "249900028");
  EXPECT_EQ(Siren("35600000"), "356000000");  // La Poste's SIREN passes Luhn too
}

struct SirenCase {
  std::string siren;
  bool valid;
};

void PrintTo(const SirenCase& test, std::ostream* os) { *os << "\"" << test.siren << "\""; }

class ValidateSirenTest : public ::testing::TestWithParam<SirenCase> {};

TEST_P(ValidateSirenTest, ChecksDigitsAndLuhn) {
  const absl::Status status = ValidateSiren(GetParam().siren, "organisation.siren");
  if (GetParam().valid) {
    EXPECT_OK(status);
  } else {
    EXPECT_THAT(status,
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("organisation.siren")));
    EXPECT_THAT(BadFields(status), ElementsAre("organisation.siren"));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateSirenTest,
    ::testing::Values(SirenCase{"249900028", true}, SirenCase{"356000000", true},
                      SirenCase{"000000000", true}, SirenCase{Siren("21000001"), true},
                      SirenCase{"249900029", false}, SirenCase{"200000127", false},
                      SirenCase{"24990002", false}, SirenCase{"2499000280", false},
                      SirenCase{"24990002a", false}, SirenCase{" 00000172", false},
                      SirenCase{"２00000172", false}, SirenCase{"", false}),
    [](const ::testing::TestParamInfo<SirenCase>& info) {
      return absl::StrCat(info.param.valid ? "Valid" : "Invalid", info.index, "_",
                          ::ctg::testing::Identifier(info.param.siren));
    });

struct NameCase {
  std::string name;
  std::string siren;  // empty: INVALID_ARGUMENT expected
};

void PrintTo(const NameCase& test, std::ostream* os) { *os << "\"" << test.name << "\""; }

class ParseOrganisationNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(ParseOrganisationNameTest, ParsesOrRejectsWithTheField) {
  const auto siren = ParseOrganisationName(GetParam().name, "ctg.caf");
  if (!GetParam().siren.empty()) {
    ASSERT_OK(siren);
    EXPECT_EQ(*siren, GetParam().siren);
  } else {
    EXPECT_THAT(siren, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ctg.caf")));
    EXPECT_THAT(BadFields(siren.status()), ElementsAre("ctg.caf"));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseOrganisationNameTest,
    ::testing::Values(NameCase{"organisations/249900028", "249900028"},
                      NameCase{OrganisationName(kCommune), kCommune},
                      NameCase{"organisations/249900029", ""}, NameCase{"249900028", ""},
                      NameCase{"organisation/249900028", ""}, NameCase{"organisations/", ""},
                      NameCase{"organisations/249900028/x", ""},
                      NameCase{"Organisations/249900028", ""}, NameCase{"", ""}),
    [](const ::testing::TestParamInfo<NameCase>& info) {
      return absl::StrCat(info.param.siren.empty() ? "Invalid" : "Valid", info.index, "_",
                          ::ctg::testing::Identifier(info.param.name));
    });

TEST(NamesTest, StreamAndName) {
  EXPECT_EQ(OrganisationStream("249900028"), "org-249900028");
  EXPECT_EQ(OrganisationName("249900028"), "organisations/249900028");
  EXPECT_EQ(kStreamPrefix, "org-");
}

// ---------------------------------------------------------------------------------------
// Registration

using RegisterCase = DeciderCase<OrganisationState, RegisterOrganisation>;

// A `given` that applies `change` to the organisation to register (Commune()).
RegisterCase::Given Registering(std::function<void(v1::Organisation&)> change) {
  return
      [change](OrganisationState&, RegisterOrganisation& command) { change(command.organisation); };
}

class RegisterTest : public ::testing::TestWithParam<RegisterCase> {};

TEST_P(RegisterTest, Decides) {
  ExpectDecision(GetParam(), DecideWith(Registry()), OrganisationState{},
                 RegisterOrganisation{Commune()});
}

const std::vector<std::string> kRegistered = {"OrganisationRegistered"};

const RegisterCase kRegisterCases[] = {
    // Accepted.
    {"CommuneOfAnEpci", Registering([](v1::Organisation&) {}), Emits(kRegistered)},
    {"MinimalAssociation", Registering([](v1::Organisation& o) {
       o.set_type(v1::ORGANISATION_TYPE_ASSOCIATION);
       o.set_display_name("Association Les Petits Pas de l'Orbe");
       o.clear_population();
       o.clear_epci();
       o.clear_departement();
     }),
     Emits(kRegistered)},
    {"Epci", Registering([](v1::Organisation& o) {
       o.set_siren(kUnknown);
       o.set_type(v1::ORGANISATION_TYPE_EPCI);
       o.set_display_name("Communauté de communes du Val d'Orbe");
       o.clear_epci();
     }),
     Emits(kRegistered)},
    {"CommuneWithoutEpci", Registering([](v1::Organisation& o) { o.clear_epci(); }),
     Emits(kRegistered)},
    {"Departement2A", Registering([](v1::Organisation& o) { o.set_departement("2A"); }),
     Emits(kRegistered)},
    {"Departement2B", Registering([](v1::Organisation& o) { o.set_departement("2B"); }),
     Emits(kRegistered)},
    {"DepartementOverseas", Registering([](v1::Organisation& o) { o.set_departement("971"); }),
     Emits(kRegistered)},
    {"PopulationZero",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_value(0); }),
     Emits(kRegistered)},
    {"PopulationYearUnknown",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_year(0); }),
     Emits(kRegistered)},
    {"PopulationYear1900",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_year(1900); }),
     Emits(kRegistered)},
    {"PopulationYear2100",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_year(2100); }),
     Emits(kRegistered)},
    {"NameOf200Characters", Registering([](v1::Organisation& o) {
       std::string name;
       for (int i = 0; i < 200; ++i) name += "é";
       o.set_display_name(name);
     }),
     Emits(kRegistered)},
    {"NameWithSurroundingSpaces",
     Registering([](v1::Organisation& o) { o.set_display_name("  Saint-Aubin-sur-Orbe \n"); }),
     Emits(kRegistered)},
    // Bad fields.
    {"SirenMissing", Registering([](v1::Organisation& o) { o.clear_siren(); }),
     RejectsFields({"organisation.siren"})},
    {"SirenLuhn", Registering([](v1::Organisation& o) { o.set_siren("249900029"); }),
     RejectsFields({"organisation.siren"})},
    {"SirenShort", Registering([](v1::Organisation& o) { o.set_siren("24990002"); }),
     RejectsFields({"organisation.siren"})},
    {"SirenLetters", Registering([](v1::Organisation& o) { o.set_siren("2000001A2"); }),
     RejectsFields({"organisation.siren"})},
    {"TypeMissing",
     Registering([](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_UNSPECIFIED); }),
     RejectsFields({"organisation.type"})},
    {"TypeUnknown",
     Registering([](v1::Organisation& o) { o.set_type(static_cast<v1::OrganisationType>(99)); }),
     RejectsFields({"organisation.type"})},
    {"NameMissing", Registering([](v1::Organisation& o) { o.clear_display_name(); }),
     RejectsFields({"organisation.display_name"})},
    {"NameBlank", Registering([](v1::Organisation& o) { o.set_display_name(" \t "); }),
     RejectsFields({"organisation.display_name"})},
    {"NameOf201Characters",
     Registering([](v1::Organisation& o) { o.set_display_name(std::string(201, 'a')); }),
     RejectsFields({"organisation.display_name"})},
    {"NameWithTab",
     Registering([](v1::Organisation& o) { o.set_display_name("Saint-Aubin\tsur-Orbe"); }),
     RejectsFields({"organisation.display_name"})},
    {"NameWithNul",
     Registering([](v1::Organisation& o) { o.set_display_name(std::string("Saint\0Aubin", 11)); }),
     RejectsFields({"organisation.display_name"})},
    {"NameWithDel", Registering([](v1::Organisation& o) {
       o.set_display_name(
           "Saint\x7f"
           "Aubin");
     }),
     RejectsFields({"organisation.display_name"})},
    {"NameWithC1Control", Registering([](v1::Organisation& o) {
       o.set_display_name(
           "Saint\xC2\x85"
           "Aubin");
     }),
     RejectsFields({"organisation.display_name"})},
    {"NameNotUtf8", Registering([](v1::Organisation& o) { o.set_display_name("Saint-Aubin\xFF"); }),
     RejectsFields({"organisation.display_name"})},
    {"PopulationNegative",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_value(-1); }),
     RejectsFields({"organisation.population.value"})},
    {"PopulationYear1899",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_year(1899); }),
     RejectsFields({"organisation.population.year"})},
    {"PopulationYear2101",
     Registering([](v1::Organisation& o) { o.mutable_population()->set_year(2101); }),
     RejectsFields({"organisation.population.year"})},
    {"PopulationKindUnknown", Registering([](v1::Organisation& o) {
       o.mutable_population()->set_kind(static_cast<v1::Population::Kind>(7));
     }),
     RejectsFields({"organisation.population.kind"})},
    {"EpciNotAName", Registering([](v1::Organisation& o) { o.set_epci(kEpci); }),
     RejectsFields({"organisation.epci"})},
    {"EpciBadSiren",
     Registering([](v1::Organisation& o) { o.set_epci("organisations/249900029"); }),
     RejectsFields({"organisation.epci"})},
    {"EpciForAnAssociation",
     Registering([](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_ASSOCIATION); }),
     RejectsFields({"organisation.epci"})},
    {"EpciForAnEpci",
     Registering([](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_EPCI); }),
     RejectsFields({"organisation.epci"})},
    {"DepartementOneDigit", Registering([](v1::Organisation& o) { o.set_departement("7"); }),
     RejectsFields({"organisation.departement"})},
    {"DepartementFourDigits", Registering([](v1::Organisation& o) { o.set_departement("9710"); }),
     RejectsFields({"organisation.departement"})},
    {"Departement2C", Registering([](v1::Organisation& o) { o.set_departement("2C"); }),
     RejectsFields({"organisation.departement"})},
    {"Departement2aLowerCase", Registering([](v1::Organisation& o) { o.set_departement("2a"); }),
     RejectsFields({"organisation.departement"})},
    {"DepartementLetters", Registering([](v1::Organisation& o) { o.set_departement("AB"); }),
     RejectsFields({"organisation.departement"})},
    {"EveryBadFieldAtOnce", Registering([](v1::Organisation& o) {
       o.set_siren("123");
       o.set_type(v1::ORGANISATION_TYPE_UNSPECIFIED);
       o.set_display_name("");
       o.mutable_population()->set_value(-5);
       o.mutable_population()->set_year(1800);
       o.set_epci("nope");
       o.set_departement("100A");
     }),
     RejectsFields({"organisation.siren", "organisation.type", "organisation.display_name",
                    "organisation.population.value", "organisation.population.year",
                    "organisation.epci", "organisation.departement"})},
    // Cross-aggregate rules.
    {"EpciNotRegistered",
     Registering([](v1::Organisation& o) { o.set_epci(OrganisationName(kUnknown)); }),
     BreaksRule("EPCI_NOT_FOUND")},
    {"EpciIsACommune",
     Registering([](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherCommune)); }),
     BreaksRule("NOT_AN_EPCI")},
    {"EpciIsTheCaf", Registering([](v1::Organisation& o) { o.set_epci(OrganisationName(kCaf)); }),
     BreaksRule("NOT_AN_EPCI")},
};

INSTANTIATE_TEST_SUITE_P(Table, RegisterTest, ::testing::ValuesIn(kRegisterCases), CaseName);

TEST(RegisterTest, AlreadyRegisteredIsAlreadyExists) {
  const OrganisationState state = Registered(Commune());
  EXPECT_THAT(Decide(state, RegisterOrganisation{Commune()}, Registry()),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(kCommune)));
}

TEST(RegisterTest, EpciRuleNamesTheFieldAndTheOrganisation) {
  v1::Organisation organisation = Commune();
  organisation.set_epci(OrganisationName(kOtherCommune));
  const auto events = Decide(OrganisationState{}, RegisterOrganisation{organisation}, Registry());
  const auto info = platform::ErrorInfoOf(events.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->domain(), "ctg.caf.fr");
  EXPECT_THAT(info->metadata(),
              UnorderedElementsAre(Pair("field", "organisation.epci"),
                                   Pair("organisation", OrganisationName(kOtherCommune)),
                                   Pair("type", "ORGANISATION_TYPE_COMMUNE")));
}

TEST(RegisterTest, WithoutLookupsNoEpciIsKnown) {
  EXPECT_EQ(
      Reason(Decide(OrganisationState{}, RegisterOrganisation{Commune()}, Lookups{}).status()),
      "EPCI_NOT_FOUND");
}

TEST(RegisterTest, EventCarriesTheNormalisedOrganisation) {
  v1::Organisation organisation = Commune();
  organisation.set_display_name("  Saint-Aubin-sur-Orbe  ");
  organisation.set_name("organisations/ignored");
  organisation.set_etag("ignored");
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(OrganisationState{}, RegisterOrganisation{organisation}, Registry()));
  ASSERT_EQ(events.size(), 1u);
  const auto& registered = std::get<v1::OrganisationRegistered>(events[0]);
  EXPECT_EQ(registered.siren(), kCommune);
  EXPECT_EQ(registered.type(), v1::ORGANISATION_TYPE_COMMUNE);
  EXPECT_EQ(registered.display_name(), "Saint-Aubin-sur-Orbe");
  EXPECT_EQ(registered.population().value(), 1873);
  EXPECT_EQ(registered.epci(), OrganisationName(kEpci));
  EXPECT_EQ(registered.departement(), "07");
}

TEST(RegisterTest, WithoutPopulationTheEventHasNone) {
  v1::Organisation organisation = Commune();
  organisation.clear_population();
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(OrganisationState{}, RegisterOrganisation{organisation}, Registry()));
  EXPECT_FALSE(std::get<v1::OrganisationRegistered>(events[0]).has_population());
}

// ---------------------------------------------------------------------------------------
// Evolve

TEST(EvolveTest, RegisteredThenUpdatedByReplay) {
  OrganisationState state = Registered(Commune(), kTime);
  EXPECT_TRUE(state.exists);
  const v1::Organisation& organisation = state.organisation;
  EXPECT_EQ(organisation.name(), OrganisationName(kCommune));
  EXPECT_EQ(organisation.siren(), kCommune);
  EXPECT_EQ(organisation.type(), v1::ORGANISATION_TYPE_COMMUNE);
  EXPECT_EQ(organisation.display_name(), "Saint-Aubin-sur-Orbe");
  EXPECT_EQ(organisation.population().year(), 2021);
  EXPECT_EQ(organisation.epci(), OrganisationName(kEpci));
  EXPECT_EQ(organisation.departement(), "07");
  EXPECT_EQ(organisation.create_time().seconds(), 1'760'000'000);
  EXPECT_EQ(organisation.update_time().seconds(), 1'760'000'000);
  EXPECT_TRUE(organisation.etag().empty());

  v1::Organisation wanted = organisation;
  wanted.set_display_name("Saint-Aubin-sur-Orbe-et-Vignes");
  wanted.mutable_population()->set_value(1901);
  wanted.mutable_population()->set_year(2022);
  wanted.set_epci(OrganisationName(kOtherEpci));
  ASSERT_OK_AND_ASSIGN(auto events, Decide(state, UpdateOrganisation{wanted, {"*"}}, Registry()));
  const absl::Time later = kTime + absl::Hours(24) + absl::Milliseconds(250);
  for (const auto& event : events) Evolve(state, event, later);
  EXPECT_EQ(state.organisation.display_name(), "Saint-Aubin-sur-Orbe-et-Vignes");
  EXPECT_EQ(state.organisation.population().value(), 1901);
  EXPECT_EQ(state.organisation.population().year(), 2022);
  EXPECT_EQ(state.organisation.epci(), OrganisationName(kOtherEpci));
  EXPECT_EQ(state.organisation.create_time().seconds(), 1'760'000'000);
  EXPECT_EQ(state.organisation.update_time().seconds(), 1'760'086'400);
  EXPECT_EQ(state.organisation.update_time().nanos(), 250'000'000);
}

TEST(EvolveTest, PopulationRecordedWithoutFigureClearsIt) {
  OrganisationState state = Registered(Commune());
  Evolve(state, v1::OrganisationPopulationRecorded{}, kTime);
  EXPECT_FALSE(state.organisation.has_population());
}

// ---------------------------------------------------------------------------------------
// Update

using UpdateCase = DeciderCase<OrganisationState, UpdateOrganisation>;

// A `given` that names `paths` and applies `change` to the wanted organisation (the registered
// commune).
UpdateCase::Given Updating(std::vector<std::string> paths,
                           std::function<void(v1::Organisation&)> change) {
  return [paths, change](OrganisationState&, UpdateOrganisation& command) {
    command.paths = paths;
    change(command.organisation);
  };
}

class UpdateTest : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateTest, Decides) {
  const UpdateCase& test = GetParam();
  OrganisationState state = Registered(Commune());
  UpdateOrganisation command{state.organisation, {}};
  test.given(state, command);
  const auto events = Decide(state, command, Registry());
  ExpectOutcome(events, test.then);
  if (!events.ok()) return;
  // Replaying the events gives the wanted values of the named fields.
  const v1::Organisation& wanted = command.organisation;
  const std::vector<std::string>& paths = command.paths;
  for (const auto& event : *events) Evolve(state, event, kTime);
  bool all = std::find(paths.begin(), paths.end(), "*") != paths.end();
  auto named = [&](absl::string_view path) {
    return all || std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  if (named("display_name")) {
    EXPECT_EQ(state.organisation.display_name(), platform::NormaliseText(wanted.display_name()));
  }
  if (named("population")) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(state.organisation.population(),
                                                                   wanted.population()));
    EXPECT_EQ(state.organisation.has_population(), wanted.has_population());
  }
  if (named("epci")) {
    EXPECT_EQ(state.organisation.epci(), wanted.epci());
  }
}

const UpdateCase kUpdateCases[] = {
    {"Rename",
     Updating({"display_name"}, [](v1::Organisation& o) { o.set_display_name("Saint-Aubin"); }),
     Emits({"OrganisationRenamed"})},
    {"RenameToTheSameName", Updating({"display_name"}, [](v1::Organisation&) {})},
    {"RenameToTheSameNameWithSpaces",
     Updating({"display_name"},
              [](v1::Organisation& o) { o.set_display_name(" Saint-Aubin-sur-Orbe "); })},
    {"RenameBlank",
     Updating({"display_name"}, [](v1::Organisation& o) { o.set_display_name("   "); }),
     RejectsFields({"organisation.display_name"})},
    {"RenameWithControlCharacter",
     Updating({"display_name"}, [](v1::Organisation& o) { o.set_display_name("Saint\nAubin"); }),
     RejectsFields({"organisation.display_name"})},
    {"NameChangedButNotInTheMask",
     Updating({"population"}, [](v1::Organisation& o) { o.set_display_name("Ignored"); })},
    {"RecordPopulation",
     Updating({"population"}, [](v1::Organisation& o) { o.mutable_population()->set_year(2022); }),
     Emits({"OrganisationPopulationRecorded"})},
    {"RecordTheSamePopulation", Updating({"population"}, [](v1::Organisation&) {})},
    {"ClearPopulation", Updating({"population"}, [](v1::Organisation& o) { o.clear_population(); }),
     Emits({"OrganisationPopulationRecorded"})},
    {"PopulationNegative",
     Updating({"population"}, [](v1::Organisation& o) { o.mutable_population()->set_value(-10); }),
     RejectsFields({"organisation.population.value"})},
    {"PopulationYearOutOfRange",
     Updating({"population"}, [](v1::Organisation& o) { o.mutable_population()->set_year(2200); }),
     RejectsFields({"organisation.population.year"})},
    {"JoinAnotherEpci",
     Updating({"epci"}, [](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherEpci)); }),
     Emits({"OrganisationEpciChanged"})},
    {"LeaveTheEpci", Updating({"epci"}, [](v1::Organisation& o) { o.clear_epci(); }),
     Emits({"OrganisationEpciChanged"})},
    {"SameEpci", Updating({"epci"}, [](v1::Organisation&) {})},
    {"EpciMalformed",
     Updating({"epci"}, [](v1::Organisation& o) { o.set_epci("organisations/12"); }),
     RejectsFields({"organisation.epci"})},
    {"EpciNotRegistered",
     Updating({"epci"}, [](v1::Organisation& o) { o.set_epci(OrganisationName(kUnknown)); }),
     BreaksRule("EPCI_NOT_FOUND")},
    {"EpciIsACommune",
     Updating({"epci"}, [](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherCommune)); }),
     BreaksRule("NOT_AN_EPCI")},
    {"EverythingChanges",
     Updating({"*"},
              [](v1::Organisation& o) {
                o.set_display_name("Saint-Aubin");
                o.mutable_population()->set_value(2000);
                o.set_epci(OrganisationName(kOtherEpci));
              }),
     Emits({"OrganisationRenamed", "OrganisationPopulationRecorded", "OrganisationEpciChanged"})},
    {"EverythingNamedNothingChanges", Updating({"*"}, [](v1::Organisation&) {})},
    {"TwoPathsOneChange",
     Updating({"display_name", "epci"}, [](v1::Organisation& o) { o.clear_epci(); }),
     Emits({"OrganisationEpciChanged"})},
    {"ImmutableFieldsAreIgnored", Updating({"*"},
                                           [](v1::Organisation& o) {
                                             o.set_siren(kOtherCommune);
                                             o.set_type(v1::ORGANISATION_TYPE_EPCI);
                                             o.set_departement("2A");
                                           })},
    {"EmptyMask", Updating({}, [](v1::Organisation&) {}), RejectsFields({"update_mask"})},
    {"UnknownPath", Updating({"siren"}, [](v1::Organisation&) {}), RejectsFields({"update_mask"})},
    {"SubPath", Updating({"population.value"}, [](v1::Organisation&) {}),
     RejectsFields({"update_mask"})},
    {"EveryBadFieldAtOnce",
     Updating({"display_name", "population", "epci", "departement"},
              [](v1::Organisation& o) {
                o.set_display_name("");
                o.mutable_population()->set_value(-1);
                o.set_epci("x");
              }),
     RejectsFields({"update_mask", "organisation.display_name", "organisation.population.value",
                    "organisation.epci"})},
};

INSTANTIATE_TEST_SUITE_P(Table, UpdateTest, ::testing::ValuesIn(kUpdateCases), CaseName);

TEST(UpdateTest, NotRegisteredIsNotFound) {
  EXPECT_THAT(
      Decide(OrganisationState{}, UpdateOrganisation{Commune(), {"display_name"}}, Registry()),
      StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST(UpdateTest, EpciChangedCarriesThePreviousEpci) {
  const OrganisationState state = Registered(Commune());
  v1::Organisation wanted = state.organisation;
  wanted.set_epci(OrganisationName(kOtherEpci));
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(state, UpdateOrganisation{wanted, {"epci"}}, Registry()));
  ASSERT_EQ(events.size(), 1u);
  const auto& changed = std::get<v1::OrganisationEpciChanged>(events[0]);
  EXPECT_EQ(changed.epci(), OrganisationName(kOtherEpci));
  EXPECT_EQ(changed.previous_epci(), OrganisationName(kEpci));
}

TEST(UpdateTest, OnlyACommuneJoinsAnEpci) {
  v1::Organisation epci = Commune();
  epci.set_siren(kUnknown);
  epci.set_type(v1::ORGANISATION_TYPE_EPCI);
  epci.clear_epci();
  const OrganisationState state = Registered(epci);
  v1::Organisation wanted = state.organisation;
  EXPECT_THAT(
      Decide(state, UpdateOrganisation{wanted, {"*"}}, Registry()),
      ::testing::Property(&absl::StatusOr<std::vector<OrganisationEvent>>::value, IsEmpty()));
  wanted.set_epci(OrganisationName(kOtherEpci));
  const auto events = Decide(state, UpdateOrganisation{wanted, {"epci"}}, Registry());
  EXPECT_THAT(events, StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(BadFields(events.status()), ElementsAre("organisation.epci"));
}

TEST(UpdateTest, RenameStoresTheTrimmedName) {
  const OrganisationState state = Registered(Commune());
  v1::Organisation wanted = state.organisation;
  wanted.set_display_name("  Saint-Aubin  ");
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(state, UpdateOrganisation{wanted, {"display_name"}}, Registry()));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<v1::OrganisationRenamed>(events[0]).display_name(), "Saint-Aubin");
}

// ---------------------------------------------------------------------------------------
// Tags

TEST(TagsTest, WhatEachEventConcerns) {
  const OrganisationState commune = Registered(Commune());
  v1::OrganisationRegistered registered;
  registered.set_siren(kCommune);
  registered.set_epci(OrganisationName(kEpci));
  EXPECT_THAT(Tags(commune, registered),
              ElementsAre(absl::StrCat("org:", kCommune), "org:249900028"));

  EXPECT_THAT(Tags(commune, v1::OrganisationRenamed{}),
              ElementsAre(absl::StrCat("org:", kCommune)));
  EXPECT_THAT(Tags(commune, v1::OrganisationPopulationRecorded{}),
              ElementsAre(absl::StrCat("org:", kCommune)));

  v1::OrganisationEpciChanged moved;
  moved.set_epci(OrganisationName(kOtherEpci));
  moved.set_previous_epci(OrganisationName(kEpci));
  EXPECT_THAT(Tags(commune, moved), ElementsAre(absl::StrCat("org:", kCommune),
                                                absl::StrCat("org:", kOtherEpci), "org:249900028"));

  v1::OrganisationEpciChanged left;
  left.set_previous_epci(OrganisationName(kEpci));
  EXPECT_THAT(Tags(commune, left), ElementsAre(absl::StrCat("org:", kCommune), "org:249900028"));

  v1::Organisation caf = Commune();
  caf.set_siren(kCaf);
  caf.set_type(v1::ORGANISATION_TYPE_CAF);
  caf.set_display_name("Caf de Valmont");
  caf.clear_epci();
  const OrganisationState caf_state = Registered(caf);
  v1::OrganisationRegistered caf_registered;
  caf_registered.set_siren(kCaf);
  EXPECT_THAT(Tags(caf_state, caf_registered), ElementsAre(absl::StrCat("org:", kCaf)));
}

// ---------------------------------------------------------------------------------------
// Event codec

TEST(ParseOrganisationEventTest, RoundTripsEveryEventType) {
  v1::OrganisationRegistered registered;
  registered.set_siren(kCommune);
  registered.set_type(v1::ORGANISATION_TYPE_COMMUNE);
  registered.set_display_name("Saint-Aubin-sur-Orbe");
  registered.mutable_population()->set_value(1873);
  registered.set_epci(OrganisationName(kEpci));
  v1::OrganisationRenamed renamed;
  renamed.set_display_name("Saint-Aubin");
  v1::OrganisationPopulationRecorded recorded;
  recorded.mutable_population()->set_year(2022);
  v1::OrganisationEpciChanged changed;
  changed.set_previous_epci(OrganisationName(kEpci));
  const std::vector<OrganisationEvent> events = {registered, renamed, recorded, changed};
  for (const OrganisationEvent& event : events) {
    const google::protobuf::Message& message = AsMessage(event);
    ASSERT_OK_AND_ASSIGN(auto parsed, ParseOrganisationEvent(message.GetDescriptor()->full_name(),
                                                             message.SerializeAsString()));
    EXPECT_EQ(parsed.index(), event.index());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AsMessage(parsed), message))
        << message.GetDescriptor()->full_name();
  }
}

TEST(ParseOrganisationEventTest, UnknownTypeIsInternal) {
  EXPECT_THAT(ParseOrganisationEvent("ctg.v1.OrganisationDissolved", ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("OrganisationDissolved")));
  EXPECT_THAT(ParseOrganisationEvent("ctg.v1.CtgDrafted", ""),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
  EXPECT_THAT(ParseOrganisationEvent("OrganisationRenamed", ""),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
}

TEST(ParseOrganisationEventTest, UnparsablePayloadIsDataLoss) {
  EXPECT_THAT(ParseOrganisationEvent("ctg.v1.OrganisationRenamed", std::string(11, '\xFF')),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

}  // namespace
}  // namespace ctg::partners
