// The registry's aggregates as the platform's command handler sees them, and the in-memory
// read models every service of ctgd shares (organisations and CTGs).
#ifndef CTG_SERVICES_API_REGISTRY_H_
#define CTG_SERVICES_API_REGISTRY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"
#include "services/partners/organisation.h"
#include "services/persons/person.h"
#include "services/plans/ctg.h"
#include "services/platform/policy.h"
#include "services/platform/repository.h"

namespace ctg::api {

// Organisation streams `org-{siren}` (services/partners).
struct OrganisationAggregate {
  using State = partners::OrganisationState;
  using Event = partners::OrganisationEvent;
  static constexpr absl::string_view kStreamPrefix = partners::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    partners::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return partners::ParseOrganisationEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return partners::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return partners::Tags(after, event);
  }
};

// CTG streams `ctg-{id}` (services/plans).
struct CtgAggregate {
  using State = plans::CtgState;
  using Event = plans::CtgEvent;
  static constexpr absl::string_view kStreamPrefix = plans::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    plans::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return plans::ParseCtgEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return plans::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return plans::Tags(after, event);
  }
};

// Person streams `person-{id}` (services/persons): sealed identities only.
struct PersonAggregate {
  using State = persons::PersonState;
  using Event = persons::PersonEvent;
  static constexpr absl::string_view kStreamPrefix = persons::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    persons::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return persons::ParsePersonEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return persons::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return persons::Tags(after, event);
  }
};

// The store and the read models of the registry, shared by the services of one ctgd.
class Registry {
 public:
  explicit Registry(eventstore::EventStore& store)
      : store_(store), organisations_(store), ctgs_(store), persons_(store) {}

  // Folds the stored log into the read models; call once before serving.
  absl::Status Load();

  eventstore::EventStore& store() { return store_; }
  platform::Repository<OrganisationAggregate>& organisations() { return organisations_; }
  platform::Repository<CtgAggregate>& ctgs() { return ctgs_; }
  platform::Repository<PersonAggregate>& persons() { return persons_; }

  // Cross-aggregate facts for the deciders.
  partners::Lookups PartnersLookups() const;
  plans::Lookups PlansLookups() const;

  // Who takes part in a CTG, for the policy; nothing if the CTG does not exist.
  std::optional<platform::CtgScope> CtgScopeOf(absl::string_view ctg_id) const;
  static platform::CtgScope ScopeOf(const v1::Ctg& ctg);

  // The CTG an event of `stream` (or with `tags`) belongs to, if any: "ctg-{id}" → id.
  static std::optional<std::string> CtgOfStream(absl::string_view stream);

 private:
  eventstore::EventStore& store_;
  platform::Repository<OrganisationAggregate> organisations_;
  platform::Repository<CtgAggregate> ctgs_;
  platform::Repository<PersonAggregate> persons_;
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_REGISTRY_H_
