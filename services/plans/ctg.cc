// Names, Evolve, Warnings, Tags and the event codec of the CTG aggregate. The Decide
// overloads are in ctg_rules.cc.
#include "services/plans/ctg.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/partners/organisation.h"
#include "services/platform/dates.h"
#include "services/platform/errors.h"
#include "services/platform/event_variant.h"
#include "services/platform/time_proto.h"

namespace ctg::plans {

using platform::DateProblem;
using platform::FormatDate;
using platform::SameDate;
using platform::ToCivilDay;
namespace {

v1::Signatory* FindSignatory(v1::Ctg& ctg, absl::string_view organisation) {
  for (v1::Signatory& signatory : *ctg.mutable_signatories()) {
    if (signatory.organisation() == organisation) return &signatory;
  }
  return nullptr;
}

v1::RuleWarning Warning(absl::string_view rule, absl::string_view reason,
                        absl::string_view message) {
  v1::RuleWarning warning;
  warning.set_rule(std::string(rule));
  warning.set_reason(std::string(reason));
  warning.set_message(std::string(message));
  return warning;
}

// The same day `years` later (29 February becomes 1 March in a common year).
absl::CivilDay AddYears(absl::CivilDay day, int years) {
  return absl::CivilDay(day.year() + years, day.month(), day.day());
}

}  // namespace

std::string CtgStream(absl::string_view ctg_id) { return absl::StrCat(kStreamPrefix, ctg_id); }

std::string CtgName(absl::string_view ctg_id) { return absl::StrCat(kNamePrefix, ctg_id); }

absl::StatusOr<std::string> ParseCtgName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return platform::InvalidField(field, "is required");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kNamePrefix)) {
    return platform::InvalidField(field, "must be a CTG name, ctgs/{ctg}");
  }
  RETURN_IF_ERROR(ValidateCtgId(id, field));
  return std::string(id);
}

absl::Status ValidateCtgId(absl::string_view id, absl::string_view field) {
  constexpr absl::string_view kForm =
      "must be 3 to 63 characters: lower-case letters, digits and hyphens, starting with a "
      "letter and not ending with a hyphen";
  if (id.empty()) return platform::InvalidField(field, "is required");
  if (id.size() < 3 || id.size() > 63 || !absl::ascii_islower(static_cast<unsigned char>(id[0])) ||
      id.back() == '-') {
    return platform::InvalidField(field, kForm);
  }
  for (char c : id) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return platform::InvalidField(field, kForm);
    }
  }
  return absl::OkStatus();
}

void Evolve(CtgState& state, const CtgEvent& event, absl::Time time) {
  v1::Ctg& ctg = state.ctg;
  if (const auto* drafted = std::get_if<v1::CtgDrafted>(&event)) {
    state.exists = true;
    ctg.Clear();
    ctg.set_name(CtgName(drafted->ctg_id()));
    ctg.set_title(drafted->title());
    ctg.set_caf(drafted->caf());
    ctg.set_porteur(drafted->porteur());
    if (drafted->has_start_date()) *ctg.mutable_start_date() = drafted->start_date();
    if (drafted->has_end_date()) *ctg.mutable_end_date() = drafted->end_date();
    *ctg.mutable_thematiques() = drafted->thematiques();
    ctg.set_predecessor(drafted->predecessor());
    ctg.set_state(v1::CTG_STATE_EN_PREPARATION);
    *ctg.mutable_create_time() = platform::ToTimestamp(time);
  } else if (const auto* retitled = std::get_if<v1::CtgRetitled>(&event)) {
    ctg.set_title(retitled->title());
  } else if (const auto* period = std::get_if<v1::CtgPeriodSet>(&event)) {
    if (period->has_start_date()) {
      *ctg.mutable_start_date() = period->start_date();
    } else {
      ctg.clear_start_date();
    }
    if (period->has_end_date()) {
      *ctg.mutable_end_date() = period->end_date();
    } else {
      ctg.clear_end_date();
    }
  } else if (const auto* thematiques = std::get_if<v1::CtgThematiquesSet>(&event)) {
    *ctg.mutable_thematiques() = thematiques->thematiques();
  } else if (const auto* added = std::get_if<v1::CtgSignatoryAdded>(&event)) {
    v1::Signatory* signatory = ctg.add_signatories();
    signatory->set_organisation(added->organisation());
    signatory->set_role(added->role());
  } else if (const auto* deliberation = std::get_if<v1::CtgDeliberationRecorded>(&event)) {
    if (v1::Signatory* signatory = FindSignatory(ctg, deliberation->organisation())) {
      *signatory->mutable_deliberation() = deliberation->deliberation();
    }
  } else if (const auto* signature = std::get_if<v1::CtgSignatureRecorded>(&event)) {
    if (v1::Signatory* signatory = FindSignatory(ctg, signature->organisation())) {
      *signatory->mutable_signature_date() = signature->signature_date();
    }
  } else if (const auto* assigned = std::get_if<v1::CtgCdtAssigned>(&event)) {
    ctg.set_cdt(assigned->cdt());
  } else if (const auto* changed = std::get_if<v1::CtgStateChanged>(&event)) {
    ctg.set_state(changed->to());
  }
  *ctg.mutable_update_time() = platform::ToTimestamp(time);
  ctg.clear_warnings();
  for (v1::RuleWarning& warning : Warnings(ctg)) *ctg.add_warnings() = std::move(warning);
}

