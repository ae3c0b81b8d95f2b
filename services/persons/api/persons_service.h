// ctg.v1.PersonsService: personal data sealed with the key vault before it reaches the log,
// read only for a stated purpose (each read recorded), erased by destroying the key.
#ifndef CTG_SERVICES_PERSONS_API_PERSONS_SERVICE_H_
#define CTG_SERVICES_PERSONS_API_PERSONS_SERVICE_H_

#include <cstddef>

#include "ctg/v1/persons.grpc.pb.h"
#include "services/api/pipeline.h"
#include "services/persons/api/persons_module.h"
#include "services/platform/work_queue.h"

namespace ctg::persons_api {

// A person as the command pipeline sees it.
struct PersonResource {
  using Aggregate = persons::PersonAggregate;
  using Message = v1::Person;
  static Message ToMessage(const persons::PersonState& state, std::optional<uint64_t> revision) {
    Message person = persons::ToResource(state);
    person.set_etag(platform::EtagFor(revision));
    return person;
  }
};

class PersonsServiceImpl final : public v1::PersonsService::CallbackService {
 public:
  PersonsServiceImpl(PersonsModule& module, api::Clock clock);
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
  PersonsModule& module_;
  api::Clock clock_;
  platform::WorkQueue erasures_;  // last: destroyed (drained) first
};

}  // namespace ctg::persons_api

#endif  // CTG_SERVICES_PERSONS_API_PERSONS_SERVICE_H_
