#include "services/partners/organisation.h"

#include <array>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/platform/text.h"
#include "services/platform/errors.h"
#include "services/platform/event_variant.h"
#include "services/platform/time_proto.h"

namespace ctg::partners {
namespace {

using ::ctg::platform::BadRequestBuilder;

constexpr size_t kMaxDisplayNameChars = 200;
constexpr absl::string_view kUpdatablePaths[] = {"display_name", "population", "epci"};

// The SIREN of a resource name already checked by ParseOrganisationName (else `name`).
absl::string_view SirenOf(absl::string_view name) {
  absl::ConsumePrefix(&name, kNamePrefix);
  return name;
}

bool SamePopulation(const v1::Organisation& a, const v1::Organisation& b) {
  if (a.has_population() != b.has_population()) return false;
  return a.population().value() == b.population().value() &&
         a.population().year() == b.population().year() &&
         a.population().kind() == b.population().kind();
}

void CheckDisplayName(BadRequestBuilder& bad, absl::string_view display_name) {
  const std::string problem = platform::TextProblem(platform::NormaliseText(display_name), kMaxDisplayNameChars);
  if (!problem.empty()) bad.Add("organisation.display_name", problem);
}

void CheckPopulation(BadRequestBuilder& bad, const v1::Organisation& organisation) {
  if (!organisation.has_population()) return;
  const v1::Population& population = organisation.population();
  if (population.value() < 0) bad.Add("organisation.population.value", "must be 0 or more");
  if (population.year() != 0 && (population.year() < 1900 || population.year() > 2100)) {
    bad.Add("organisation.population.year", "must be 0 (unknown) or between 1900 and 2100");
  }
  if (!v1::Population::Kind_IsValid(population.kind())) {
    bad.Add("organisation.population.kind", "is not a known population kind");
  }
}

// Checks the form of `epci` (empty: no EPCI) for an organisation of type `type`; returns the
// EPCI's SIREN when the reference is well-formed and allowed.
std::optional<std::string> CheckEpci(BadRequestBuilder& bad, absl::string_view epci,
                                     v1::OrganisationType type) {
  if (epci.empty()) return std::nullopt;
  absl::StatusOr<std::string> siren = ParseOrganisationName(epci, "organisation.epci");
  if (!siren.ok()) {
    platform::AddViolations(bad, siren.status(), "organisation.epci");
    return std::nullopt;
  }
  // (An unset or unknown type is reported on its own field.)
  const bool known_type =
      type != v1::ORGANISATION_TYPE_UNSPECIFIED && v1::OrganisationType_IsValid(type);
  if (known_type && type != v1::ORGANISATION_TYPE_COMMUNE) {
    bad.Add("organisation.epci", "only a commune belongs to an EPCI");
    return std::nullopt;
  }
  return *std::move(siren);
}

void CheckDepartement(BadRequestBuilder& bad, absl::string_view departement) {
  if (departement.empty()) return;
  const bool corsica = departement == "2A" || departement == "2B";
  bool digits = departement.size() == 2 || departement.size() == 3;
  for (char c : departement) digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!corsica && !digits) {
    bad.Add("organisation.departement", "must be a département code: 2 or 3 digits, 2A or 2B");
  }
}

// FAILED_PRECONDITION unless `epci_siren` is a registered organisation of type EPCI.
absl::Status CheckEpciExists(absl::string_view epci_siren, const Lookups& lookups) {
  const std::string name = OrganisationName(epci_siren);
  std::optional<v1::OrganisationType> type;
  if (lookups.organisation_type) type = lookups.organisation_type(epci_siren);
  if (!type.has_value()) {
    return platform::RuleViolation("EPCI_NOT_FOUND",
                                   absl::StrCat("the EPCI ", name, " is not registered"),
                                   {{"field", "organisation.epci"}, {"organisation", name}});
  }
  if (*type != v1::ORGANISATION_TYPE_EPCI) {
    return platform::RuleViolation("NOT_AN_EPCI", absl::StrCat(name, " is not an EPCI"),
                                   {{"field", "organisation.epci"},
                                    {"organisation", name},
                                    {"type", v1::OrganisationType_Name(*type)}});
  }
  return absl::OkStatus();
}

}  // namespace

