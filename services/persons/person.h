// The persons context: the decider of a person's stream (`person-{id}`, resource
// `persons/{id}`). Pure: the identity arrives already sealed (services/platform/vault.h does
// the cryptography, in the api layer), so nothing here ever sees personal data in clear
// except ValidateIdentity, which checks it before it is sealed.
#ifndef CTG_SERVICES_PERSONS_PERSON_H_
#define CTG_SERVICES_PERSONS_PERSON_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/persons.pb.h"
#include "ctg/v1/persons_events.pb.h"

namespace ctg::persons {

using PersonEvent =
    std::variant<v1::PersonRegistered, v1::PersonDataAccessed, v1::PersonErased>;

inline constexpr absl::string_view kStreamPrefix = "person-";
// Resource names: `persons/{id}`.
inline constexpr absl::string_view kNamePrefix = "persons/";

// "person-{id}" and "persons/{id}". The id is opaque: [a-z0-9-], 8 to 64 characters.
std::string PersonStream(absl::string_view person_id);
std::string PersonName(absl::string_view person_id);
// The id of "persons/{id}"; InvalidField(field) otherwise.
absl::StatusOr<std::string> ParsePersonName(absl::string_view name, absl::string_view field);

// What the log knows of a person (never the identity in clear).
struct PersonState {
  bool exists = false;
  std::string person_id;
  bool erased = false;
  std::string organisation;     // "organisations/{siren}"
  std::string recruitment;      // "recruitments/{id}" for a candidate, else empty
  std::string sealed_identity;  // as registered; unreadable once erased
  v1::ErasureBasis erasure_basis = v1::ERASURE_BASIS_UNSPECIFIED;
  absl::Time create_time = absl::InfinitePast();
  absl::Time erase_time = absl::InfinitePast();
  int reads = 0;                // PersonDataAccessed events
};

// Folds one event; `time` is when it was decided.
void Evolve(PersonState& state, const PersonEvent& event, absl::Time time);

// Checks an identity before it is sealed: every bad field at once (INVALID_ARGUMENT with a
// BadRequest; paths under `prefix`, e.g. "person.identity.given_name"). Error messages never
// repeat the values.
absl::Status ValidateIdentity(const v1::PersonIdentity& identity, absl::string_view prefix);

// Registers a person: ALREADY_EXISTS if it exists; `person_id` a valid id ("person_id"),
// `organisation` must be
// "organisations/{siren}" and `sealed_identity` non-empty (INVALID_ARGUMENT otherwise).
struct RegisterPerson {
  std::string person_id;
  std::string organisation;
  std::string sealed_identity;
  std::string recruitment;  // optional: "recruitments/{id}" ("person.recruitment")
};
// Records a read of the identity: `purpose` 1 to 200 characters ("purpose"). NOT_FOUND if the
// person does not exist; FAILED_PRECONDITION PERSONAL_DATA_ERASED once erased.
struct RecordAccess {
  std::string purpose;
};
// Records the erasure: `basis` set ("basis"), `reference` at most 200 characters
// ("reference"). NOT_FOUND if the person does not exist; no event if already erased.
struct ErasePerson {
  v1::ErasureBasis basis = v1::ERASURE_BASIS_UNSPECIFIED;
  std::string reference;
};

absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const RegisterPerson& command);
absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const RecordAccess& command);
absl::StatusOr<std::vector<PersonEvent>> Decide(const PersonState& state,
                                                const ErasePerson& command);

// "person:{id}" and "org:{siren}" of the registering collectivité: no personal data.
std::vector<std::string> Tags(const PersonState& after, const PersonEvent& event);

const google::protobuf::Message& AsMessage(const PersonEvent& event);
absl::StatusOr<PersonEvent> ParsePersonEvent(absl::string_view type, absl::string_view payload);

// Retention of candidates' data (CNIL: two years after the recruitment closes).
struct RetentionPolicy {
  int months = 24;  // a setting of the Caf instance
};
// What retention needs to know of a recruitment.
struct RecruitmentOutcome {
  bool closed = false;             // closed or cancelled
  absl::Time closed_time;          // when
  std::string hired_person;        // "persons/{id}", or empty
};
// Whether `state` is a candidate whose data is due for erasure at `now`: registered for a
// recruitment that `outcome` says closed at least `policy.months` months before `now`, not
// hired by it, and not erased yet. Months are calendar months in UTC; a day the due month
// lacks rolls over (31 March + 6 months = 1 October), so the period is never shortened.
bool DueForErasure(const PersonState& state, const RecruitmentOutcome& outcome, absl::Time now,
                   const RetentionPolicy& policy);

// The resource of a person's state; `identity` is filled by the caller after opening it.
v1::Person ToResource(const PersonState& state);

}  // namespace ctg::persons

#endif  // CTG_SERVICES_PERSONS_PERSON_H_
