#include "services/persons/person.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/partners/organisation.h"
#include "services/platform/text.h"
#include "services/platform/errors.h"
#include "services/platform/event_variant.h"
#include "services/platform/time_proto.h"

namespace ctg::persons {
namespace {

constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxPhoneChars = 32;
constexpr size_t kMaxPurposeChars = 200;
constexpr size_t kMaxReferenceChars = 200;

bool IsValidId(absl::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// Checks an optional free-text field of at most `max_chars`.
void CheckOptional(platform::BadRequestBuilder& bad, absl::string_view value,
                   absl::string_view field, size_t max_chars) {
  if (value.empty()) return;
  if (std::string problem = platform::TextProblem(platform::NormaliseText(value), max_chars);
      !problem.empty()) {
    bad.Add(field, problem);
  }
}

}  // namespace

std::string PersonStream(absl::string_view person_id) {
  return absl::StrCat(kStreamPrefix, person_id);
}

std::string PersonName(absl::string_view person_id) {
  return absl::StrCat("persons/", person_id);
}

absl::StatusOr<std::string> ParsePersonName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "persons/") || !IsValidId(id)) {
    return platform::InvalidField(
        field, "must be persons/{id}, the id 8 to 64 characters among a-z, 0-9 and '-'");
  }
  return std::string(id);
}

void Evolve(PersonState& state, const PersonEvent& event, absl::Time time) {
  if (const auto* registered = std::get_if<v1::PersonRegistered>(&event)) {
    state.exists = true;
    state.person_id = registered->person_id();
    state.organisation = registered->organisation();
    state.sealed_identity = registered->sealed_identity();
    state.recruitment = registered->recruitment();
    state.create_time = time;
  } else if (std::holds_alternative<v1::PersonDataAccessed>(event)) {
    ++state.reads;
  } else if (const auto* erased = std::get_if<v1::PersonErased>(&event)) {
    state.erased = true;
    state.erasure_basis = erased->basis();
    state.erase_time = time;
  }
}

absl::Status ValidateIdentity(const v1::PersonIdentity& identity, absl::string_view prefix) {
  platform::BadRequestBuilder bad;
  for (const auto& [value, field] :
       {std::pair<absl::string_view, const char*>{identity.given_name(), "given_name"},
        {identity.family_name(), "family_name"}}) {
    if (std::string problem = platform::TextProblem(platform::NormaliseText(value), kMaxNameChars);
        !problem.empty()) {
      bad.Add(absl::StrCat(prefix, ".", field), problem);
    }
  }
  CheckOptional(bad, identity.email(), absl::StrCat(prefix, ".email"), kMaxEmailChars);
  if (!identity.email().empty() && !absl::StrContains(identity.email(), "@")) {
    bad.Add(absl::StrCat(prefix, ".email"), "is not an e-mail address");
  }
  CheckOptional(bad, identity.phone(), absl::StrCat(prefix, ".phone"), kMaxPhoneChars);
  return bad.Build();
}

absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const RegisterPerson& command) {
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat(PersonName(command.person_id), " already exists"));
  platform::BadRequestBuilder bad;
  if (!IsValidId(command.person_id)) {
    bad.Add("person_id", "8 to 64 characters among a-z, 0-9 and '-'");
  }
  if (absl::StatusOr<std::string> siren =
          partners::ParseOrganisationName(command.organisation, "person.organisation");
      !siren.ok()) {
    platform::AddViolations(bad, siren.status(), "person.organisation");
  }
  if (command.sealed_identity.empty()) bad.Add("person.identity", "required");
  if (!command.recruitment.empty()) {
    absl::string_view id = command.recruitment;
    if (!absl::ConsumePrefix(&id, "recruitments/") || id.empty() || id.size() > 64) {
      bad.Add("person.recruitment", "must be recruitments/{id}");
    }
  }
  if (absl::Status s = bad.Build(); !s.ok()) return s;
  v1::PersonRegistered registered;
  registered.set_person_id(command.person_id);
  registered.set_organisation(command.organisation);
  registered.set_sealed_identity(command.sealed_identity);
  registered.set_recruitment(command.recruitment);
  return std::vector<PersonEvent>{std::move(registered)};
}

absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const RecordAccess& command) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat(PersonName(state.person_id), " not found"));
  if (std::string problem =
          platform::TextProblem(platform::NormaliseText(command.purpose), kMaxPurposeChars);
      !problem.empty()) {
    return platform::InvalidField("purpose", problem);
  }
  if (state.erased) {
    return platform::RuleViolation("PERSONAL_DATA_ERASED",
                                   "this person's personal data was erased");
  }
  v1::PersonDataAccessed accessed;
  accessed.set_purpose(platform::NormaliseText(command.purpose));
  return std::vector<PersonEvent>{std::move(accessed)};
}

absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const ErasePerson& command) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat(PersonName(state.person_id), " not found"));
  platform::BadRequestBuilder bad;
  if (command.basis == v1::ERASURE_BASIS_UNSPECIFIED || !v1::ErasureBasis_IsValid(command.basis)) {
    bad.Add("basis", "required: the legal basis of the erasure");
  }
  if (command.reference.size() > kMaxReferenceChars) {
    bad.Add("reference", absl::StrCat("at most ", kMaxReferenceChars, " bytes"));
  }
  if (absl::Status s = bad.Build(); !s.ok()) return s;
  if (state.erased) return std::vector<PersonEvent>{};
  v1::PersonErased erased;
  erased.set_basis(command.basis);
  erased.set_reference(command.reference);
  return std::vector<PersonEvent>{std::move(erased)};
}

std::vector<std::string> Tags(const PersonState& after, const PersonEvent& event) {
  std::vector<std::string> tags = {absl::StrCat("person:", after.person_id)};
  absl::string_view siren = after.organisation;
  if (absl::ConsumePrefix(&siren, "organisations/")) tags.push_back(absl::StrCat("org:", siren));
  return tags;
}

const google::protobuf::Message& AsMessage(const PersonEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<PersonEvent> ParsePersonEvent(absl::string_view type, absl::string_view payload) {
  return platform::ParseEventVariant<PersonEvent>(type, payload, "a person's");
}

bool DueForErasure(const PersonState& state, const RecruitmentOutcome& outcome, absl::Time now,
                   const RetentionPolicy& policy) {
  if (!state.exists || state.erased || state.recruitment.empty() || !outcome.closed) return false;
  if (outcome.hired_person == PersonName(state.person_id)) return false;
  const absl::CivilSecond closed = absl::ToCivilSecond(outcome.closed_time, absl::UTCTimeZone());
  const absl::CivilSecond due(closed.year(), closed.month() + policy.months, closed.day(),
                              closed.hour(), closed.minute(), closed.second());
  return now >= absl::FromCivil(due, absl::UTCTimeZone());
}

v1::Person ToResource(const PersonState& state) {
  v1::Person person;
  person.set_name(PersonName(state.person_id));
  person.set_organisation(state.organisation);
  person.set_recruitment(state.recruitment);
  person.set_erased(state.erased);
  person.set_erasure_basis(state.erasure_basis);
  if (state.create_time != absl::InfinitePast()) {
    *person.mutable_create_time() = platform::ToTimestamp(state.create_time);
  }
  if (state.erased) *person.mutable_erase_time() = platform::ToTimestamp(state.erase_time);
  return person;
}

}  // namespace ctg::persons
