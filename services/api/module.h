// What a context contributes to ctgd: its gRPC services, its read models and the categories
// of streams it writes. The composition root (services/server/modules.h) builds every module,
// folds the log into all their read models in one pass, adds their stream categories to one
// catalog (which the audit context reads the log through), registers their services and
// reports their health under the services' names.
#ifndef CTG_SERVICES_API_MODULE_H_
#define CTG_SERVICES_API_MODULE_H_

#include <string>
#include <vector>

#include "services/platform/repository.h"
#include "services/platform/streams.h"

namespace grpc {
class Service;
}

namespace ctg::api {

class Module {
 public:
  // A gRPC service and its full name ("ctg.v1.PlansService"), under which its health is set.
  struct Service {
    grpc::Service* service;
    std::string name;
  };

  virtual ~Module() = default;

  // The services it serves; they live as long as the module.
  virtual std::vector<Service> Services() = 0;
  // Its read models, folded from the stored log before any service is called.
  virtual std::vector<platform::LogProjection*> ReadModels() = 0;
  // The categories of the streams it writes (how their events are read).
  virtual std::vector<platform::StreamCategory> StreamCategories() const = 0;
  // Ends what would hold the server's drain (live subscriptions). Called before the server
  // shuts down.
  virtual void Shutdown() {}
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_MODULE_H_
