// The CTG decider: names, every command's rules as tables, R-7/R-8 warnings, Evolve by
// replaying decided events, tags and the event codec. The lifecycle is in lifecycle_test.cc.
#include "services/plans/ctg.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/services/plans/ctg_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace ctg::plans {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using namespace ::ctg::plans::testing;  // NOLINT: the fixtures of this test

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kFailed = absl::StatusCode::kFailedPrecondition;
constexpr auto kExists = absl::StatusCode::kAlreadyExists;

// ---------------------------------------------------------------------------------------
// Ids and names

struct IdCase {
  std::string id;
  bool valid;
};
void PrintTo(const IdCase& test, std::ostream* os) { *os << '"' << test.id << '"'; }

class ValidateCtgIdTest : public ::testing::TestWithParam<IdCase> {};

TEST_P(ValidateCtgIdTest, AcceptsOnlyTheDocumentedForm) {
  const absl::Status status = ValidateCtgId(GetParam().id, "ctg_id");
  if (GetParam().valid) {
    EXPECT_OK(status);
    ASSERT_OK_AND_ASSIGN(std::string id, ParseCtgName(CtgName(GetParam().id), "name"));
    EXPECT_EQ(id, GetParam().id);
  } else {
    EXPECT_THAT(status, StatusIs(kInvalid, HasSubstr("ctg_id")));
    EXPECT_THAT(BadFields(status), ElementsAre("ctg_id"));
    EXPECT_THAT(BadFields(ParseCtgName(CtgName(GetParam().id), "name").status()),
                ElementsAre("name"));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateCtgIdTest,
    ::testing::Values(IdCase{"abc", true}, IdCase{"val-orbe-2025", true}, IdCase{"a12", true},
                      IdCase{"a--b", true}, IdCase{"a" + std::string(62, 'z'), true},
                      IdCase{"ab", false}, IdCase{"a" + std::string(63, 'z'), false},
                      IdCase{"1abc", false}, IdCase{"-abc", false}, IdCase{"abc-", false},
                      IdCase{"Abc", false}, IdCase{"abC", false}, IdCase{"ab_c", false},
                      IdCase{"ab c", false}, IdCase{"ab/c", false}, IdCase{"éab", false},
                      IdCase{"", false}),
    [](const ::testing::TestParamInfo<IdCase>& info) {
      return absl::StrCat(info.param.valid ? "Valid" : "Invalid", info.index, "_",
                          ::ctg::testing::Identifier(info.param.id));
    });

TEST(NamesTest, StreamNameAndParse) {
  EXPECT_EQ(CtgStream("val-orbe-2025"), "ctg-val-orbe-2025");
  EXPECT_EQ(CtgName("val-orbe-2025"), "ctgs/val-orbe-2025");
  EXPECT_EQ(kStreamPrefix, "ctg-");
  for (const char* name : {"val-orbe-2025", "ctg/val-orbe-2025", "ctgs/", "ctgs/val/orbe",
                           "organisations/249900028", ""}) {
    EXPECT_THAT(ParseCtgName(name, "ctg.predecessor"), StatusIs(kInvalid, ::testing::_)) << name;
  }
}

// ---------------------------------------------------------------------------------------
// DraftCtg

using DraftCase = CommandCase<DraftCtg>;
class DraftTest : public ::testing::TestWithParam<DraftCase> {};

TEST_P(DraftTest, Decides) {
  ExpectOutcome(GetParam(), CtgState{}, DraftCtg{std::string(kCtgId), NewCtg()});
}

const std::vector<std::string> kDraftEvents = {"CtgDrafted", "CtgSignatoryAdded",
                                               "CtgSignatoryAdded"};

const DraftCase kDraftCases[] = {
    // Accepted.
    {"Complete", [](CtgState&, DraftCtg&) {}, Emits(kDraftEvents)},
    {"Minimal",
     [](CtgState&, DraftCtg& c) {
       c.ctg.clear_start_date();
       c.ctg.clear_end_date();
       c.ctg.clear_thematiques();
     },
     Emits(kDraftEvents)},
    {"PorteurCommune", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kCommune); },
     Emits(kDraftEvents)},
    {"PorteurSyndicat", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kSyndicat); },
     Emits(kDraftEvents)},
    {"Renewal", [](CtgState&, DraftCtg& c) { c.ctg.set_predecessor(CtgName(kPredecessorId)); },
     Emits(kDraftEvents)},
    {"OneDayPeriod", [](CtgState&, DraftCtg& c) { *c.ctg.mutable_end_date() = Date(2025, 1, 2); },
     Emits(kDraftEvents)},
    {"OnlyAStartDate", [](CtgState&, DraftCtg& c) { c.ctg.clear_end_date(); }, Emits(kDraftEvents)},
    {"LeapDay", [](CtgState&, DraftCtg& c) { *c.ctg.mutable_start_date() = Date(2024, 2, 29); },
     Emits(kDraftEvents)},
    {"OutputOnlyFieldsIgnored",
     [](CtgState&, DraftCtg& c) {
       c.ctg.set_name("ctgs/other");
       c.ctg.set_state(v1::CTG_STATE_ACTIVE);
       c.ctg.set_cdt("cdt-0042");
       c.ctg.add_signatories()->set_organisation(kUnknown);
     },
     Emits(kDraftEvents)},
    // Bad fields.
    {"IdMissing", [](CtgState&, DraftCtg& c) { c.ctg_id.clear(); }, RejectsFields({"ctg_id"})},
    {"IdMalformed", [](CtgState&, DraftCtg& c) { c.ctg_id = "Val_Orbe"; },
     RejectsFields({"ctg_id"})},
    {"TitleMissing", [](CtgState&, DraftCtg& c) { c.ctg.clear_title(); },
     RejectsFields({"ctg.title"})},
    {"TitleBlank", [](CtgState&, DraftCtg& c) { c.ctg.set_title("  "); },
     RejectsFields({"ctg.title"})},
    {"TitleTooLong", [](CtgState&, DraftCtg& c) { c.ctg.set_title(std::string(201, 'x')); },
     RejectsFields({"ctg.title"})},
    {"TitleWithNewline", [](CtgState&, DraftCtg& c) { c.ctg.set_title("CTG\ndu Val"); },
     RejectsFields({"ctg.title"})},
    {"CafMissing", [](CtgState&, DraftCtg& c) { c.ctg.clear_caf(); }, RejectsFields({"ctg.caf"})},
    {"CafMalformed", [](CtgState&, DraftCtg& c) { c.ctg.set_caf(kCafSiren); },
     RejectsFields({"ctg.caf"})},
    {"PorteurMissing", [](CtgState&, DraftCtg& c) { c.ctg.clear_porteur(); },
     RejectsFields({"ctg.porteur"})},
    {"PorteurBadSiren",
     [](CtgState&, DraftCtg& c) { c.ctg.set_porteur("organisations/249900029"); },
     RejectsFields({"ctg.porteur"})},
    {"StartNotADay",
     [](CtgState&, DraftCtg& c) { *c.ctg.mutable_start_date() = Date(2025, 2, 29); },
     RejectsFields({"ctg.start_date"})},
    {"StartMonth13",
     [](CtgState&, DraftCtg& c) { *c.ctg.mutable_start_date() = Date(2025, 13, 1); },
     RejectsFields({"ctg.start_date"})},
    {"StartYearOnly",
     [](CtgState&, DraftCtg& c) { *c.ctg.mutable_start_date() = Date(2025, 0, 0); },
     RejectsFields({"ctg.start_date"})},
    {"StartEmptyButSet", [](CtgState&, DraftCtg& c) { c.ctg.mutable_start_date()->Clear(); },
     RejectsFields({"ctg.start_date"})},
    {"StartYear1899",
     [](CtgState&, DraftCtg& c) { *c.ctg.mutable_start_date() = Date(1899, 12, 31); },
     RejectsFields({"ctg.start_date"})},
    {"EndYear2101", [](CtgState&, DraftCtg& c) { *c.ctg.mutable_end_date() = Date(2101, 1, 1); },
     RejectsFields({"ctg.end_date"})},
    {"EndBeforeStart",
     [](CtgState&, DraftCtg& c) { *c.ctg.mutable_end_date() = Date(2024, 12, 31); },
     RejectsFields({"ctg.end_date"})},
    {"EndOnStart", [](CtgState&, DraftCtg& c) { *c.ctg.mutable_end_date() = Date(2025, 1, 1); },
     RejectsFields({"ctg.end_date"})},
    {"ThematiqueUnspecified",
     [](CtgState&, DraftCtg& c) { c.ctg.add_thematiques(v1::THEMATIQUE_UNSPECIFIED); },
     RejectsFields({"ctg.thematiques"})},
    {"ThematiqueUnknown",
     [](CtgState&, DraftCtg& c) { c.ctg.add_thematiques(static_cast<v1::Thematique>(99)); },
     RejectsFields({"ctg.thematiques"})},
    {"ThematiqueRepeated",
     [](CtgState&, DraftCtg& c) { c.ctg.add_thematiques(v1::THEMATIQUE_JEUNESSE); },
     RejectsFields({"ctg.thematiques"})},
    {"PredecessorMalformed",
     [](CtgState&, DraftCtg& c) { c.ctg.set_predecessor(std::string(kPredecessorId)); },
     RejectsFields({"ctg.predecessor"})},
    {"EveryBadFieldAtOnce",
     [](CtgState&, DraftCtg& c) {
       c.ctg_id = "x";
       c.ctg.clear_title();
       c.ctg.set_caf("caf");
       c.ctg.set_porteur("porteur");
       *c.ctg.mutable_start_date() = Date(2025, 4, 31);
       *c.ctg.mutable_end_date() = Date(2025, 0, 1);
       c.ctg.add_thematiques(v1::THEMATIQUE_UNSPECIFIED);
       c.ctg.set_predecessor("ctgs/X");
     },
     RejectsFields({"ctg_id", "ctg.title", "ctg.caf", "ctg.porteur", "ctg.start_date",
                    "ctg.end_date", "ctg.thematiques", "ctg.predecessor"})},
    // Cross-aggregate rules.
    {"CafNotRegistered", [](CtgState&, DraftCtg& c) { c.ctg.set_caf(kUnknown); },
     BreaksRule("ORGANISATION_NOT_FOUND")},
    {"CafIsAnEpci", [](CtgState&, DraftCtg& c) { c.ctg.set_caf(kOtherEpci); },
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"PorteurNotRegistered", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kUnknown); },
     BreaksRule("ORGANISATION_NOT_FOUND")},
    {"PorteurIsTheCaf", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kCaf); },
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"PorteurIsADepartement", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kDepartement); },
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"PorteurIsAnAssociation", [](CtgState&, DraftCtg& c) { c.ctg.set_porteur(kAssociation); },
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"PredecessorUnknown",
     [](CtgState&, DraftCtg& c) { c.ctg.set_predecessor("ctgs/val-orbe-2013"); },
     BreaksRule("PREDECESSOR_NOT_FOUND")},
    {"PredecessorIsItself", [](CtgState&, DraftCtg& c) { c.ctg.set_predecessor(CtgName(kCtgId)); },
     BreaksRule("PREDECESSOR_NOT_FOUND")},
    // Existence.
    {"AlreadyDrafted", [](CtgState& s, DraftCtg&) { s = Drafted(); }, Fails(kExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, DraftTest, ::testing::ValuesIn(kDraftCases), CaseName);

TEST(DraftTest, WrongTypeNamesFieldOrganisationAndType) {
  v1::Ctg ctg = NewCtg();
  ctg.set_porteur(kDepartement);
  const auto events = Decide(CtgState{}, DraftCtg{std::string(kCtgId), ctg}, Registry());
  EXPECT_THAT(Metadata(events.status()),
              UnorderedElementsAre(Pair("field", "ctg.porteur"), Pair("organisation", kDepartement),
                                   Pair("type", "ORGANISATION_TYPE_DEPARTEMENT")));
  ctg = NewCtg();
  ctg.set_caf(kUnknown);
  EXPECT_THAT(Metadata(Decide(CtgState{}, DraftCtg{std::string(kCtgId), ctg}, Registry()).status()),
              UnorderedElementsAre(Pair("field", "ctg.caf"), Pair("organisation", kUnknown)));
}

TEST(DraftTest, WithoutLookupsNothingIsRegistered) {
  EXPECT_EQ(Reason(Decide(CtgState{}, DraftCtg{std::string(kCtgId), NewCtg()}, Lookups{}).status()),
            "ORGANISATION_NOT_FOUND");
}

TEST(DraftTest, EventsCarryTheDraftAndItsFirstSignatories) {
  v1::Ctg ctg = NewCtg();
  ctg.set_title("  CTG du Val d'Orbe 2025-2029 ");
  ctg.set_predecessor(CtgName(kPredecessorId));
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(CtgState{}, DraftCtg{std::string(kCtgId), ctg}, Registry()));
  ASSERT_EQ(events.size(), 3u);
  const auto& drafted = std::get<v1::CtgDrafted>(events[0]);
  EXPECT_EQ(drafted.ctg_id(), kCtgId);
  EXPECT_EQ(drafted.title(), "CTG du Val d'Orbe 2025-2029");
  EXPECT_EQ(drafted.caf(), kCaf);
  EXPECT_EQ(drafted.porteur(), kEpci);
  EXPECT_EQ(drafted.start_date().year(), 2025);
  EXPECT_EQ(drafted.end_date().day(), 31);
  EXPECT_EQ(drafted.thematiques_size(), 5);
  EXPECT_EQ(drafted.predecessor(), CtgName(kPredecessorId));
  const auto& caf = std::get<v1::CtgSignatoryAdded>(events[1]);
  EXPECT_EQ(caf.organisation(), kCaf);
  EXPECT_EQ(caf.role(), v1::SIGNATORY_ROLE_CAF);
  const auto& porteur = std::get<v1::CtgSignatoryAdded>(events[2]);
  EXPECT_EQ(porteur.organisation(), kEpci);
  EXPECT_EQ(porteur.role(), v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE);
}

