// The persons decider: registration, recorded reads and erasure, as tables of cases.
#include "services/persons/person.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/errors.h"
#include "tests/testing/decider_table.h"
#include "tests/testing/status_matchers.h"

namespace ctg::persons {
namespace {

using ::ctg::testing::BadFields;
using ::ctg::testing::BreaksRule;
using ::ctg::testing::CaseName;
using ::ctg::testing::DeciderCase;
using ::ctg::testing::DecideWith;
using ::ctg::testing::Emits;
using ::ctg::testing::EmitsNothing;
using ::ctg::testing::ExpectDecision;
using ::ctg::testing::Fails;
using ::ctg::testing::GivenEvents;
using ::ctg::testing::Reason;
using ::ctg::testing::RejectsFields;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);

PersonState Registered() {
  PersonState state;
  auto events = Decide(state, RegisterPerson{"3f1c9a2e-person", "organisations/249900028",
                                             "sealed-bytes"});
  EXPECT_OK(events.status());
  for (const PersonEvent& event : *events) Evolve(state, event, kT0);
  return state;
}

PersonState Erased() {
  PersonState state = Registered();
  auto events = Decide(state, ErasePerson{v1::ERASURE_BASIS_RETENTION_EXPIRED, "R-2026-01"});
  EXPECT_OK(events.status());
  for (const PersonEvent& event : *events) Evolve(state, event, kT0);
  return state;
}

TEST(PersonTest, RegistrationKeepsOnlySealedBytesAndNoPersonalDataInTags) {
  PersonState state = Registered();
  EXPECT_TRUE(state.exists);
  EXPECT_FALSE(state.erased);
  EXPECT_EQ(state.sealed_identity, "sealed-bytes");
  EXPECT_EQ(state.create_time, kT0);
  EXPECT_THAT(Tags(state, v1::PersonRegistered()),
              ElementsAre("person:3f1c9a2e-person", "org:249900028"));
  EXPECT_EQ(ToResource(state).name(), "persons/3f1c9a2e-person");
  EXPECT_FALSE(ToResource(state).has_identity());
}

// ---------------------------------------------------------------------------------------
// Every command's rules, as tables (tests/testing/decider_table.h)

using RegisterCase = DeciderCase<PersonState, RegisterPerson>;
class RegisterPersonTest : public ::testing::TestWithParam<RegisterCase> {};

TEST_P(RegisterPersonTest, Decides) {
  ExpectDecision(GetParam(), DecideWith(), PersonState(),
                 RegisterPerson{"3f1c9a2e-person", "organisations/249900028", "x"});
}

// A `given` that registers `command` instead.
RegisterCase::Given Registering(RegisterPerson command) {
  return [command](PersonState&, RegisterPerson& c) { c = command; };
}

const RegisterCase kRegisterCases[] = {
    {"ShortId", Registering({"short", "organisations/249900028", "x"}),
     RejectsFields({"person_id"})},
    {"UpperCaseId", Registering({"UPPER-CASE-ID", "organisations/249900028", "x"}),
     RejectsFields({"person_id"})},
    {"OrganisationNotAName", Registering({"3f1c9a2e-person", "249900028", "x"}),
     RejectsFields({"person.organisation"})},
    {"OrganisationBadSiren", Registering({"3f1c9a2e-person", "organisations/249900029", "x"}),
     RejectsFields({"person.organisation"})},
    {"IdentityMissing", Registering({"3f1c9a2e-person", "organisations/249900028", ""}),
     RejectsFields({"person.identity"})},
    {"EveryBadFieldAtOnce", Registering({"bad", "", ""}),
     RejectsFields({"person_id", "person.organisation", "person.identity"})},
    {"AlreadyRegistered", [](PersonState& s, RegisterPerson&) { s = Registered(); },
     Fails(absl::StatusCode::kAlreadyExists)},
    {"AlreadyRegisteredByItsEvent", GivenEvents<PersonEvent>({v1::PersonRegistered()}),
     Fails(absl::StatusCode::kAlreadyExists)},
};

INSTANTIATE_TEST_SUITE_P(Table, RegisterPersonTest, ::testing::ValuesIn(kRegisterCases), CaseName);

using AccessCase = DeciderCase<PersonState, RecordAccess>;
class RecordAccessTest : public ::testing::TestWithParam<AccessCase> {};

TEST_P(RecordAccessTest, Decides) {
  ExpectDecision(GetParam(), DecideWith(), Registered(), RecordAccess{"contrôle"});
}

const AccessCase kAccessCases[] = {
    {"Recorded", [](PersonState&, RecordAccess&) {}, Emits({"PersonDataAccessed"})},
    {"PurposeMissing", [](PersonState&, RecordAccess& c) { c.purpose.clear(); },
     RejectsFields({"purpose"})},
    {"Erased", [](PersonState& s, RecordAccess&) { s = Erased(); },
     BreaksRule("PERSONAL_DATA_ERASED")},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordAccessTest, ::testing::ValuesIn(kAccessCases), CaseName);

using EraseCase = DeciderCase<PersonState, ErasePerson>;
class ErasePersonTest : public ::testing::TestWithParam<EraseCase> {};

TEST_P(ErasePersonTest, Decides) {
  ExpectDecision(GetParam(), DecideWith(), Registered(),
                 ErasePerson{v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST, ""});
}

const EraseCase kEraseCases[] = {
    {"Erased", [](PersonState&, ErasePerson&) {}, Emits({"PersonErased"})},
    {"BasisMissing", [](PersonState&, ErasePerson& c) { c = ErasePerson{}; },
     RejectsFields({"basis"})},
    {"ReferenceTooLong", [](PersonState&, ErasePerson& c) { c.reference = std::string(201, 'r'); },
     RejectsFields({"reference"})},
    {"NotRegistered", [](PersonState& s, ErasePerson&) { s = PersonState(); },
     Fails(absl::StatusCode::kNotFound)},
    {"AlreadyErased", [](PersonState& s, ErasePerson&) { s = Erased(); }, EmitsNothing()},
};

INSTANTIATE_TEST_SUITE_P(Table, ErasePersonTest, ::testing::ValuesIn(kEraseCases), CaseName);

TEST(PersonTest, IdentityChecksNeverEchoTheValues) {
  v1::PersonIdentity identity;
  identity.set_given_name("");
  identity.set_family_name(std::string(101, 'x'));
  identity.set_email("zephyrine.example");
  absl::Status status = ValidateIdentity(identity, "person.identity");
  EXPECT_THAT(BadFields(status), ElementsAre("person.identity.given_name",
                                             "person.identity.family_name",
                                             "person.identity.email"));
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr("zephyrine")));
  identity.set_given_name("Zéphyrine");
  identity.set_family_name("Testuser");
  identity.set_email("z.testuser@example.org");
  EXPECT_OK(ValidateIdentity(identity, "person.identity"));
}