std::string OrganisationStream(absl::string_view siren) {
  return absl::StrCat(kStreamPrefix, siren);
}

std::string OrganisationName(absl::string_view siren) { return absl::StrCat(kNamePrefix, siren); }

absl::StatusOr<std::string> ParseOrganisationName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return platform::InvalidField(field, "is required");
  absl::string_view siren = name;
  if (!absl::ConsumePrefix(&siren, kNamePrefix)) {
    return platform::InvalidField(field, "must be an organisation name, organisations/{siren}");
  }
  RETURN_IF_ERROR(ValidateSiren(siren, field));
  return std::string(siren);
}

absl::Status ValidateSiren(absl::string_view siren, absl::string_view field) {
  if (siren.empty()) return platform::InvalidField(field, "is required: a SIREN of 9 digits");
  if (siren.size() != 9) return platform::InvalidField(field, "a SIREN must be 9 digits");
  int sum = 0;
  for (size_t i = 0; i < siren.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(siren[i]))) {
      return platform::InvalidField(field, "a SIREN must be 9 digits");
    }
    int digit = siren[i] - '0';
    // Luhn: from the right, every second digit is doubled; with 9 digits, those at odd
    // indices from the left.
    if (i % 2 == 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  if (sum % 10 != 0) {
    return platform::InvalidField(field, "is not a valid SIREN: its Luhn check digit is wrong");
  }
  return absl::OkStatus();
}

void Evolve(OrganisationState& state, const OrganisationEvent& event, absl::Time time) {
  v1::Organisation& organisation = state.organisation;
  if (const auto* registered = std::get_if<v1::OrganisationRegistered>(&event)) {
    state.exists = true;
    organisation.Clear();
    organisation.set_name(OrganisationName(registered->siren()));
    organisation.set_siren(registered->siren());
    organisation.set_type(registered->type());
    organisation.set_display_name(registered->display_name());
    if (registered->has_population()) *organisation.mutable_population() = registered->population();
    organisation.set_epci(registered->epci());
    organisation.set_departement(registered->departement());
    *organisation.mutable_create_time() = platform::ToTimestamp(time);
  } else if (const auto* renamed = std::get_if<v1::OrganisationRenamed>(&event)) {
    organisation.set_display_name(renamed->display_name());
  } else if (const auto* recorded = std::get_if<v1::OrganisationPopulationRecorded>(&event)) {
    if (recorded->has_population()) {
      *organisation.mutable_population() = recorded->population();
    } else {
      organisation.clear_population();
    }
  } else if (const auto* changed = std::get_if<v1::OrganisationEpciChanged>(&event)) {
    organisation.set_epci(changed->epci());
  }
  *organisation.mutable_update_time() = platform::ToTimestamp(time);
}

absl::StatusOr<std::vector<OrganisationEvent>> Decide(const OrganisationState& state,
                                                      const RegisterOrganisation& command,
                                                      const Lookups& lookups) {
  const v1::Organisation& organisation = command.organisation;
  if (state.exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("organisation ", state.organisation.name(), " is already registered"));
  }
  BadRequestBuilder bad;
  platform::AddViolations(bad, ValidateSiren(organisation.siren(), "organisation.siren"),
                "organisation.siren");
  if (organisation.type() == v1::ORGANISATION_TYPE_UNSPECIFIED) {
    bad.Add("organisation.type", "is required");
  } else if (!v1::OrganisationType_IsValid(organisation.type())) {
    bad.Add("organisation.type", "is not a known organisation type");
  }
  CheckDisplayName(bad, organisation.display_name());
  CheckPopulation(bad, organisation);
  const std::optional<std::string> epci_siren =
      CheckEpci(bad, organisation.epci(), organisation.type());
  CheckDepartement(bad, organisation.departement());
  RETURN_IF_ERROR(bad.Build());
  if (epci_siren.has_value()) RETURN_IF_ERROR(CheckEpciExists(*epci_siren, lookups));

  v1::OrganisationRegistered registered;
  registered.set_siren(organisation.siren());
  registered.set_type(organisation.type());
  registered.set_display_name(platform::NormaliseText(organisation.display_name()));
  if (organisation.has_population()) *registered.mutable_population() = organisation.population();
  registered.set_epci(organisation.epci());
  registered.set_departement(organisation.departement());
  return std::vector<OrganisationEvent>{std::move(registered)};
}

