#include "services/api/registry.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "services/staffing/fields.h"

namespace ctg::api {

absl::Status Registry::Load() {
  // One pass over the log feeds every read model.
  return platform::CatchUp(store_, {&organisations_, &ctgs_, &persons_, &posts_, &recruitments_,
                                    &replacements_});
}

partners::Lookups Registry::PartnersLookups() const {
  partners::Lookups lookups;
  lookups.organisation_type =
      [this](absl::string_view siren) -> std::optional<v1::OrganisationType> {
    auto snapshot = organisations_.Get(partners::OrganisationStream(siren));
    if (!snapshot.state.exists) return std::nullopt;
    return snapshot.state.organisation.type();
  };
  return lookups;
}

plans::Lookups Registry::PlansLookups() const {
  plans::Lookups lookups;
  lookups.organisation_type = PartnersLookups().organisation_type;
  lookups.ctg_exists = [this](absl::string_view ctg_id) {
    return ctgs_.Get(plans::CtgStream(ctg_id)).state.exists;
  };
  return lookups;
}

staffing::PostLookups Registry::StaffingPostLookups() const {
  staffing::PostLookups lookups;
  lookups.ctg = [this](absl::string_view ctg_id) -> std::optional<v1::Ctg> {
    auto snapshot = ctgs_.Get(plans::CtgStream(ctg_id));
    if (!snapshot.state.exists) return std::nullopt;
    return snapshot.state.ctg;
  };
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

staffing::RecruitmentLookups Registry::StaffingRecruitmentLookups() const {
  staffing::RecruitmentLookups lookups;
  lookups.post = [this](absl::string_view post_id) -> std::optional<staffing::PostState> {
    auto snapshot = posts_.Get(staffing::PostStream(post_id));
    if (!snapshot.state.exists) return std::nullopt;
    return std::move(snapshot.state);
  };
  return lookups;
}

staffing::ReplacementLookups Registry::StaffingReplacementLookups() const {
  staffing::ReplacementLookups lookups;
  lookups.post = StaffingRecruitmentLookups().post;
  lookups.workload = [this](absl::string_view person) { return WorkloadOf(person); };
  return lookups;
}

staffing::Workload Registry::WorkloadOf(absl::string_view person) const {
  staffing::Workload workload;
  const google::type::Date* latest = nullptr;
  std::vector<v1::OtherActivity> declared;
  posts_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (const staffing::AssignmentRecord& record : snapshot.state.assignments) {
      if (!record.active || record.assignment.person() != person) continue;
      workload.assignments.push_back({snapshot.state.post_id, record.assignment.assignment_id(),
                                      record.assignment.etp_hundredths()});
      // The activities declared with the latest assignment are the person's current ones.
      const google::type::Date& start = record.assignment.start_date();
      if (latest == nullptr || !staffing::Before(start, *latest)) {
        latest = &start;
        declared.assign(record.assignment.other_activities().begin(),
                        record.assignment.other_activities().end());
      }
    }
    return true;
  });
  workload.other_activities = std::move(declared);
  return workload;
}

bool Registry::PersonExists(absl::string_view person) const {
  absl::string_view id = person;
  if (!absl::ConsumePrefix(&id, "persons/")) return false;
  return persons_.Get(persons::PersonStream(id)).state.exists;
}

platform::CtgScope Registry::ScopeOf(const v1::Ctg& ctg) {
  platform::CtgScope scope;
  scope.ctg_id = std::string(absl::StripPrefix(ctg.name(), "ctgs/"));
  scope.cdt = ctg.cdt();
  for (const v1::Signatory& signatory : ctg.signatories()) {
    std::string siren(absl::StripPrefix(signatory.organisation(), "organisations/"));
    if (signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE ||
        signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE) {
      scope.collectivites.push_back(std::move(siren));
    } else {
      scope.others.push_back(std::move(siren));
    }
  }
  return scope;
}

std::optional<platform::CtgScope> Registry::CtgScopeOf(absl::string_view key) const {
  std::string ctg_id(key);
  // "stream:{staffing stream}": the CTG the post, recruitment or replacement belongs to.
  if (absl::string_view stream = key; absl::ConsumePrefix(&stream, "stream:")) {
    std::string ctg_name;
    if (absl::StartsWith(stream, staffing::kPostStreamPrefix)) {
      ctg_name = posts_.Get(stream).state.ctg;
    } else if (absl::StartsWith(stream, staffing::kRecruitmentStreamPrefix)) {
      ctg_name = recruitments_.Get(stream).state.ctg;
    } else if (absl::StartsWith(stream, staffing::kReplacementStreamPrefix)) {
      ctg_name = replacements_.Get(stream).state.request.ctg();
    }
    absl::string_view id = ctg_name;
    if (!absl::ConsumePrefix(&id, "ctgs/")) return std::nullopt;
    ctg_id = std::string(id);
  }
  auto snapshot = ctgs_.Get(plans::CtgStream(ctg_id));
  if (!snapshot.state.exists) return std::nullopt;
  return ScopeOf(snapshot.state.ctg);
}

std::optional<std::string> Registry::CtgOfStream(absl::string_view stream) {
  if (!absl::ConsumePrefix(&stream, plans::kStreamPrefix)) return std::nullopt;
  return std::string(stream);
}

}  // namespace ctg::api
