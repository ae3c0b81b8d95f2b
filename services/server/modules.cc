#include "services/server/modules.h"

#include <utility>

#include "eventstore/base/status_macros.h"
#include "services/audit/api/audit_module.h"
#include "services/partners/api/partners_module.h"
#include "services/persons/api/persons_module.h"
#include "services/plans/api/plans_module.h"
#include "services/staffing/api/staffing_module.h"

namespace ctg::server {

template <typename M>
M* Modules::Add(std::unique_ptr<M> module) {
  M* raw = module.get();
  modules_.push_back(std::move(module));
  return raw;
}

absl::StatusOr<std::unique_ptr<Modules>> Modules::Compose(eventstore::EventStore& store,
                                                          platform::KeyVault& vault,
                                                          std::string backup_dir) {
  std::unique_ptr<Modules> modules(new Modules());
  // Each context, after those it builds on.
  auto* partners = modules->Add(std::make_unique<partners_api::PartnersModule>(store));
  auto* plans = modules->Add(std::make_unique<plans_api::PlansModule>(store, *partners));
  auto* persons = modules->Add(std::make_unique<persons_api::PersonsModule>(store, vault, *plans));
  auto* staffing =
      modules->Add(std::make_unique<staffing_api::StaffingModule>(store, *plans, *persons));
  persons->AddLinks(staffing);  // candidates, agents and replacements concern their CTGs
  modules->Add(
      std::make_unique<audit_api::AuditModule>(store, modules->streams_, std::move(backup_dir)));
  modules->persons_ = persons;
  modules->staffing_ = staffing;

  std::vector<platform::LogProjection*> read_models;
  for (const auto& module : modules->modules_) {
    for (platform::StreamCategory& category : module->StreamCategories()) {
      RETURN_IF_ERROR(modules->streams_.Add(std::move(category)));
    }
    for (platform::LogProjection* read_model : module->ReadModels()) {
      read_models.push_back(read_model);
    }
  }
  // One pass over the log feeds every read model.
  RETURN_IF_ERROR(platform::CatchUp(store, read_models));
  return modules;
}

Modules::~Modules() {
  // Later modules build on earlier ones: destroy them first.
  while (!modules_.empty()) modules_.pop_back();
}

std::vector<api::Module::Service> Modules::Services() const {
  std::vector<api::Module::Service> services;
  for (const auto& module : modules_) {
    for (api::Module::Service& service : module->Services()) services.push_back(std::move(service));
  }
  return services;
}

void Modules::Shutdown() {
  for (const auto& module : modules_) module->Shutdown();
}

}  // namespace ctg::server
