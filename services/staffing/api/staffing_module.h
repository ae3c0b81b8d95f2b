// The staffing context in ctgd: the read models of posts, recruitments and replacements, the
// facts the staffing deciders look up, and ctg.v1.StaffingService. Its streams (`post-`,
// `recruitment-`, `replacement-`) belong to a CTG and are read as it; it tells the persons
// context which CTGs concern a person (candidates, agents on posts, replacements).
#ifndef CTG_SERVICES_STAFFING_API_STAFFING_MODULE_H_
#define CTG_SERVICES_STAFFING_API_STAFFING_MODULE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/api/module.h"
#include "services/api/pipeline.h"
#include "services/persons/api/persons_module.h"
#include "services/persons/person.h"
#include "services/plans/api/plans_module.h"
#include "services/staffing/aggregate.h"
#include "services/staffing/workload.h"

namespace ctg::staffing_api {

class StaffingServiceImpl;

class StaffingModule final : public api::Module, public persons_api::PersonLinks {
 public:
  // Everything must outlive the module; `clock` gives each command its time and "today".
  StaffingModule(eventstore::EventStore& store, const plans_api::PlansModule& plans,
                 const persons_api::PersonsModule& persons, api::Clock clock = absl::Now);
  ~StaffingModule() override;

  eventstore::EventStore& store() const { return store_; }
  platform::Repository<staffing::PostAggregate>& posts() { return posts_; }
  platform::Repository<staffing::RecruitmentAggregate>& recruitments() { return recruitments_; }
  platform::Repository<staffing::ReplacementAggregate>& replacements() { return replacements_; }
  const platform::Repository<staffing::PostAggregate>& posts() const { return posts_; }
  const platform::Repository<staffing::RecruitmentAggregate>& recruitments() const {
    return recruitments_;
  }
  const platform::Repository<staffing::ReplacementAggregate>& replacements() const {
    return replacements_;
  }
  const persons_api::PersonsModule& persons() const { return persons_; }

  // Who takes part in the CTG `ctg_id` now (plans); nothing if it does not exist.
  std::optional<platform::CtgScope> CtgScopeOf(absl::string_view ctg_id) const {
    return plans_.CtgScopeOf(ctg_id);
  }
  // The scope of the CTG a staffing stream belongs to; nothing if it does not resolve.
  std::optional<platform::CtgScope> CtgScopeOfStream(absl::string_view stream) const;

  // The facts each decider looks up. Posts: CTGs, recruitments and replacements
  // (FactsOf), a person's workload.
  staffing::PostLookups PostLookups() const;
  staffing::RecruitmentLookups RecruitmentLookups() const;  // posts
  staffing::ReplacementLookups ReplacementLookups() const;  // posts, a person's workload

  // What `person` (`persons/{id}`) works now: every active assignment on any post, with the
  // other activities any of them declared (staffing::WorkloadOf).
  staffing::Workload WorkloadOf(absl::string_view person) const;

  // What the retention rule needs of the recruitment `name` (`recruitments/{id}`): whether it
  // is over (staffing::IsOver), since when, and whom it hired.
  persons::RecruitmentOutcome RecruitmentOutcomeOf(absl::string_view name) const;

  // PersonLinks: the CTG of the recruitment the person was registered for, of every
  // recruitment that chose or hired them, of every post they were ever assigned to and of
  // every replacement they were asked for.
  void AddCtgsConcerning(const persons::PersonState& person,
                         std::vector<std::string>& ctgs) const override;

  std::vector<Service> Services() override;
  std::vector<platform::LogProjection*> ReadModels() override {
    return {&posts_, &recruitments_, &replacements_};
  }
  std::vector<platform::StreamCategory> StreamCategories() const override;

 private:
  eventstore::EventStore& store_;
  const plans_api::PlansModule& plans_;
  const persons_api::PersonsModule& persons_;
  platform::Repository<staffing::PostAggregate> posts_;
  platform::Repository<staffing::RecruitmentAggregate> recruitments_;
  platform::Repository<staffing::ReplacementAggregate> replacements_;
  std::unique_ptr<StaffingServiceImpl> service_;
};

}  // namespace ctg::staffing_api

#endif  // CTG_SERVICES_STAFFING_API_STAFFING_MODULE_H_
