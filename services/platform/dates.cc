#include "services/platform/dates.h"

#include "absl/strings/str_format.h"

namespace ctg::platform {

std::string DateProblem(const google::type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "is required";
  if (date.year() < 1900 || date.year() > 2100) return "must be a year between 1900 and 2100";
  if (date.month() < 1 || date.month() > 12 || date.day() < 1) {
    return "must be a full date: year, month and day";
  }
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.month() != date.month() || day.day() != date.day()) {
    return absl::StrFormat("%s is not a day of the calendar", FormatDate(date));
  }
  return "";
}

absl::CivilDay ToCivilDay(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

bool SameDate(const google::type::Date& a, const google::type::Date& b) {
  return a.year() == b.year() && a.month() == b.month() && a.day() == b.day();
}

std::string FormatDate(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

}  // namespace ctg::platform
