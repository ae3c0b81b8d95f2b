// The real ctgd on a store altered on disk while it was stopped (through the RocksDB API, as
// `ldb` would): the background verification reports it in health, metrics and logs, and a
// read of an altered index fails with DATA_LOSS naming the position; an altered event stops
// the start-up with an error naming it.
#include <grpcpp/generic/generic_stub.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "eventstore/encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/services/server/ctgd_harness.h"
#include "tests/testing/raw_rocksdb.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

// grpc.health.v1.Health/Check of `service` ("" for the server): the response's status field
// (1 SERVING, 2 NOT_SERVING), or -1 if the call failed.
int HealthStatus(const CtgdProcess& server, const std::string& service) {
  grpc::GenericStub stub(server.Channel());
  grpc::ClientContext context;
  std::string request;  // HealthCheckRequest{service}: field 1, length-delimited
  if (!service.empty()) request = absl::StrCat("\x0a", std::string(1, static_cast<char>(service.size())), service);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  if (!out.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : 0;  // field 1, varint
}

// Scrapes until the metrics hold `needle` (the background verification runs on its own
// thread); the last scrape.
std::string AwaitMetric(const CtgdProcess& server, const std::string& needle) {
  std::string body;
  for (int attempt = 0; attempt < 600; ++attempt) {
    body = ScrapeMetrics(server.metrics_port());
    if (body.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return body;
}

class LogIntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.dir = dir_.path();
    options_.extra_config = "verify_interval_seconds: 3600\n";
    StartServer();
    auto partners = v1::PartnersService::NewStub(server_->Channel());
    const std::pair<const char*, v1::OrganisationType> organisations[] = {
        {kCaf, v1::ORGANISATION_TYPE_CAF},
        {kEpci, v1::ORGANISATION_TYPE_EPCI},
        {kCommune, v1::ORGANISATION_TYPE_COMMUNE}};
    for (const auto& [siren, type] : organisations) {
      v1::CreateOrganisationRequest request;
      request.mutable_organisation()->set_siren(siren);
      request.mutable_organisation()->set_type(type);
      request.mutable_organisation()->set_display_name(absl::StrCat("Organisation ", siren));
      v1::Organisation created;
      grpc::Status status =
          partners->CreateOrganisation(server_->Context(Admin()).get(), request, &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  void StartServer() {
    auto started = CtgdProcess::Start(options_);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  static platform::Principal Admin() { return Person("admin-1", kCaf, platform::Role::kCafAdmin); }

  TempDir dir_;
  CtgdOptions options_;
  std::unique_ptr<CtgdProcess> server_;
};

TEST_F(LogIntegrityTest, AStrayTagIndexEntryIsReportedInHealthMetricsAndLogs) {
  EXPECT_THAT(AwaitMetric(*server_, "ctg_store_verify_runs_total{result=\"ok\"} 1"),
              HasSubstr("ctg_store_verify_problem 0"));
  EXPECT_EQ(HealthStatus(*server_, ""), 1);
  EXPECT_EQ(HealthStatus(*server_, "ctgd.LogIntegrity"), 1);
  ASSERT_EQ(server_->Stop(SIGTERM), 0);

  // List an event under a tag it does not carry: the first tag that some event lacks.
  std::string tag;
  uint64_t stray = 0;
  {
    RawRocksDb log(server_->data_dir() + "/log");
    uint64_t size = 0;
    std::unique_ptr<rocksdb::Iterator> entries(
        log.db().NewIterator(rocksdb::ReadOptions(), log.Family("entries")));
    for (entries->SeekToFirst(); entries->Valid(); entries->Next()) ++size;
    std::map<std::string, std::set<uint64_t>> tagged;  // tag -> its positions
    std::unique_ptr<rocksdb::Iterator> it(
        log.db().NewIterator(rocksdb::ReadOptions(), log.Family("tags")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      tagged[key.substr(0, key.size() - 9)].insert(eventstore::GetBigEndian64(key, key.size() - 8));
    }
    for (const auto& [name, positions] : tagged) {
      if (positions.size() == size) continue;
      tag = name;
      while (positions.count(stray) != 0) ++stray;
      break;
    }
    ASSERT_FALSE(tag.empty()) << "every tag is on every event";
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(log.db().Put(sync, log.Family("tags"), eventstore::NamedKey(tag, stray), "").ok());
  }
  StartServer();  // nothing the start-up reads was changed

  const std::string metrics =
      AwaitMetric(*server_, "ctg_store_verify_runs_total{result=\"problem\"} 1");
  EXPECT_THAT(metrics, HasSubstr("ctg_store_verify_problem 1"));
  EXPECT_THAT(metrics, HasSubstr(absl::StrCat("ctg_store_verify_first_bad_position ", stray)));
  EXPECT_EQ(HealthStatus(*server_, ""), 2);
  EXPECT_EQ(HealthStatus(*server_, "ctgd.LogIntegrity"), 2);

  auto audit = v1::AuditService::NewStub(server_->Channel());
  v1::ListEventsRequest list;
  list.set_tag(tag);
  v1::ListEventsResponse events;
  grpc::Status status = audit->ListEvents(server_->Context(Admin()).get(), list, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat("position ", stray)));
  EXPECT_THAT(ScrapeMetrics(server_->metrics_port()), HasSubstr("ctg_store_integrity_failures_total 1"));

  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_THAT(server_->Logs(), HasSubstr("log verification found a problem"));
  EXPECT_THAT(server_->Logs(), HasSubstr(absl::StrCat("\"first_bad_position\":\"", stray, "\"")));
  CommandResult verify = RunCtgd({"verify", "--config=" + server_->config_path()});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.output, HasSubstr(absl::StrCat("first bad position ", stray)));
}

TEST_F(LogIntegrityTest, AnAlteredPayloadStopsTheStartUpWithItsPosition) {
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  {
    RawRocksDb log(server_->data_dir() + "/log");
    std::string body;
    ASSERT_TRUE(log.db().Get(rocksdb::ReadOptions(), log.Family("payloads"),
                             eventstore::PositionKey(1), &body).ok());
    body.back() ^= 0x01;
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(log.db().Put(sync, log.Family("payloads"), eventstore::PositionKey(1), body).ok());
  }
  auto refused = CtgdProcess::Start(options_);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("the event at position 1 does not match the log's tree: its payload "
                        "differs from the digest in its entry"));
}

}  // namespace
}  // namespace ctg::testing
