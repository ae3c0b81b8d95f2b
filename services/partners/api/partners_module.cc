#include "services/partners/api/partners_module.h"

#include "services/partners/api/partners_service.h"

namespace ctg::partners_api {

PartnersModule::PartnersModule(eventstore::EventStore& store, api::Clock clock)
    : store_(store), service_(std::make_unique<PartnersServiceImpl>(*this, std::move(clock))) {}

PartnersModule::~PartnersModule() = default;

partners::Lookups PartnersModule::Lookups() const {
  partners::Lookups lookups;
  lookups.organisation_type =
      [this](absl::string_view siren) -> std::optional<v1::OrganisationType> {
    auto snapshot = organisations_.Get(partners::OrganisationStream(siren));
    if (!snapshot.state.exists) return std::nullopt;
    return snapshot.state.organisation.type();
  };
  return lookups;
}

std::vector<api::Module::Service> PartnersModule::Services() {
  return {{service_.get(), v1::PartnersService::service_full_name()}};
}

std::vector<platform::StreamCategory> PartnersModule::StreamCategories() const {
  return {platform::PublicStreams(std::string(partners::kStreamPrefix),
                                  platform::Permission::kReadRegistry)};
}

}  // namespace ctg::partners_api
