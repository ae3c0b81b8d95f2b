// The Recruitment aggregate: names, milestones, Evolve, the Decide overloads (the sequence of
// research §4.3 and rule R-4), Tags and the event codec.
#include "services/staffing/recruitment.h"

#include <iterator>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
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

// The steps whose Caf involvement the cadrage sets, and which may be skipped unless ATTENDU.
constexpr v1::RecruitmentStep kSettableSteps[] = {v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES,
                                                  v1::RECRUITMENT_STEP_JURY,
                                                  v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS};

bool IsSettable(v1::RecruitmentStep step) {
  for (v1::RecruitmentStep settable : kSettableSteps) {
    if (step == settable) return true;
  }
  return false;
}

bool IsCafOpinion(Milestone milestone) {
  return milestone == Milestone::kFicheOpinionGiven ||
         milestone == Milestone::kCandidateOpinionGiven;
}

// One milestone of R0..R12: the step it belongs to, the event that records it and the side
// that records it.
struct MilestoneRow {
  Milestone milestone;
  v1::RecruitmentStep step;
  absl::string_view event;
  v1::StaffingParty party;
};

// The R0..R12 order, written once: the milestones in the order they are reached (one row per
// Milestone, in the enum's order). StepOf, EventOf, FirstMilestoneOf, the sequence (Next), the
// side each Decide checks and the side NextStepOf announces all read it.
constexpr MilestoneRow kMilestones[] = {
    {Milestone::kOpened, v1::RECRUITMENT_STEP_BESOIN_IDENTIFIE, "ctg.v1.RecruitmentOpened",
     v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kCadrageAgreed, v1::RECRUITMENT_STEP_CADRAGE_CDT, "ctg.v1.RecruitmentCadrageAgreed",
     v1::STAFFING_PARTY_EITHER},
    {Milestone::kFicheSubmitted, v1::RECRUITMENT_STEP_FICHE_DE_POSTE_REDACTION,
     "ctg.v1.FicheDePosteSubmitted", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kFicheOpinionGiven, v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF,
     "ctg.v1.CafOpinionOnFicheGiven", v1::STAFFING_PARTY_CAF},
    {Milestone::kOfferPublished, v1::RECRUITMENT_STEP_OFFRE_PUBLIEE, "ctg.v1.OfferPublished",
     v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kApplicationsClosed, v1::RECRUITMENT_STEP_OFFRE_PUBLIEE,
     "ctg.v1.ApplicationsClosed", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kApplicationsSelected, v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES,
     "ctg.v1.CandidatesShortlisted", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kJuryHeld, v1::RECRUITMENT_STEP_JURY, "ctg.v1.JuryHeld",
     v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kInterviewsSynthesised, v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS,
     "ctg.v1.InterviewsSynthesised", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kCandidateChosen, v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT,
     "ctg.v1.CandidateChosen", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kCandidateOpinionGiven, v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT,
     "ctg.v1.CafOpinionOnCandidateGiven", v1::STAFFING_PARTY_CAF},
    {Milestone::kEmployerDecided, v1::RECRUITMENT_STEP_DECISION_EMPLOYEUR,
     "ctg.v1.EmployerDecisionTaken", v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kHired, v1::RECRUITMENT_STEP_RECRUTE, "ctg.v1.PersonHired",
     v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kIntegrated, v1::RECRUITMENT_STEP_INTEGRATION, "ctg.v1.IntegrationCompleted",
     v1::STAFFING_PARTY_EMPLOYER},
    {Milestone::kClosed, v1::RECRUITMENT_STEP_EN_POSTE, "ctg.v1.RecruitmentClosed",
     v1::STAFFING_PARTY_EMPLOYER},
};

constexpr bool RowsFollowTheEnum() {
  for (size_t i = 0; i < std::size(kMilestones); ++i) {
    if (kMilestones[i].milestone != static_cast<Milestone>(i)) return false;
  }
  return std::size(kMilestones) == static_cast<size_t>(Milestone::kClosed) + 1;
}
static_assert(RowsFollowTheEnum(), "kMilestones has one row per Milestone, in the enum's order");

// The row of `milestone`; a row of UNSPECIFIED values for a value out of the enum (such as the
// milestone after R12).
const MilestoneRow& RowOf(Milestone milestone) {
  static constexpr MilestoneRow kNone = {Milestone::kOpened, v1::RECRUITMENT_STEP_UNSPECIFIED, "",
                                         v1::STAFFING_PARTY_UNSPECIFIED};
  const auto index = static_cast<size_t>(milestone);
  return index < std::size(kMilestones) ? kMilestones[index] : kNone;
}

Milestone Next(Milestone milestone) {
  return static_cast<Milestone>(static_cast<int>(milestone) + 1);
}