TEST(DraftTest, UndatedDraftHasNoDatesInItsEvent) {
  v1::Ctg ctg = NewCtg();
  ctg.clear_start_date();
  ctg.clear_end_date();
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(CtgState{}, DraftCtg{std::string(kCtgId), ctg}, Registry()));
  EXPECT_FALSE(std::get<v1::CtgDrafted>(events[0]).has_start_date());
  EXPECT_FALSE(std::get<v1::CtgDrafted>(events[0]).has_end_date());
}

// ---------------------------------------------------------------------------------------
// UpdateCtg

using UpdateCase = CommandCase<UpdateCtg>;
class UpdateTest : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateTest, Decides) {
  const CtgState state = Drafted();
  ExpectOutcome(GetParam(), state, UpdateCtg{state.ctg, {}});
}

const UpdateCase kUpdateCases[] = {
    {"Retitle",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"title"};
       c.ctg.set_title("CTG du Val d'Orbe");
     },
     Emits({"CtgRetitled"})},
    {"SameTitle", [](CtgState&, UpdateCtg& c) { c.paths = {"title"}; }},
    {"SameTitleWithSpaces",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"title"};
       c.ctg.set_title(" " + c.ctg.title() + " ");
     }},
    {"TitleBlank",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"title"};
       c.ctg.set_title("\t");
     },
     RejectsFields({"ctg.title"})},
    {"MoveStart",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"start_date"};
       *c.ctg.mutable_start_date() = Date(2025, 3, 1);
     },
     Emits({"CtgPeriodSet"})},
    {"MoveEnd",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"end_date"};
       *c.ctg.mutable_end_date() = Date(2028, 12, 31);
     },
     Emits({"CtgPeriodSet"})},
    {"ClearStart",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"start_date"};
       c.ctg.clear_start_date();
     },
     Emits({"CtgPeriodSet"})},
    {"SamePeriod",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"start_date", "end_date"};
     }},
    {"StartAfterTheCurrentEnd",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"start_date"};
       *c.ctg.mutable_start_date() = Date(2030, 1, 1);
     },
     RejectsFields({"ctg.start_date"})},
    {"EndBeforeTheCurrentStart",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"end_date"};
       *c.ctg.mutable_end_date() = Date(2024, 1, 1);
     },
     RejectsFields({"ctg.end_date"})},
    {"BothDatesInTheWrongOrder",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"start_date", "end_date"};
       *c.ctg.mutable_start_date() = Date(2030, 1, 1);
       *c.ctg.mutable_end_date() = Date(2029, 1, 1);
     },
     RejectsFields({"ctg.end_date"})},
    {"EndNotADay",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"end_date"};
       *c.ctg.mutable_end_date() = Date(2029, 6, 31);
     },
     RejectsFields({"ctg.end_date"})},
    {"DateNotInTheMaskIgnored",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"title"};
       *c.ctg.mutable_end_date() = Date(2029, 6, 31);
     }},
    {"SetThematiques",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"thematiques"};
       c.ctg.add_thematiques(v1::THEMATIQUE_LOGEMENT);
     },
     Emits({"CtgThematiquesSet"})},
    {"ClearThematiques",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"thematiques"};
       c.ctg.clear_thematiques();
     },
     Emits({"CtgThematiquesSet"})},
    {"ReorderThematiques",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"thematiques"};
       c.ctg.mutable_thematiques()->SwapElements(0, 1);
     },
     Emits({"CtgThematiquesSet"})},
    {"SameThematiques", [](CtgState&, UpdateCtg& c) { c.paths = {"thematiques"}; }},
    {"ThematiqueRepeated",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"thematiques"};
       c.ctg.add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
     },
     RejectsFields({"ctg.thematiques"})},
    {"EverythingChanges",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"*"};
       c.ctg.set_title("CTG du Val d'Orbe 2026-2030");
       *c.ctg.mutable_start_date() = Date(2026, 1, 1);
       *c.ctg.mutable_end_date() = Date(2030, 12, 31);
       c.ctg.add_thematiques(v1::THEMATIQUE_HANDICAP);
     },
     Emits({"CtgRetitled", "CtgPeriodSet", "CtgThematiquesSet"})},
    {"EverythingNamedNothingChanges", [](CtgState&, UpdateCtg& c) { c.paths = {"*"}; }},
    {"ImmutableFieldsIgnored",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"*"};
       c.ctg.set_caf(kUnknown);
       c.ctg.set_porteur(kCommune);
       c.ctg.set_predecessor("ctgs/other");
       c.ctg.set_state(v1::CTG_STATE_ACTIVE);
     }},
    {"EmptyMask", [](CtgState&, UpdateCtg&) {}, RejectsFields({"update_mask"})},
    {"UnknownPath", [](CtgState&, UpdateCtg& c) { c.paths = {"porteur"}; },
     RejectsFields({"update_mask"})},
    {"StateIsNotUpdatable", [](CtgState&, UpdateCtg& c) { c.paths = {"state"}; },
     RejectsFields({"update_mask"})},
    {"EveryBadFieldAtOnce",
     [](CtgState&, UpdateCtg& c) {
       c.paths = {"title", "signatories", "end_date", "thematiques"};
       c.ctg.clear_title();
       *c.ctg.mutable_end_date() = Date(2029, 2, 29);
       c.ctg.add_thematiques(v1::THEMATIQUE_UNSPECIFIED);
     },
     RejectsFields({"update_mask", "ctg.title", "ctg.end_date", "ctg.thematiques"})},
    {"WhileActive",
     [](CtgState& s, UpdateCtg& c) {
       s.ctg.set_state(v1::CTG_STATE_ACTIVE);
       c.paths = {"title"};
       c.ctg.set_title("CTG du Val d'Orbe");
     },
     Emits({"CtgRetitled"})},
    {"WhileSuspended",
     [](CtgState& s, UpdateCtg& c) {
       s.ctg.set_state(v1::CTG_STATE_SUSPENDUE);
       c.paths = {"title"};
       c.ctg.set_title("CTG du Val d'Orbe");
     },
     Emits({"CtgRetitled"})},
    {"NotDrafted",
     [](CtgState& s, UpdateCtg& c) {
       s = CtgState{};
       c.paths = {"title"};
     },
     Fails(absl::StatusCode::kNotFound)},
};

