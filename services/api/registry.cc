#include "services/api/registry.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"

namespace ctg::api {

absl::Status Registry::Load() {
  RETURN_IF_ERROR(organisations_.CatchUp());
  RETURN_IF_ERROR(persons_.CatchUp());
  return ctgs_.CatchUp();
}

partners::Lookups Registry::PartnersLookups() const {
  partners::Lookups lookups;
  lookups.organisation_type =
      [this](absl::string_view siren) -> std::optional<v1::OrganisationType> {
    auto snapshot = organisations_.Get(partners::OrganisationStream(siren));
    if (!snapshot.state.exists) return std::nullopt;
    return snapshot.state.organisation.type();
  };
  return lookups;
}

plans::Lookups Registry::PlansLookups() const {
  plans::Lookups lookups;
  lookups.organisation_type = PartnersLookups().organisation_type;
  lookups.ctg_exists = [this](absl::string_view ctg_id) {
    return ctgs_.Get(plans::CtgStream(ctg_id)).state.exists;
  };
  return lookups;
}

platform::CtgScope Registry::ScopeOf(const v1::Ctg& ctg) {
  platform::CtgScope scope;
  scope.ctg_id = std::string(absl::StripPrefix(ctg.name(), "ctgs/"));
  scope.cdt = ctg.cdt();
  for (const v1::Signatory& signatory : ctg.signatories()) {
    std::string siren(absl::StripPrefix(signatory.organisation(), "organisations/"));
    if (signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE ||
        signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE) {
      scope.collectivites.push_back(std::move(siren));
    } else {
      scope.others.push_back(std::move(siren));
    }
  }
  return scope;
}

std::optional<platform::CtgScope> Registry::CtgScopeOf(absl::string_view ctg_id) const {
  auto snapshot = ctgs_.Get(plans::CtgStream(ctg_id));
  if (!snapshot.state.exists) return std::nullopt;
  return ScopeOf(snapshot.state.ctg);
}

std::optional<std::string> Registry::CtgOfStream(absl::string_view stream) {
  if (!absl::ConsumePrefix(&stream, plans::kStreamPrefix)) return std::nullopt;
  return std::string(stream);
}

}  // namespace ctg::api