// The milestone that records `step` (the first one for R4 and R8); kOpened for any other step.
Milestone FirstMilestoneOf(v1::RecruitmentStep step) {
  for (const MilestoneRow& row : kMilestones) {
    if (row.step == step) return row.milestone;
  }
  return Milestone::kOpened;
}

void SetStepDate(RecruitmentState& state, const google::type::Date& date) {
  state.last_date = date;
}

}  // namespace

std::string RecruitmentStream(absl::string_view recruitment_id) {
  return absl::StrCat(kRecruitmentStreamPrefix, recruitment_id);
}

std::string RecruitmentName(absl::string_view recruitment_id) {
  return absl::StrCat(kRecruitmentNamePrefix, recruitment_id);
}

absl::StatusOr<std::string> ParseRecruitmentName(absl::string_view name, absl::string_view field) {
  return ParseName(name, kRecruitmentNamePrefix, "a recruitment", field);
}

v1::RecruitmentStep StepOf(Milestone milestone) { return RowOf(milestone).step; }

absl::string_view EventOf(Milestone milestone) { return RowOf(milestone).event; }

RecruitmentFacts FactsOf(const RecruitmentState& state) {
  return RecruitmentFacts{IdOf(state.post, kPostNamePrefix), state.hired_person};
}

bool IsOver(const RecruitmentState& state) {
  return state.status == v1::RECRUITMENT_STATUS_TERMINE ||
         state.status == v1::RECRUITMENT_STATUS_ANNULE;
}

void Evolve(RecruitmentState& state, const RecruitmentEvent& event, absl::Time time) {
  if (const auto* opened = std::get_if<v1::RecruitmentOpened>(&event)) {
    state = RecruitmentState{};
    state.exists = true;
    state.recruitment_id = opened->recruitment_id();
    state.post = opened->post();
    state.ctg = opened->ctg();
    state.employer = opened->employer();
    state.motif = opened->motif();
    state.status = v1::RECRUITMENT_STATUS_EN_COURS;
    state.milestone = Milestone::kOpened;
    SetStepDate(state, opened->date());
    state.create_time = time;
  } else if (const auto* cadrage = std::get_if<v1::RecruitmentCadrageAgreed>(&event)) {
    state.milestone = Milestone::kCadrageAgreed;
    state.involvements.clear();
    for (const v1::StepInvolvement& involvement : cadrage->involvements()) {
      state.involvements[involvement.step()] = involvement.involvement();
    }
    state.candidate_choice_involvement = cadrage->candidate_choice_involvement();
    SetStepDate(state, cadrage->date());
  } else if (const auto* fiche = std::get_if<v1::FicheDePosteSubmitted>(&event)) {
    state.milestone = Milestone::kFicheSubmitted;
    state.fiche_version = fiche->version();
    state.fiche_opinion = v1::CAF_OPINION_UNSPECIFIED;
    SetStepDate(state, fiche->date());
  } else if (const auto* fiche_opinion = std::get_if<v1::CafOpinionOnFicheGiven>(&event)) {
    state.milestone = Milestone::kFicheOpinionGiven;
    state.fiche_opinion = fiche_opinion->opinion();
    SetStepDate(state, fiche_opinion->date());
  } else if (const auto* offer = std::get_if<v1::OfferPublished>(&event)) {
    state.milestone = Milestone::kOfferPublished;
    SetStepDate(state, offer->date());
  } else if (const auto* closed_applications = std::get_if<v1::ApplicationsClosed>(&event)) {
    state.milestone = Milestone::kApplicationsClosed;
    SetStepDate(state, closed_applications->date());
  } else if (const auto* shortlisted = std::get_if<v1::CandidatesShortlisted>(&event)) {
    state.milestone = Milestone::kApplicationsSelected;
    SetStepDate(state, shortlisted->date());
  } else if (const auto* jury = std::get_if<v1::JuryHeld>(&event)) {
    state.milestone = Milestone::kJuryHeld;
    SetStepDate(state, jury->date());
  } else if (const auto* synthesis = std::get_if<v1::InterviewsSynthesised>(&event)) {
    state.milestone = Milestone::kInterviewsSynthesised;
    SetStepDate(state, synthesis->date());
  } else if (const auto* skipped = std::get_if<v1::RecruitmentStepSkipped>(&event)) {
    state.milestone = FirstMilestoneOf(skipped->step());
    state.skipped_steps.push_back(skipped->step());
  } else if (const auto* chosen = std::get_if<v1::CandidateChosen>(&event)) {
    state.milestone = Milestone::kCandidateChosen;
    state.candidate = chosen->person();
    state.candidate_opinion = v1::CAF_OPINION_UNSPECIFIED;
    SetStepDate(state, chosen->date());
  } else if (const auto* opinion = std::get_if<v1::CafOpinionOnCandidateGiven>(&event)) {
    state.milestone = Milestone::kCandidateOpinionGiven;
    state.candidate_opinion = opinion->opinion();
    SetStepDate(state, opinion->date());
  } else if (const auto* decision = std::get_if<v1::EmployerDecisionTaken>(&event)) {
    state.milestone = Milestone::kEmployerDecided;
    SetStepDate(state, decision->date());
  } else if (const auto* hired = std::get_if<v1::PersonHired>(&event)) {
    state.milestone = Milestone::kHired;
    state.hired_person = hired->person();
    SetStepDate(state, hired->contract_date());
  } else if (const auto* integrated = std::get_if<v1::IntegrationCompleted>(&event)) {
    state.milestone = Milestone::kIntegrated;
    SetStepDate(state, integrated->date());
  } else if (const auto* closed = std::get_if<v1::RecruitmentClosed>(&event)) {
    state.milestone = Milestone::kClosed;
    state.status = v1::RECRUITMENT_STATUS_TERMINE;
    SetStepDate(state, closed->date());
  } else if (std::holds_alternative<v1::RecruitmentCancelled>(event)) {
    state.status = v1::RECRUITMENT_STATUS_ANNULE;
  }
  state.update_time = time;
}