INSTANTIATE_TEST_SUITE_P(Table, UpdateTest, ::testing::ValuesIn(kUpdateCases), CaseName);

TEST(UpdateTest, PeriodSetCarriesBothDatesAsTheyBecome) {
  CtgState state = Drafted();
  v1::Ctg wanted = state.ctg;
  *wanted.mutable_end_date() = Date(2028, 12, 31);
  ASSERT_OK_AND_ASSIGN(auto events, Decide(state, UpdateCtg{wanted, {"end_date"}}, Registry()));
  ASSERT_EQ(events.size(), 1u);
  const auto& period = std::get<v1::CtgPeriodSet>(events[0]);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(period.start_date(), Date(2025, 1, 1)));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(period.end_date(), Date(2028, 12, 31)));

  wanted.clear_start_date();
  ASSERT_OK_AND_ASSIGN(events, Decide(state, UpdateCtg{wanted, {"start_date"}}, Registry()));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(std::get<v1::CtgPeriodSet>(events[0]).has_start_date());
  EXPECT_EQ(std::get<v1::CtgPeriodSet>(events[0]).end_date().year(), 2029);
  Evolve(state, events[0], kTime);
  EXPECT_FALSE(state.ctg.has_start_date());
  EXPECT_TRUE(state.ctg.has_end_date());
}

