// The /metrics endpoint over a real socket: the log size is read at each scrape, so it is
// never stale, and the call counters appear once calls are recorded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/server/observability.h"

namespace ctg::server {
namespace {

using ::testing::HasSubstr;

// The body of GET /metrics on 127.0.0.1:port (HTTP/1.0, read to the end).
std::string Scrape(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  EXPECT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, n);
  ::close(fd);
  return response;
}

TEST(MetricsTest, LogSizeIsReadAtEachScrapeAndCallsAreCounted) {
  std::atomic<uint64_t> size{7};
  absl::StatusOr<std::unique_ptr<Metrics>> metrics =
      Metrics::Start("127.0.0.1:0", [&size] { return size.load(); });
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const int port = (*metrics)->port();
  ASSERT_GT(port, 0);
  EXPECT_THAT(Scrape(port), HasSubstr("ctg_eventstore_log_size 7"));
  size = 12;
  (*metrics)->CallStarted("/ctg.v1.PlansService/UpdateCtg");
  (*metrics)->CallHandled("/ctg.v1.PlansService/UpdateCtg", "OK", 0.002);
  const std::string body = Scrape(port);
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
  std::string body = Scrape(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_integrity_failures_total 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position -1"));

  failures = 3;
  eventstore::VerifyReport bad;
  bad.first_bad_position = 7;
  bad.problem = "the payload does not match the digest in the entry";
  (*metrics)->LogVerified(bad);
  body = Scrape(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_integrity_failures_total 3"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position 7"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"problem\"} 1"));

  (*metrics)->LogVerified(absl::UnavailableError("disk gone"));  // the last result stands
  (*metrics)->LogVerified(eventstore::VerifyReport());
  body = Scrape(port);
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_problem 0"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_first_bad_position -1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"error\"} 1"));
  EXPECT_THAT(body, HasSubstr("ctg_store_verify_runs_total{result=\"ok\"} 1"));
}

}  // namespace
}  // namespace ctg::server