bool IsAllowedStep(const RecruitmentState& state, Milestone to) {
  if (!state.exists || state.status != v1::RECRUITMENT_STATUS_EN_COURS) return false;
  const Milestone at = state.milestone;
  switch (to) {
    case Milestone::kOpened:
      return false;
    case Milestone::kFicheSubmitted:
      return at == Milestone::kCadrageAgreed || at == Milestone::kFicheSubmitted ||
             at == Milestone::kFicheOpinionGiven;
    case Milestone::kOfferPublished:
      return at == Milestone::kFicheOpinionGiven &&
             state.fiche_opinion == v1::CAF_OPINION_FAVORABLE;
    case Milestone::kCandidateChosen:
      return at == Milestone::kInterviewsSynthesised || at == Milestone::kCandidateChosen ||
             at == Milestone::kCandidateOpinionGiven;
    default:
      return Next(at) == to;
  }
}

NextStep NextStepOf(const RecruitmentState& state) {
  if (state.status != v1::RECRUITMENT_STATUS_EN_COURS || state.milestone == Milestone::kClosed) {
    return NextStep{};
  }
  // An opinion on the fiche de poste that is not FAVORABLE sends the employer back to R2.
  const Milestone next = state.milestone == Milestone::kFicheOpinionGiven &&
                                 state.fiche_opinion != v1::CAF_OPINION_FAVORABLE
                             ? Milestone::kFicheSubmitted
                             : Next(state.milestone);
  const MilestoneRow& row = RowOf(next);
  return NextStep{row.step, row.party};
}

// ---------------------------------------------------------------------------------------------
// Decide

namespace {

// OK if `party` is the side that records `to` (kMilestones); else WRONG_PARTY.
absl::Status CheckPartyOf(Milestone to, Party party, absl::string_view action) {
  switch (RowOf(to).party) {
    case v1::STAFFING_PARTY_EITHER:
      return CheckEitherParty(party, action);
    case v1::STAFFING_PARTY_CAF:
      return CheckParty(party, Party::kCaf, action);
    default:
      return CheckParty(party, Party::kEmployer, action);
  }
}

// OK if the step recorded by `to` may follow `state`; else INVALID_TRANSITION,
// CAF_OPINION_REQUIRED or STEP_REQUIRED (see recruitment.h).
absl::Status CheckSequence(const RecruitmentState& state, Milestone to) {
  if (IsAllowedStep(state, to)) return absl::OkStatus();
  const std::string to_step = v1::RecruitmentStep_Name(StepOf(to));
  const std::string event(EventOf(to));
  if (state.status != v1::RECRUITMENT_STATUS_EN_COURS) {
    const std::string status = v1::RecruitmentStatus_Name(state.status);
    return RuleViolation(
        "INVALID_TRANSITION",
        absl::StrCat("the recruitment is ", status, ": ", event, " can no longer be recorded"),
        {{"from", status}, {"to", to_step}, {"event", event}});
  }
  const std::string from_step = v1::RecruitmentStep_Name(state.step());
  if (static_cast<int>(to) <= static_cast<int>(state.milestone)) {
    return RuleViolation("INVALID_TRANSITION",
                         absl::StrCat("the recruitment is at ", from_step, ": ", event,
                                      " would go back to ", to_step),
                         {{"from", from_step}, {"to", to_step}, {"event", event}});
  }
  // The first milestone missing: a favourable opinion on the fiche de poste if the last one is
  // not, else the milestone after the current one.
  Milestone missing = Next(state.milestone);
  if (state.milestone == Milestone::kFicheOpinionGiven &&
      state.fiche_opinion != v1::CAF_OPINION_FAVORABLE) {
    missing = Milestone::kFicheOpinionGiven;
  }
  const v1::RecruitmentStep missing_step = StepOf(missing);
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"step", v1::RecruitmentStep_Name(missing_step)},
      {"event", std::string(EventOf(missing))},
      {"rule", "R-4"}};
  if (IsCafOpinion(missing)) {
    if (missing == Milestone::kFicheOpinionGiven) {
      // CAF_OPINION_UNSPECIFIED while the Caf has given none.
      metadata.emplace_back("opinion", v1::CafOpinion_Name(state.fiche_opinion));
    }
    return RuleViolation(
        "CAF_OPINION_REQUIRED",
        missing == Milestone::kFicheOpinionGiven
            ? absl::StrCat("R-4: no offer before the Caf's favourable opinion on the fiche de "
                           "poste; ",
                           event, " is refused")
            : absl::StrCat("R-4: no employer decision before the Caf's opinion on the chosen "
                           "candidate; ",
                           event, " is refused"),
        std::move(metadata));
  }
  const auto involvement = state.involvements.find(missing_step);
  if (involvement != state.involvements.end()) {
    metadata.emplace_back("involvement", v1::CafInvolvement_Name(involvement->second));
  }
  return RuleViolation("STEP_REQUIRED",
                       absl::StrCat("R-4: ", v1::RecruitmentStep_Name(missing_step),
                                    " must be recorded (", EventOf(missing), ") before ", event),
                       std::move(metadata));
}