// ---------------------------------------------------------------------------------------
// AddSignatory

using AddCase = CommandCase<AddSignatory>;
class AddSignatoryTest : public ::testing::TestWithParam<AddCase> {};

v1::Signatory SignatoryOf(const std::string& organisation, v1::SignatoryRole role) {
  v1::Signatory signatory;
  signatory.set_organisation(organisation);
  signatory.set_role(role);
  return signatory;
}

TEST_P(AddSignatoryTest, Decides) {
  ExpectOutcome(GetParam(), Drafted(),
                AddSignatory{SignatoryOf(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)});
}

// Sets the command's organisation and role.
auto Signs(const std::string& organisation, v1::SignatoryRole role) {
  return [=](CtgState&, AddSignatory& c) { c.signatory = SignatoryOf(organisation, role); };
}
// Puts the CTG in `state`.
auto InStateFor(v1::CtgState state) {
  return [=](CtgState& s, AddSignatory&) { s.ctg.set_state(state); };
}

const std::vector<std::string> kAdded = {"CtgSignatoryAdded"};

const AddCase kAddCases[] = {
    {"CommuneAsMember", Signs(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE), Emits(kAdded)},
    {"EpciAsMember", Signs(kOtherEpci, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE), Emits(kAdded)},
    {"SyndicatAsMember", Signs(kSyndicat, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE), Emits(kAdded)},
    {"DepartementAsPartner", Signs(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE),
     Emits(kAdded)},
    {"AssociationAsPartner", Signs(kAssociation, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE),
     Emits(kAdded)},
    {"CommuneAsPartner", Signs(kCommune, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE), Emits(kAdded)},
    {"RoleMissing", Signs(kCommune, v1::SIGNATORY_ROLE_UNSPECIFIED),
     RejectsFields({"signatory.role"})},
    {"RoleCaf", Signs(kCommune, v1::SIGNATORY_ROLE_CAF), RejectsFields({"signatory.role"})},
    {"RolePorteuse", Signs(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE),
     RejectsFields({"signatory.role"})},
    {"RoleUnknown", Signs(kCommune, static_cast<v1::SignatoryRole>(42)),
     RejectsFields({"signatory.role"})},
    {"OrganisationMissing", Signs("", v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE),
     RejectsFields({"signatory.organisation"})},
    {"OrganisationMalformed", Signs(kCommuneSiren, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE),
     RejectsFields({"signatory.organisation"})},
    {"BothBad", Signs("organisations/1", v1::SIGNATORY_ROLE_CAF),
     RejectsFields({"signatory.organisation", "signatory.role"})},
    {"CafAgain", Signs(kCaf, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE), Fails(kExists)},
    {"PorteurAgain", Signs(kEpci, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE), Fails(kExists)},
    {"NotRegistered", Signs(kUnknown, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE),
     BreaksRule("ORGANISATION_NOT_FOUND")},
    {"DepartementAsMember", Signs(kDepartement, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE),
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"AssociationAsMember", Signs(kAssociation, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE),
     BreaksRule("WRONG_ORGANISATION_TYPE")},
    {"CafAsMember", Signs(kCaf, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE), Fails(kExists)},
    // States: before ACTIVE only.
    {"InDiagnosticEnCours", InStateFor(v1::CTG_STATE_DIAGNOSTIC_EN_COURS), Emits(kAdded)},
    {"InDiagnosticPartage", InStateFor(v1::CTG_STATE_DIAGNOSTIC_PARTAGE), Emits(kAdded)},
    {"InPlanActions", InStateFor(v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION), Emits(kAdded)},
    {"InEnSignature", InStateFor(v1::CTG_STATE_EN_SIGNATURE), Emits(kAdded)},
    {"InActive", InStateFor(v1::CTG_STATE_ACTIVE), BreaksRule("CTG_ALREADY_SIGNED")},
    {"InSuspendue", InStateFor(v1::CTG_STATE_SUSPENDUE), BreaksRule("CTG_ALREADY_SIGNED")},
    {"InEvaluationFinale", InStateFor(v1::CTG_STATE_EVALUATION_FINALE),
     BreaksRule("CTG_ALREADY_SIGNED")},
    {"InEchue", InStateFor(v1::CTG_STATE_ECHUE), BreaksRule("CTG_CLOSED")},
};

INSTANTIATE_TEST_SUITE_P(Table, AddSignatoryTest, ::testing::ValuesIn(kAddCases), CaseName);

// ---------------------------------------------------------------------------------------
// RecordDeliberation

using DeliberationCase = CommandCase<RecordDeliberation>;
class RecordDeliberationTest : public ::testing::TestWithParam<DeliberationCase> {};

TEST_P(RecordDeliberationTest, Decides) {
  CtgState state = Drafted();
  Apply(state, AddSignatory{SignatoryOf(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)});
  Apply(state, AddSignatory{SignatoryOf(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE)});
  Apply(state, RecordDeliberation{kCommune, DeliberationOf("2024-041")});
  ExpectOutcome(GetParam(), state, RecordDeliberation{kEpci, DeliberationOf("2024-118")});
}

const std::vector<std::string> kDeliberated = {"CtgDeliberationRecorded"};

