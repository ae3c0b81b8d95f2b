// The Organisation decider: registration and update rules as tables, Evolve by replaying
// decided events, tags, and the event codec.
#include "services/partners/organisation.h"

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
#include "tests/testing/status_matchers.h"

namespace ctg::partners {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
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

std::vector<std::string> BadFields(const absl::Status& status) {
  std::vector<std::string> fields;
  if (auto bad_request = platform::BadRequestOf(status)) {
    for (const auto& violation : bad_request->field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

std::string Reason(const absl::Status& status) {
  auto info = platform::ErrorInfoOf(status);
  return info.has_value() ? info->reason() : "";
}

std::vector<std::string> TypeNames(const std::vector<OrganisationEvent>& events) {
  std::vector<std::string> names;
  for (const auto& event : events) names.push_back(AsMessage(event).GetDescriptor()->name());
  return names;
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
                      SirenCase{"２00000172", false}, SirenCase{"", false}));

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
                      NameCase{"Organisations/249900028", ""}, NameCase{"", ""}));

TEST(NamesTest, StreamAndName) {
  EXPECT_EQ(OrganisationStream("249900028"), "org-249900028");
  EXPECT_EQ(OrganisationName("249900028"), "organisations/249900028");
  EXPECT_EQ(kStreamPrefix, "org-");
}

// ---------------------------------------------------------------------------------------
// Registration

struct RegisterCase {
  std::string name;
  std::function<void(v1::Organisation&)> change;  // applied to Commune()
  absl::StatusCode code = absl::StatusCode::kOk;
  std::vector<std::string> fields;  // the BadRequest's fields, in order
  std::string reason;               // the ErrorInfo's reason
};

void PrintTo(const RegisterCase& test, std::ostream* os) { *os << "\"" << test.name << "\""; }

class RegisterTest : public ::testing::TestWithParam<RegisterCase> {};

TEST_P(RegisterTest, Decides) {
  const RegisterCase& test = GetParam();
  v1::Organisation organisation = Commune();
  test.change(organisation);
  const auto events = Decide(OrganisationState{}, RegisterOrganisation{organisation}, Registry());
  if (test.code == absl::StatusCode::kOk) {
    ASSERT_OK(events);
    EXPECT_THAT(TypeNames(*events), ElementsAre("OrganisationRegistered"));
    return;
  }
  EXPECT_THAT(events, StatusIs(test.code, ::testing::_));
  EXPECT_THAT(BadFields(events.status()), ElementsAreArray(test.fields));
  EXPECT_EQ(Reason(events.status()), test.reason);
}

const RegisterCase kRegisterCases[] = {
    // Accepted.
    {"CommuneOfAnEpci", [](v1::Organisation&) {}},
    {"MinimalAssociation",
     [](v1::Organisation& o) {
       o.set_type(v1::ORGANISATION_TYPE_ASSOCIATION);
       o.set_display_name("Association Les Petits Pas de l'Orbe");
       o.clear_population();
       o.clear_epci();
       o.clear_departement();
     }},
    {"Epci",
     [](v1::Organisation& o) {
       o.set_siren(kUnknown);
       o.set_type(v1::ORGANISATION_TYPE_EPCI);
       o.set_display_name("Communauté de communes du Val d'Orbe");
       o.clear_epci();
     }},
    {"CommuneWithoutEpci", [](v1::Organisation& o) { o.clear_epci(); }},
    {"Departement2A", [](v1::Organisation& o) { o.set_departement("2A"); }},
    {"Departement2B", [](v1::Organisation& o) { o.set_departement("2B"); }},
    {"DepartementOverseas", [](v1::Organisation& o) { o.set_departement("971"); }},
    {"PopulationZero", [](v1::Organisation& o) { o.mutable_population()->set_value(0); }},
    {"PopulationYearUnknown", [](v1::Organisation& o) { o.mutable_population()->set_year(0); }},
    {"PopulationYear1900", [](v1::Organisation& o) { o.mutable_population()->set_year(1900); }},
    {"PopulationYear2100", [](v1::Organisation& o) { o.mutable_population()->set_year(2100); }},
    {"NameOf200Characters",
     [](v1::Organisation& o) {
       std::string name;
       for (int i = 0; i < 200; ++i) name += "é";
       o.set_display_name(name);
     }},
    {"NameWithSurroundingSpaces",
     [](v1::Organisation& o) { o.set_display_name("  Saint-Aubin-sur-Orbe \n"); }},
    // Bad fields.
    {"SirenMissing",
     [](v1::Organisation& o) { o.clear_siren(); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.siren"}},
    {"SirenLuhn",
     [](v1::Organisation& o) { o.set_siren("249900029"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.siren"}},
    {"SirenShort",
     [](v1::Organisation& o) { o.set_siren("24990002"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.siren"}},
    {"SirenLetters",
     [](v1::Organisation& o) { o.set_siren("2000001A2"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.siren"}},
    {"TypeMissing",
     [](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_UNSPECIFIED); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.type"}},
    {"TypeUnknown",
     [](v1::Organisation& o) { o.set_type(static_cast<v1::OrganisationType>(99)); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.type"}},
    {"NameMissing",
     [](v1::Organisation& o) { o.clear_display_name(); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameBlank",
     [](v1::Organisation& o) { o.set_display_name(" \t "); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameOf201Characters",
     [](v1::Organisation& o) { o.set_display_name(std::string(201, 'a')); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameWithTab",
     [](v1::Organisation& o) { o.set_display_name("Saint-Aubin\tsur-Orbe"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameWithNul",
     [](v1::Organisation& o) { o.set_display_name(std::string("Saint\0Aubin", 11)); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameWithDel",
     [](v1::Organisation& o) {
       o.set_display_name(
           "Saint\x7f"
           "Aubin");
     },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameWithC1Control",
     [](v1::Organisation& o) {
       o.set_display_name(
           "Saint\xC2\x85"
           "Aubin");
     },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameNotUtf8",
     [](v1::Organisation& o) { o.set_display_name("Saint-Aubin\xFF"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"PopulationNegative",
     [](v1::Organisation& o) { o.mutable_population()->set_value(-1); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.value"}},
    {"PopulationYear1899",
     [](v1::Organisation& o) { o.mutable_population()->set_year(1899); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.year"}},
    {"PopulationYear2101",
     [](v1::Organisation& o) { o.mutable_population()->set_year(2101); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.year"}},
    {"PopulationKindUnknown",
     [](v1::Organisation& o) {
       o.mutable_population()->set_kind(static_cast<v1::Population::Kind>(7));
     },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.kind"}},
    {"EpciNotAName",
     [](v1::Organisation& o) { o.set_epci(kEpci); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.epci"}},
    {"EpciBadSiren",
     [](v1::Organisation& o) { o.set_epci("organisations/249900029"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.epci"}},
    {"EpciForAnAssociation",
     [](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_ASSOCIATION); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.epci"}},
    {"EpciForAnEpci",
     [](v1::Organisation& o) { o.set_type(v1::ORGANISATION_TYPE_EPCI); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.epci"}},
    {"DepartementOneDigit",
     [](v1::Organisation& o) { o.set_departement("7"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.departement"}},
    {"DepartementFourDigits",
     [](v1::Organisation& o) { o.set_departement("9710"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.departement"}},
    {"Departement2C",
     [](v1::Organisation& o) { o.set_departement("2C"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.departement"}},
    {"Departement2aLowerCase",
     [](v1::Organisation& o) { o.set_departement("2a"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.departement"}},
    {"DepartementLetters",
     [](v1::Organisation& o) { o.set_departement("AB"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.departement"}},
    {"EveryBadFieldAtOnce",
     [](v1::Organisation& o) {
       o.set_siren("123");
       o.set_type(v1::ORGANISATION_TYPE_UNSPECIFIED);
       o.set_display_name("");
       o.mutable_population()->set_value(-5);
       o.mutable_population()->set_year(1800);
       o.set_epci("nope");
       o.set_departement("100A");
     },
     absl::StatusCode::kInvalidArgument,
     {"organisation.siren", "organisation.type", "organisation.display_name",
      "organisation.population.value", "organisation.population.year", "organisation.epci",
      "organisation.departement"}},
    // Cross-aggregate rules.
    {"EpciNotRegistered",
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kUnknown)); },
     absl::StatusCode::kFailedPrecondition,
     {},
     "EPCI_NOT_FOUND"},
    {"EpciIsACommune",
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherCommune)); },
     absl::StatusCode::kFailedPrecondition,
     {},
     "NOT_AN_EPCI"},
    {"EpciIsTheCaf",
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kCaf)); },
     absl::StatusCode::kFailedPrecondition,
     {},
     "NOT_AN_EPCI"},
};

INSTANTIATE_TEST_SUITE_P(Table, RegisterTest, ::testing::ValuesIn(kRegisterCases),
                         [](const auto& info) { return info.param.name; });

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

struct UpdateCase {
  std::string name;
  std::vector<std::string> paths;
  std::function<void(v1::Organisation&)> change;  // applied to the registered commune
  absl::StatusCode code = absl::StatusCode::kOk;
  std::vector<std::string> events_or_fields;  // event type names if OK, else BadRequest fields
  std::string reason;
};

void PrintTo(const UpdateCase& test, std::ostream* os) { *os << "\"" << test.name << "\""; }

class UpdateTest : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateTest, Decides) {
  const UpdateCase& test = GetParam();
  OrganisationState state = Registered(Commune());
  v1::Organisation wanted = state.organisation;
  test.change(wanted);
  const auto events = Decide(state, UpdateOrganisation{wanted, test.paths}, Registry());
  if (test.code != absl::StatusCode::kOk) {
    EXPECT_THAT(events, StatusIs(test.code, ::testing::_));
    EXPECT_THAT(BadFields(events.status()), ElementsAreArray(test.events_or_fields));
    EXPECT_EQ(Reason(events.status()), test.reason);
    return;
  }
  ASSERT_OK(events);
  EXPECT_THAT(TypeNames(*events), ElementsAreArray(test.events_or_fields));
  // Replaying the events gives the wanted values of the named fields.
  for (const auto& event : *events) Evolve(state, event, kTime);
  bool all = std::find(test.paths.begin(), test.paths.end(), "*") != test.paths.end();
  auto named = [&](absl::string_view path) {
    return all || std::find(test.paths.begin(), test.paths.end(), path) != test.paths.end();
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
     {"display_name"},
     [](v1::Organisation& o) { o.set_display_name("Saint-Aubin"); },
     absl::StatusCode::kOk,
     {"OrganisationRenamed"}},
    {"RenameToTheSameName", {"display_name"}, [](v1::Organisation&) {}},
    {"RenameToTheSameNameWithSpaces",
     {"display_name"},
     [](v1::Organisation& o) { o.set_display_name(" Saint-Aubin-sur-Orbe "); }},
    {"RenameBlank",
     {"display_name"},
     [](v1::Organisation& o) { o.set_display_name("   "); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"RenameWithControlCharacter",
     {"display_name"},
     [](v1::Organisation& o) { o.set_display_name("Saint\nAubin"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.display_name"}},
    {"NameChangedButNotInTheMask",
     {"population"},
     [](v1::Organisation& o) { o.set_display_name("Ignored"); }},
    {"RecordPopulation",
     {"population"},
     [](v1::Organisation& o) { o.mutable_population()->set_year(2022); },
     absl::StatusCode::kOk,
     {"OrganisationPopulationRecorded"}},
    {"RecordTheSamePopulation", {"population"}, [](v1::Organisation&) {}},
    {"ClearPopulation",
     {"population"},
     [](v1::Organisation& o) { o.clear_population(); },
     absl::StatusCode::kOk,
     {"OrganisationPopulationRecorded"}},
    {"PopulationNegative",
     {"population"},
     [](v1::Organisation& o) { o.mutable_population()->set_value(-10); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.value"}},
    {"PopulationYearOutOfRange",
     {"population"},
     [](v1::Organisation& o) { o.mutable_population()->set_year(2200); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.population.year"}},
    {"JoinAnotherEpci",
     {"epci"},
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherEpci)); },
     absl::StatusCode::kOk,
     {"OrganisationEpciChanged"}},
    {"LeaveTheEpci",
     {"epci"},
     [](v1::Organisation& o) { o.clear_epci(); },
     absl::StatusCode::kOk,
     {"OrganisationEpciChanged"}},
    {"SameEpci", {"epci"}, [](v1::Organisation&) {}},
    {"EpciMalformed",
     {"epci"},
     [](v1::Organisation& o) { o.set_epci("organisations/12"); },
     absl::StatusCode::kInvalidArgument,
     {"organisation.epci"}},
    {"EpciNotRegistered",
     {"epci"},
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kUnknown)); },
     absl::StatusCode::kFailedPrecondition,
     {},
     "EPCI_NOT_FOUND"},
    {"EpciIsACommune",
     {"epci"},
     [](v1::Organisation& o) { o.set_epci(OrganisationName(kOtherCommune)); },
     absl::StatusCode::kFailedPrecondition,
     {},
     "NOT_AN_EPCI"},
    {"EverythingChanges",
     {"*"},
     [](v1::Organisation& o) {
       o.set_display_name("Saint-Aubin");
       o.mutable_population()->set_value(2000);
       o.set_epci(OrganisationName(kOtherEpci));
     },
     absl::StatusCode::kOk,
     {"OrganisationRenamed", "OrganisationPopulationRecorded", "OrganisationEpciChanged"}},
    {"EverythingNamedNothingChanges", {"*"}, [](v1::Organisation&) {}},
    {"TwoPathsOneChange",
     {"display_name", "epci"},
     [](v1::Organisation& o) { o.clear_epci(); },
     absl::StatusCode::kOk,
     {"OrganisationEpciChanged"}},
    {"ImmutableFieldsAreIgnored",
     {"*"},
     [](v1::Organisation& o) {
       o.set_siren(kOtherCommune);
       o.set_type(v1::ORGANISATION_TYPE_EPCI);
       o.set_departement("2A");
     }},
    {"EmptyMask",
     {},
     [](v1::Organisation&) {},
     absl::StatusCode::kInvalidArgument,
     {"update_mask"}},
    {"UnknownPath",
     {"siren"},
     [](v1::Organisation&) {},
     absl::StatusCode::kInvalidArgument,
     {"update_mask"}},
    {"SubPath",
     {"population.value"},
     [](v1::Organisation&) {},
     absl::StatusCode::kInvalidArgument,
     {"update_mask"}},
    {"EveryBadFieldAtOnce",
     {"display_name", "population", "epci", "departement"},
     [](v1::Organisation& o) {
       o.set_display_name("");
       o.mutable_population()->set_value(-1);
       o.set_epci("x");
     },
     absl::StatusCode::kInvalidArgument,
     {"update_mask", "organisation.display_name", "organisation.population.value",
      "organisation.epci"}},
};

INSTANTIATE_TEST_SUITE_P(Table, UpdateTest, ::testing::ValuesIn(kUpdateCases),
                         [](const auto& info) { return info.param.name; });

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
