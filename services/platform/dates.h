// Calendar dates (google.type.Date) as the domain accepts them: full dates of the years 1900
// to 2100. Shared by the deciders (plans, staffing).
#ifndef CTG_SERVICES_PLATFORM_DATES_H_
#define CTG_SERVICES_PLATFORM_DATES_H_

#include <string>

#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"

namespace ctg::platform {

// Empty if `date` is a full calendar date (year 1900 to 2100, month and day that exist);
// else what is wrong, for a BadRequest field violation.
std::string DateProblem(const google::type::Date& date);

// `date` as a civil day. Meaningful only for a date without DateProblem.
absl::CivilDay ToCivilDay(const google::type::Date& date);

// Whether `a` and `b` are the same year, month and day.
bool SameDate(const google::type::Date& a, const google::type::Date& b);

// `date` in ISO 8601 (YYYY-MM-DD), for messages.
std::string FormatDate(const google::type::Date& date);

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_DATES_H_
