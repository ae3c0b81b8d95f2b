// The Post aggregate: names, Evolve, Warnings, the Decide overloads (status, funding, change
// control with rules R-1a, R-5, R-6 and R-13), Tags and the event codec.
#include "services/staffing/post.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ctg/v1/staffing.pb.h"
#include "eventstore/base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/partners/organisation.h"
#include "services/platform/text.h"
#include "services/platform/dates.h"
#include "services/platform/errors.h"
#include "services/platform/event_variant.h"
#include "services/staffing/fields.h"

namespace ctg::staffing {

using platform::DateProblem;
using platform::FormatDate;
namespace {

using ::ctg::platform::BadRequestBuilder;
using ::ctg::platform::RuleViolation;

// The assignment or change of `state` (const or not) with id `id`, or null.
template <typename State>
auto* FindAssignmentIn(State& state, absl::string_view id) {
  decltype(&state.assignments[0]) found = nullptr;
  for (auto& record : state.assignments) {
    if (record.assignment.assignment_id() == id) return &record;
  }
  return found;
}
template <typename State>
auto* FindChangeIn(State& state, absl::string_view id) {
  decltype(&state.changes[0]) found = nullptr;
  for (auto& record : state.changes) {
    if (record.proposal.change_id() == id) return &record;
  }
  return found;
}

bool HasExchange(const PostState& state, absl::string_view exchange_id) {
  for (const ChangeRecord& change : state.changes) {
    for (const v1::CdtExchangeRecorded& exchange : change.exchanges) {
      if (exchange.exchange_id() == exchange_id) return true;
    }
  }
  return false;
}

// The sum of the ETPs of the active assignments of `type`.
int64_t ActiveEtp(const PostState& state, v1::AssignmentType type) {
  int64_t sum = 0;
  for (const AssignmentRecord& record : state.assignments) {
    if (record.active && record.assignment.type() == type) {
      sum += record.assignment.etp_hundredths();
    }
  }
  return sum;
}

bool HasActive(const PostState& state, v1::AssignmentType type) {
  return std::any_of(state.assignments.begin(), state.assignments.end(),
                     [type](const AssignmentRecord& record) {
                       return record.active && record.assignment.type() == type;
                     });
}

// The six mission areas of the référentiel, with their French names for messages.
constexpr std::pair<v1::MissionArea, absl::string_view> kReferentielAreas[] = {
    {v1::MISSION_AREA_DIAGNOSTICS, "diagnostics"},
    {v1::MISSION_AREA_ASSISTANCE_ELUS_COPIL, "assistance aux élus et au COPIL"},
    {v1::MISSION_AREA_OBJECTIFS_PRIORITAIRES, "objectifs prioritaires"},
    {v1::MISSION_AREA_PARTENARIATS_RESEAUX, "partenariats et réseaux"},
    {v1::MISSION_AREA_RELATIONS_POPULATION, "relations avec la population"},
    {v1::MISSION_AREA_EVALUATION, "évaluation"},
};

}  // namespace

std::string PostStream(absl::string_view post_id) {
  return absl::StrCat(kPostStreamPrefix, post_id);
}

std::string PostName(absl::string_view post_id) { return absl::StrCat(kPostNamePrefix, post_id); }

std::string ChangeName(absl::string_view post_id, absl::string_view change_id) {
  return absl::StrCat(PostName(post_id), "/changes/", change_id);
}

absl::StatusOr<std::string> ParsePostName(absl::string_view name, absl::string_view field) {
  return ParseName(name, kPostNamePrefix, "a post", field);
}

const AssignmentRecord* FindAssignment(const PostState& state, absl::string_view assignment_id) {
  return FindAssignmentIn(state, assignment_id);
}

const ChangeRecord* FindChange(const PostState& state, absl::string_view change_id) {
  return FindChangeIn(state, change_id);
}

void Evolve(PostState& state, const PostEvent& event, absl::Time time) {
  if (const auto* created = std::get_if<v1::PostCreated>(&event)) {
    state = PostState{};
    state.exists = true;
    state.post_id = created->post_id();
    state.ctg = created->ctg();
    state.employer = created->employer();
    state.etp_hundredths = created->etp_hundredths();
    state.missions.assign(created->missions().begin(), created->missions().end());
    for (int thematique : created->thematiques()) {
      state.thematiques.push_back(static_cast<v1::Thematique>(thematique));
    }
    state.rattachement = created->rattachement();
    state.status = created->status();
    state.create_time = time;
  } else if (const auto* status = std::get_if<v1::PostStatusChanged>(&event)) {
    state.status = status->to();
  } else if (const auto* cofinancing = std::get_if<v1::PostCofinancingRecorded>(&event)) {
    state.cofinancing[cofinancing->year()] = *cofinancing;
  } else if (const auto* funding = std::get_if<v1::PostCafFundingRecorded>(&event)) {
    state.caf_funding[funding->year()] = *funding;
  } else if (const auto* proposed = std::get_if<v1::ChangeProposed>(&event)) {
    ChangeRecord record;
    record.proposal = *proposed;
    state.changes.push_back(std::move(record));
  } else if (const auto* exchange = std::get_if<v1::CdtExchangeRecorded>(&event)) {
    if (ChangeRecord* change = FindChangeIn(state, exchange->change_id())) {
      change->exchanges.push_back(*exchange);
    }
  } else if (const auto* applied = std::get_if<v1::ChangeApplied>(&event)) {
    if (ChangeRecord* change = FindChangeIn(state, applied->change_id())) {
      change->status = ChangeStatus::kApplied;
      change->applied_exchange_id = applied->exchange_id();
      change->effective_date = applied->effective_date();
    }
  } else if (const auto* withdrawn = std::get_if<v1::ChangeWithdrawn>(&event)) {
    if (ChangeRecord* change = FindChangeIn(state, withdrawn->change_id())) {
      change->status = ChangeStatus::kWithdrawn;
    }
  } else if (const auto* etp = std::get_if<v1::PostEtpChanged>(&event)) {
    state.etp_hundredths = etp->etp_hundredths();
  } else if (const auto* attachment = std::get_if<v1::PostAttachmentChanged>(&event)) {
    state.rattachement = attachment->rattachement();
  } else if (const auto* missions = std::get_if<v1::PostMissionsChanged>(&event)) {
    state.missions.assign(missions->missions().begin(), missions->missions().end());
  } else if (const auto* thematiques = std::get_if<v1::PostThematiquesChanged>(&event)) {
    state.thematiques.clear();
    for (int thematique : thematiques->thematiques()) {
      state.thematiques.push_back(static_cast<v1::Thematique>(thematique));
    }
  } else if (const auto* assigned = std::get_if<v1::PersonAssigned>(&event)) {
    AssignmentRecord record;
    record.assignment = assigned->assignment();
    record.change_id = assigned->change_id();
    state.assignments.push_back(std::move(record));
  } else if (const auto* ended = std::get_if<v1::AssignmentEnded>(&event)) {
    if (AssignmentRecord* record = FindAssignmentIn(state, ended->assignment_id())) {
      record->active = false;
      record->ended_on = ended->end_date();
    }
  }
  state.update_time = time;
}

std::vector<v1::RuleWarning> Warnings(const PostState& state) {
  std::vector<v1::RuleWarning> warnings;
  std::vector<std::string> missing;
  for (const auto& [area, label] : kReferentielAreas) {
    const bool covered =
        std::any_of(state.missions.begin(), state.missions.end(),
                    [area = area](const v1::Mission& m) { return m.area() == area; });
    if (!covered) missing.emplace_back(label);
  }
  if (!missing.empty()) {
    v1::RuleWarning warning;
    warning.set_rule("R-1b");
    warning.set_reason("MISSIONS_INCOMPLETE");
    warning.set_message(absl::StrCat(
        "Les missions du poste ne couvrent pas tous les domaines du référentiel : ", "il manque ",
        absl::StrJoin(missing, ", "), "."));
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

v1::PostStatus StatusFromAssignments(const PostState& state) {
  const v1::PostStatus status = state.status;
  if (status == v1::POST_STATUS_SUSPENDU || status == v1::POST_STATUS_SUPPRIME) return status;
  if (HasActive(state, v1::ASSIGNMENT_TYPE_REMPLACANT)) return v1::POST_STATUS_EN_REMPLACEMENT;
  if (HasActive(state, v1::ASSIGNMENT_TYPE_TITULAIRE)) return v1::POST_STATUS_POURVU;
  if (status == v1::POST_STATUS_POURVU || status == v1::POST_STATUS_EN_REMPLACEMENT) {
    return v1::POST_STATUS_VACANT;
  }
  return status;
}

bool IsAllowedPostTransition(v1::PostStatus from, v1::PostStatus to) {
  static constexpr std::pair<v1::PostStatus, v1::PostStatus> kAllowed[] = {
      {v1::POST_STATUS_A_CREER, v1::POST_STATUS_VACANT},
      {v1::POST_STATUS_A_CREER, v1::POST_STATUS_EN_RECRUTEMENT},
      {v1::POST_STATUS_A_CREER, v1::POST_STATUS_SUPPRIME},
      {v1::POST_STATUS_VACANT, v1::POST_STATUS_EN_RECRUTEMENT},
      {v1::POST_STATUS_VACANT, v1::POST_STATUS_SUSPENDU},
      {v1::POST_STATUS_VACANT, v1::POST_STATUS_SUPPRIME},
      {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_VACANT},
      {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_SUSPENDU},
      {v1::POST_STATUS_EN_RECRUTEMENT, v1::POST_STATUS_SUPPRIME},
      {v1::POST_STATUS_POURVU, v1::POST_STATUS_SUSPENDU},
      {v1::POST_STATUS_EN_REMPLACEMENT, v1::POST_STATUS_SUSPENDU},
      {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_VACANT},
      {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_RECRUTEMENT},
      {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_POURVU},
      {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_EN_REMPLACEMENT},
      {v1::POST_STATUS_SUSPENDU, v1::POST_STATUS_SUPPRIME},
  };
  for (const auto& [allowed_from, allowed_to] : kAllowed) {
    if (from == allowed_from && to == allowed_to) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Decide

namespace {

// NOT_FOUND if the post does not exist; POST_DELETED if it is SUPPRIME.
absl::Status CheckLive(const PostState& state) {
  if (!state.exists) return absl::NotFoundError("post not found");
  if (state.status == v1::POST_STATUS_SUPPRIME) {
    return RuleViolation(
        "POST_DELETED",
        absl::StrCat(PostName(state.post_id), " is deleted: it can no longer change"),
        {{"post", PostName(state.post_id)}});
  }
  return absl::OkStatus();
}

void CheckMissions(BadRequestBuilder& bad, absl::string_view field,
                   const google::protobuf::RepeatedPtrField<v1::Mission>& missions, bool required) {
  if (required && missions.empty()) bad.Add(field, "needs at least one mission");
  std::set<int> areas;
  std::set<std::string> local_labels;
  for (int i = 0; i < missions.size(); ++i) {
    const v1::Mission& mission = missions[i];
    const std::string element = absl::StrCat(field, "[", i, "]");
    if (mission.area() == v1::MISSION_AREA_UNSPECIFIED) {
      bad.Add(absl::StrCat(element, ".area"), "is required");
      continue;
    }
    if (!v1::MissionArea_IsValid(mission.area())) {
      bad.Add(absl::StrCat(element, ".area"), "is not a known mission area");
      continue;
    }
    const bool local = mission.area() == v1::MISSION_AREA_LOCALE;
    CheckText(bad, absl::StrCat(element, ".label"), mission.label(), kMaxLabelChars, !local);
    if (local) {
      if (!local_labels.insert(platform::NormaliseText(mission.label())).second) {
        bad.Add(absl::StrCat(element, ".label"), "repeats a local mission");
      }
    } else if (!areas.insert(mission.area()).second) {
      bad.Add(absl::StrCat(element, ".area"),
              absl::StrCat("repeats ", v1::MissionArea_Name(mission.area())));
    }
  }
}

void CheckThematiques(BadRequestBuilder& bad, absl::string_view field,
                      const google::protobuf::RepeatedField<int>& thematiques, bool required) {
  if (required && thematiques.empty()) bad.Add(field, "needs at least one thématique");
  for (int i = 0; i < thematiques.size(); ++i) {
    const int thematique = thematiques[i];
    if (thematique == v1::THEMATIQUE_UNSPECIFIED) {
      bad.Add(field, absl::StrCat("element ", i, " is THEMATIQUE_UNSPECIFIED"));
    } else if (!v1::Thematique_IsValid(thematique)) {
      bad.Add(field, absl::StrCat("element ", i, " (", thematique, ") is not a known thématique"));
    } else if (std::find(thematiques.begin(), thematiques.begin() + i, thematique) !=
               thematiques.begin() + i) {
      bad.Add(field, absl::StrCat("element ", i, " repeats ", v1::Thematique_Name(thematique)));
    }
  }
}

google::protobuf::RepeatedPtrField<v1::Mission> NormalisedMissions(
    const google::protobuf::RepeatedPtrField<v1::Mission>& missions) {
  google::protobuf::RepeatedPtrField<v1::Mission> normalised = missions;
  for (v1::Mission& mission : normalised) {
    mission.set_label(platform::NormaliseText(mission.label()));
  }
  return normalised;
}

void CheckActivities(BadRequestBuilder& bad, absl::string_view field,
                     const google::protobuf::RepeatedPtrField<v1::OtherActivity>& activities) {
  for (int i = 0; i < activities.size(); ++i) {
    const std::string element = absl::StrCat(field, "[", i, "]");
    CheckText(bad, absl::StrCat(element, ".label"), activities[i].label(), kMaxLabelChars);
    CheckEtp(bad, absl::StrCat(element, ".etp_hundredths"), activities[i].etp_hundredths());
  }
}

void CheckAssignment(BadRequestBuilder& bad, absl::string_view field,
                     const v1::Assignment& assignment) {
  CheckId(bad, absl::StrCat(field, ".assignment_id"), assignment.assignment_id());
  CheckPerson(bad, absl::StrCat(field, ".person"), assignment.person());
  const std::string type_field = absl::StrCat(field, ".type");
  const bool replacing = assignment.type() == v1::ASSIGNMENT_TYPE_REMPLACANT;
  if (assignment.type() == v1::ASSIGNMENT_TYPE_UNSPECIFIED) {
    bad.Add(type_field, "is required");
  } else if (!v1::AssignmentType_IsValid(assignment.type())) {
    bad.Add(type_field, "is not a known assignment type");
  }
  CheckDate(bad, absl::StrCat(field, ".start_date"), assignment.start_date());
  if (assignment.has_end_date()) {
    const std::string end_field = absl::StrCat(field, ".end_date");
    CheckDate(bad, end_field, assignment.end_date());
    if (DateProblem(assignment.start_date()).empty() &&
        DateProblem(assignment.end_date()).empty() &&
        Before(assignment.end_date(), assignment.start_date())) {
      bad.Add(end_field, "must not be before start_date");
    }
  }
  CheckEtp(bad, absl::StrCat(field, ".etp_hundredths"), assignment.etp_hundredths());
  CheckActivities(bad, absl::StrCat(field, ".other_activities"), assignment.other_activities());
  const std::string recruitment_field = absl::StrCat(field, ".recruitment");
  if (!assignment.recruitment().empty()) {
    if (replacing) {
      bad.Add(recruitment_field, "is for a titulaire only");
    } else {
      CheckName(bad, recruitment_field, assignment.recruitment(), "recruitments/", "a recruitment");
    }
  }
  const std::string replacement_field = absl::StrCat(field, ".replacement");
  if (replacing) {
    CheckName(bad, replacement_field, assignment.replacement(), "replacements/", "a replacement");
  } else if (!assignment.replacement().empty()) {
    bad.Add(replacement_field, "is for a remplaçant only");
  }
}

v1::Assignment NormalisedAssignment(const v1::Assignment& assignment) {
  v1::Assignment normalised = assignment;
  for (v1::OtherActivity& activity : *normalised.mutable_other_activities()) {
    activity.set_label(platform::NormaliseText(activity.label()));
  }
  return normalised;
}

// The kind a proposal's case stands for.
v1::ChangeKind KindOf(v1::ChangeProposed::ProposalCase proposal) {
  switch (proposal) {
    case v1::ChangeProposed::kPersonnel:
      return v1::CHANGE_KIND_PERSONNEL;
    case v1::ChangeProposed::kOrganisation:
      return v1::CHANGE_KIND_ORGANISATION;
    case v1::ChangeProposed::kMissions:
      return v1::CHANGE_KIND_AFFECTATION_MISSION;
    case v1::ChangeProposed::kThematiques:
      return v1::CHANGE_KIND_THEMATIQUE;
    case v1::ChangeProposed::PROPOSAL_NOT_SET:
      break;
  }
  return v1::CHANGE_KIND_UNSPECIFIED;
}

void CheckProposal(BadRequestBuilder& bad, const v1::ChangeProposed& change) {
  CheckId(bad, "change.change_id", change.change_id());
  if (change.kind() == v1::CHANGE_KIND_UNSPECIFIED) {
    bad.Add("change.kind", "is required");
  } else if (!v1::ChangeKind_IsValid(change.kind())) {
    bad.Add("change.kind", "is not a known change kind");
  } else if (change.proposal_case() == v1::ChangeProposed::PROPOSAL_NOT_SET) {
    bad.Add("change.proposal", "is required: the proposed new values");
  } else if (KindOf(change.proposal_case()) != change.kind()) {
    bad.Add("change.proposal",
            absl::StrCat("does not match kind ", v1::ChangeKind_Name(change.kind())));
  }
  switch (change.proposal_case()) {
    case v1::ChangeProposed::kPersonnel: {
      const v1::PersonnelChange& personnel = change.personnel();
      if (personnel.assign().empty() && personnel.end().empty()) {
        bad.Add("change.personnel", "must assign or end at least one assignment");
      }
      std::set<std::string> ids;
      for (int i = 0; i < personnel.assign_size(); ++i) {
        const std::string field = absl::StrCat("change.personnel.assign[", i, "]");
        CheckAssignment(bad, field, personnel.assign(i));
        if (!ids.insert(personnel.assign(i).assignment_id()).second) {
          bad.Add(absl::StrCat(field, ".assignment_id"), "is used twice in the change");
        }
      }
      std::set<std::string> ended;
      for (int i = 0; i < personnel.end_size(); ++i) {
        const std::string field = absl::StrCat("change.personnel.end[", i, "]");
        CheckId(bad, absl::StrCat(field, ".assignment_id"), personnel.end(i).assignment_id());
        CheckDate(bad, absl::StrCat(field, ".end_date"), personnel.end(i).end_date());
        if (!ended.insert(personnel.end(i).assignment_id()).second) {
          bad.Add(absl::StrCat(field, ".assignment_id"), "is ended twice in the change");
        }
      }
      break;
    }
    case v1::ChangeProposed::kOrganisation: {
      const v1::OrganisationChange& organisation = change.organisation();
      if (!organisation.has_etp_hundredths() && !organisation.has_rattachement()) {
        bad.Add("change.organisation", "must set etp_hundredths or rattachement");
      }
      if (organisation.has_etp_hundredths()) {
        CheckEtp(bad, "change.organisation.etp_hundredths", organisation.etp_hundredths());
      }
      if (organisation.has_rattachement()) {
        CheckText(bad, "change.organisation.rattachement", organisation.rattachement(),
                  kMaxLabelChars);
      }
      break;
    }
    case v1::ChangeProposed::kMissions:
      CheckMissions(bad, "change.missions.missions", change.missions().missions(), true);
      break;
    case v1::ChangeProposed::kThematiques:
      CheckThematiques(bad, "change.thematiques.thematiques", change.thematiques().thematiques(),
                       true);
      break;
    case v1::ChangeProposed::PROPOSAL_NOT_SET:
      break;
  }
}

v1::ChangeProposed NormalisedProposal(const v1::ChangeProposed& change) {
  v1::ChangeProposed normalised = change;
  switch (normalised.proposal_case()) {
    case v1::ChangeProposed::kPersonnel:
      for (v1::Assignment& assignment : *normalised.mutable_personnel()->mutable_assign()) {
        assignment = NormalisedAssignment(assignment);
      }
      break;
    case v1::ChangeProposed::kOrganisation:
      if (normalised.organisation().has_rattachement()) {
        normalised.mutable_organisation()->set_rattachement(
            platform::NormaliseText(normalised.organisation().rattachement()));
      }
      break;
    case v1::ChangeProposed::kMissions:
      *normalised.mutable_missions()->mutable_missions() =
          NormalisedMissions(normalised.missions().missions());
      break;
    default:
      break;
  }
  return normalised;
}

std::string ChangeStatusName(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::kProposed:
      return v1::ChangeState_Name(v1::CHANGE_STATE_PROPOSED);
    case ChangeStatus::kApplied:
      return v1::ChangeState_Name(v1::CHANGE_STATE_APPLIED);
    case ChangeStatus::kWithdrawn:
      return v1::ChangeState_Name(v1::CHANGE_STATE_WITHDRAWN);
  }
  return v1::ChangeState_Name(v1::CHANGE_STATE_UNSPECIFIED);
}

// NOT_FOUND for an unknown change; CHANGE_NOT_PENDING for one applied or withdrawn.
absl::StatusOr<const ChangeRecord*> PendingChange(const PostState& state,
                                                  absl::string_view change_id) {
  const ChangeRecord* change = FindChange(state, change_id);
  if (change == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("change ", change_id, " not found in ", PostName(state.post_id)));
  }
  if (change->status != ChangeStatus::kProposed) {
    return RuleViolation(
        "CHANGE_NOT_PENDING",
        absl::StrCat("change ", change_id, " is ",
                     change->status == ChangeStatus::kApplied ? "already applied" : "withdrawn"),
        {{"change", std::string(change_id)},
         {"status", ChangeStatusName(change->status)}});
  }
  return change;
}

// The replacement or recruitment a new assignment names fits it.
absl::Status CheckBasis(const PostState& state, const v1::Assignment& assignment,
                        const PostLookups& lookups) {
  if (assignment.type() == v1::ASSIGNMENT_TYPE_REMPLACANT) {
    const std::string replacement_id = IdOf(assignment.replacement(), "replacements/");
    std::optional<ReplacementFacts> facts;
    if (lookups.replacement) facts = lookups.replacement(replacement_id);
    if (!facts.has_value()) {
      return RuleViolation("REPLACEMENT_NOT_FOUND",
                           absl::StrCat(assignment.replacement(), " does not exist"),
                           {{"replacement", assignment.replacement()}});
    }
    auto mismatch = [&](absl::string_view field, absl::string_view detail) {
      return RuleViolation(
          "REPLACEMENT_MISMATCH",
          absl::StrCat(assignment.replacement(), " does not fit assignment ",
                       assignment.assignment_id(), ": ", detail),
          {{"replacement", assignment.replacement()}, {"field", std::string(field)}});
    };
    if (facts->post_id != state.post_id) return mismatch("post", "it replaces on another post");
    if (facts->person != assignment.person()) {
      return mismatch("person", "another person replaces");
    }
    if (facts->status == v1::REPLACEMENT_STATUS_DEMANDE ||
        facts->status == v1::REPLACEMENT_STATUS_REFUSE) {
      return RuleViolation(
          "CAF_VALIDATION_REQUIRED",
          absl::StrCat("R-5: ", assignment.replacement(),
                       " must be validated by the Caf before the remplaçant is assigned"),
          {{"replacement", assignment.replacement()},
           {"status", v1::ReplacementStatus_Name(facts->status)},
           {"rule", "R-5"}});
    }
    if (facts->status != v1::REPLACEMENT_STATUS_VALIDE &&
        facts->status != v1::REPLACEMENT_STATUS_EN_COURS) {
      return mismatch("status", absl::StrCat("it is ", v1::ReplacementStatus_Name(facts->status)));
    }
    if (facts->etp_hundredths != assignment.etp_hundredths()) {
      return mismatch("etp_hundredths", absl::StrCat("the replacement's time is ",
                                                     FormatEtp(facts->etp_hundredths), " ETP"));
    }
    return absl::OkStatus();
  }
  if (assignment.recruitment().empty()) return absl::OkStatus();
  const std::string recruitment_id = IdOf(assignment.recruitment(), "recruitments/");
  std::optional<RecruitmentFacts> facts;
  if (lookups.recruitment) facts = lookups.recruitment(recruitment_id);
  if (!facts.has_value()) {
    return RuleViolation("RECRUITMENT_NOT_FOUND",
                         absl::StrCat(assignment.recruitment(), " does not exist"),
                         {{"recruitment", assignment.recruitment()}});
  }
  if (facts->post_id != state.post_id) {
    return RuleViolation("RECRUITMENT_MISMATCH",
                         absl::StrCat(assignment.recruitment(), " recruits for another post"),
                         {{"recruitment", assignment.recruitment()}, {"field", "post"}});
  }
  if (facts->hired_person != assignment.person()) {
    return RuleViolation(
        "RECRUITMENT_MISMATCH",
        absl::StrCat(assignment.recruitment(), " has not hired ", assignment.person()),
        {{"recruitment", assignment.recruitment()}, {"field", "person"}});
  }
  return absl::OkStatus();
}

// R-13 for `assignment` once the change is applied (`after`): the person's workload, that is
// their active assignments on other posts (from the lookups) and on this post (from `after`)
// with every other activity any of them declared (WorkloadOf), adds up to at most 1.0 ETP.
absl::Status CheckPersonTime(const PostState& after, const v1::Assignment& assignment,
                             const PostLookups& lookups) {
  const std::string& person = assignment.person();
  std::vector<WorkloadAssignment> active;
  if (lookups.workload) {
    for (WorkloadAssignment& other : lookups.workload(person).assignments) {
      if (other.post_id != after.post_id) active.push_back(std::move(other));
    }
  }
  for (const AssignmentRecord& record : after.assignments) {
    if (!record.active || record.assignment.person() != person) continue;
    const v1::Assignment& held = record.assignment;
    active.push_back({after.post_id, held.assignment_id(), held.etp_hundredths(),
                      held.start_date(),
                      {held.other_activities().begin(), held.other_activities().end()}});
  }
  const int64_t total = TotalEtp(WorkloadOf(std::move(active)));
  if (total > kFullTimeEtp) return EtpExceeded("R-13", person, total);
  return absl::OkStatus();
}

// The post's active titulaires, and its active remplaçants, fit within its ETP.
absl::Status CheckPostCapacity(const PostState& after) {
  for (v1::AssignmentType type : {v1::ASSIGNMENT_TYPE_TITULAIRE, v1::ASSIGNMENT_TYPE_REMPLACANT}) {
    const int64_t total = ActiveEtp(after, type);
    if (total > after.etp_hundredths) {
      return RuleViolation(
          "POST_ETP_EXCEEDED",
          absl::StrCat("the active ", v1::AssignmentType_Name(type), " assignments add up to ",
                       FormatEtp(total), " ETP on a post of ", FormatEtp(after.etp_hundredths),
                       " ETP"),
          {{"type", v1::AssignmentType_Name(type)},
           {"total", FormatEtp(total)},
           {"limit", FormatEtp(after.etp_hundredths)}});
    }
  }
  return absl::OkStatus();
}

// The facts of applying a personnel change on `state`; `after` is `state` with them folded.
absl::Status DecidePersonnel(const PostState& state, const ChangeRecord& change,
                             const PostLookups& lookups, std::vector<PostEvent>& events,
                             PostState& after) {
  const v1::PersonnelChange& personnel = change.proposal.personnel();
  const std::string& change_id = change.proposal.change_id();
  for (const v1::AssignmentClosure& closure : personnel.end()) {
    const AssignmentRecord* record = FindAssignment(state, closure.assignment_id());
    if (record == nullptr || !record->active) {
      return RuleViolation(
          "ASSIGNMENT_NOT_ACTIVE",
          absl::StrCat("assignment ", closure.assignment_id(), " is not an active assignment of ",
                       PostName(state.post_id)),
          {{"assignment", closure.assignment_id()}});
    }
    if (Before(closure.end_date(), record->assignment.start_date())) {
      return RuleViolation("END_BEFORE_START",
                           absl::StrCat("assignment ", closure.assignment_id(), " started on ",
                                        FormatDate(record->assignment.start_date()),
                                        "; it cannot end on ", FormatDate(closure.end_date())),
                           {{"assignment", closure.assignment_id()}});
    }
    v1::AssignmentEnded ended;
    ended.set_assignment_id(closure.assignment_id());
    ended.set_person(record->assignment.person());
    *ended.mutable_end_date() = closure.end_date();
    ended.set_change_id(change_id);
    events.emplace_back(ended);
    Evolve(after, ended, after.update_time);
  }
  for (const v1::Assignment& assignment : personnel.assign()) {
    if (FindAssignment(state, assignment.assignment_id()) != nullptr) {
      return absl::AlreadyExistsError(absl::StrCat("assignment ", assignment.assignment_id(),
                                                   " already exists in ", PostName(state.post_id)));
    }
    RETURN_IF_ERROR(CheckBasis(state, assignment, lookups));
    v1::PersonAssigned assigned;
    *assigned.mutable_assignment() = assignment;
    assigned.set_change_id(change_id);
    events.emplace_back(assigned);
    Evolve(after, assigned, after.update_time);
  }
  for (const v1::Assignment& assignment : personnel.assign()) {
    RETURN_IF_ERROR(CheckPersonTime(after, assignment, lookups));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const CreatePost& command,
                                              const PostLookups& lookups) {
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat(PostName(state.post_id), " already exists"));
  }
  BadRequestBuilder bad;
  CheckId(bad, "post_id", command.post_id);
  const std::optional<std::string> ctg_id =
      CheckName(bad, "ctg", command.ctg, kCtgNamePrefix, "a CTG");
  platform::AddViolations(
      bad, partners::ParseOrganisationName(command.employer, "employer").status(), "employer");
  if (command.etp_hundredths < 1 || command.etp_hundredths > kFullTimeEtp) {
    bad.Add("etp_hundredths", "must be 1 to 100 hundredths of an ETP (0.01 to 1.00)");
  }
  const google::protobuf::RepeatedPtrField<v1::Mission> missions(command.missions.begin(),
                                                                 command.missions.end());
  CheckMissions(bad, "missions", missions, false);
  google::protobuf::RepeatedField<int> thematiques;
  for (v1::Thematique thematique : command.thematiques) thematiques.Add(thematique);
  CheckThematiques(bad, "thematiques", thematiques, false);
  CheckText(bad, "rattachement", command.rattachement, kMaxLabelChars, true);
  if (command.status != v1::POST_STATUS_A_CREER && command.status != v1::POST_STATUS_VACANT) {
    bad.Add("status", "must be POST_STATUS_A_CREER or POST_STATUS_VACANT");
  }
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "creating a post"));

  std::optional<v1::Ctg> ctg;
  if (lookups.ctg) ctg = lookups.ctg(*ctg_id);
  if (!ctg.has_value()) {
    return RuleViolation("CTG_NOT_FOUND", absl::StrCat(command.ctg, " does not exist"),
                         {{"ctg", command.ctg}});
  }
  if (ctg->state() == v1::CTG_STATE_ECHUE || ctg->state() == v1::CTG_STATE_RENOUVELEE ||
      ctg->state() == v1::CTG_STATE_RESILIEE) {
    return RuleViolation("CTG_CLOSED",
                         absl::StrCat(command.ctg, " is ", v1::CtgState_Name(ctg->state()),
                                      ": it takes no new post"),
                         {{"ctg", command.ctg}, {"state", v1::CtgState_Name(ctg->state())}});
  }
  const bool signs = std::any_of(
      ctg->signatories().begin(), ctg->signatories().end(), [&](const v1::Signatory& signatory) {
        return signatory.organisation() == command.employer &&
               (signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE ||
                signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE);
      });
  if (!signs) {
    return RuleViolation("EMPLOYER_NOT_SIGNATORY",
                         absl::StrCat("R-1a: the employer ", command.employer, " does not sign ",
                                      command.ctg, " as a collectivité"),
                         {{"employer", command.employer}, {"ctg", command.ctg}, {"rule", "R-1a"}});
  }

  v1::PostCreated created;
  created.set_post_id(command.post_id);
  created.set_ctg(command.ctg);
  created.set_employer(command.employer);
  created.set_etp_hundredths(command.etp_hundredths);
  *created.mutable_missions() = NormalisedMissions(missions);
  *created.mutable_thematiques() = thematiques;
  created.set_rattachement(platform::NormaliseText(command.rattachement));
  created.set_status(command.status);
  return std::vector<PostEvent>{std::move(created)};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const TransitionPost& command,
                                              const PostLookups& lookups) {
  if (!state.exists) return absl::NotFoundError("post not found");
  const v1::PostStatus from = state.status;
  const v1::PostStatus to = command.to;
  BadRequestBuilder bad;
  if (to == v1::POST_STATUS_UNSPECIFIED) {
    bad.Add("to", "is required");
  } else if (!v1::PostStatus_IsValid(to)) {
    bad.Add("to", absl::StrCat(static_cast<int>(to), " is not a known post status"));
  }
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "changing a post's status"));

  if (!IsAllowedPostTransition(from, to)) {
    return RuleViolation("INVALID_TRANSITION",
                         absl::StrCat("a post does not go from ", v1::PostStatus_Name(from), " to ",
                                      v1::PostStatus_Name(to)),
                         {{"from", v1::PostStatus_Name(from)}, {"to", v1::PostStatus_Name(to)}});
  }
  if ((to == v1::POST_STATUS_SUSPENDU || to == v1::POST_STATUS_SUPPRIME) &&
      IsBlank(command.reason)) {
    return RuleViolation(
        "REASON_REQUIRED",
        absl::StrCat("moving a post to ", v1::PostStatus_Name(to), " requires a reason"),
        {{"field", "reason"}, {"to", v1::PostStatus_Name(to)}});
  }
  const bool titulaire = HasActive(state, v1::ASSIGNMENT_TYPE_TITULAIRE);
  const bool remplacant = HasActive(state, v1::ASSIGNMENT_TYPE_REMPLACANT);
  bool fits = true;
  switch (to) {
    case v1::POST_STATUS_VACANT:
    case v1::POST_STATUS_EN_RECRUTEMENT:
    case v1::POST_STATUS_SUPPRIME:
      fits = !titulaire && !remplacant;
      break;
    case v1::POST_STATUS_POURVU:
      fits = titulaire && !remplacant;
      break;
    case v1::POST_STATUS_EN_REMPLACEMENT:
      fits = remplacant;
      break;
    default:
      break;
  }
  if (!fits) {
    return RuleViolation(
        "STATUS_CONTRADICTS_ASSIGNMENTS",
        absl::StrCat("the post's active assignments (titulaire: ", titulaire ? "yes" : "no",
                     ", remplaçant: ", remplacant ? "yes" : "no", ") do not allow ",
                     v1::PostStatus_Name(to)),
        {{"to", v1::PostStatus_Name(to)}});
  }
  v1::PostStatusChanged changed;
  changed.set_from(from);
  changed.set_to(to);
  return std::vector<PostEvent>{std::move(changed)};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCofinancing& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  const v1::PostCofinancingRecorded& cofinancing = command.cofinancing;
  BadRequestBuilder bad;
  if (cofinancing.year() < 2000 || cofinancing.year() > 2100) {
    bad.Add("cofinancing.year", "must be 2000 to 2100");
  }
  if (cofinancing.amount_cents() < 0) bad.Add("cofinancing.amount_cents", "must not be negative");
  if (cofinancing.rate_basis_points() < 0 || cofinancing.rate_basis_points() > 10000) {
    bad.Add("cofinancing.rate_basis_points", "must be 0 to 10000 (100 %)");
  }
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "recording the co-financing"));

  const auto current = state.cofinancing.find(cofinancing.year());
  if (current != state.cofinancing.end() &&
      google::protobuf::util::MessageDifferencer::Equals(current->second, cofinancing)) {
    return std::vector<PostEvent>{};
  }
  return std::vector<PostEvent>{cofinancing};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCafFunding& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  v1::PostCafFundingRecorded funding = command.funding;
  BadRequestBuilder bad;
  if (funding.year() < 2000 || funding.year() > 2100) {
    bad.Add("funding.year", "must be 2000 to 2100");
  }
  if (funding.scheme() == v1::FUNDING_SCHEME_UNSPECIFIED) {
    bad.Add("funding.scheme", "is required");
  } else if (!v1::FundingScheme_IsValid(funding.scheme())) {
    bad.Add("funding.scheme", "is not a known funding scheme");
  }
  if (funding.amount_cents() < 0) bad.Add("funding.amount_cents", "must not be negative");
  if (funding.rate_basis_points() < 0 || funding.rate_basis_points() > 10000) {
    bad.Add("funding.rate_basis_points", "must be 0 to 10000 (100 %)");
  }
  if (funding.ceiling_cents() < 0) {
    bad.Add("funding.ceiling_cents", "must not be negative");
  } else if (funding.ceiling_cents() > 0 && funding.amount_cents() > funding.ceiling_cents()) {
    bad.Add("funding.amount_cents", "must not exceed ceiling_cents");
  }
  CheckPastDate(bad, "funding.decision_date", funding.decision_date(), command.today);
  CheckText(bad, "funding.decision_reference", funding.decision_reference(), 64);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kCaf, "recording the Caf's funding"));

  const auto cofinancing = state.cofinancing.find(funding.year());
  if (cofinancing == state.cofinancing.end() || cofinancing->second.amount_cents() <= 0) {
    return RuleViolation(
        "COFINANCING_REQUIRED",
        absl::StrCat("R-1a: the Caf funds a post that its employer co-finances; no co-financing "
                     "is recorded for ",
                     funding.year()),
        {{"year", absl::StrCat(funding.year())}, {"rule", "R-1a"}});
  }
  funding.set_decision_reference(platform::NormaliseText(funding.decision_reference()));
  const auto current = state.caf_funding.find(funding.year());
  if (current != state.caf_funding.end() &&
      google::protobuf::util::MessageDifferencer::Equals(current->second, funding)) {
    return std::vector<PostEvent>{};
  }
  return std::vector<PostEvent>{std::move(funding)};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const ProposeChange& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  BadRequestBuilder bad;
  CheckProposal(bad, command.change);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckEitherParty(command.party, "proposing a change"));
  if (FindChange(state, command.change.change_id()) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("change ", command.change.change_id(),
                                                 " already exists in ", PostName(state.post_id)));
  }
  return std::vector<PostEvent>{NormalisedProposal(command.change)};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state,
                                              const RecordCdtExchange& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  v1::CdtExchangeRecorded exchange = command.exchange;
  BadRequestBuilder bad;
  CheckId(bad, "exchange.change_id", exchange.change_id());
  CheckId(bad, "exchange.exchange_id", exchange.exchange_id());
  CheckPastDate(bad, "exchange.date", exchange.date(), command.today);
  if (exchange.form() == v1::EXCHANGE_FORM_UNSPECIFIED) {
    bad.Add("exchange.form", "is required");
  } else if (!v1::ExchangeForm_IsValid(exchange.form())) {
    bad.Add("exchange.form", "is not a known form of exchange");
  }
  CheckSubject(bad, "exchange.cdt", exchange.cdt());
  CheckText(bad, "exchange.conclusion", exchange.conclusion(), kMaxCommentChars);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckEitherParty(command.party, "recording an exchange with the CDT"));
  RETURN_IF_ERROR(PendingChange(state, exchange.change_id()).status());
  if (HasExchange(state, exchange.exchange_id())) {
    return absl::AlreadyExistsError(absl::StrCat("exchange ", exchange.exchange_id(),
                                                 " already exists in ", PostName(state.post_id)));
  }
  exchange.set_conclusion(platform::NormaliseText(exchange.conclusion()));
  return std::vector<PostEvent>{std::move(exchange)};
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const ApplyChange& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  BadRequestBuilder bad;
  CheckId(bad, "change_id", command.change_id);
  if (!command.exchange_id.empty()) CheckId(bad, "exchange_id", command.exchange_id);
  CheckDate(bad, "effective_date", command.effective_date);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "applying a change"));
  ASSIGN_OR_RETURN(const ChangeRecord* change, PendingChange(state, command.change_id));

  // the change rests on an exchange with the CDT, dated on or before its effect.
  const v1::CdtExchangeRecorded* exchange = nullptr;
  for (const v1::CdtExchangeRecorded& recorded : change->exchanges) {
    if (command.exchange_id.empty() || recorded.exchange_id() == command.exchange_id) {
      exchange = &recorded;
    }
  }
  if (exchange == nullptr) {
    return RuleViolation(
        "CDT_EXCHANGE_REQUIRED",
        command.exchange_id.empty()
            ? absl::StrCat("R-6: change ", command.change_id,
                           " must be discussed with the CDT before it is applied; no exchange is "
                           "recorded")
            : absl::StrCat("R-6: exchange ", command.exchange_id, " is not recorded for change ",
                           command.change_id),
        {{"change", command.change_id}, {"exchange", command.exchange_id}, {"rule", "R-6"}});
  }
  if (Before(command.effective_date, exchange->date())) {
    return RuleViolation(
        "CDT_EXCHANGE_AFTER_CHANGE",
        absl::StrCat("R-6: exchange ", exchange->exchange_id(), " of ",
                     FormatDate(exchange->date()), " comes after the change's effect on ",
                     FormatDate(command.effective_date)),
        {{"change", command.change_id}, {"exchange", exchange->exchange_id()}, {"rule", "R-6"}});
  }

  const v1::ChangeProposed& proposal = change->proposal;
  v1::ChangeApplied applied;
  applied.set_change_id(command.change_id);
  applied.set_exchange_id(exchange->exchange_id());
  applied.set_kind(proposal.kind());
  *applied.mutable_effective_date() = command.effective_date;
  std::vector<PostEvent> events = {applied};
  PostState after = state;
  Evolve(after, applied, state.update_time);

  switch (proposal.proposal_case()) {
    case v1::ChangeProposed::kPersonnel:
      RETURN_IF_ERROR(DecidePersonnel(state, *change, lookups, events, after));
      RETURN_IF_ERROR(CheckPostCapacity(after));
      break;
    case v1::ChangeProposed::kOrganisation: {
      const v1::OrganisationChange& organisation = proposal.organisation();
      if (organisation.has_etp_hundredths() &&
          organisation.etp_hundredths() != state.etp_hundredths) {
        v1::PostEtpChanged etp;
        etp.set_etp_hundredths(organisation.etp_hundredths());
        etp.set_previous_etp_hundredths(state.etp_hundredths);
        etp.set_change_id(command.change_id);
        events.emplace_back(etp);
        Evolve(after, etp, state.update_time);
        RETURN_IF_ERROR(CheckPostCapacity(after));
      }
      if (organisation.has_rattachement() && organisation.rattachement() != state.rattachement) {
        v1::PostAttachmentChanged attachment;
        attachment.set_rattachement(organisation.rattachement());
        attachment.set_change_id(command.change_id);
        events.emplace_back(std::move(attachment));
      }
      break;
    }
    case v1::ChangeProposed::kMissions: {
      v1::PostMissionsChanged missions;
      *missions.mutable_missions() = proposal.missions().missions();
      missions.set_change_id(command.change_id);
      events.emplace_back(std::move(missions));
      break;
    }
    case v1::ChangeProposed::kThematiques: {
      v1::PostThematiquesChanged thematiques;
      *thematiques.mutable_thematiques() = proposal.thematiques().thematiques();
      thematiques.set_change_id(command.change_id);
      events.emplace_back(std::move(thematiques));
      break;
    }
    case v1::ChangeProposed::PROPOSAL_NOT_SET:
      break;
  }

  const v1::PostStatus status = StatusFromAssignments(after);
  if (status != state.status) {
    v1::PostStatusChanged changed;
    changed.set_from(state.status);
    changed.set_to(status);
    events.emplace_back(std::move(changed));
  }
  return events;
}