const DeliberationCase kDeliberationCases[] = {
    {"Porteur", [](CtgState&, RecordDeliberation&) {}, Emits(kDeliberated)},
    {"Member",
     [](CtgState&, RecordDeliberation& c) {
       c.organisation = kCommune;
       c.deliberation.set_number("2025-002");
     },
     Emits(kDeliberated)},
    {"SameAgain",
     [](CtgState&, RecordDeliberation& c) {
       c.organisation = kCommune;
       c.deliberation = DeliberationOf("2024-041");
     }},
    {"SameAgainWithSpaces",
     [](CtgState&, RecordDeliberation& c) {
       c.organisation = kCommune;
       c.deliberation = DeliberationOf(" 2024-041 ");
       c.deliberation.set_instance(" Conseil communautaire");
     }},
    {"AnotherDate",
     [](CtgState&, RecordDeliberation& c) {
       c.organisation = kCommune;
       c.deliberation = DeliberationOf("2024-041");
       *c.deliberation.mutable_date() = Date(2024, 11, 15);
     },
     Emits(kDeliberated)},
    {"WhileActive", [](CtgState& s, RecordDeliberation&) { s.ctg.set_state(v1::CTG_STATE_ACTIVE); },
     Emits(kDeliberated)},
    {"InstanceMissing", [](CtgState&, RecordDeliberation& c) { c.deliberation.clear_instance(); },
     RejectsFields({"deliberation.instance"})},
    {"InstanceTooLong",
     [](CtgState&, RecordDeliberation& c) { c.deliberation.set_instance(std::string(201, 'c')); },
     RejectsFields({"deliberation.instance"})},
    {"DateMissing", [](CtgState&, RecordDeliberation& c) { c.deliberation.clear_date(); },
     RejectsFields({"deliberation.date"})},
    {"DateNotADay",
     [](CtgState&, RecordDeliberation& c) { *c.deliberation.mutable_date() = Date(2024, 9, 31); },
     RejectsFields({"deliberation.date"})},
    {"NumberMissing", [](CtgState&, RecordDeliberation& c) { c.deliberation.set_number(" "); },
     RejectsFields({"deliberation.number"})},
    {"NumberOf64",
     [](CtgState&, RecordDeliberation& c) { c.deliberation.set_number(std::string(64, '7')); },
     Emits(kDeliberated)},
    {"NumberOf65",
     [](CtgState&, RecordDeliberation& c) { c.deliberation.set_number(std::string(65, '7')); },
     RejectsFields({"deliberation.number"})},
    {"OrganisationMalformed", [](CtgState&, RecordDeliberation& c) { c.organisation = "epci"; },
     RejectsFields({"organisation"})},
    {"EveryBadFieldAtOnce",
     [](CtgState&, RecordDeliberation& c) {
       c.organisation.clear();
       c.deliberation.Clear();
     },
     RejectsFields(
         {"organisation", "deliberation.instance", "deliberation.date", "deliberation.number"})},
    {"NotASignatory", [](CtgState&, RecordDeliberation& c) { c.organisation = kSyndicat; },
     BreaksRule("NOT_A_SIGNATORY")},
    {"TheCaf", [](CtgState&, RecordDeliberation& c) { c.organisation = kCaf; },
     BreaksRule("DELIBERATION_NOT_APPLICABLE")},
    {"APartner", [](CtgState&, RecordDeliberation& c) { c.organisation = kDepartement; },
     BreaksRule("DELIBERATION_NOT_APPLICABLE")},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordDeliberationTest, ::testing::ValuesIn(kDeliberationCases),
                         CaseName);

TEST(RecordDeliberationTest, ReplacesTheEarlierOneInPlace) {
  CtgState state = Drafted();
  Apply(state, RecordDeliberation{kEpci, DeliberationOf("2024-118")});
  v1::Deliberation corrected = DeliberationOf("2024-119");
  corrected.set_instance("  Conseil communautaire du Val d'Orbe ");
  Apply(state, RecordDeliberation{kEpci, corrected});
  ASSERT_EQ(state.ctg.signatories_size(), 2);
  const v1::Signatory& porteur = state.ctg.signatories(1);
  EXPECT_EQ(porteur.organisation(), kEpci);
  EXPECT_EQ(porteur.deliberation().number(), "2024-119");
  EXPECT_EQ(porteur.deliberation().instance(), "Conseil communautaire du Val d'Orbe");
  EXPECT_FALSE(state.ctg.signatories(0).has_deliberation());
}

// ---------------------------------------------------------------------------------------
// RecordSignature

using SignatureCase = CommandCase<RecordSignature>;
class RecordSignatureTest : public ::testing::TestWithParam<SignatureCase> {};

TEST_P(RecordSignatureTest, Decides) {
  CtgState state = Drafted();
  Apply(state, AddSignatory{SignatoryOf(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE)});
  Apply(state, RecordSignature{kEpci, Date(2025, 1, 20)});
  ExpectOutcome(GetParam(), state, RecordSignature{kCaf, Date(2025, 1, 21)});
}

const std::vector<std::string> kSigned = {"CtgSignatureRecorded"};

const SignatureCase kSignatureCases[] = {
    {"TheCaf", [](CtgState&, RecordSignature&) {}, Emits(kSigned)},
    {"APartner", [](CtgState&, RecordSignature& c) { c.organisation = kDepartement; },
     Emits(kSigned)},
    {"AnotherDate", [](CtgState&, RecordSignature& c) { c.organisation = kEpci; }, Emits(kSigned)},
    {"SameAgain",
     [](CtgState&, RecordSignature& c) {
       c.organisation = kEpci;
       c.signature_date = Date(2025, 1, 20);
     }},
    {"WhileEvaluated",
     [](CtgState& s, RecordSignature&) { s.ctg.set_state(v1::CTG_STATE_EVALUATION_FINALE); },
     Emits(kSigned)},
    {"DateMissing", [](CtgState&, RecordSignature& c) { c.signature_date.Clear(); },
     RejectsFields({"signature_date"})},
    {"DateNotADay", [](CtgState&, RecordSignature& c) { c.signature_date = Date(2025, 2, 30); },
     RejectsFields({"signature_date"})},
    {"DateOutOfRange", [](CtgState&, RecordSignature& c) { c.signature_date = Date(2101, 1, 1); },
     RejectsFields({"signature_date"})},
    {"OrganisationMalformed", [](CtgState&, RecordSignature& c) { c.organisation = "caf"; },
     RejectsFields({"organisation"})},
    {"NotASignatory", [](CtgState&, RecordSignature& c) { c.organisation = kCommune; },
     BreaksRule("NOT_A_SIGNATORY")},
    {"NotRegisteredAnywhere", [](CtgState&, RecordSignature& c) { c.organisation = kUnknown; },
     BreaksRule("NOT_A_SIGNATORY")},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordSignatureTest, ::testing::ValuesIn(kSignatureCases),
                         CaseName);

// ---------------------------------------------------------------------------------------
// AssignCdt

using CdtCase = CommandCase<AssignCdt>;
class AssignCdtTest : public ::testing::TestWithParam<CdtCase> {};

TEST_P(AssignCdtTest, Decides) { ExpectOutcome(GetParam(), Drafted(), AssignCdt{"cdt-0042", ""}); }

// Assigns "cdt-0042" to the CTG first.
void WithCdt(CtgState& state) { Apply(state, AssignCdt{"cdt-0042", ""}); }

const std::vector<std::string> kAssigned = {"CtgCdtAssigned"};

