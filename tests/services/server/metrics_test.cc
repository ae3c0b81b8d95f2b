// The /metrics endpoint over a real socket: the log size is read at each scrape, so it is
// never stale, and the call counters appear once calls are recorded.
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/server/observability.h"
#include "tests/services/server/ctgd_harness.h"

namespace ctg::server {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, LogSizeIsReadAtEachScrapeAndCallsAreCounted) {
  std::atomic<uint64_t> size{7};
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Start("127.0.0.1:0", [&size] { return size.load(); });
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const int port = (*metrics)->port();
  ASSERT_GT(port, 0);
  EXPECT_THAT(::ctg::testing::ScrapeMetrics(port), HasSubstr("ctg_eventstore_log_size 7"));
  size = 12;
  (*metrics)->CallStarted("/ctg.v1.PlansService/UpdateCtg");
  (*metrics)->CallHandled("/ctg.v1.PlansService/UpdateCtg", "OK", 0.002);
  const std::string body = ::ctg::testing::ScrapeMetrics(port);
  EXPECT_THAT(body, HasSubstr("ctg_eventstore_log_size 12"));
  EXPECT_THAT(body,
              HasSubstr("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"UpdateCtg\","
                        "grpc_service=\"ctg.v1.PlansService\"} 1"));
}

TEST(MetricsTest, IntegrityFailuresAndLogVerificationsAreExported) {
  std::atomic<uint64_t> failures{0};
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Start(
      "127.0.0.1:0", [] { return uint64_t{20}; }, [&failures] { return failures.load(); });
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const int port = (*metrics)->port();
  std::string body = ::ctg::testing::ScrapeMetrics(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_integrity_failures_total 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position -1"));

  failures = 3;
  eventstore::VerifyReport bad;
  bad.first_bad_position = 7;
  bad.problem = "the payload does not match the digest in the entry";
  (*metrics)->LogVerified(bad);
  body = ::ctg::testing::ScrapeMetrics(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_integrity_failures_total 3"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position 7"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"problem\"} 1"));

  (*metrics)->LogVerified(absl::UnavailableError("disk gone"));  // the last result stands
  (*metrics)->LogVerified(eventstore::VerifyReport());
  body = ::ctg::testing::ScrapeMetrics(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position -1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"error\"} 1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"ok\"} 1"));
}

}  // namespace
}  // namespace ctg::server
