#include "services/staffing/workload.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/platform/errors.h"

namespace ctg::staffing {

std::string FormatEtp(int64_t hundredths) {
  const char* sign = hundredths < 0 ? "-" : "";
  const int64_t magnitude = hundredths < 0 ? -hundredths : hundredths;
  return absl::StrFormat("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
}

int64_t SumActivities(const std::vector<v1::OtherActivity>& activities) {
  int64_t sum = 0;
  for (const v1::OtherActivity& activity : activities) sum += activity.etp_hundredths();
  return sum;
}

absl::Status EtpExceeded(absl::string_view rule, absl::string_view person, int64_t total) {
  return platform::RuleViolation("ETP_EXCEEDED",
                                 absl::StrCat(rule, ": ", person, " would work ", FormatEtp(total),
                                              " ETP, above ", FormatEtp(kFullTimeEtp), " ETP"),
                                 {{"person", std::string(person)},
                                  {"total", FormatEtp(total)},
                                  {"limit", FormatEtp(kFullTimeEtp)},
                                  {"rule", std::string(rule)}});
}

}  // namespace ctg::staffing