const CdtCase kCdtCases[] = {
    {"FirstAssignment", [](CtgState&, AssignCdt&) {}, Emits(kAssigned)},
    {"FirstAssignmentWithReason", [](CtgState&, AssignCdt& c) { c.reason = "Portefeuille 2025"; },
     Emits(kAssigned)},
    {"SameCdtAgain", [](CtgState& s, AssignCdt&) { WithCdt(s); }},
    {"ReplaceWithReason",
     [](CtgState& s, AssignCdt& c) {
       WithCdt(s);
       c.cdt = "cdt-0077";
       c.reason = "Réorganisation des portefeuilles";
     },
     Emits(kAssigned)},
    {"ReplaceWithoutReason",
     [](CtgState& s, AssignCdt& c) {
       WithCdt(s);
       c.cdt = "cdt-0077";
     },
     BreaksRule("REASON_REQUIRED")},
    {"ReplaceWithBlankReason",
     [](CtgState& s, AssignCdt& c) {
       WithCdt(s);
       c.cdt = "cdt-0077";
       c.reason = "  ";
     },
     BreaksRule("REASON_REQUIRED")},
    {"Of128Characters", [](CtgState&, AssignCdt& c) { c.cdt = std::string(128, 'c'); },
     Emits(kAssigned)},
    {"UuidSubject",
     [](CtgState&, AssignCdt& c) { c.cdt = "auth0|5f8d0c1e-2b7a-4c3e-9d1f-0a6b8e2c4d7f"; },
     Emits(kAssigned)},
    {"Missing", [](CtgState&, AssignCdt& c) { c.cdt.clear(); }, RejectsFields({"cdt"})},
    {"Of129Characters", [](CtgState&, AssignCdt& c) { c.cdt = std::string(129, 'c'); },
     RejectsFields({"cdt"})},
    {"WithSpace", [](CtgState&, AssignCdt& c) { c.cdt = "cdt 0042"; }, RejectsFields({"cdt"})},
    {"WithControl", [](CtgState&, AssignCdt& c) { c.cdt = "cdt\x01"; }, RejectsFields({"cdt"})},
    {"NotAscii", [](CtgState&, AssignCdt& c) { c.cdt = "cdt-é"; }, RejectsFields({"cdt"})},
};

INSTANTIATE_TEST_SUITE_P(Table, AssignCdtTest, ::testing::ValuesIn(kCdtCases), CaseName);

TEST(AssignCdtTest, EventNamesThePreviousCdt) {
  CtgState state = Drafted();
  ASSERT_OK_AND_ASSIGN(auto events, Decide(state, AssignCdt{"cdt-0042", ""}, Registry()));
  EXPECT_EQ(std::get<v1::CtgCdtAssigned>(events[0]).previous_cdt(), "");
  Evolve(state, events[0], kTime);
  ASSERT_OK_AND_ASSIGN(events, Decide(state, AssignCdt{"cdt-0077", "Mutation"}, Registry()));
  EXPECT_EQ(std::get<v1::CtgCdtAssigned>(events[0]).cdt(), "cdt-0077");
  EXPECT_EQ(std::get<v1::CtgCdtAssigned>(events[0]).previous_cdt(), "cdt-0042");
  Evolve(state, events[0], kTime);
  EXPECT_EQ(state.ctg.cdt(), "cdt-0077");
}

// ---------------------------------------------------------------------------------------
// Every command on a closed or missing CTG

using AnyCommand = std::function<absl::StatusOr<std::vector<CtgEvent>>(const CtgState&)>;

std::vector<std::pair<std::string, AnyCommand>> ChangeCommands() {
  v1::Ctg wanted = NewCtg();
  wanted.set_title("Autre titre");
  return {
      {"UpdateCtg",
       [=](const CtgState& s) {
         return Decide(s, UpdateCtg{wanted, {"title"}}, Registry());
       }},
      {"AddSignatory",
       [](const CtgState& s) {
         return Decide(s,
                       AddSignatory{SignatoryOf(kSyndicat, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)},
                       Registry());
       }},
      {"RecordDeliberation",
       [](const CtgState& s) {
         return Decide(s, RecordDeliberation{kEpci, DeliberationOf("2031-001")}, Registry());
       }},
      {"RecordSignature",
       [](const CtgState& s) {
         return Decide(s, RecordSignature{kCaf, Date(2031, 1, 1)}, Registry());
       }},
      {"AssignCdt",
       [](const CtgState& s) {
         return Decide(s, AssignCdt{"cdt-0099", "Mutation"}, Registry());
       }},
      {"InvalidUpdate",
       [](const CtgState& s) {
         return Decide(s, UpdateCtg{v1::Ctg{}, {"nope"}}, Registry());
       }},
  };
}

TEST(ClosedCtgTest, EveryChangeIsRefusedWithCtgClosed) {
  for (v1::CtgState closed :
       {v1::CTG_STATE_ECHUE, v1::CTG_STATE_RENOUVELEE, v1::CTG_STATE_RESILIEE}) {
    const CtgState state = InState(closed);
    for (const auto& [name, decide] : ChangeCommands()) {
      const auto events = decide(state);
      EXPECT_THAT(events, StatusIs(kFailed, HasSubstr("CTG_CLOSED")))
          << name << " in " << v1::CtgState_Name(closed);
      EXPECT_EQ(Reason(events.status()), "CTG_CLOSED");
      EXPECT_THAT(Metadata(events.status()),
                  UnorderedElementsAre(Pair("state", v1::CtgState_Name(closed))));
    }
  }
}

TEST(ClosedCtgTest, OpenStatesAcceptTheSameChanges) {
  for (v1::CtgState open : {v1::CTG_STATE_EN_SIGNATURE, v1::CTG_STATE_ACTIVE}) {
    const CtgState state = InState(open);
    for (const auto& [name, decide] : ChangeCommands()) {
      const auto events = decide(state);
      EXPECT_NE(Reason(events.status()), "CTG_CLOSED") << name << " in " << v1::CtgState_Name(open);
    }
  }
}

TEST(MissingCtgTest, EveryCommandButDraftIsNotFound) {
  auto commands = ChangeCommands();
  commands.emplace_back("TransitionCtg", [](const CtgState& s) {
    return Decide(s, TransitionCtg{v1::CTG_STATE_DIAGNOSTIC_EN_COURS, ""}, Registry());
  });
  for (const auto& [name, decide] : commands) {
    EXPECT_THAT(decide(CtgState{}), StatusIs(absl::StatusCode::kNotFound, ::testing::_)) << name;
  }
}

// ---------------------------------------------------------------------------------------
// Warnings

struct WarningCase {
  std::string name;
  std::function<void(v1::Ctg&)> change;  // applied to NewCtg()
  std::vector<std::string> reasons;      // "R-7 THEMATIC_MINIMUM"…
};
void PrintTo(const WarningCase& test, std::ostream* os) { *os << test.name; }

class WarningsTest : public ::testing::TestWithParam<WarningCase> {};

TEST_P(WarningsTest, Raises) {
  v1::Ctg ctg = NewCtg();
  GetParam().change(ctg);
  std::vector<std::string> reasons;
  for (const v1::RuleWarning& warning : Warnings(ctg)) {
    reasons.push_back(absl::StrCat(warning.rule(), " ", warning.reason()));
    EXPECT_FALSE(warning.message().empty());
  }
  EXPECT_EQ(reasons, GetParam().reasons);
}