std::vector<v1::RuleWarning> Warnings(const v1::Ctg& ctg) {
  std::vector<v1::RuleWarning> warnings;

  // petite enfance, (enfance-)jeunesse and parentalité, plus at least one other.
  auto covers = [&ctg](v1::Thematique thematique) {
    return std::find(ctg.thematiques().begin(), ctg.thematiques().end(), thematique) !=
           ctg.thematiques().end();
  };
  const bool other = std::any_of(ctg.thematiques().begin(), ctg.thematiques().end(), [](int t) {
    return t != v1::THEMATIQUE_PETITE_ENFANCE && t != v1::THEMATIQUE_ENFANCE &&
           t != v1::THEMATIQUE_JEUNESSE && t != v1::THEMATIQUE_PARENTALITE;
  });
  if (!covers(v1::THEMATIQUE_PETITE_ENFANCE) ||
      !(covers(v1::THEMATIQUE_ENFANCE) || covers(v1::THEMATIQUE_JEUNESSE)) ||
      !covers(v1::THEMATIQUE_PARENTALITE) || !other) {
    warnings.push_back(Warning(
        "R-7", "THEMATIC_MINIMUM",
        "La CTG devrait couvrir la petite enfance, l'enfance ou la jeunesse, la parentalité et "
        "au moins une autre thématique."));
  }

  // a period of 4 to 5 years.
  if (!ctg.has_start_date() || !ctg.has_end_date()) {
    warnings.push_back(Warning("R-8", "PERIOD_MISSING",
                               "La période de la CTG (date de début et date de fin) n'est pas "
                               "renseignée ; une durée de 4 à 5 ans est attendue."));
  } else if (DateProblem(ctg.start_date()).empty() && DateProblem(ctg.end_date()).empty()) {
    const absl::CivilDay start = ToCivilDay(ctg.start_date());
    const absl::CivilDay end = ToCivilDay(ctg.end_date());
    if (end < AddYears(start, 4) - 1 || end > AddYears(start, 5) - 1) {
      warnings.push_back(Warning(
          "R-8", "DURATION",
          absl::StrCat("La CTG va du ", FormatDate(ctg.start_date()), " au ",
                       FormatDate(ctg.end_date()), " ; une durée de 4 à 5 ans est attendue.")));
    }
  }
  return warnings;
}

std::vector<std::string> Tags(const CtgState& after, const CtgEvent& event) {
  absl::string_view id = after.ctg.name();
  absl::ConsumePrefix(&id, kNamePrefix);
  std::vector<std::string> tags = {absl::StrCat("ctg:", id)};
  for (const v1::Signatory& signatory : after.ctg.signatories()) {
    absl::string_view siren = signatory.organisation();
    absl::ConsumePrefix(&siren, partners::kNamePrefix);
    tags.push_back(absl::StrCat("org:", siren));
  }
  if (const auto* assigned = std::get_if<v1::CtgCdtAssigned>(&event)) {
    tags.push_back(absl::StrCat("subject:", assigned->cdt()));
    if (!assigned->previous_cdt().empty()) {
      tags.push_back(absl::StrCat("subject:", assigned->previous_cdt()));
    }
  }
  return tags;
}

const google::protobuf::Message& AsMessage(const CtgEvent& event) {
  return platform::EventMessage(event);
}

absl::StatusOr<CtgEvent> ParseCtgEvent(absl::string_view type, absl::string_view payload) {
  return platform::ParseEventVariant<CtgEvent>(type, payload, "a CTG's");
}

}  // namespace ctg::plans
