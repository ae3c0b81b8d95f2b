// The registry's aggregates as the platform's command handler sees them, and the in-memory
// read models every service of ctgd shares (organisations, CTGs, persons, and the staffing
// context's posts, recruitments and replacements).
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
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"
#include "services/staffing/workload.h"

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

// Post streams `post-{id}` (services/staffing).
struct PostAggregate {
  using State = staffing::PostState;
  using Event = staffing::PostEvent;
  static constexpr absl::string_view kStreamPrefix = staffing::kPostStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParsePostEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

// Recruitment streams `recruitment-{id}` (services/staffing).
struct RecruitmentAggregate {
  using State = staffing::RecruitmentState;
  using Event = staffing::RecruitmentEvent;
  static constexpr absl::string_view kStreamPrefix = staffing::kRecruitmentStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParseRecruitmentEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

// Replacement streams `replacement-{id}` (services/staffing).
struct ReplacementAggregate {
  using State = staffing::ReplacementState;
  using Event = staffing::ReplacementEvent;
  static constexpr absl::string_view kStreamPrefix = staffing::kReplacementStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParseReplacementEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

// The store and the read models of the registry, shared by the services of one ctgd.
class Registry {
 public:
  explicit Registry(eventstore::EventStore& store)
      : store_(store) {}

  // Folds the stored log into the read models; call once before serving.
  absl::Status Load();

  eventstore::EventStore& store() { return store_; }
  platform::Repository<OrganisationAggregate>& organisations() { return organisations_; }
  platform::Repository<CtgAggregate>& ctgs() { return ctgs_; }
  platform::Repository<PersonAggregate>& persons() { return persons_; }
  platform::Repository<PostAggregate>& posts() { return posts_; }
  platform::Repository<RecruitmentAggregate>& recruitments() { return recruitments_; }
  platform::Repository<ReplacementAggregate>& replacements() { return replacements_; }

  // Cross-aggregate facts for the deciders.
  partners::Lookups PartnersLookups() const;
  plans::Lookups PlansLookups() const;
  // The post decider's: CTGs (signatories, state), recruitments and replacements (FactsOf),
  // a person's workload.
  staffing::PostLookups StaffingPostLookups() const;
  // The recruitment decider's: posts.
  staffing::RecruitmentLookups StaffingRecruitmentLookups() const;
  // The replacement decider's: posts and a person's workload.
  staffing::ReplacementLookups StaffingReplacementLookups() const;

  // What `person` (`persons/{id}`) works now: every active assignment on any post, with the
  // other activities any of them declared (staffing::WorkloadOf).
  staffing::Workload WorkloadOf(absl::string_view person) const;
  // The CTGs that concern `person` (the policy's scope for reading them): the CTG of the
  // recruitment they were registered for or chosen, hired or decided on in, and of every post
  // they were ever assigned to or asked to replace on. Scans the staffing read models.
  std::vector<platform::CtgScope> CtgsConcerning(const persons::PersonState& person) const;
  // Whether `person` (`persons/{id}`) was registered with PersonsService (erased or not).
  bool PersonExists(absl::string_view person) const;

  // Who takes part in a CTG, for the policy; nothing if the CTG does not exist. `key` is a CTG
  // id, or "stream:{name}" of a staffing stream (post-, recruitment-, replacement-), resolved to
  // the CTG it belongs to (services/audit/access.h).
  std::optional<platform::CtgScope> CtgScopeOf(absl::string_view key) const;
  static platform::CtgScope ScopeOf(const v1::Ctg& ctg);

  // The CTG an event of `stream` (or with `tags`) belongs to, if any: "ctg-{id}" → id.
  static std::optional<std::string> CtgOfStream(absl::string_view stream);

 private:
  eventstore::EventStore& store_;
  platform::Repository<OrganisationAggregate> organisations_;
  platform::Repository<CtgAggregate> ctgs_;
  platform::Repository<PersonAggregate> persons_;
  platform::Repository<PostAggregate> posts_;
  platform::Repository<RecruitmentAggregate> recruitments_;
  platform::Repository<ReplacementAggregate> replacements_;
};

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_REGISTRY_H_