// DATE_BEFORE_PREVIOUS_STEP unless `date` is on or after the last step's date.
absl::Status CheckDateOrder(const RecruitmentState& state, const google::type::Date& date) {
  if (!DateProblem(state.last_date).empty() || !Before(date, state.last_date)) {
    return absl::OkStatus();
  }
  return RuleViolation(
      "DATE_BEFORE_PREVIOUS_STEP",
      absl::StrCat("the step is dated ", FormatDate(date), ", before the previous step (",
                   FormatDate(state.last_date), ")"),
      {{"date", FormatDate(date)}, {"previous", FormatDate(state.last_date)}});
}

// CAF_PARTICIPATION_REQUIRED (metadata step, the RecruitmentStep name) if `involvement` is
// ATTENDU and the Caf did not take part in `what`, a part of `step`.
absl::Status CheckParticipation(v1::CafInvolvement involvement, bool caf_participated,
                                v1::RecruitmentStep step, absl::string_view what) {
  if (involvement != v1::CAF_INVOLVEMENT_ATTENDU || caf_participated) return absl::OkStatus();
  return RuleViolation("CAF_PARTICIPATION_REQUIRED",
                       absl::StrCat("R-4: the cadrage expects the Caf at ", what,
                                    " (ATTENDU); it did not take part"),
                       {{"step", v1::RecruitmentStep_Name(step)}, {"rule", "R-4"}});
}

v1::CafInvolvement InvolvementIn(const RecruitmentState& state, v1::RecruitmentStep step) {
  const auto found = state.involvements.find(step);
  return found == state.involvements.end() ? v1::CAF_INVOLVEMENT_FACULTATIF : found->second;
}

// CANDIDATE_MISMATCH unless `person` is the chosen candidate.
absl::Status CheckCandidate(const RecruitmentState& state, absl::string_view person) {
  if (person == state.candidate) return absl::OkStatus();
  return RuleViolation("CANDIDATE_MISMATCH",
                       absl::StrCat(person, " is not the chosen candidate (", state.candidate, ")"),
                       {{"person", std::string(person)}, {"candidate", state.candidate}});
}

void CheckOpinion(BadRequestBuilder& bad, v1::CafOpinion opinion) {
  if (opinion == v1::CAF_OPINION_UNSPECIFIED) {
    bad.Add("opinion", "is required");
  } else if (!v1::CafOpinion_IsValid(opinion)) {
    bad.Add("opinion", "is not a known opinion");
  }
}

void CheckCount(BadRequestBuilder& bad, absl::string_view field, int32_t count) {
  if (count < 0) bad.Add(field, "must not be negative");
}

absl::Status Exists(const RecruitmentState& state) {
  if (!state.exists) return absl::NotFoundError("recruitment not found");
  return absl::OkStatus();
}

// The common tail of a dated step: the side, the sequence and the date order.
absl::Status CheckDatedStep(const RecruitmentState& state, Party party, Milestone to,
                            const google::type::Date& date, absl::string_view action) {
  RETURN_IF_ERROR(CheckPartyOf(to, party, action));
  RETURN_IF_ERROR(CheckSequence(state, to));
  return CheckDateOrder(state, date);
}