TEST(PersonTest, ReadsAreRecordedWithAPurposeAndRefusedOnceErased) {
  PersonState state = Registered();
  ASSERT_OK_AND_ASSIGN(auto events, Decide(state, RecordAccess{"  avis Caf sur la candidature "}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<v1::PersonDataAccessed>(events[0]).purpose(), "avis Caf sur la candidature");
  Evolve(state, events[0], kT0);
  EXPECT_EQ(state.reads, 1);

  ASSERT_OK_AND_ASSIGN(events, Decide(state, ErasePerson{v1::ERASURE_BASIS_RETENTION_EXPIRED, "R-2026-01"}));
  for (const PersonEvent& event : events) Evolve(state, event, kT0 + absl::Hours(1));
  EXPECT_TRUE(state.erased);
  EXPECT_EQ(state.erase_time, kT0 + absl::Hours(1));
  EXPECT_EQ(Reason(Decide(state, RecordAccess{"contrôle"}).status()), "PERSONAL_DATA_ERASED");
}

TEST(PersonTest, ErasureNeedsALegalBasisAndIsIdempotent) {
  PersonState state = Registered();
  ASSERT_OK_AND_ASSIGN(auto events,
                       Decide(state, ErasePerson{v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST, ""}));
  ASSERT_EQ(events.size(), 1u);
  Evolve(state, events[0], kT0);
  ASSERT_OK_AND_ASSIGN(events, Decide(state, ErasePerson{v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST, ""}));
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(ToResource(state).erased());
}

TEST(PersonTest, EventsRoundTripThroughTheirTypeNames) {
  v1::PersonErased erased;
  erased.set_basis(v1::ERASURE_BASIS_NO_LONGER_NEEDED);
  const PersonEvent event = erased;
  ASSERT_OK_AND_ASSIGN(PersonEvent parsed,
                       ParsePersonEvent(AsMessage(event).GetDescriptor()->full_name(),
                                        AsMessage(event).SerializeAsString()));
  EXPECT_EQ(std::get<v1::PersonErased>(parsed).basis(), v1::ERASURE_BASIS_NO_LONGER_NEEDED);
  EXPECT_THAT(ParsePersonEvent("ctg.v1.CtgDrafted", ""),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
  EXPECT_EQ(ParsePersonName("persons/3f1c9a2e-person", "name").value(), "3f1c9a2e-person");
  EXPECT_FALSE(ParsePersonName("persons/Zéphyrine", "name").ok());
}

}  // namespace
}  // namespace ctg::persons

