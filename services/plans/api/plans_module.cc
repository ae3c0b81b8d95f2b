#include "services/plans/api/plans_module.h"

#include "absl/strings/strip.h"
#include "services/plans/api/plans_service.h"

namespace ctg::plans_api {

PlansModule::PlansModule(eventstore::EventStore& store,
                         const partners_api::PartnersModule& partners, api::Clock clock)
    : store_(store),
      partners_(partners),
      service_(std::make_unique<PlansServiceImpl>(*this, std::move(clock))) {}

PlansModule::~PlansModule() = default;

std::optional<v1::Ctg> PlansModule::CtgOf(absl::string_view ctg_id) const {
  auto snapshot = ctgs_.Get(plans::CtgStream(ctg_id));
  if (!snapshot.state.exists) return std::nullopt;
  return std::move(snapshot.state.ctg);
}

std::optional<platform::CtgScope> PlansModule::CtgScopeOf(absl::string_view ctg_id) const {
  auto snapshot = ctgs_.Get(plans::CtgStream(ctg_id));
  if (!snapshot.state.exists) return std::nullopt;
  return ScopeOf(snapshot.state.ctg);
}

platform::CtgScope PlansModule::ScopeOf(const v1::Ctg& ctg) {
  platform::CtgScope scope;
  scope.ctg_id = std::string(absl::StripPrefix(ctg.name(), plans::kNamePrefix));
  scope.cdt = ctg.cdt();
  for (const v1::Signatory& signatory : ctg.signatories()) {
    std::string siren(absl::StripPrefix(signatory.organisation(), partners::kNamePrefix));
    if (signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE ||
        signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE) {
      scope.collectivites.push_back(std::move(siren));
    } else {
      scope.others.push_back(std::move(siren));
    }
  }
  return scope;
}

plans::Lookups PlansModule::Lookups() const {
  plans::Lookups lookups;
  lookups.organisation_type = partners_.Lookups().organisation_type;
  lookups.ctg_exists = [this](absl::string_view ctg_id) {
    return ctgs_.Get(plans::CtgStream(ctg_id)).state.exists;
  };
  return lookups;
}

std::vector<api::Module::Service> PlansModule::Services() {
  return {{service_.get(), v1::PlansService::service_full_name()}};
}

std::vector<platform::StreamCategory> PlansModule::StreamCategories() const {
  return {platform::CtgStreams(std::string(plans::kStreamPrefix), [this](absl::string_view stream) {
    return CtgScopeOf(absl::StripPrefix(stream, plans::kStreamPrefix));
  })};
}

}  // namespace ctg::plans_api