absl::StatusOr<std::vector<PostEvent>> Decide(const PostState& state, const WithdrawChange& command,
                                              const PostLookups& lookups) {
  RETURN_IF_ERROR(CheckLive(state));
  BadRequestBuilder bad;
  CheckId(bad, "change_id", command.change_id);
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckEitherParty(command.party, "withdrawing a change"));
  RETURN_IF_ERROR(PendingChange(state, command.change_id).status());
  if (IsBlank(command.reason)) {
    return RuleViolation("REASON_REQUIRED", "withdrawing a change requires a reason",
                         {{"field", "reason"}});
  }
  v1::ChangeWithdrawn withdrawn;
  withdrawn.set_change_id(command.change_id);
  return std::vector<PostEvent>{std::move(withdrawn)};
}

// ---------------------------------------------------------------------------------------------
// Tags and codec

std::vector<std::string> Tags(const PostState& after, const PostEvent& event) {
  std::vector<std::string> tags = {
      absl::StrCat("post:", after.post_id), absl::StrCat("ctg:", IdOf(after.ctg, kCtgNamePrefix)),
      absl::StrCat("org:", IdOf(after.employer, partners::kNamePrefix))};
  auto person = [&tags](absl::string_view name) {
    const std::string tag = absl::StrCat("person:", IdOf(name, kPersonNamePrefix));
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  };
  if (const auto* assigned = std::get_if<v1::PersonAssigned>(&event)) {
    person(assigned->assignment().person());
  } else if (const auto* ended = std::get_if<v1::AssignmentEnded>(&event)) {
    person(ended->person());
  } else if (const auto* proposed = std::get_if<v1::ChangeProposed>(&event)) {
    for (const v1::Assignment& assignment : proposed->personnel().assign()) {
      person(assignment.person());
    }
    for (const v1::AssignmentClosure& closure : proposed->personnel().end()) {
      if (const AssignmentRecord* record = FindAssignment(after, closure.assignment_id())) {
        person(record->assignment.person());
      }
    }
  } else if (const auto* exchange = std::get_if<v1::CdtExchangeRecorded>(&event)) {
    tags.push_back(absl::StrCat("subject:", exchange->cdt()));
  }
  return tags;
}

const google::protobuf::Message& AsMessage(const PostEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<PostEvent> ParsePostEvent(absl::string_view type, absl::string_view payload) {
  return platform::ParseEventVariant<PostEvent>(type, payload, "a post's");
}

}  // namespace ctg::staffing
