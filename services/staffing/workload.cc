#include "services/staffing/workload.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/platform/text.h"
#include "services/platform/errors.h"
#include "services/staffing/fields.h"

namespace ctg::staffing {

std::string FormatEtp(int64_t hundredths) {
  const char* sign = hundredths < 0 ? "-" : "";
  const int64_t magnitude = hundredths < 0 ? -hundredths : hundredths;
  return absl::StrFormat("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
}

Workload WorkloadOf(std::vector<WorkloadAssignment> active) {
  Workload workload;
  // The declarations in the order that makes the latest one win: by start date, stable.
  std::vector<const WorkloadAssignment*> by_start;
  by_start.reserve(active.size());
  for (const WorkloadAssignment& assignment : active) by_start.push_back(&assignment);
  std::stable_sort(by_start.begin(), by_start.end(),
                   [](const WorkloadAssignment* a, const WorkloadAssignment* b) {
                     return Before(a->start_date, b->start_date);
                   });
  std::vector<std::string> keys;  // the normalised label of each of workload.other_activities
  for (const WorkloadAssignment* assignment : by_start) {
    for (const v1::OtherActivity& activity : assignment->other_activities) {
      const std::string key = platform::NormaliseText(activity.label());
      auto known = std::find(keys.begin(), keys.end(), key);
      if (known == keys.end()) {
        keys.push_back(key);
        workload.other_activities.push_back(activity);
      } else {
        workload.other_activities[known - keys.begin()] = activity;
      }
    }
  }
  workload.assignments = std::move(active);
  return workload;
}

int64_t TotalEtp(const Workload& workload) {
  int64_t total = SumActivities(workload.other_activities);
  for (const WorkloadAssignment& assignment : workload.assignments) {
    total += assignment.etp_hundredths;
  }
  return total;
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
