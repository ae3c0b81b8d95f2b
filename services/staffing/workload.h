// A person's working time, in hundredths of an ETP (integers: 100 = 1.0 ETP, full time; 80 =
// 0.8 ETP), so that the time rules compare exact sums and never floating point.
// The limit of 1.0 ETP is "temps plein" itself, not a setting.
#ifndef CTG_SERVICES_STAFFING_WORKLOAD_H_
#define CTG_SERVICES_STAFFING_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ctg/v1/staffing_events.pb.h"
#include "google/type/date.pb.h"

namespace ctg::staffing {

namespace v1 = ::ctg::v1;

// Full time: 1.00 ETP.
inline constexpr int32_t kFullTimeEtp = 100;

// One active assignment of a person on a post.
struct WorkloadAssignment {
  // The post's id (the last part of `posts/{post}`).
  std::string post_id;
  // The assignment's id within that post.
  std::string assignment_id;
  // The person's time on that post.
  int32_t etp_hundredths = 0;
  // Its first day, and the other activities declared with it.
  google::type::Date start_date;
  std::vector<v1::OtherActivity> other_activities;
};

// What a person currently works: every assignment on a post that has not ended (any post, of
// any CTG) and the person's other activities (WorkloadOf).
struct Workload {
  std::vector<WorkloadAssignment> assignments;
  std::vector<v1::OtherActivity> other_activities;
};

// The workload of a person whose active assignments are `active`, in the order they were
// recorded. The other activities are the person's, whichever assignment declared them: one per
// activity (labels compared after platform::NormaliseText), its time as the latest declaration
// gives it (the assignment that starts last; of two that start the same day, the one recorded
// last). An assignment that declares nothing leaves the others' activities in place.
Workload WorkloadOf(std::vector<WorkloadAssignment> active);

// Everything `workload` adds up to: its assignments' and its other activities' time.
int64_t TotalEtp(const Workload& workload);

// `hundredths` as a decimal ETP with two decimals: 100 → "1.00", 101 → "1.01", 5 → "0.05".
std::string FormatEtp(int64_t hundredths);

// The sum of the other activities' ETPs.
int64_t SumActivities(const std::vector<v1::OtherActivity>& activities);

// FAILED_PRECONDITION with reason ETP_EXCEEDED: `person`'s total (`total`, in hundredths) is
// above 1.0 ETP. Metadata: person, total and limit (decimal ETPs, e.g. "1.01" and "1.00") and
// rule (`rule`, "R-5" or "R-13").
absl::Status EtpExceeded(absl::string_view rule, absl::string_view person, int64_t total);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_WORKLOAD_H_
