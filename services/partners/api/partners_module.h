// The partners context in ctgd: the organisation registry's read model, what other contexts
// ask of it, and ctg.v1.PartnersService. Streams `org-{siren}` are public (kReadRegistry).
#ifndef CTG_SERVICES_PARTNERS_API_PARTNERS_MODULE_H_
#define CTG_SERVICES_PARTNERS_API_PARTNERS_MODULE_H_

#include <memory>
#include <vector>

#include "services/api/module.h"
#include "services/api/pipeline.h"
#include "services/partners/aggregate.h"

namespace ctg::partners_api {

class PartnersServiceImpl;

class PartnersModule final : public api::Module {
 public:
  // `store` must outlive the module; `clock` gives each command its time.
  explicit PartnersModule(eventstore::EventStore& store, api::Clock clock = absl::Now);
  ~PartnersModule() override;

  // Every organisation, as of the last write.
  const platform::Repository<partners::OrganisationAggregate>& organisations() const {
    return organisations_;
  }
  // The facts the registry's deciders look up: organisations' types.
  partners::Lookups Lookups() const;

  std::vector<Service> Services() override;
  std::vector<platform::LogProjection*> ReadModels() override { return {&organisations_}; }
  std::vector<platform::StreamCategory> StreamCategories() const override;

 private:
  friend class PartnersServiceImpl;
  eventstore::EventStore& store_;
  platform::Repository<partners::OrganisationAggregate> organisations_;
  std::unique_ptr<PartnersServiceImpl> service_;
};

}  // namespace ctg::partners_api

#endif  // CTG_SERVICES_PARTNERS_API_PARTNERS_MODULE_H_
