#include "services/audit/api/audit_module.h"

#include "services/audit/api/admin_service.h"
#include "services/audit/api/audit_service.h"

namespace ctg::audit_api {

AuditModule::AuditModule(eventstore::EventStore& store, const platform::StreamCatalog& streams,
                         std::string backup_dir)
    : audit_(std::make_unique<AuditServiceImpl>(store, streams)),
      admin_(std::make_unique<AdminServiceImpl>(store, std::move(backup_dir))) {}

AuditModule::~AuditModule() = default;

std::vector<api::Module::Service> AuditModule::Services() {
  return {{audit_.get(), v1::AuditService::service_full_name()},
          {admin_.get(), v1::AdminService::service_full_name()}};
}

void AuditModule::Shutdown() { audit_->Shutdown(); }

}  // namespace ctg::audit_api
