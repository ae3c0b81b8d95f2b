// How the staffing context's enums print in test names and failure messages (GoogleTest finds
// PrintTo next to the type), instead of as raw bytes.
#ifndef CTG_TESTS_SERVICES_STAFFING_STAFFING_PRINT_H_
#define CTG_TESTS_SERVICES_STAFFING_STAFFING_PRINT_H_

#include <ostream>

#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"

namespace ctg::staffing {

// The milestone as the event that records it ("ctg.v1.RecruitmentOpened").
inline void PrintTo(Milestone milestone, std::ostream* out) { *out << EventOf(milestone); }

inline void PrintTo(ChangeStatus status, std::ostream* out) {
  switch (status) {
    case ChangeStatus::kProposed:
      *out << "PROPOSED";
      return;
    case ChangeStatus::kApplied:
      *out << "APPLIED";
      return;
    case ChangeStatus::kWithdrawn:
      *out << "WITHDRAWN";
      return;
  }
}

}  // namespace ctg::staffing

#endif  // CTG_TESTS_SERVICES_STAFFING_STAFFING_PRINT_H_
