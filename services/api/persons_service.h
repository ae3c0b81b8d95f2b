// ctg.v1.PersonsService: personal data sealed with the key vault before it reaches the log,
// read only for a stated purpose (each read recorded), erased by destroying the key.
#ifndef CTG_SERVICES_API_PERSONS_SERVICE_H_
#define CTG_SERVICES_API_PERSONS_SERVICE_H_

#include <cstddef>
#include <functional>

#include "absl/time/time.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "services/api/registry.h"
#include "services/platform/command_handler.h"
#include "services/platform/work_queue.h"

namespace ctg::platform {
class KeyVault;
}

namespace ctg::api {

// Erases the personal data of `person_id`: destroys its key in `vault` (durably and
// physically; blocks for a flush and a compaction of the vault), then appends PersonErased
// through the command handler and calls `done` with the outcome. The caller has authorized
// `context`. Used by ErasePerson and by ctgd's retention sweeper.
void ErasePersonData(Registry& registry, platform::KeyVault& vault, const std::string& person_id,
                     platform::CommandContext context, persons::ErasePerson command,
                     platform::OutcomeCallback<PersonAggregate> done);

class PersonsServiceImpl final : public v1::PersonsService::CallbackService {
 public:
  // `vault` must outlive the service.
  PersonsServiceImpl(Registry& registry, platform::KeyVault& vault,
                     std::function<absl::Time()> clock = absl::Now);
  // Erasures wait on a queue of their own, run one at a time (an erasure flushes and compacts
  // the vault, which serialises them anyway): at most this many wait, and ErasePerson answers
  // RESOURCE_EXHAUSTED beyond, erasing nothing. The destructor runs those accepted.
  static constexpr size_t kMaxErasuresWaiting = 32;

  grpc::ServerUnaryReactor* CreatePerson(grpc::CallbackServerContext* call,
                                         const v1::CreatePersonRequest* request,
                                         v1::Person* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* call,
                                      const v1::GetPersonRequest* request,
                                      v1::Person* response) override;
  grpc::ServerUnaryReactor* ErasePerson(grpc::CallbackServerContext* call,
                                        const v1::ErasePersonRequest* request,
                                        v1::Person* response) override;

 private:
  Registry& registry_;
  platform::KeyVault& vault_;
  std::function<absl::Time()> clock_;
  platform::WorkQueue erasures_;  // last: destroyed (drained) first
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_PERSONS_SERVICE_H_