// The employer's steps where the cadrage may expect the Caf (R5..R7): the side, the
// sequence, the Caf's presence when ATTENDU, then the date order.
absl::Status CheckAttendedStep(const RecruitmentState& state, Party party, v1::RecruitmentStep step,
                               bool caf_participated, const google::type::Date& date,
                               absl::string_view action) {
  const Milestone to = FirstMilestoneOf(step);
  RETURN_IF_ERROR(CheckPartyOf(to, party, action));
  RETURN_IF_ERROR(CheckSequence(state, to));
  RETURN_IF_ERROR(CheckParticipation(InvolvementIn(state, step), caf_participated, step,
                                     v1::RecruitmentStep_Name(step)));
  return CheckDateOrder(state, date);
}

}  // namespace

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const OpenRecruitment& command,
                                                     const RecruitmentLookups& lookups) {
  if (state.exists) {
    return absl::AlreadyExistsError(
        absl::StrCat(RecruitmentName(state.recruitment_id), " already exists"));
  }
  BadRequestBuilder bad;
  CheckId(bad, "recruitment_id", command.recruitment_id);
  const std::optional<std::string> post_id =
      CheckName(bad, "post", command.post, kPostNamePrefix, "a post");
  if (command.motif == v1::RECRUITMENT_MOTIF_UNSPECIFIED) {
    bad.Add("motif", "is required");
  } else if (!v1::RecruitmentMotif_IsValid(command.motif)) {
    bad.Add("motif", "is not a known motif");
  }
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckPartyOf(Milestone::kOpened, command.party, "opening a recruitment"));

  std::optional<PostState> post;
  if (lookups.post) post = lookups.post(*post_id);
  if (!post.has_value() || !post->exists) {
    return RuleViolation("POST_NOT_FOUND", absl::StrCat(command.post, " does not exist"),
                         {{"post", command.post}});
  }
  if (post->status == v1::POST_STATUS_SUPPRIME) {
    return RuleViolation("POST_DELETED", absl::StrCat(command.post, " is deleted"),
                         {{"post", command.post}});
  }
  v1::RecruitmentOpened opened;
  opened.set_recruitment_id(command.recruitment_id);
  opened.set_post(command.post);
  opened.set_ctg(post->ctg);
  opened.set_employer(post->employer);
  opened.set_motif(command.motif);
  *opened.mutable_date() = command.date;
  return std::vector<RecruitmentEvent>{std::move(opened)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const AgreeCadrage& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  CheckSubject(bad, "cdt", command.cdt);
  std::set<int> steps;
  for (size_t i = 0; i < command.involvements.size(); ++i) {
    const v1::StepInvolvement& involvement = command.involvements[i];
    const std::string field = absl::StrCat("involvements[", i, "]");
    if (!IsSettable(involvement.step())) {
      bad.Add(absl::StrCat(field, ".step"),
              "must be SELECTION_CANDIDATURES, JURY or SYNTHESE_ENTRETIENS: the Caf's "
              "involvement in the other steps is fixed");
    } else if (!steps.insert(involvement.step()).second) {
      bad.Add(absl::StrCat(field, ".step"), "is listed twice");
    }
    if (involvement.involvement() == v1::CAF_INVOLVEMENT_UNSPECIFIED) {
      bad.Add(absl::StrCat(field, ".involvement"), "is required");
    } else if (!v1::CafInvolvement_IsValid(involvement.involvement())) {
      bad.Add(absl::StrCat(field, ".involvement"), "is not a known involvement");
    }
  }
  if (!v1::CafInvolvement_IsValid(command.candidate_choice_involvement)) {
    bad.Add("candidate_choice_involvement", "is not a known involvement");
  }
  CheckText(bad, "fonction", command.fonction, kMaxCommentChars);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckPartyOf(Milestone::kCadrageAgreed, command.party, "agreeing the cadrage"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kCadrageAgreed));
  RETURN_IF_ERROR(CheckDateOrder(state, command.date));

  v1::RecruitmentCadrageAgreed cadrage;
  *cadrage.mutable_date() = command.date;
  cadrage.set_cdt(command.cdt);
  for (v1::RecruitmentStep step : kSettableSteps) {
    v1::StepInvolvement* involvement = cadrage.add_involvements();
    involvement->set_step(step);
    involvement->set_involvement(v1::CAF_INVOLVEMENT_FACULTATIF);
    for (const v1::StepInvolvement& agreed : command.involvements) {
      if (agreed.step() == step) involvement->set_involvement(agreed.involvement());
    }
  }
  cadrage.set_candidate_choice_involvement(command.candidate_choice_involvement ==
                                                   v1::CAF_INVOLVEMENT_UNSPECIFIED
                                               ? v1::CAF_INVOLVEMENT_FACULTATIF
                                               : command.candidate_choice_involvement);
  cadrage.set_fonction(platform::NormaliseText(command.fonction));
  return std::vector<RecruitmentEvent>{std::move(cadrage)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SubmitFicheDePoste& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckText(bad, "document", command.document, 500);
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckDatedStep(state, command.party, Milestone::kFicheSubmitted, command.date,
                                 "submitting the fiche de poste"));
  v1::FicheDePosteSubmitted fiche;
  fiche.set_version(state.fiche_version + 1);
  fiche.set_document(platform::NormaliseText(command.document));
  *fiche.mutable_date() = command.date;
  return std::vector<RecruitmentEvent>{std::move(fiche)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const GiveCafOpinionOnFiche& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  if (command.version < 1) bad.Add("version", "must be 1 or more");
  CheckOpinion(bad, command.opinion);
  CheckPastDate(bad, "date", command.date, command.today);
  CheckSubject(bad, "cdt", command.cdt);
  CheckText(bad, "comment", command.comment, kMaxCommentChars, true);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckPartyOf(Milestone::kFicheOpinionGiven, command.party,
                               "giving the Caf's opinion on the fiche de poste"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kFicheOpinionGiven));
  if (command.version != state.fiche_version) {
    return RuleViolation("FICHE_VERSION_MISMATCH",
                         absl::StrCat("the opinion is on version ", command.version,
                                      "; the last version submitted is ", state.fiche_version),
                         {{"version", absl::StrCat(command.version)},
                          {"latest", absl::StrCat(state.fiche_version)}});
  }
  RETURN_IF_ERROR(CheckDateOrder(state, command.date));
  v1::CafOpinionOnFicheGiven opinion;
  opinion.set_version(command.version);
  opinion.set_opinion(command.opinion);
  *opinion.mutable_date() = command.date;
  opinion.set_cdt(command.cdt);
  opinion.set_comment(platform::NormaliseText(command.comment));
  return std::vector<RecruitmentEvent>{std::move(opinion)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const PublishOffer& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  CheckText(bad, "channel", command.channel, kMaxLabelChars, true);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckDatedStep(state, command.party, Milestone::kOfferPublished, command.date,
                                 "publishing the offer"));
  v1::OfferPublished offer;
  *offer.mutable_date() = command.date;
  offer.set_channel(platform::NormaliseText(command.channel));
  return std::vector<RecruitmentEvent>{std::move(offer)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CloseApplications& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  CheckCount(bad, "applications_received", command.applications_received);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckDatedStep(state, command.party, Milestone::kApplicationsClosed, command.date,
                                 "closing the applications"));
  v1::ApplicationsClosed closed;
  *closed.mutable_date() = command.date;
  closed.set_applications_received(command.applications_received);
  return std::vector<RecruitmentEvent>{std::move(closed)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const ShortlistCandidates& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  CheckCount(bad, "candidates_shortlisted", command.candidates_shortlisted);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(
      CheckAttendedStep(state, command.party, v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES,
                        command.caf_participated, command.date, "selecting the applications"));
  v1::CandidatesShortlisted shortlisted;
  *shortlisted.mutable_date() = command.date;
  shortlisted.set_candidates_shortlisted(command.candidates_shortlisted);
  shortlisted.set_caf_participated(command.caf_participated);
  return std::vector<RecruitmentEvent>{std::move(shortlisted)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const HoldJury& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  CheckCount(bad, "candidates_interviewed", command.candidates_interviewed);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckAttendedStep(state, command.party, v1::RECRUITMENT_STEP_JURY,
                                    command.caf_participated, command.date, "holding the jury"));
  v1::JuryHeld jury;
  *jury.mutable_date() = command.date;
  jury.set_candidates_interviewed(command.candidates_interviewed);
  jury.set_caf_participated(command.caf_participated);
  return std::vector<RecruitmentEvent>{std::move(jury)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SynthesiseInterviews& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckAttendedStep(state, command.party, v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS,
                                    command.caf_participated, command.date,
                                    "synthesising the interviews"));
  v1::InterviewsSynthesised synthesis;
  *synthesis.mutable_date() = command.date;
  synthesis.set_caf_participated(command.caf_participated);
  return std::vector<RecruitmentEvent>{std::move(synthesis)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const SkipStep& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  if (command.step == v1::RECRUITMENT_STEP_UNSPECIFIED) {
    bad.Add("step", "is required");
  } else if (!v1::RecruitmentStep_IsValid(command.step)) {
    bad.Add("step", "is not a known recruitment step");
  }
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "skipping a step"));
  const Milestone target = FirstMilestoneOf(command.step);
  RETURN_IF_ERROR(CheckSequence(state, target));
  const std::string step = v1::RecruitmentStep_Name(command.step);
  if (IsCafOpinion(target) || target == Milestone::kCandidateChosen) {
    return RuleViolation(
        "CAF_OPINION_REQUIRED",
        absl::StrCat("R-4: ", step, " is the Caf's opinion; it is never skipped"),
        {{"step", step}, {"event", std::string(EventOf(target))}, {"rule", "R-4"}});
  }
  if (!IsSettable(command.step)) {
    return RuleViolation(
        "STEP_REQUIRED", absl::StrCat("R-4: ", step, " is never skipped"),
        {{"step", step}, {"event", std::string(EventOf(target))}, {"rule", "R-4"}});
  }
  const v1::CafInvolvement involvement = InvolvementIn(state, command.step);
  if (involvement == v1::CAF_INVOLVEMENT_ATTENDU) {
    return RuleViolation(
        "STEP_REQUIRED",
        absl::StrCat("R-4: the cadrage expects the Caf at ", step, " (ATTENDU): it is not skipped"),
        {{"step", step},
         {"event", std::string(EventOf(target))},
         {"involvement", v1::CafInvolvement_Name(involvement)},
         {"rule", "R-4"}});
  }
  if (IsBlank(command.reason)) {
    return RuleViolation("REASON_REQUIRED", "skipping a step requires a reason",
                         {{"field", "reason"}});
  }
  v1::RecruitmentStepSkipped skipped;
  skipped.set_step(command.step);
  skipped.set_involvement(involvement);
  return std::vector<RecruitmentEvent>{std::move(skipped)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const ChooseCandidate& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPerson(bad, "person", command.person);
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(
      CheckPartyOf(Milestone::kCandidateChosen, command.party, "choosing the candidate"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kCandidateChosen));
  RETURN_IF_ERROR(CheckParticipation(state.candidate_choice_involvement, command.caf_participated,
                                     v1::RECRUITMENT_STEP_AVIS_CAF_SUR_CANDIDAT,
                                     "the choice of the candidate"));
  RETURN_IF_ERROR(CheckDateOrder(state, command.date));
  v1::CandidateChosen chosen;
  chosen.set_person(command.person);
  *chosen.mutable_date() = command.date;
  chosen.set_caf_participated(command.caf_participated);
  return std::vector<RecruitmentEvent>{std::move(chosen)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const GiveCafOpinionOnCandidate& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPerson(bad, "person", command.person);
  CheckOpinion(bad, command.opinion);
  CheckPastDate(bad, "date", command.date, command.today);
  CheckSubject(bad, "cdt", command.cdt);
  CheckText(bad, "comment", command.comment, kMaxCommentChars, true);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckPartyOf(Milestone::kCandidateOpinionGiven, command.party,
                               "giving the Caf's opinion on the candidate"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kCandidateOpinionGiven));
  RETURN_IF_ERROR(CheckCandidate(state, command.person));
  RETURN_IF_ERROR(CheckDateOrder(state, command.date));
  v1::CafOpinionOnCandidateGiven opinion;
  opinion.set_person(command.person);
  opinion.set_opinion(command.opinion);
  *opinion.mutable_date() = command.date;
  opinion.set_cdt(command.cdt);
  opinion.set_comment(platform::NormaliseText(command.comment));
  return std::vector<RecruitmentEvent>{std::move(opinion)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const TakeEmployerDecision& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPerson(bad, "person", command.person);
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(
      CheckPartyOf(Milestone::kEmployerDecided, command.party, "taking the employer's decision"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kEmployerDecided));
  RETURN_IF_ERROR(CheckCandidate(state, command.person));
  RETURN_IF_ERROR(CheckDateOrder(state, command.date));
  v1::EmployerDecisionTaken decision;
  decision.set_person(command.person);
  *decision.mutable_date() = command.date;
  return std::vector<RecruitmentEvent>{std::move(decision)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const HirePerson& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPerson(bad, "person", command.person);
  CheckPastDate(bad, "contract_date", command.contract_date, command.today);
  CheckDate(bad, "start_date", command.start_date);
  if (DateProblem(command.contract_date).empty() && DateProblem(command.start_date).empty() &&
      Before(command.start_date, command.contract_date)) {
    bad.Add("start_date", "must not be before contract_date");
  }
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckPartyOf(Milestone::kHired, command.party, "hiring"));
  RETURN_IF_ERROR(CheckSequence(state, Milestone::kHired));
  RETURN_IF_ERROR(CheckCandidate(state, command.person));
  RETURN_IF_ERROR(CheckDateOrder(state, command.contract_date));
  v1::PersonHired hired;
  hired.set_person(command.person);
  *hired.mutable_contract_date() = command.contract_date;
  *hired.mutable_start_date() = command.start_date;
  return std::vector<RecruitmentEvent>{std::move(hired)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CompleteIntegration& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  for (const auto& [field, date] :
       {std::pair{"cdt_meeting_date", &command.cdt_meeting_date},
        std::pair{"copil_presentation_date", &command.copil_presentation_date},
        std::pair{"partners_meeting_date", &command.partners_meeting_date}}) {
    if (date->has_value()) CheckPastDate(bad, field, **date, command.today);
  }
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckDatedStep(state, command.party, Milestone::kIntegrated, command.date,
                                 "completing the integration"));
  v1::IntegrationCompleted integrated;
  *integrated.mutable_date() = command.date;
  if (command.cdt_meeting_date) *integrated.mutable_cdt_meeting_date() = *command.cdt_meeting_date;
  if (command.copil_presentation_date) {
    *integrated.mutable_copil_presentation_date() = *command.copil_presentation_date;
  }
  if (command.partners_meeting_date) {
    *integrated.mutable_partners_meeting_date() = *command.partners_meeting_date;
  }
  return std::vector<RecruitmentEvent>{std::move(integrated)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CloseRecruitment& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckPastDate(bad, "date", command.date, command.today);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckDatedStep(state, command.party, Milestone::kClosed, command.date,
                                 "closing the recruitment"));
  v1::RecruitmentClosed closed;
  *closed.mutable_date() = command.date;
  return std::vector<RecruitmentEvent>{std::move(closed)};
}

absl::StatusOr<std::vector<RecruitmentEvent>> Decide(const RecruitmentState& state,
                                                     const CancelRecruitment& command,
                                                     const RecruitmentLookups& lookups) {
  RETURN_IF_ERROR(Exists(state));
  BadRequestBuilder bad;
  CheckReason(bad, command.reason);
  RETURN_IF_ERROR(bad.Build());
  RETURN_IF_ERROR(CheckParty(command.party, Party::kEmployer, "cancelling the recruitment"));
  if (state.status != v1::RECRUITMENT_STATUS_EN_COURS) {
    const std::string status = v1::RecruitmentStatus_Name(state.status);
    return RuleViolation("INVALID_TRANSITION",
                         absl::StrCat("the recruitment is ", status, ": it cannot be cancelled"),
                         {{"from", status},
                          {"to", v1::RecruitmentStatus_Name(v1::RECRUITMENT_STATUS_ANNULE)},
                          {"event", "ctg.v1.RecruitmentCancelled"}});
  }
  if (IsBlank(command.reason)) {
    return RuleViolation("REASON_REQUIRED", "cancelling a recruitment requires a reason",
                         {{"field", "reason"}});
  }
  v1::RecruitmentCancelled cancelled;
  cancelled.set_step(state.step());
  return std::vector<RecruitmentEvent>{std::move(cancelled)};
}

// ---------------------------------------------------------------------------------------------
// Tags and codec

std::vector<std::string> Tags(const RecruitmentState& after, const RecruitmentEvent& event) {
  std::vector<std::string> tags = {
      absl::StrCat("recruitment:", after.recruitment_id),
      absl::StrCat("post:", IdOf(after.post, kPostNamePrefix)),
      absl::StrCat("ctg:", IdOf(after.ctg, kCtgNamePrefix)),
      absl::StrCat("org:", IdOf(after.employer, partners::kNamePrefix))};
  auto person = [&tags](absl::string_view name) {
    tags.push_back(absl::StrCat("person:", IdOf(name, kPersonNamePrefix)));
  };
  auto subject = [&tags](absl::string_view cdt) { tags.push_back(absl::StrCat("subject:", cdt)); };
  if (const auto* chosen = std::get_if<v1::CandidateChosen>(&event)) {
    person(chosen->person());
  } else if (const auto* opinion = std::get_if<v1::CafOpinionOnCandidateGiven>(&event)) {
    person(opinion->person());
    subject(opinion->cdt());
  } else if (const auto* decision = std::get_if<v1::EmployerDecisionTaken>(&event)) {
    person(decision->person());
  } else if (const auto* hired = std::get_if<v1::PersonHired>(&event)) {
    person(hired->person());
  } else if (const auto* cadrage = std::get_if<v1::RecruitmentCadrageAgreed>(&event)) {
    subject(cadrage->cdt());
  } else if (const auto* fiche_opinion = std::get_if<v1::CafOpinionOnFicheGiven>(&event)) {
    subject(fiche_opinion->cdt());
  }
  return tags;
}

const google::protobuf::Message& AsMessage(const RecruitmentEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<RecruitmentEvent> ParseRecruitmentEvent(absl::string_view type,
                                                       absl::string_view payload) {
  return platform::ParseEventVariant<RecruitmentEvent>(type, payload, "a recruitment's");
}

}  // namespace ctg::staffing
