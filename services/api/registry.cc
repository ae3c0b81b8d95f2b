#include "services/api/registry.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"

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
  std::vector<staffing::WorkloadAssignment> active;
  posts_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (const staffing::AssignmentRecord& record : snapshot.state.assignments) {
      if (!record.active || record.assignment.person() != person) continue;
      const v1::Assignment& held = record.assignment;
      active.push_back({snapshot.state.post_id, held.assignment_id(), held.etp_hundredths(),
                        held.start_date(),
                        {held.other_activities().begin(), held.other_activities().end()}});
    }
    return true;
  });
  return staffing::WorkloadOf(std::move(active));
}

std::vector<platform::CtgScope> Registry::CtgsConcerning(
    const persons::PersonState& person) const {
  const std::string name = persons::PersonName(person.person_id);
  std::vector<std::string> ctg_names;  // "ctgs/{id}", each once
  auto add = [&](const std::string& ctg) {
    if (!ctg.empty() && std::find(ctg_names.begin(), ctg_names.end(), ctg) == ctg_names.end()) {
      ctg_names.push_back(ctg);
    }
  };
  if (absl::string_view id = person.recruitment; absl::ConsumePrefix(&id, "recruitments/")) {
    add(recruitments_.Get(staffing::RecruitmentStream(id)).state.ctg);
  }
  recruitments_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (snapshot.state.candidate == name || snapshot.state.hired_person == name) {
      add(snapshot.state.ctg);
    }
    return true;
  });
  posts_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (const staffing::AssignmentRecord& record : snapshot.state.assignments) {
      if (record.assignment.person() == name) add(snapshot.state.ctg);
    }
    return true;
  });
  replacements_.ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (snapshot.state.request.person() == name) add(snapshot.state.request.ctg());
    return true;
  });
  std::vector<platform::CtgScope> scopes;
  for (const std::string& ctg : ctg_names) {
    absl::string_view id = ctg;
    if (!absl::ConsumePrefix(&id, "ctgs/")) continue;
    auto snapshot = ctgs_.Get(plans::CtgStream(id));
    if (snapshot.state.exists) scopes.push_back(ScopeOf(snapshot.state.ctg));
  }
  return scopes;
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
