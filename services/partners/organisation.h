// The Organisation aggregate (stream `org-{siren}`): the decider of the partners context.
//
// Pure functions only: no clock, no randomness, no I/O. The caller loads the stream, folds it
// with Evolve, looks up what Decide needs from other aggregates (Lookups), calls Decide and
// appends the events it returns, stamped with their metadata and Tags. Field paths in errors
// are those of CreateOrganisationRequest / UpdateOrganisationRequest (`organisation.siren`…).
#ifndef CTG_SERVICES_PARTNERS_ORGANISATION_H_
#define CTG_SERVICES_PARTNERS_ORGANISATION_H_

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/partners.pb.h"
#include "ctg/v1/partners_events.pb.h"

namespace ctg::partners {

namespace v1 = ::ctg::v1;

// Every event of an organisation's stream.
using OrganisationEvent =
    std::variant<v1::OrganisationRegistered, v1::OrganisationRenamed,
                 v1::OrganisationPopulationRecorded, v1::OrganisationEpciChanged>;

// Streams of organisations are `org-{siren}`.
inline constexpr absl::string_view kStreamPrefix = "org-";
// Resource names of organisations are `organisations/{siren}`.
inline constexpr absl::string_view kNamePrefix = "organisations/";

// The stream of the organisation `siren`: "org-" + siren. `siren` is not checked.
std::string OrganisationStream(absl::string_view siren);
// The resource name of the organisation `siren`: "organisations/" + siren. Not checked.
std::string OrganisationName(absl::string_view siren);
// The SIREN of `name`, which must be "organisations/{siren}" with a valid SIREN; else
// INVALID_ARGUMENT with a BadRequest naming `field`.
absl::StatusOr<std::string> ParseOrganisationName(absl::string_view name, absl::string_view field);
// OK if `siren` is 9 ASCII digits whose Luhn checksum is valid; else INVALID_ARGUMENT with a
// BadRequest naming `field`.
absl::Status ValidateSiren(absl::string_view siren, absl::string_view field);

// An organisation as its events made it. `organisation.etag` is left to the caller (it is the
// stream's revision, not a fact of the domain).
struct OrganisationState {
  bool exists = false;
  v1::Organisation organisation;
};

// Folds `event`, decided at `time`, into `state`: Registered sets every field and
// create_time; every event sets update_time. Never fails (events are facts).
void Evolve(OrganisationState& state, const OrganisationEvent& event, absl::Time time);

// Registers an organisation: `organisation` as sent in CreateOrganisationRequest (name and
// output-only fields are ignored).
struct RegisterOrganisation {
  v1::Organisation organisation;
};

// Changes the fields named by `paths` ("display_name", "population", "epci"; "*" is all
// three) to their values in `organisation`; a field named but unset is cleared (an unset
// population, no EPCI). Other fields of `organisation` are ignored.
struct UpdateOrganisation {
  v1::Organisation organisation;
  std::vector<std::string> paths;
};

// What the decider needs to know of other organisations, looked up by the caller.
struct Lookups {
  // The type of the registered organisation `siren`, or nothing if it is not registered.
  // An empty function knows no organisation.
  std::function<std::optional<v1::OrganisationType>(absl::string_view siren)> organisation_type;
};

// Registration. Checks, in order: ALREADY_EXISTS if `state.exists`; INVALID_ARGUMENT with a
// BadRequest listing every bad field (siren, type, display_name, population, epci,
// departement; an EPCI only for a COMMUNE); FAILED_PRECONDITION with ErrorInfo reason
// EPCI_NOT_FOUND or NOT_AN_EPCI if the EPCI is not a registered organisation of type EPCI.
// On success, one OrganisationRegistered (display_name without surrounding whitespace).
absl::StatusOr<std::vector<OrganisationEvent>> Decide(const OrganisationState& state,
                                                      const RegisterOrganisation& command,
                                                      const Lookups& lookups);

// Update. NOT_FOUND if `!state.exists`; INVALID_ARGUMENT for an empty or unknown path
// (field "update_mask") and for bad values of the named fields, as for registration; the
// same FAILED_PRECONDITION reasons for a new EPCI. Returns one event per field that changes
// (Renamed, PopulationRecorded, EpciChanged) and none if nothing changes.
absl::StatusOr<std::vector<OrganisationEvent>> Decide(const OrganisationState& state,
                                                      const UpdateOrganisation& command,
                                                      const Lookups& lookups);

// What `event` concerns, for the store's tag index: "org:{siren}" of the organisation
// (`after` is its state once `event` is folded), plus "org:{siren}" of the EPCI joined or left
// by a Registered or EpciChanged event.
std::vector<std::string> Tags(const OrganisationState& after, const OrganisationEvent& event);

// The message `event` holds (to serialize it under its full type name).
const google::protobuf::Message& AsMessage(const OrganisationEvent& event);

// The event stored as `payload` under the full type name `type` (e.g.
// "ctg.v1.OrganisationRenamed"). INTERNAL if `type` is not an event of this stream;
// DATA_LOSS if `payload` does not parse.
absl::StatusOr<OrganisationEvent> ParseOrganisationEvent(absl::string_view type,
                                                         absl::string_view payload);

}  // namespace ctg::partners

#endif  // CTG_SERVICES_PARTNERS_ORGANISATION_H_
