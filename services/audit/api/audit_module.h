// The audit context in ctgd: the history of the log as each principal may see it (through the
// catalog of every context's stream categories), proofs, the live feed (ctg.v1.AuditService),
// and the operator's backups and verification (ctg.v1.AdminService). It keeps no read model:
// it reads the log itself.
#ifndef CTG_SERVICES_AUDIT_API_AUDIT_MODULE_H_
#define CTG_SERVICES_AUDIT_API_AUDIT_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "services/api/module.h"
#include "services/platform/streams.h"

namespace ctg::audit_api {

class AuditServiceImpl;
class AdminServiceImpl;

class AuditModule final : public api::Module {
 public:
  // `store` and `streams` must outlive the module; backups go under `backup_dir`.
  AuditModule(eventstore::EventStore& store, const platform::StreamCatalog& streams,
              std::string backup_dir);
  ~AuditModule() override;

  std::vector<Service> Services() override;
  std::vector<platform::LogProjection*> ReadModels() override { return {}; }
  std::vector<platform::StreamCategory> StreamCategories() const override { return {}; }
  // Live subscriptions end now: they would hold the server's drain.
  void Shutdown() override;

 private:
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<AdminServiceImpl> admin_;
};

}  // namespace ctg::audit_api

#endif  // CTG_SERVICES_AUDIT_API_AUDIT_MODULE_H_
