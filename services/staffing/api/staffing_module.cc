#include "services/staffing/api/staffing_module.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "services/staffing/api/staffing_service.h"

namespace ctg::staffing_api {

StaffingModule::StaffingModule(eventstore::EventStore& store, const plans_api::PlansModule& plans,
                               const persons_api::PersonsModule& persons, api::Clock clock)
    : store_(store),
      plans_(plans),
      persons_(persons),
      service_(std::make_unique<StaffingServiceImpl>(*this, std::move(clock))) {}

StaffingModule::~StaffingModule() = default;

std::optional<platform::CtgScope> StaffingModule::CtgScopeOfStream(absl::string_view stream) const {
  std::string ctg_name;
  if (absl::StartsWith(stream, staffing::kPostStreamPrefix)) {
    ctg_name = posts_.Get(stream).state.ctg;
  } else if (absl::StartsWith(stream, staffing::kRecruitmentStreamPrefix)) {
    ctg_name = recruitments_.Get(stream).state.ctg;
  } else if (absl::StartsWith(stream, staffing::kReplacementStreamPrefix)) {
    ctg_name = replacements_.Get(stream).state.request.ctg();
  }
  absl::string_view id = ctg_name;
  if (!absl::ConsumePrefix(&id, plans::kNamePrefix)) return std::nullopt;
  return plans_.CtgScopeOf(id);
}

staffing::PostLookups StaffingModule::PostLookups() const {
  staffing::PostLookups lookups;
  lookups.ctg = [this](absl::string_view ctg_id) { return plans_.CtgOf(ctg_id); };
  lookups.recruitment =
      [this](absl::string_view recruitment_id) -> std::optional<staffing::RecruitmentFacts> {
    auto snapshot = recruitments_.Get(staffing::RecruitmentStream(recruitment_id));
    if (!snapshot.state.exists) return std::nullopt;
    return staffing::FactsOf(snapshot.state);
  };
  lookups.replacement =
      [this](absl::string_view replacement_id) -> std::optional<staffing::ReplacementFacts> {
    auto snapshot = replacements_.Get(staffing::ReplacementStream(replacement_id));
    if (!snapshot.state.exists) return std::nullopt;
    return staffing::FactsOf(snapshot.state);
  };
  lookups.workload = [this](absl::string_view person) { return WorkloadOf(person); };
  return lookups;
}

staffing::RecruitmentLookups StaffingModule::RecruitmentLookups() const {
  staffing::RecruitmentLookups lookups;
  lookups.post = [this](absl::string_view post_id) -> std::optional<staffing::PostState> {
    auto snapshot = posts_.Get(staffing::PostStream(post_id));
    if (!snapshot.state.exists) return std::nullopt;
    return std::move(snapshot.state);
  };
  return lookups;
}

staffing::ReplacementLookups StaffingModule::ReplacementLookups() const {
  staffing::ReplacementLookups lookups;
  lookups.post = RecruitmentLookups().post;
  lookups.workload = [this](absl::string_view person) { return WorkloadOf(person); };
  return lookups;
}

staffing::Workload StaffingModule::WorkloadOf(absl::string_view person) const {
  std::vector<staffing::WorkloadAssignment> active;
  posts_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (const staffing::AssignmentRecord& record : snapshot.state.assignments) {
      if (!record.active || record.assignment.person() != person) continue;
      const v1::Assignment& held = record.assignment;
      active.push_back({snapshot.state.post_id,
                        held.assignment_id(),
                        held.etp_hundredths(),
                        held.start_date(),
                        {held.other_activities().begin(), held.other_activities().end()}});
    }
    return true;
  });
  return staffing::WorkloadOf(std::move(active));
}

persons::RecruitmentOutcome StaffingModule::RecruitmentOutcomeOf(absl::string_view name) const {
  persons::RecruitmentOutcome outcome;
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, staffing::kRecruitmentNamePrefix)) return outcome;
  const staffing::RecruitmentState state = recruitments_.Get(staffing::RecruitmentStream(id)).state;
  outcome.closed = staffing::IsOver(state);
  outcome.closed_time = state.update_time;
  outcome.hired_person = state.hired_person;
  return outcome;
}

void StaffingModule::AddCtgsConcerning(const persons::PersonState& person,
                                       std::vector<std::string>& ctgs) const {
  const std::string name = persons::PersonName(person.person_id);
  if (absl::string_view id = person.recruitment;
      absl::ConsumePrefix(&id, staffing::kRecruitmentNamePrefix)) {
    ctgs.push_back(recruitments_.Get(staffing::RecruitmentStream(id)).state.ctg);
  }
  recruitments_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (snapshot.state.candidate == name || snapshot.state.hired_person == name) {
      ctgs.push_back(snapshot.state.ctg);
    }
    return true;
  });
  posts_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (const staffing::AssignmentRecord& record : snapshot.state.assignments) {
      if (record.assignment.person() == name) ctgs.push_back(snapshot.state.ctg);
    }
    return true;
  });
  replacements_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (snapshot.state.request.person() == name) ctgs.push_back(snapshot.state.request.ctg());
    return true;
  });
}

std::vector<api::Module::Service> StaffingModule::Services() {
  return {{service_.get(), v1::StaffingService::service_full_name()}};
}

std::vector<platform::StreamCategory> StaffingModule::StreamCategories() const {
  std::vector<platform::StreamCategory> categories;
  for (absl::string_view prefix : {staffing::kPostStreamPrefix, staffing::kRecruitmentStreamPrefix,
                                   staffing::kReplacementStreamPrefix}) {
    categories.push_back(platform::CtgStreams(
        std::string(prefix),
        [this](absl::string_view stream) { return CtgScopeOfStream(stream); }));
  }
  return categories;
}

}  // namespace ctg::staffing_api
