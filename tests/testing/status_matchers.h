// GoogleTest matchers for absl::Status and absl::StatusOr.
//
//   EXPECT_OK(store->Append(...));
//   ASSERT_OK_AND_ASSIGN(auto result, store->Append(...));
//   EXPECT_THAT(store->Append(...), StatusIs(absl::StatusCode::kAborted, HasSubstr("revision")));
#ifndef CTG_TESTS_TESTING_STATUS_MATCHERS_H_
#define CTG_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches an absl::Status or absl::StatusOr whose code equals `code` and whose
// message matches `message_matcher`.
MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = ::ctg::testing::GetStatus(arg);
  if (status.code() != code) {
    *result_listener << "status is " << status;
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

}  // namespace ctg::testing

// Matches an OK absl::Status or an absl::StatusOr holding a value.
namespace ctg::testing {
MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::ctg::testing::GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}
}  // namespace ctg::testing

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::ctg::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::ctg::testing::IsOk())

#define CTG_TESTING_CONCAT_INNER(x, y) x##y
#define CTG_TESTING_CONCAT(x, y) CTG_TESTING_CONCAT_INNER(x, y)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  CTG_ASSERT_OK_AND_ASSIGN_IMPL(CTG_TESTING_CONCAT(ctg_statusor_, __LINE__), lhs, rexpr)
#define CTG_ASSERT_OK_AND_ASSIGN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  ASSERT_TRUE(statusor.ok()) << statusor.status();          \
  lhs = std::move(statusor).value()

#endif  // CTG_TESTS_TESTING_STATUS_MATCHERS_H_