absl::StatusOr<std::vector<OrganisationEvent>> Decide(const OrganisationState& state,
                                                      const UpdateOrganisation& command,
                                                      const Lookups& lookups) {
  if (!state.exists) return absl::NotFoundError("organisation not registered");
  const v1::Organisation& current = state.organisation;
  const v1::Organisation& wanted = command.organisation;

  BadRequestBuilder bad;
  std::array<bool, std::size(kUpdatablePaths)> named{};
  if (command.paths.empty()) {
    bad.Add("update_mask", "is required: name the fields to change");
  }
  for (const std::string& path : command.paths) {
    bool known = false;
    for (size_t i = 0; i < named.size(); ++i) {
      if (path == "*" || path == kUpdatablePaths[i]) named[i] = known = true;
    }
    if (!known) {
      bad.Add("update_mask", absl::StrCat("unknown path ", platform::Quoted(path),
                                          ": expected display_name, population, epci or *"));
    }
  }
  const auto [rename, record_population, change_epci] = named;

  if (rename) CheckDisplayName(bad, wanted.display_name());
  if (record_population) CheckPopulation(bad, wanted);
  std::optional<std::string> epci_siren;
  if (change_epci && wanted.epci() != current.epci()) {
    epci_siren = CheckEpci(bad, wanted.epci(), current.type());
  }
  RETURN_IF_ERROR(bad.Build());
  if (epci_siren.has_value()) RETURN_IF_ERROR(CheckEpciExists(*epci_siren, lookups));

  std::vector<OrganisationEvent> events;
  if (rename) {
    std::string display_name = platform::NormaliseText(wanted.display_name());
    if (display_name != current.display_name()) {
      v1::OrganisationRenamed renamed;
      renamed.set_display_name(std::move(display_name));
      events.emplace_back(std::move(renamed));
    }
  }
  if (record_population && !SamePopulation(current, wanted)) {
    v1::OrganisationPopulationRecorded recorded;
    if (wanted.has_population()) *recorded.mutable_population() = wanted.population();
    events.emplace_back(std::move(recorded));
  }
  if (change_epci && wanted.epci() != current.epci()) {
    v1::OrganisationEpciChanged changed;
    changed.set_epci(wanted.epci());
    changed.set_previous_epci(current.epci());
    events.emplace_back(std::move(changed));
  }
  return events;
}

std::vector<std::string> Tags(const OrganisationState& after, const OrganisationEvent& event) {
  std::vector<std::string> tags = {absl::StrCat("org:", after.organisation.siren())};
  auto add_epci = [&tags](absl::string_view epci) {
    if (!epci.empty()) tags.push_back(absl::StrCat("org:", SirenOf(epci)));
  };
  if (const auto* registered = std::get_if<v1::OrganisationRegistered>(&event)) {
    add_epci(registered->epci());
  } else if (const auto* changed = std::get_if<v1::OrganisationEpciChanged>(&event)) {
    add_epci(changed->epci());
    add_epci(changed->previous_epci());
  }
  return tags;
}

const google::protobuf::Message& AsMessage(const OrganisationEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<OrganisationEvent> ParseOrganisationEvent(absl::string_view type,
                                                         absl::string_view payload) {
  return platform::ParseEventVariant<OrganisationEvent>(type, payload, "an organisation's");
}

}  // namespace ctg::partners
