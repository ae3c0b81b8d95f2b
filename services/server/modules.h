// The composition root: every context of ctgd, built in dependency order and wired together.
// This is the one place that lists the contexts; adding one is a line in Modules::Compose
// (and its library in this folder's CMakeLists.txt). See services/README.md, "Adding a
// context".
#ifndef CTG_SERVICES_SERVER_MODULES_H_
#define CTG_SERVICES_SERVER_MODULES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "services/api/module.h"
#include "services/platform/streams.h"

namespace ctg::platform {
class KeyVault;
}
namespace ctg::persons_api {
class PersonsModule;
}
namespace ctg::staffing_api {
class StaffingModule;
}

namespace ctg::server {

class Modules {
 public:
  // Builds every module over `store` and `vault` (which must outlive them), adds their
  // stream categories to one catalog and folds the stored log into all their read models in
  // one pass. `backup_dir`: AdminService's backups.
  static absl::StatusOr<std::unique_ptr<Modules>> Compose(eventstore::EventStore& store,
                                                          platform::KeyVault& vault,
                                                          std::string backup_dir);
  ~Modules();

  // Every gRPC service of every module, with its full name.
  std::vector<api::Module::Service> Services() const;
  // The categories of the log's streams, as every module declared them.
  const platform::StreamCatalog& streams() const { return streams_; }
  // Before the server shuts down: ends what would hold its drain.
  void Shutdown();

  // What ctgd's retention sweeper works with.
  persons_api::PersonsModule& persons() const { return *persons_; }
  staffing_api::StaffingModule& staffing() const { return *staffing_; }

 private:
  Modules() = default;
  // Takes ownership of `module`; returns it.
  template <typename M>
  M* Add(std::unique_ptr<M> module);

  platform::StreamCatalog streams_;
  std::vector<std::unique_ptr<api::Module>> modules_;  // in dependency order
  persons_api::PersonsModule* persons_ = nullptr;
  staffing_api::StaffingModule* staffing_ = nullptr;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_MODULES_H_
