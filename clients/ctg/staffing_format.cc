#include "clients/ctg/staffing_format.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "clients/ctg/format.h"

namespace ctg::cli {
namespace {

std::string Kind(ctg::v1::ChangeKind kind) {
  return EnumShortName(ctg::v1::ChangeKind_descriptor(), kind);
}

std::string AssignmentSummary(const ctg::v1::Assignment& assignment) {
  std::vector<std::string> about;
  std::string type = EnumShortName(ctg::v1::AssignmentType_descriptor(), assignment.type());
  if (!type.empty()) about.push_back(type);
  if (assignment.etp_hundredths() > 0)
    about.push_back(absl::StrCat(FormatEtp(assignment.etp_hundredths()), " ETP"));
  if (std::string from = FormatDate(assignment.start_date()); !from.empty())
    about.push_back(absl::StrCat("from ", from));
  if (std::string to = FormatDate(assignment.end_date()); !to.empty())
    about.push_back(absl::StrCat("until ", to));
  if (!assignment.recruitment().empty()) about.push_back(assignment.recruitment());
  if (!assignment.replacement().empty()) about.push_back(assignment.replacement());
  std::string out = absl::StrCat("assign ", assignment.person());
  if (!assignment.assignment_id().empty())
    absl::StrAppend(&out, " as ", assignment.assignment_id());
  if (!about.empty()) absl::StrAppend(&out, " (", absl::StrJoin(about, ", "), ")");
  return out;
}

// A non-negative decimal with at most two decimals (a point or a comma), in hundredths;
// spaces (also U+00A0 and U+202F, as FormatCents' groups may be pasted) are ignored.
bool ParseHundredths(absl::string_view text, int64_t* hundredths) {
  std::string number;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') continue;
    if (text.substr(i, 2) == "\xC2\xA0") {
      ++i;
      continue;
    }
    if (text.substr(i, 3) == "\xE2\x80\xAF") {
      i += 2;
      continue;
    }
    number.push_back(text[i] == ',' ? '.' : text[i]);
  }
  const size_t point = number.find('.');
  const std::string whole = number.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : number.substr(point + 1);
  if (whole.empty() || fraction.size() > 2 || whole.size() > 15) return false;
  if (point != std::string::npos && fraction.empty()) return false;
  for (char c : whole + fraction) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  fraction.resize(2, '0');
  int64_t units = 0, cents = 0;
  if (!absl::SimpleAtoi(whole, &units) || !absl::SimpleAtoi(fraction, &cents)) return false;
  *hundredths = units * 100 + cents;
  return true;
}

}  // namespace

absl::StatusOr<int64_t> ParseCents(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  if (absl::ConsumeSuffix(&t, "\xE2\x82\xAC")) t = absl::StripTrailingAsciiWhitespace(t);
  int64_t cents = 0;
  if (!ParseHundredths(t, &cents)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not an amount in euros: expected e.g. 21000, 21 000 or 21000,50"));
  }
  return cents;
}

absl::StatusOr<int32_t> ParseRate(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  if (absl::ConsumeSuffix(&t, "%")) t = absl::StripTrailingAsciiWhitespace(t);
  int64_t basis_points = 0;
  if (!ParseHundredths(t, &basis_points) || basis_points > 10000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a rate: expected a percentage from 0 to 100, e.g. 60 or 37,5%"));
  }
  return static_cast<int32_t>(basis_points);
}

std::string FormatEtp(int32_t hundredths) {
  const char* sign = hundredths < 0 ? "-" : "";
  const int32_t magnitude = std::abs(hundredths);
  return absl::StrFormat("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
}

absl::StatusOr<int32_t> ParseEtp(absl::string_view text) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not an ETP: expected a number from 0.01 to 1, e.g. 1, 0.8 or 80%"));
  };
  absl::string_view t = absl::StripAsciiWhitespace(text);
  int32_t hundredths = 0;
  if (absl::ConsumeSuffix(&t, "%")) {
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(t), &hundredths)) return invalid();
  } else {
    std::string number(t);
    for (char& c : number) {
      if (c == ',') c = '.';
    }
    const size_t point = number.find('.');
    const std::string whole = number.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : number.substr(point + 1);
    if (whole.empty() && fraction.empty()) return invalid();
    if (fraction.size() > 2) return invalid();
    for (char c : whole + fraction) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return invalid();
    }
    fraction.resize(2, '0');
    int32_t units = 0, cents = 0;
    if ((!whole.empty() && !absl::SimpleAtoi(whole, &units)) ||
        !absl::SimpleAtoi(fraction, &cents) || units > 1) {
      return invalid();
    }
    hundredths = units * 100 + cents;
  }
  if (hundredths < 1 || hundredths > 100) return invalid();
  return hundredths;
}

std::string FormatCents(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::string euros = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped.push_back(' ');
    grouped.push_back(euros[i]);
  }
  return absl::StrFormat("%s%s.%02d \xE2\x82\xAC", negative ? "-" : "", grouped,
                         static_cast<int>(magnitude % 100));
}

absl::StatusOr<google::type::Date> ParseDateFlag(absl::string_view text) {
  absl::CivilDay day;
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  // ParseCivilTime normalises 2026-02-30 to March: insist that the day printed back is the one
  // typed.
  if (t.size() != 10 || !absl::ParseCivilTime(t, &day) || absl::FormatCivilTime(day) != t) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a day: expected YYYY-MM-DD, e.g. 2026-06-01"));
  }
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string StepText(ctg::v1::RecruitmentStep step) {
  if (step == ctg::v1::RECRUITMENT_STEP_UNSPECIFIED) return "";
  const std::string name = EnumShortName(ctg::v1::RecruitmentStep_descriptor(), step);
  return absl::StrCat("R", static_cast<int>(step) - 1, " ", name);
}