auto Thematiques(std::vector<v1::Thematique> thematiques) {
  return [=](v1::Ctg& ctg) {
    ctg.clear_thematiques();
    for (v1::Thematique thematique : thematiques) ctg.add_thematiques(thematique);
  };
}
auto Period(google::type::Date start, google::type::Date end) {
  return [=](v1::Ctg& ctg) {
    *ctg.mutable_start_date() = start;
    *ctg.mutable_end_date() = end;
  };
}

const std::string kR7 = "R-7 THEMATIC_MINIMUM";
const std::string kDuration = "R-8 DURATION";
const std::string kPeriodMissing = "R-8 PERIOD_MISSING";

const WarningCase kWarningCases[] = {
    {"NoneForTheReferenceCtg", [](v1::Ctg&) {}, {}},
    //
    {"JeunesseWithoutEnfance",
     Thematiques({v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                  v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ACCES_AUX_DROITS}),
     {}},
    {"EnfanceWithoutJeunesse",
     Thematiques({v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ENFANCE, v1::THEMATIQUE_LOGEMENT,
                  v1::THEMATIQUE_PETITE_ENFANCE}),
     {}},
    {"NoOtherThematique",
     Thematiques({v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                  v1::THEMATIQUE_PARENTALITE}),
     {kR7}},
    {"NoPetiteEnfance",
     Thematiques({v1::THEMATIQUE_ENFANCE, v1::THEMATIQUE_JEUNESSE, v1::THEMATIQUE_PARENTALITE,
                  v1::THEMATIQUE_CULTURE}),
     {kR7}},
    {"NoEnfanceNorJeunesse",
     Thematiques({v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_CULTURE,
                  v1::THEMATIQUE_SENIORS}),
     {kR7}},
    {"NoParentalite",
     Thematiques({v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE, v1::THEMATIQUE_MOBILITE}),
     {kR7}},
    {"NoThematique", Thematiques({}), {kR7}},
    //
    {"ExactlyFourYears", Period(Date(2025, 1, 1), Date(2028, 12, 31)), {}},
    {"ExactlyFiveYears", Period(Date(2025, 1, 1), Date(2029, 12, 31)), {}},
    {"FourYearsFromMidMarch", Period(Date(2025, 3, 15), Date(2029, 3, 14)), {}},
    {"OneDayShortOfFourYears", Period(Date(2025, 1, 1), Date(2028, 12, 30)), {kDuration}},
    {"OneDayOverFiveYears", Period(Date(2025, 1, 1), Date(2030, 1, 1)), {kDuration}},
    {"OneYear", Period(Date(2025, 1, 1), Date(2025, 12, 31)), {kDuration}},
    {"FourYearsFromALeapDay", Period(Date(2024, 2, 29), Date(2028, 2, 28)), {}},
    {"ShortFromALeapDay", Period(Date(2024, 2, 29), Date(2028, 2, 27)), {kDuration}},
    {"FiveYearsFromALeapDay", Period(Date(2024, 2, 29), Date(2029, 2, 28)), {}},
    {"LongFromALeapDay", Period(Date(2024, 2, 29), Date(2029, 3, 1)), {kDuration}},
    {"NoStart", [](v1::Ctg& ctg) { ctg.clear_start_date(); }, {kPeriodMissing}},
    {"NoEnd", [](v1::Ctg& ctg) { ctg.clear_end_date(); }, {kPeriodMissing}},
    {"NoPeriod",
     [](v1::Ctg& ctg) {
       ctg.clear_start_date();
       ctg.clear_end_date();
     },
     {kPeriodMissing}},
    {"Both",
     [](v1::Ctg& ctg) {
       ctg.clear_thematiques();
       ctg.clear_end_date();
     },
     {kR7, kPeriodMissing}},
};

INSTANTIATE_TEST_SUITE_P(Table, WarningsTest, ::testing::ValuesIn(kWarningCases), CaseName);

TEST(WarningsTest, MessagesAreInFrench) {
  v1::Ctg ctg = NewCtg();
  ctg.clear_thematiques();
  *ctg.mutable_end_date() = Date(2026, 1, 1);
  const auto warnings = Warnings(ctg);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0].message(), HasSubstr("petite enfance"));
  EXPECT_THAT(warnings[1].message(), HasSubstr("du 2025-01-01 au 2026-01-01"));
  EXPECT_THAT(warnings[1].message(), HasSubstr("4 à 5 ans"));
}

TEST(WarningsTest, EvolveKeepsThemCurrent) {
  v1::Ctg draft = NewCtg();
  draft.clear_thematiques();
  draft.clear_end_date();
  CtgState state;
  Apply(state, DraftCtg{std::string(kCtgId), draft});
  ASSERT_EQ(state.ctg.warnings_size(), 2);
  EXPECT_EQ(state.ctg.warnings(0).rule(), "R-7");
  EXPECT_EQ(state.ctg.warnings(1).reason(), "PERIOD_MISSING");

  v1::Ctg wanted = NewCtg();
  Apply(state, UpdateCtg{wanted, {"thematiques"}});
  ASSERT_EQ(state.ctg.warnings_size(), 1);
  EXPECT_EQ(state.ctg.warnings(0).reason(), "PERIOD_MISSING");
  *wanted.mutable_end_date() = Date(2026, 12, 31);
  Apply(state, UpdateCtg{wanted, {"end_date"}});
  ASSERT_EQ(state.ctg.warnings_size(), 1);
  EXPECT_EQ(state.ctg.warnings(0).reason(), "DURATION");
  *wanted.mutable_end_date() = Date(2029, 12, 31);
  Apply(state, UpdateCtg{wanted, {"end_date"}});
  EXPECT_EQ(state.ctg.warnings_size(), 0);
}

// ---------------------------------------------------------------------------------------
// Evolve by replay

