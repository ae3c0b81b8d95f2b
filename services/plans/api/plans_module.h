// The plans context in ctgd: the CTG registry's read model, who takes part in each CTG (the
// policy's CtgScope, which every context of a CTG authorizes against), and
// ctg.v1.PlansService. Streams `ctg-{id}` are read as their CTG.
#ifndef CTG_SERVICES_PLANS_API_PLANS_MODULE_H_
#define CTG_SERVICES_PLANS_API_PLANS_MODULE_H_

#include <memory>
#include <optional>
#include <vector>

#include "services/api/module.h"
#include "services/api/pipeline.h"
#include "services/partners/api/partners_module.h"
#include "services/plans/aggregate.h"

namespace ctg::plans_api {

class PlansServiceImpl;

class PlansModule final : public api::Module {
 public:
  // `store` and `partners` must outlive the module; `clock` gives each command its time.
  PlansModule(eventstore::EventStore& store, const partners_api::PartnersModule& partners,
              api::Clock clock = absl::Now);
  ~PlansModule() override;

  const platform::Repository<plans::CtgAggregate>& ctgs() const { return ctgs_; }
  // The CTG `ctg_id`, if it exists.
  std::optional<v1::Ctg> CtgOf(absl::string_view ctg_id) const;
  // Who takes part in the CTG `ctg_id` now; nothing if it does not exist.
  std::optional<platform::CtgScope> CtgScopeOf(absl::string_view ctg_id) const;
  // Who takes part in `ctg`, for the policy.
  static platform::CtgScope ScopeOf(const v1::Ctg& ctg);
  // The facts the CTG deciders look up: organisations' types, CTGs' existence.
  plans::Lookups Lookups() const;

  std::vector<Service> Services() override;
  std::vector<platform::LogProjection*> ReadModels() override { return {&ctgs_}; }
  std::vector<platform::StreamCategory> StreamCategories() const override;

 private:
  friend class PlansServiceImpl;
  eventstore::EventStore& store_;
  const partners_api::PartnersModule& partners_;
  platform::Repository<plans::CtgAggregate> ctgs_;
  std::unique_ptr<PlansServiceImpl> service_;
};

}  // namespace ctg::plans_api

#endif  // CTG_SERVICES_PLANS_API_PLANS_MODULE_H_
