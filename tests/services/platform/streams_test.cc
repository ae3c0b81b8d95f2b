// The stream catalog: a stream belongs to at most one category, the category decides what
// reading it needs, and a stream of no category is the log's (kReadLog).
#include "services/platform/streams.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::platform {
namespace {

using ::ctg::testing::StatusIs;

Principal Make(Role role, std::string organisation = "900000002") {
  return Principal{"subject-1", std::move(organisation), {role}};
}

TEST(StreamCatalogTest, RefusesCategoriesThatOverlap) {
  StreamCatalog catalog;
  ASSERT_OK(catalog.Add(PublicStreams("org-", Permission::kReadRegistry)));
  EXPECT_THAT(catalog.Add(PublicStreams("org-x", Permission::kReadRegistry)),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(catalog.Add(PublicStreams("or", Permission::kReadRegistry)),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(catalog.Add(StreamCategory{"", nullptr}),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_OK(catalog.Add(PublicStreams("ctg-", Permission::kReadRegistry)));
}

TEST(StreamCatalogTest, TheCategoryDecidesAndTheRestIsTheLogs) {
  StreamCatalog catalog;
  ASSERT_OK(catalog.Add(PublicStreams("org-", Permission::kReadRegistry)));
  ASSERT_OK(catalog.Add(CtgStreams("ctg-", [](absl::string_view stream) -> std::optional<CtgScope> {
    if (stream != "ctg-own") return std::nullopt;
    return CtgScope{"own", "", {"900000002"}, {}};
  })));
  EXPECT_EQ(catalog.Find("ctg-own")->prefix, "ctg-");
  EXPECT_EQ(catalog.Find("system-1"), nullptr);

  const Principal elu = Make(Role::kElu);
  EXPECT_TRUE(catalog.MayRead(elu, "org-900000003"));  // public
  EXPECT_TRUE(catalog.MayRead(elu, "ctg-own"));        // signed by its collectivité
  EXPECT_FALSE(catalog.MayRead(elu, "ctg-other"));     // does not resolve: Caf-wide only
  EXPECT_FALSE(catalog.MayRead(elu, "system-1"));      // the log's
  EXPECT_TRUE(catalog.MayRead(Make(Role::kCafCommission, "900000001"), "ctg-other"));
  EXPECT_TRUE(catalog.MayRead(Make(Role::kCafCdt, "900000001"), "system-1"));
}

}  // namespace
}  // namespace ctg::platform
