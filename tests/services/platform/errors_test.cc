// Error details: quoting clients' values and bounding the violations of one answer.
#include "services/platform/errors.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::platform {
namespace {

using ::testing::HasSubstr;

TEST(QuotedTest, ShortValuesWholeLongOnesAsABoundedPrefix) {
  struct Case {
    std::string value;
    std::string quoted;
  };
  const std::string prefix(kMaxQuotedBytes, 'a');
  // A 2-byte character straddling the cut is left out whole, never split.
  const std::string straddling = std::string(kMaxQuotedBytes - 1, 'a') + "é" + "zz";
  for (const Case& c : {
           Case{"", "''"},
           Case{"abc", "'abc'"},
           Case{prefix, "'" + prefix + "'"},
           Case{prefix + "b", "'" + prefix + "…' (65 bytes)"},
           Case{std::string(1 << 20, 'a'), "'" + prefix + "…' (1048576 bytes)"},
           Case{straddling,
                "'" + std::string(kMaxQuotedBytes - 1, 'a') + "…' (67 bytes)"},
       }) {
    EXPECT_EQ(Quoted(c.value), c.quoted) << c.value.size();
  }
}

TEST(BadRequestBuilderTest, ListsAtMostTheFirstViolationsAndCountsTheRest) {
  BadRequestBuilder builder;
  for (int i = 0; i < 10000; ++i) builder.Add("tags[" + std::to_string(i) + "]", "is bad");
  const absl::Status status = builder.Build();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const auto bad_request = BadRequestOf(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), BadRequestBuilder::kMaxViolations + 1);
  EXPECT_EQ(bad_request->field_violations(0).field(), "tags[0]");
  const auto& last = bad_request->field_violations(BadRequestBuilder::kMaxViolations);
  EXPECT_EQ(last.field(), "(request)");
  EXPECT_THAT(last.description(), HasSubstr("9980 more"));
  EXPECT_LT(status.message().size(), 1024u);
}

TEST(BadRequestBuilderTest, AFewViolationsAreAllListed) {
  BadRequestBuilder builder;
  builder.Add("a", "is required");
  builder.Add("b", "is too long");
  const absl::Status status = builder.Build();
  EXPECT_EQ(status.message(), "a: is required; b: is too long");
  EXPECT_EQ(BadRequestOf(status)->field_violations_size(), 2);
}

}  // namespace
}  // namespace ctg::platform