absl::StatusOr<ctg::v1::RecruitmentStep> ParseStep(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  int code = -1;
  if ((absl::ConsumePrefix(&t, "R") || absl::ConsumePrefix(&t, "r")) &&
      absl::SimpleAtoi(t, &code) && code >= 0 && ctg::v1::RecruitmentStep_IsValid(code + 1)) {
    return static_cast<ctg::v1::RecruitmentStep>(code + 1);
  }
  absl::StatusOr<int> value = ParseEnumShortName(ctg::v1::RecruitmentStep_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<ctg::v1::RecruitmentStep>(*value);
}

std::string ThematiquesText(const google::protobuf::RepeatedField<int>& thematiques) {
  std::vector<std::string> names;
  for (int thematique : thematiques) {
    names.push_back(EnumShortName(ctg::v1::Thematique_descriptor(), thematique));
  }
  return absl::StrJoin(names, ", ");
}

std::string MissionsText(const google::protobuf::RepeatedPtrField<ctg::v1::Mission>& missions) {
  std::vector<std::string> names;
  for (const ctg::v1::Mission& mission : missions) {
    std::string name = EnumShortName(ctg::v1::MissionArea_descriptor(), mission.area());
    if (!mission.label().empty()) absl::StrAppend(&name, " (", mission.label(), ")");
    names.push_back(std::move(name));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<ctg::v1::Mission> ParseMission(absl::string_view text) {
  absl::string_view area = text, label;
  if (size_t colon = text.find(':'); colon != absl::string_view::npos) {
    area = text.substr(0, colon);
    label = absl::StripAsciiWhitespace(text.substr(colon + 1));
  }
  absl::StatusOr<int> value = ParseEnumShortName(ctg::v1::MissionArea_descriptor(), area);
  if (!value.ok()) return value.status();
  if (*value == ctg::v1::MISSION_AREA_LOCALE && label.empty()) {
    return absl::InvalidArgumentError(
        "a local mission needs its label: locale:\"Accompagnement du SPPE\"");
  }
  ctg::v1::Mission mission;
  mission.set_area(static_cast<ctg::v1::MissionArea>(*value));
  mission.set_label(std::string(label));
  return mission;
}

std::string ProposalSummary(const ctg::v1::ChangeProposed& change) {
  std::vector<std::string> parts;
  switch (change.proposal_case()) {
    case ctg::v1::ChangeProposed::kPersonnel:
      for (const ctg::v1::Assignment& assignment : change.personnel().assign()) {
        parts.push_back(AssignmentSummary(assignment));
      }
      for (const ctg::v1::AssignmentClosure& end : change.personnel().end()) {
        parts.push_back(
            absl::StrCat("end ", end.assignment_id(), " on ", FormatDate(end.end_date())));
      }
      break;
    case ctg::v1::ChangeProposed::kOrganisation:
      if (change.organisation().has_etp_hundredths()) {
        parts.push_back(
            absl::StrCat("ETP \xE2\x86\x92 ", FormatEtp(change.organisation().etp_hundredths())));
      }
      if (change.organisation().has_rattachement()) {
        parts.push_back(
            absl::StrCat("rattachement \xE2\x86\x92 ", change.organisation().rattachement()));
      }
      break;
    case ctg::v1::ChangeProposed::kMissions:
      parts.push_back(
          absl::StrCat("missions \xE2\x86\x92 ", MissionsText(change.missions().missions())));
      break;
    case ctg::v1::ChangeProposed::kThematiques:
      parts.push_back(absl::StrCat("th\xC3\xA9matiques \xE2\x86\x92 ",
                                   ThematiquesText(change.thematiques().thematiques())));
      break;
    case ctg::v1::ChangeProposed::PROPOSAL_NOT_SET:
      break;
  }
  if (parts.empty()) return absl::StrCat(Kind(change.kind()), " change");
  return absl::StrJoin(parts, "; ");
}

std::string ExchangeSummary(const ctg::v1::CdtExchangeRecorded& exchange) {
  std::vector<std::string> parts;
  if (std::string date = FormatDate(exchange.date()); !date.empty()) parts.push_back(date);
  if (std::string form = EnumShortName(ctg::v1::ExchangeForm_descriptor(), exchange.form());
      !form.empty()) {
    parts.push_back(form);
  }
  if (!exchange.cdt().empty()) parts.push_back(absl::StrCat("with ", exchange.cdt()));
  return absl::StrJoin(parts, " ");
}

std::string CdtTaskDetail(const ctg::v1::CdtTask& task) {
  switch (task.kind()) {
    case ctg::v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION:
      return task.fiche_version() > 0 ? absl::StrCat("fiche v", task.fiche_version()) : "";
    case ctg::v1::CDT_TASK_KIND_CANDIDATE_OPINION:
      return task.person().empty() ? "" : absl::StrCat("candidate ", task.person());
    case ctg::v1::CDT_TASK_KIND_REPLACEMENT_VALIDATION:
      return task.person().empty() ? "" : absl::StrCat("remplaçant ", task.person());
    case ctg::v1::CDT_TASK_KIND_CDT_EXCHANGE:
      return task.change_kind() == ctg::v1::CHANGE_KIND_UNSPECIFIED
                 ? ""
                 : absl::StrCat(Kind(task.change_kind()), " change");
    default:
      return "";
  }
}

}  // namespace ctg::cli
