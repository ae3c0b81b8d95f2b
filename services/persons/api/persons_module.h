// The persons context in ctgd: the persons' read model (sealed identities only), whom each
// person concerns (the policy's PersonScope), erasure, and ctg.v1.PersonsService. Streams
// `person-{id}` are read as their person.
#ifndef CTG_SERVICES_PERSONS_API_PERSONS_MODULE_H_
#define CTG_SERVICES_PERSONS_API_PERSONS_MODULE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/api/module.h"
#include "services/api/pipeline.h"
#include "services/persons/aggregate.h"
#include "services/plans/api/plans_module.h"

namespace ctg::platform {
class KeyVault;
}

namespace ctg::persons_api {

class PersonsServiceImpl;

// A context whose streams name persons (`persons/{id}`) says which CTGs concern a person:
// the policy lets a CTG's CDT read them (services/platform/policy.h).
class PersonLinks {
 public:
  virtual ~PersonLinks() = default;
  // Appends to `ctgs` (`ctgs/{id}`, in the order found; duplicates are removed) the CTGs
  // that concern `person`.
  virtual void AddCtgsConcerning(const persons::PersonState& person,
                                 std::vector<std::string>& ctgs) const = 0;
};

class PersonsModule final : public api::Module {
 public:
  // Everything must outlive the module; `clock` gives each command its time.
  PersonsModule(eventstore::EventStore& store, platform::KeyVault& vault,
                const plans_api::PlansModule& plans, api::Clock clock = absl::Now);
  ~PersonsModule() override;

  // Adds a context's links (the composition root does, once, before serving).
  void AddLinks(const PersonLinks* links) { links_.push_back(links); }

  const platform::Repository<persons::PersonAggregate>& persons() const { return persons_; }
  platform::Repository<persons::PersonAggregate>& persons() { return persons_; }
  // Whether `person` (`persons/{id}`) was registered (erased or not).
  bool PersonExists(absl::string_view person) const;
  // FAILED_PRECONDITION PERSON_NOT_FOUND unless `person` (`persons/{id}`, in `field`) exists.
  absl::Status RequirePerson(absl::string_view person, absl::string_view field) const;
  // The policy's scope for reading `person`: the organisation that registered them and the
  // CTGs the links say concern them.
  platform::PersonScope PersonScopeOf(const persons::PersonState& person) const;

  // Erases the personal data of `person_id`: destroys its key in the vault (durably and
  // physically; blocks for a flush and a compaction of the vault), then appends PersonErased
  // and calls `done` with the outcome. The caller has authorized `context`. Used by
  // ErasePerson and by ctgd's retention sweeper.
  void ErasePersonData(const std::string& person_id, platform::CommandContext context,
                       persons::ErasePerson command,
                       platform::OutcomeCallback<persons::PersonAggregate> done);

  std::vector<Service> Services() override;
  std::vector<platform::LogProjection*> ReadModels() override { return {&persons_}; }
  std::vector<platform::StreamCategory> StreamCategories() const override;

 private:
  friend class PersonsServiceImpl;
  eventstore::EventStore& store_;
  platform::KeyVault& vault_;
  const plans_api::PlansModule& plans_;
  std::vector<const PersonLinks*> links_;
  platform::Repository<persons::PersonAggregate> persons_;
  std::unique_ptr<PersonsServiceImpl> service_;  // last: its erasures drain first
};

}  // namespace ctg::persons_api

#endif  // CTG_SERVICES_PERSONS_API_PERSONS_MODULE_H_