TEST(EvolveTest, ReplayingEveryDecidedEventGivesTheCtg) {
  std::vector<CtgEvent> log;
  CtgState state;
  absl::Time time = kTime;
  auto decide_and_fold = [&](const auto& command) {
    auto events = Decide(state, command, Registry());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const CtgEvent& event : *events) {
      Evolve(state, event, time);
      log.push_back(event);
    }
    time += absl::Hours(1);
  };
  decide_and_fold(DraftCtg{std::string(kCtgId), NewCtg()});
  decide_and_fold(AddSignatory{SignatoryOf(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)});
  decide_and_fold(
      AddSignatory{SignatoryOf(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE)});
  decide_and_fold(AssignCdt{"cdt-0042", ""});
  decide_and_fold(RecordDeliberation{kEpci, DeliberationOf("2024-118")});
  decide_and_fold(RecordDeliberation{kCommune, DeliberationOf("2024-041")});
  for (const std::string& organisation : {kCaf, kEpci, kCommune}) {
    decide_and_fold(RecordSignature{organisation, Date(2025, 1, 20)});
  }
  for (v1::CtgState to : {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE,
                          v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION, v1::CTG_STATE_EN_SIGNATURE,
                          v1::CTG_STATE_ACTIVE}) {
    decide_and_fold(TransitionCtg{to, ""});
  }
  ASSERT_EQ(log.size(), 16u);

  // A fresh fold of the log (as a reload would) gives the same CTG.
  CtgState replayed;
  for (const CtgEvent& event : log) Evolve(replayed, event, kTime);
  const v1::Ctg& ctg = state.ctg;
  EXPECT_TRUE(state.exists);
  EXPECT_EQ(ctg.name(), "ctgs/val-orbe-2025");
  EXPECT_EQ(ctg.title(), "CTG du Val d'Orbe 2025-2029");
  EXPECT_EQ(ctg.caf(), kCaf);
  EXPECT_EQ(ctg.porteur(), kEpci);
  EXPECT_EQ(ctg.state(), v1::CTG_STATE_ACTIVE);
  EXPECT_EQ(ctg.cdt(), "cdt-0042");
  EXPECT_EQ(ctg.thematiques_size(), 5);
  EXPECT_EQ(ctg.warnings_size(), 0);
  EXPECT_TRUE(ctg.etag().empty());
  ASSERT_EQ(ctg.signatories_size(), 4);
  std::vector<std::pair<std::string, v1::SignatoryRole>> signatories;
  for (const v1::Signatory& signatory : ctg.signatories()) {
    signatories.emplace_back(signatory.organisation(), signatory.role());
  }
  EXPECT_THAT(signatories,
              ElementsAre(Pair(kCaf, v1::SIGNATORY_ROLE_CAF),
                          Pair(kEpci, v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE),
                          Pair(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE),
                          Pair(kDepartement, v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE)));
  EXPECT_FALSE(ctg.signatories(0).has_deliberation());
  EXPECT_EQ(ctg.signatories(1).deliberation().number(), "2024-118");
  EXPECT_EQ(ctg.signatories(2).deliberation().number(), "2024-041");
  EXPECT_EQ(ctg.signatories(0).signature_date().day(), 20);
  EXPECT_FALSE(ctg.signatories(3).has_signature_date());
  EXPECT_EQ(ctg.create_time().seconds(), absl::ToUnixSeconds(kTime));
  EXPECT_EQ(ctg.update_time().seconds(), absl::ToUnixSeconds(time - absl::Hours(1)));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(replayed.ctg.signatories(2),
                                                                 ctg.signatories(2)));
  EXPECT_EQ(replayed.ctg.state(), ctg.state());
}

TEST(EvolveTest, SubSecondTimes) {
  CtgState state;
  Evolve(state, v1::CtgDrafted{}, kTime + absl::Microseconds(1500));
  EXPECT_EQ(state.ctg.create_time().nanos(), 1'500'000);
  EXPECT_EQ(state.ctg.state(), v1::CTG_STATE_EN_PREPARATION);
}

// ---------------------------------------------------------------------------------------
// Tags

TEST(TagsTest, TheCtgEverySignatoryAndTheCdts) {
  CtgState state;
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(state, DraftCtg{std::string(kCtgId), NewCtg()}, Registry()));
  Evolve(state, events[0], kTime);
  EXPECT_THAT(Tags(state, events[0]), ElementsAre("ctg:val-orbe-2025"));
  Evolve(state, events[1], kTime);
  Evolve(state, events[2], kTime);
  const std::string caf = absl::StrCat("org:", kCafSiren);
  const std::string epci = absl::StrCat("org:", kEpciSiren);
  const std::string commune = absl::StrCat("org:", kCommuneSiren);
  EXPECT_THAT(Tags(state, events[2]), ElementsAre("ctg:val-orbe-2025", caf, epci));

  Apply(state, AddSignatory{SignatoryOf(kCommune, v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE)});
  EXPECT_THAT(Tags(state, v1::CtgRetitled{}), ElementsAre("ctg:val-orbe-2025", caf, epci, commune));

  v1::CtgCdtAssigned assigned;
  assigned.set_cdt("cdt-0042");
  EXPECT_THAT(Tags(state, assigned),
              ElementsAre("ctg:val-orbe-2025", caf, epci, commune, "subject:cdt-0042"));
  assigned.set_cdt("cdt-0077");
  assigned.set_previous_cdt("cdt-0042");
  EXPECT_THAT(Tags(state, assigned), ElementsAre("ctg:val-orbe-2025", caf, epci, commune,
                                                 "subject:cdt-0077", "subject:cdt-0042"));
}

// ---------------------------------------------------------------------------------------
// Event codec

TEST(ParseCtgEventTest, RoundTripsEveryEventType) {
  v1::CtgDrafted drafted;
  drafted.set_ctg_id(std::string(kCtgId));
  drafted.add_thematiques(v1::THEMATIQUE_PARENTALITE);
  v1::CtgRetitled retitled;
  retitled.set_title("CTG");
  v1::CtgPeriodSet period;
  *period.mutable_end_date() = Date(2029, 12, 31);
  v1::CtgThematiquesSet thematiques;
  thematiques.add_thematiques(v1::THEMATIQUE_SENIORS);
  v1::CtgSignatoryAdded added;
  added.set_organisation(kCommune);
  v1::CtgDeliberationRecorded deliberation;
  *deliberation.mutable_deliberation() = DeliberationOf("2024-041");
  v1::CtgSignatureRecorded signature;
  *signature.mutable_signature_date() = Date(2025, 1, 20);
  v1::CtgCdtAssigned assigned;
  assigned.set_cdt("cdt-0042");
  v1::CtgStateChanged changed;
  changed.set_from(v1::CTG_STATE_ACTIVE);
  changed.set_to(v1::CTG_STATE_SUSPENDUE);
  const std::vector<CtgEvent> events = {drafted,      retitled,  period,   thematiques, added,
                                        deliberation, signature, assigned, changed};
  ASSERT_EQ(events.size(), std::variant_size_v<CtgEvent>);
  for (const CtgEvent& event : events) {
    const google::protobuf::Message& message = AsMessage(event);
    ASSERT_OK_AND_ASSIGN(CtgEvent parsed, ParseCtgEvent(message.GetDescriptor()->full_name(),
                                                        message.SerializeAsString()));
    EXPECT_EQ(parsed.index(), event.index());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(AsMessage(parsed), message))
        << message.GetDescriptor()->full_name();
  }
}

TEST(ParseCtgEventTest, UnknownTypeIsInternal) {
  EXPECT_THAT(ParseCtgEvent("ctg.v1.CtgArchived", ""),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("CtgArchived")));
  EXPECT_THAT(ParseCtgEvent("ctg.v1.OrganisationRenamed", ""),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
  EXPECT_THAT(ParseCtgEvent("", ""), StatusIs(absl::StatusCode::kInternal, ::testing::_));
}

TEST(ParseCtgEventTest, UnparsablePayloadIsDataLoss) {
  EXPECT_THAT(ParseCtgEvent("ctg.v1.CtgDrafted", std::string(11, '\xFF')),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

}  // namespace
}  // namespace ctg::plans