namespace ctg::persons {
namespace {

TEST(RetentionTest, CandidatesNotHiredAreDueNMonthsAfterTheRecruitmentCloses) {
  const absl::Time closed = absl::FromCivil(absl::CivilSecond(2024, 3, 31, 10, 0, 0),
                                            absl::UTCTimeZone());
  auto at = [](int y, int m, int d) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, 10, 0, 0), absl::UTCTimeZone());
  };
  PersonState candidate;
  candidate.exists = true;
  candidate.person_id = "candidate-0001";
  candidate.recruitment = "recruitments/r-2024-1";
  PersonState hired = candidate;
  hired.person_id = "hired-00000001";
  PersonState erased = candidate;
  erased.erased = true;
  PersonState agent = candidate;
  agent.recruitment.clear();
  const RecruitmentOutcome outcome{true, closed, "persons/hired-00000001"};
  const RecruitmentOutcome open{false, absl::InfinitePast(), ""};
  struct Case {
    const char* name;
    const PersonState* person;
    const RecruitmentOutcome* outcome;
    absl::Time now;
    int months;
    bool due;
  };
  const Case cases[] = {
      {"a day before 24 months", &candidate, &outcome, at(2026, 3, 30), 24, false},
      {"24 months to the day", &candidate, &outcome, at(2026, 3, 31), 24, true},
      {"long after", &candidate, &outcome, at(2030, 1, 1), 24, true},
      {"a shorter setting (31 March + 6 months = 1 October)", &candidate, &outcome,
       at(2024, 10, 1), 6, true},
      {"a shorter setting, not yet", &candidate, &outcome, at(2024, 9, 30), 6, false},
      {"the person hired stays", &hired, &outcome, at(2030, 1, 1), 24, false},
      {"already erased", &erased, &outcome, at(2030, 1, 1), 24, false},
      {"not a candidate", &agent, &outcome, at(2030, 1, 1), 24, false},
      {"recruitment still open", &candidate, &open, at(2030, 1, 1), 24, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DueForErasure(*c.person, *c.outcome, c.now, RetentionPolicy{c.months}), c.due)
        << c.name;
  }
}

}  // namespace
}  // namespace ctg::persons
