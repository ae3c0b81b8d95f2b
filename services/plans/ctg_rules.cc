// The Decide overloads of the CTG aggregate: the rules of the référentiel and of the
// lifecycle (DOMAIN §4.1), and the validation of every command.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/partners/organisation.h"
#include "services/platform/text.h"
#include "services/plans/ctg.h"
#include "services/platform/dates.h"
#include "services/platform/errors.h"

namespace ctg::plans {

using platform::DateProblem;
using platform::FormatDate;
using platform::SameDate;
using platform::ToCivilDay;
namespace {

using ::ctg::platform::AddViolations;
using ::ctg::platform::NormaliseText;
using ::ctg::platform::TextProblem;
using ::ctg::platform::BadRequestBuilder;
using ::ctg::platform::RuleViolation;

constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxInstanceChars = 200;
constexpr size_t kMaxNumberChars = 64;
constexpr size_t kMaxCdtChars = 128;
constexpr size_t kMaxReasonChars = 2000;
constexpr absl::string_view kUpdatablePaths[] = {"title", "start_date", "end_date", "thematiques"};

bool IsClosed(v1::CtgState state) {
  return state == v1::CTG_STATE_ECHUE || state == v1::CTG_STATE_RENOUVELEE ||
         state == v1::CTG_STATE_RESILIEE;
}

bool IsCollectiviteRole(v1::SignatoryRole role) {
  return role == v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE ||
         role == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE;
}

constexpr std::initializer_list<v1::OrganisationType> kCollectiviteTypes = {
    v1::ORGANISATION_TYPE_COMMUNE, v1::ORGANISATION_TYPE_EPCI, v1::ORGANISATION_TYPE_SYNDICAT};

const v1::Signatory* FindSignatory(const v1::Ctg& ctg, absl::string_view organisation) {
  for (const v1::Signatory& signatory : ctg.signatories()) {
    if (signatory.organisation() == organisation) return &signatory;
  }
  return nullptr;
}

// NOT_FOUND if the CTG does not exist; CTG_CLOSED if it is ECHUE, RENOUVELEE or RESILIEE.
absl::Status CheckOpen(const CtgState& state) {
  if (!state.exists) return absl::NotFoundError("CTG not found");
  if (IsClosed(state.ctg.state())) {
    return RuleViolation(
        "CTG_CLOSED",
        absl::StrCat(state.ctg.name(), " is ", v1::CtgState_Name(state.ctg.state()),
                     ": it can no longer change"),
        {{"state", v1::CtgState_Name(state.ctg.state())}});
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION unless the organisation `name` (SIREN `siren`, named by request field
// `field`) is registered with one of `types` (any type if `types` is empty).
absl::Status CheckOrganisation(const Lookups& lookups, absl::string_view field,
                               absl::string_view name, absl::string_view siren,
                               std::initializer_list<v1::OrganisationType> types) {
  std::optional<v1::OrganisationType> type;
  if (lookups.organisation_type) type = lookups.organisation_type(siren);
  if (!type.has_value()) {
    return RuleViolation("ORGANISATION_NOT_FOUND",
                         absl::StrCat(field, ": ", name, " is not a registered organisation"),
                         {{"field", std::string(field)}, {"organisation", std::string(name)}});
  }
  if (types.size() > 0 && std::find(types.begin(), types.end(), *type) == types.end()) {
    std::vector<std::string> expected;
    for (v1::OrganisationType allowed : types)
      expected.push_back(v1::OrganisationType_Name(allowed));
    return RuleViolation("WRONG_ORGANISATION_TYPE",
                         absl::StrCat(field, ": ", name, " is ", v1::OrganisationType_Name(*type),
                                      "; expected ", absl::StrJoin(expected, " or ")),
                         {{"field", std::string(field)},
                          {"organisation", std::string(name)},
                          {"type", v1::OrganisationType_Name(*type)}});
  }
  return absl::OkStatus();
}

void CheckText(BadRequestBuilder& bad, absl::string_view field, absl::string_view text,
               size_t max_chars) {
  const std::string problem = TextProblem(NormaliseText(text), max_chars);
  if (!problem.empty()) bad.Add(field, problem);
}

void CheckDate(BadRequestBuilder& bad, absl::string_view field, const google::type::Date& date) {
  const std::string problem = DateProblem(date);
  if (!problem.empty()) bad.Add(field, problem);
}

// Checks the period a CTG will have; `start` and `end` are null when unset. Each date is
// checked if `check_start` / `check_end`; their order whenever both are valid, reported on
// the field the request changes (end_date when both).
void CheckPeriod(BadRequestBuilder& bad, const google::type::Date* start,
                 const google::type::Date* end, bool check_start, bool check_end) {
  if (check_start && start != nullptr) CheckDate(bad, "ctg.start_date", *start);
  if (check_end && end != nullptr) CheckDate(bad, "ctg.end_date", *end);
  if (start == nullptr || end == nullptr || !DateProblem(*start).empty() ||
      !DateProblem(*end).empty() || ToCivilDay(*end) > ToCivilDay(*start)) {
    return;
  }
  if (check_end) {
    bad.Add("ctg.end_date", "must be after ctg.start_date");
  } else if (check_start) {
    bad.Add("ctg.start_date", "must be before ctg.end_date");
  }
}

void CheckThematiques(BadRequestBuilder& bad,
                      const google::protobuf::RepeatedField<int>& thematiques) {
  for (int i = 0; i < thematiques.size(); ++i) {
    const int thematique = thematiques[i];
    if (thematique == v1::THEMATIQUE_UNSPECIFIED) {
      bad.Add("ctg.thematiques", absl::StrCat("element ", i, " is THEMATIQUE_UNSPECIFIED"));
    } else if (!v1::Thematique_IsValid(thematique)) {
      bad.Add("ctg.thematiques",
              absl::StrCat("element ", i, " (", thematique, ") is not a known thématique"));
    } else if (std::find(thematiques.begin(), thematiques.begin() + i, thematique) !=
               thematiques.begin() + i) {
      bad.Add("ctg.thematiques",
              absl::StrCat("element ", i, " repeats ", v1::Thematique_Name(thematique)));
    }
  }
}

// The SIREN of the organisation named `name` by `field`, or nothing (and a violation).
std::optional<std::string> CheckOrganisationName(BadRequestBuilder& bad, absl::string_view field,
                                                 absl::string_view name) {
  absl::StatusOr<std::string> siren = partners::ParseOrganisationName(name, field);
  if (!siren.ok()) {
    AddViolations(bad, siren.status(), field);
    return std::nullopt;
  }
  return *std::move(siren);
}

bool SameOptionalDate(bool has_a, const google::type::Date& a, bool has_b,
                      const google::type::Date& b) {
  return has_a == has_b && (!has_a || SameDate(a, b));
}

// Whether `date` (null: unset) is the date `other` (unset unless `has_other`).
bool SameDateAs(const google::type::Date* date, bool has_other, const google::type::Date& other) {
  return (date != nullptr) == has_other && (date == nullptr || SameDate(*date, other));
}

bool SameDeliberation(const v1::Deliberation& a, const v1::Deliberation& b) {
  return a.instance() == b.instance() && a.number() == b.number() &&
         SameOptionalDate(a.has_date(), a.date(), b.has_date(), b.date());
}

size_t CodePoints(absl::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// R-16 and the period: what EN_SIGNATURE → ACTIVE requires. Signatories are checked in the
// order they were added (the Caf, the porteur, then the others).
absl::Status CheckReadyToActivate(const v1::Ctg& ctg) {
  for (const v1::Signatory& signatory : ctg.signatories()) {
    if (IsCollectiviteRole(signatory.role()) && !signatory.has_deliberation()) {
      return RuleViolation(
          "DELIBERATION_REQUIRED",
          absl::StrCat("R-16: ", signatory.organisation(),
                       " signs as a collectivité and its deliberation is not recorded"),
          {{"organisation", signatory.organisation()}, {"rule", "R-16"}});
    }
  }
  for (const v1::Signatory& signatory : ctg.signatories()) {
    const bool must_sign =
        IsCollectiviteRole(signatory.role()) || signatory.role() == v1::SIGNATORY_ROLE_CAF;
    if (must_sign && !signatory.has_signature_date()) {
      return RuleViolation(
          "SIGNATURE_REQUIRED",
          absl::StrCat("R-16: the signature of ", signatory.organisation(), " is not recorded"),
          {{"organisation", signatory.organisation()}, {"rule", "R-16"}});
    }
  }
  if (!ctg.has_start_date() || !ctg.has_end_date()) {
    return RuleViolation("PERIOD_REQUIRED",
                         "a CTG becomes ACTIVE only once its start_date and end_date are set");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsAllowedTransition(v1::CtgState from, v1::CtgState to) {
  // The main line of DOMAIN §4.1, one step at a time.
  static constexpr std::pair<v1::CtgState, v1::CtgState> kForward[] = {
      {v1::CTG_STATE_EN_PREPARATION, v1::CTG_STATE_DIAGNOSTIC_EN_COURS},
      {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE},
      {v1::CTG_STATE_DIAGNOSTIC_PARTAGE, v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION},
      {v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION, v1::CTG_STATE_EN_SIGNATURE},
      {v1::CTG_STATE_EN_SIGNATURE, v1::CTG_STATE_ACTIVE},
      {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_EVALUATION_FINALE},
      {v1::CTG_STATE_EVALUATION_FINALE, v1::CTG_STATE_ECHUE},
      {v1::CTG_STATE_ECHUE, v1::CTG_STATE_RENOUVELEE},
      {v1::CTG_STATE_ACTIVE, v1::CTG_STATE_SUSPENDUE},
      {v1::CTG_STATE_SUSPENDUE, v1::CTG_STATE_ACTIVE},
  };
  for (const auto& [step_from, step_to] : kForward) {
    if (from == step_from && to == step_to) return true;
  }
  // Termination: from any state that has not ended (an ECHUE CTG has already ended).
  if (to == v1::CTG_STATE_RESILIEE) {
    return from != v1::CTG_STATE_UNSPECIFIED && v1::CtgState_IsValid(from) && !IsClosed(from);
  }
  return false;
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const DraftCtg& command,
                                             const Lookups& lookups) {
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat(state.ctg.name(), " already exists"));
  }
  const v1::Ctg& ctg = command.ctg;
  BadRequestBuilder bad;
  AddViolations(bad, ValidateCtgId(command.ctg_id, "ctg_id"), "ctg_id");
  CheckText(bad, "ctg.title", ctg.title(), kMaxTitleChars);
  const std::optional<std::string> caf = CheckOrganisationName(bad, "ctg.caf", ctg.caf());
  const std::optional<std::string> porteur =
      CheckOrganisationName(bad, "ctg.porteur", ctg.porteur());
  CheckPeriod(bad, ctg.has_start_date() ? &ctg.start_date() : nullptr,
              ctg.has_end_date() ? &ctg.end_date() : nullptr, true, true);
  CheckThematiques(bad, ctg.thematiques());
  std::optional<std::string> predecessor;
  if (!ctg.predecessor().empty()) {
    absl::StatusOr<std::string> id = ParseCtgName(ctg.predecessor(), "ctg.predecessor");
    if (id.ok()) {
      predecessor = *std::move(id);
    } else {
      AddViolations(bad, id.status(), "ctg.predecessor");
    }
  }
  RETURN_IF_ERROR(bad.Build());

  RETURN_IF_ERROR(
      CheckOrganisation(lookups, "ctg.caf", ctg.caf(), *caf, {v1::ORGANISATION_TYPE_CAF}));
  RETURN_IF_ERROR(
      CheckOrganisation(lookups, "ctg.porteur", ctg.porteur(), *porteur, kCollectiviteTypes));
  if (predecessor.has_value() && !(lookups.ctg_exists && lookups.ctg_exists(*predecessor))) {
    return RuleViolation("PREDECESSOR_NOT_FOUND",
                         absl::StrCat("the predecessor ", ctg.predecessor(), " does not exist"),
                         {{"field", "ctg.predecessor"}, {"ctg", ctg.predecessor()}});
  }

  v1::CtgDrafted drafted;
  drafted.set_ctg_id(command.ctg_id);
  drafted.set_title(NormaliseText(ctg.title()));
  drafted.set_caf(ctg.caf());
  drafted.set_porteur(ctg.porteur());
  if (ctg.has_start_date()) *drafted.mutable_start_date() = ctg.start_date();
  if (ctg.has_end_date()) *drafted.mutable_end_date() = ctg.end_date();
  *drafted.mutable_thematiques() = ctg.thematiques();
  drafted.set_predecessor(ctg.predecessor());
  v1::CtgSignatoryAdded caf_signs;
  caf_signs.set_organisation(ctg.caf());
  caf_signs.set_role(v1::SIGNATORY_ROLE_CAF);
  v1::CtgSignatoryAdded porteur_signs;
  porteur_signs.set_organisation(ctg.porteur());
  porteur_signs.set_role(v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE);
  return std::vector<CtgEvent>{std::move(drafted), std::move(caf_signs), std::move(porteur_signs)};
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const UpdateCtg& command,
                                             const Lookups& lookups) {
  RETURN_IF_ERROR(CheckOpen(state));
  const v1::Ctg& current = state.ctg;
  const v1::Ctg& wanted = command.ctg;

  BadRequestBuilder bad;
  std::array<bool, std::size(kUpdatablePaths)> named{};
  if (command.paths.empty()) bad.Add("update_mask", "is required: name the fields to change");
  for (const std::string& path : command.paths) {
    bool known = false;
    for (size_t i = 0; i < named.size(); ++i) {
      if (path == "*" || path == kUpdatablePaths[i]) named[i] = known = true;
    }
    if (!known) {
      bad.Add("update_mask",
              absl::StrCat("unknown path ", platform::Quoted(path),
                           ": expected title, start_date, end_date, thematiques or *"));
    }
  }
  const auto [retitle, set_start, set_end, set_thematiques] = named;

  // The period once the update is applied.
  const v1::Ctg& start_source = set_start ? wanted : current;
  const v1::Ctg& end_source = set_end ? wanted : current;
  const google::type::Date* start =
      start_source.has_start_date() ? &start_source.start_date() : nullptr;
  const google::type::Date* end = end_source.has_end_date() ? &end_source.end_date() : nullptr;

  if (retitle) CheckText(bad, "ctg.title", wanted.title(), kMaxTitleChars);
  if (set_start || set_end) CheckPeriod(bad, start, end, set_start, set_end);
  if (set_thematiques) CheckThematiques(bad, wanted.thematiques());
  RETURN_IF_ERROR(bad.Build());

  std::vector<CtgEvent> events;
  if (retitle && NormaliseText(wanted.title()) != current.title()) {
    v1::CtgRetitled retitled;
    retitled.set_title(NormaliseText(wanted.title()));
    events.emplace_back(std::move(retitled));
  }
  if (!SameDateAs(start, current.has_start_date(), current.start_date()) ||
      !SameDateAs(end, current.has_end_date(), current.end_date())) {
    v1::CtgPeriodSet period;
    if (start != nullptr) *period.mutable_start_date() = *start;
    if (end != nullptr) *period.mutable_end_date() = *end;
    events.emplace_back(std::move(period));
  }
  if (set_thematiques && !std::equal(wanted.thematiques().begin(), wanted.thematiques().end(),
                                     current.thematiques().begin(), current.thematiques().end())) {
    v1::CtgThematiquesSet thematiques;
    *thematiques.mutable_thematiques() = wanted.thematiques();
    events.emplace_back(std::move(thematiques));
  }
  return events;
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const AddSignatory& command,
                                             const Lookups& lookups) {
  RETURN_IF_ERROR(CheckOpen(state));
  const v1::Signatory& signatory = command.signatory;
  BadRequestBuilder bad;
  const std::optional<std::string> siren =
      CheckOrganisationName(bad, "signatory.organisation", signatory.organisation());
  switch (signatory.role()) {
    case v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE:
    case v1::SIGNATORY_ROLE_PARTENAIRE_SIGNATAIRE:
      break;
    case v1::SIGNATORY_ROLE_UNSPECIFIED:
      bad.Add("signatory.role", "is required");
      break;
    case v1::SIGNATORY_ROLE_CAF:
    case v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE:
      bad.Add("signatory.role",
              "must be COLLECTIVITE_MEMBRE or PARTENAIRE_SIGNATAIRE: the Caf and the porteur "
              "sign from the CTG's creation");
      break;
    default:
      bad.Add("signatory.role", "is not a known signatory role");
  }
  RETURN_IF_ERROR(bad.Build());

  // EN_PREPARATION..EN_SIGNATURE are the enum's values 1 to 5, in lifecycle order.
  const v1::CtgState ctg_state = state.ctg.state();
  if (ctg_state < v1::CTG_STATE_EN_PREPARATION || ctg_state > v1::CTG_STATE_EN_SIGNATURE) {
    return RuleViolation("CTG_ALREADY_SIGNED",
                         absl::StrCat("signatories are added before the CTG is ACTIVE; it is ",
                                      v1::CtgState_Name(ctg_state)),
                         {{"state", v1::CtgState_Name(ctg_state)}});
  }
  if (FindSignatory(state.ctg, signatory.organisation()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(signatory.organisation(), " already signs ", state.ctg.name()));
  }
  // A partner may be of any type; a member must be a collectivité.
  RETURN_IF_ERROR(CheckOrganisation(lookups, "signatory.organisation", signatory.organisation(),
                                    *siren,
                                    signatory.role() == v1::SIGNATORY_ROLE_COLLECTIVITE_MEMBRE
                                        ? kCollectiviteTypes
                                        : std::initializer_list<v1::OrganisationType>{}));

  v1::CtgSignatoryAdded added;
  added.set_organisation(signatory.organisation());
  added.set_role(signatory.role());
  return std::vector<CtgEvent>{std::move(added)};
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state,
                                             const RecordDeliberation& command,
                                             const Lookups& lookups) {
  RETURN_IF_ERROR(CheckOpen(state));
  const v1::Deliberation& deliberation = command.deliberation;
  BadRequestBuilder bad;
  CheckOrganisationName(bad, "organisation", command.organisation);
  CheckText(bad, "deliberation.instance", deliberation.instance(), kMaxInstanceChars);
  if (!deliberation.has_date()) {
    bad.Add("deliberation.date", "is required");
  } else {
    CheckDate(bad, "deliberation.date", deliberation.date());
  }
  CheckText(bad, "deliberation.number", deliberation.number(), kMaxNumberChars);
  RETURN_IF_ERROR(bad.Build());

  const v1::Signatory* signatory = FindSignatory(state.ctg, command.organisation);
  if (signatory == nullptr) {
    return RuleViolation("NOT_A_SIGNATORY",
                         absl::StrCat(command.organisation, " does not sign ", state.ctg.name()),
                         {{"organisation", command.organisation}});
  }
  if (!IsCollectiviteRole(signatory->role())) {
    return RuleViolation(
        "DELIBERATION_NOT_APPLICABLE",
        absl::StrCat(command.organisation, " signs as ", v1::SignatoryRole_Name(signatory->role()),
                     ": only a collectivité records a deliberation"),
        {{"organisation", command.organisation},
         {"role", v1::SignatoryRole_Name(signatory->role())}});
  }

  v1::CtgDeliberationRecorded recorded;
  recorded.set_organisation(command.organisation);
  v1::Deliberation& normalised = *recorded.mutable_deliberation();
  normalised.set_instance(NormaliseText(deliberation.instance()));
  *normalised.mutable_date() = deliberation.date();
  normalised.set_number(NormaliseText(deliberation.number()));
  if (signatory->has_deliberation() && SameDeliberation(signatory->deliberation(), normalised)) {
    return std::vector<CtgEvent>{};
  }
  return std::vector<CtgEvent>{std::move(recorded)};
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const RecordSignature& command,
                                             const Lookups& lookups) {
  RETURN_IF_ERROR(CheckOpen(state));
  BadRequestBuilder bad;
  CheckOrganisationName(bad, "organisation", command.organisation);
  CheckDate(bad, "signature_date", command.signature_date);
  RETURN_IF_ERROR(bad.Build());

  const v1::Signatory* signatory = FindSignatory(state.ctg, command.organisation);
  if (signatory == nullptr) {
    return RuleViolation("NOT_A_SIGNATORY",
                         absl::StrCat(command.organisation, " does not sign ", state.ctg.name()),
                         {{"organisation", command.organisation}});
  }
  if (signatory->has_signature_date() &&
      SameDate(signatory->signature_date(), command.signature_date)) {
    return std::vector<CtgEvent>{};
  }
  v1::CtgSignatureRecorded recorded;
  recorded.set_organisation(command.organisation);
  *recorded.mutable_signature_date() = command.signature_date;
  return std::vector<CtgEvent>{std::move(recorded)};
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const AssignCdt& command,
                                             const Lookups& lookups) {
  RETURN_IF_ERROR(CheckOpen(state));
  const std::string& cdt = command.cdt;
  if (cdt.empty()) return platform::InvalidField("cdt", "is required");
  if (cdt.size() > kMaxCdtChars) {
    return platform::InvalidField("cdt",
                                  absl::StrCat("must be at most ", kMaxCdtChars, " characters"));
  }
  for (char c : cdt) {
    if (c < 0x21 || c > 0x7E) {
      return platform::InvalidField("cdt",
                                    "must be visible ASCII characters (a token subject), no space");
    }
  }

  const std::string& previous = state.ctg.cdt();
  if (cdt == previous) return std::vector<CtgEvent>{};
  if (!previous.empty() && NormaliseText(command.reason).empty()) {
    return RuleViolation("REASON_REQUIRED", "replacing the CTG's CDT requires a reason",
                         {{"field", "reason"}});
  }
  v1::CtgCdtAssigned assigned;
  assigned.set_cdt(cdt);
  assigned.set_previous_cdt(previous);
  return std::vector<CtgEvent>{std::move(assigned)};
}

absl::StatusOr<std::vector<CtgEvent>> Decide(const CtgState& state, const TransitionCtg& command,
                                             const Lookups& lookups) {
  if (!state.exists) return absl::NotFoundError("CTG not found");
  const v1::CtgState from = state.ctg.state();
  const v1::CtgState to = command.to;
  BadRequestBuilder bad;
  if (to == v1::CTG_STATE_UNSPECIFIED) {
    bad.Add("state", "is required");
  } else if (!v1::CtgState_IsValid(to)) {
    bad.Add("state", absl::StrCat(static_cast<int>(to), " is not a known CTG state"));
  }
  if (CodePoints(command.reason) > kMaxReasonChars) {
    bad.Add("reason", absl::StrCat("must be at most ", kMaxReasonChars, " characters"));
  }
  RETURN_IF_ERROR(bad.Build());

  if (!IsAllowedTransition(from, to)) {
    return RuleViolation("INVALID_TRANSITION",
                         absl::StrCat("a CTG does not go from ", v1::CtgState_Name(from), " to ",
                                      v1::CtgState_Name(to)),
                         {{"from", v1::CtgState_Name(from)}, {"to", v1::CtgState_Name(to)}});
  }
  if ((to == v1::CTG_STATE_SUSPENDUE || to == v1::CTG_STATE_RESILIEE) &&
      NormaliseText(command.reason).empty()) {
    return RuleViolation(
        "REASON_REQUIRED",
        absl::StrCat("moving a CTG to ", v1::CtgState_Name(to), " requires a reason"),
        {{"field", "reason"}, {"to", v1::CtgState_Name(to)}});
  }
  if (from == v1::CTG_STATE_EN_SIGNATURE && to == v1::CTG_STATE_ACTIVE) {
    RETURN_IF_ERROR(CheckReadyToActivate(state.ctg));
  }
  v1::CtgStateChanged changed;
  changed.set_from(from);
  changed.set_to(to);
  return std::vector<CtgEvent>{std::move(changed)};
}

}  // namespace ctg::plans
