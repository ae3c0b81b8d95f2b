// ctgd_bench: ctgd end to end, in-process: the real server (Ctgd::Start) with a production
// configuration (TLS with certificates made by deploy/make_dev_certs.sh, bearer JWTs checked
// against a public key file, durable store, metrics off) on 127.0.0.1:0, driven by gRPC
// clients over loopback. Prints one JSON object per measurement on stdout; progress goes to
// stderr, and ctgd's own JSON logs (one line per call) to {work dir}/ctgd.log.
//
//   ctgd_bench [--quick] [--duration_s=S] [--store_dir=DIR] [--events=N] [--only=NAME]
//
// Measurements:
//   command_e2e       PlansService.UpdateCtg of the title as caf_admin, blocking unary calls,
//                     at 1, 16 and 64 clients. Each client is a thread with its own channel
//                     (own TLS connection) and works on a CTG of its own (no write conflict);
//                     every call changes the title, so it appends exactly one CtgRetitled,
//                     durably (fsync, group commit). A call counts as an error unless it is
//                     OK, returns the new title and an etag one revision later.
//   audit_store_build building the audit fixture: N events (default 1,000,000) written with the
//                     EventStore API (Options::sync = false, AppendAsync of up to 100 events,
//                     32 in flight): real ctg.v1 events (a CtgDrafted per stream, then
//                     CtgRetitled) with stamped metadata in 1000 streams ctg-bench-{0..999}
//                     tagged ctg:bench-{i}, plus the stream ctg-bench-needle whose 100 events
//                     (tag ctg:bench-needle) are spread evenly along the log. Reused from
//                     --store_dir when that directory already holds it.
//   ctgd_start        Ctgd::Start on that store: open, fold the log into the read models, serve
//                     (field store: just_built or reused).
//   audit_tag_query   AuditService.ListEvents(tag = "ctg:bench-needle", page_size = 100) as
//                     caf_admin at 1 and 16 clients; a response must hold the 100 events.
//   Both audit rows are measured twice in the same run: read_check "on" (the default: every
//   event read is checked against the log's tree) then "off" (skip_read_verification).
//   Background verification is off throughout (verify_interval_seconds: -1).
//
// Latencies are per call as the client sees it (µs); ops_per_s counts the calls completed
// within the measured window, after a warm-up. Clients and server share the machine's cores.
#include <fcntl.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctg/server/v1/config.pb.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/partners_events.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/plans_events.pb.h"
#include "eventstore/event_store.h"
#include "services/platform/command.h"
#include "services/platform/jwt.h"
#include "services/platform/principal.h"
#include "services/server/server.h"

ABSL_FLAG(bool, quick, false,
          "smaller and shorter: 100,000 events in the audit store, 2 s per measurement");
ABSL_FLAG(double, duration_s, 0, "seconds per measurement, after a warm-up (default 5; --quick: 2)");
ABSL_FLAG(std::string, store_dir, "",
          "directory of the audit store: reused if it already holds the fixture with at least "
          "--events events, built there if absent or empty (default: under the work directory, "
          "removed at the end)");
ABSL_FLAG(int64_t, events, 0, "events in the audit store (default 1000000; --quick: 100000)");
ABSL_FLAG(std::string, only, "", "run only command_e2e or audit_tag_query");

namespace ctg::bench {
namespace {

using Clock = std::chrono::steady_clock;
using ctg::server::Ctgd;
using ctg::server::v1::ServerConfig;

constexpr char kIssuer[] = "https://idp.bench.example";
constexpr char kAudience[] = "ctg-platform";
constexpr char kKeyId[] = "bench-key";
constexpr char kOrigin[] = "ctg.bench.example/log";
// Fictional organisations (valid SIRENs, as in the integration tests).
constexpr char kCaf[] = "779000017";
constexpr char kEpci[] = "249900028";
constexpr char kNeedleCtg[] = "bench-needle";
constexpr char kNeedleTag[] = "ctg:bench-needle";
constexpr int kNeedleEvents = 100;
constexpr int kFixtureCtgs = 1000;
constexpr size_t kEventsPerBuildAppend = 100;
constexpr int kBuildInFlight = 32;
constexpr int kCommandLevels[] = {1, 16, 64};
constexpr int kQueryLevels[] = {1, 16};

// Progress and errors: the original stderr (fd 2 is redirected to ctgd.log while we run).
FILE* progress_out = stderr;
std::string work_dir_for_errors;  // kept on failure, with ctgd.log

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(progress_out, "ctgd_bench: %s\n", message.c_str());
  if (!work_dir_for_errors.empty()) {
    std::fprintf(progress_out, "ctgd_bench: work directory (with ctgd.log) kept: %s\n",
                 work_dir_for_errors.c_str());
  }
  std::fflush(progress_out);
  std::_Exit(1);  // not exit(): gRPC and store threads may still be running
}

void Check(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

void CheckRpc(const grpc::Status& status, absl::string_view what) {
  if (!status.ok()) {
    Die(absl::StrCat(what, ": code ", static_cast<int>(status.error_code()), ": ",
                     status.error_message()));
  }
}

void Progress(const std::string& message) {
  std::fprintf(progress_out, "[bench] %s\n", message.c_str());
  std::fflush(progress_out);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// One JSON object on one line. Keys and string values are plain ASCII identifiers.
class JsonLine {
 public:
  JsonLine& Str(absl::string_view key, absl::string_view value) {
    Key(key);
    absl::StrAppend(&text_, "\"", value, "\"");
    return *this;
  }
  JsonLine& Int(absl::string_view key, uint64_t value) {
    Key(key);
    absl::StrAppend(&text_, value);
    return *this;
  }
  JsonLine& Num(absl::string_view key, double value) {
    Key(key);
    absl::StrAppend(&text_, absl::StrFormat("%.6g", value));
    return *this;
  }
  void Print() {
    std::printf("%s}\n", text_.c_str());
    std::fflush(stdout);
  }

 private:
  void Key(absl::string_view key) {
    absl::StrAppend(&text_, text_.empty() ? "{" : ",", "\"", key, "\":");
  }
  std::string text_;
};

// Latency percentiles (µs) of a set of operations.
struct Latencies {
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

double Percentile(const std::vector<double>& sorted, double p) {
  const size_t at = static_cast<size_t>(static_cast<double>(sorted.size()) * p);
  return sorted[std::min(sorted.size() - 1, at)];
}

Latencies Summarize(std::vector<double> all) {
  Latencies latencies;
  if (all.empty()) return latencies;
  std::sort(all.begin(), all.end());
  latencies.p50_us = Percentile(all, 0.50);
  latencies.p90_us = Percentile(all, 0.90);
  latencies.p99_us = Percentile(all, 0.99);
  latencies.max_us = all.back();
  return latencies;
}

// What clients calling an operation in a closed loop did within the measured window.
struct Run {
  int clients = 0;
  uint64_t ops = 0;     // successful calls completed within the window
  uint64_t errors = 0;  // failed calls completed within the window
  uint64_t warmup_errors = 0;
  double seconds = 0;
  Latencies latencies;  // of the successful calls
  std::string first_error;
};

// Runs `op(client)` in a loop on `clients` threads: a warm-up, then `seconds` measured.
// `op` returns an empty string on success, else what went wrong. A call counts if it
// completes within the window.
Run RunClients(int clients, double warmup_seconds, double seconds,
               const std::function<std::string(int)>& op) {
  enum Phase : int { kWarmup = 1, kMeasure = 2, kStop = 3 };
  std::atomic<int> phase{kWarmup};
  absl::Notification go;
  std::vector<std::vector<double>> latencies(clients);
  std::vector<uint64_t> errors(clients, 0);
  std::vector<uint64_t> warmup_errors(clients, 0);
  std::vector<std::string> first_error(clients);
  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      latencies[c].reserve(1 << 14);
      go.WaitForNotification();
      while (true) {
        const Clock::time_point begin = Clock::now();
        std::string error = op(c);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
        const int now = phase.load(std::memory_order_acquire);
        if (now == kStop) break;
        if (error.empty()) {
          if (now == kMeasure) latencies[c].push_back(us);
          continue;
        }
        if (first_error[c].empty()) first_error[c] = std::move(error);
        ++(now == kMeasure ? errors[c] : warmup_errors[c]);
      }
    });
  }
  go.Notify();
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup_seconds));
  const Clock::time_point start = Clock::now();
  phase.store(kMeasure, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  phase.store(kStop, std::memory_order_release);
  Run run;
  run.seconds = SecondsSince(start);
  for (std::thread& thread : threads) thread.join();
  run.clients = clients;
  std::vector<double> all;
  for (int c = 0; c < clients; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    run.errors += errors[c];
    run.warmup_errors += warmup_errors[c];
    if (run.first_error.empty()) run.first_error = first_error[c];
  }
  run.ops = all.size();
  run.latencies = Summarize(std::move(all));
  return run;
}

JsonLine RunJson(absl::string_view name, const Run& run) {
  JsonLine line;
  line.Str("name", name)
      .Int("clients", static_cast<uint64_t>(run.clients))
      .Num("ops_per_s", static_cast<double>(run.ops) / run.seconds)
      .Num("p50_us", run.latencies.p50_us)
      .Num("p90_us", run.latencies.p90_us)
      .Num("p99_us", run.latencies.p99_us)
      .Num("max_us", run.latencies.max_us)
      .Int("ops", run.ops)
      .Int("errors", run.errors)
      .Int("warmup_errors", run.warmup_errors)
      .Num("seconds", run.seconds);
  return line;
}

// ---------------------------------------------------------------------------------------
// The environment: work directory, certificates, the identity provider, ctgd's logs.

struct Env {
  std::string work_dir;
  std::string certs_dir;
  std::string ca_pem;
  std::string idp_key_file;
  std::shared_ptr<platform::JwtSigner> signer;
};

Env MakeEnv(const std::string& work_dir) {
  Env env;
  env.work_dir = work_dir;
  env.certs_dir = work_dir + "/certs";
  const std::string command =
      absl::StrCat(MAKE_DEV_CERTS, " --dir ", env.certs_dir, " > /dev/null 2>&1");
  if (std::system(command.c_str()) != 0) Die(absl::StrCat("failed: ", command));
  env.ca_pem = Slurp(env.certs_dir + "/ca.pem");
  absl::StatusOr<std::unique_ptr<platform::JwtSigner>> signer =
      platform::JwtSigner::Generate(platform::JwtSigner::Algorithm::kES256, kKeyId);
  Check(signer.status(), "generating the identity provider's key");
  env.signer = std::shared_ptr<platform::JwtSigner>(std::move(*signer));
  env.idp_key_file = work_dir + "/idp.pem";
  std::ofstream(env.idp_key_file) << env.signer->public_key().pem;
  return env;
}

// A production configuration: TLS, bearer tokens of the bench identity provider, metrics off.
ServerConfig MakeConfig(const Env& env, const std::string& data_dir) {
  ServerConfig config;
  config.set_listen("127.0.0.1:0");
  config.set_data_dir(data_dir);
  config.set_metrics_listen("");  // off
  config.set_log_origin(kOrigin);
  config.set_shutdown_grace_seconds(2);
  config.set_verify_interval_seconds(-1);  // no background verification competing for the CPU
  config.mutable_tls()->set_cert_file(env.certs_dir + "/server.pem");
  config.mutable_tls()->set_key_file(env.certs_dir + "/server.key");
  config.mutable_auth()->set_issuer(kIssuer);
  config.mutable_auth()->set_audience(kAudience);
  auto* key = config.mutable_auth()->add_keys();
  key->set_key_id(kKeyId);
  key->set_public_key_file(env.idp_key_file);
  return config;
}

// `read_check`: whether every event read is checked against the log's tree (the default).
std::unique_ptr<Ctgd> StartCtgd(const Env& env, const std::string& data_dir,
                                bool read_check = true) {
  ServerConfig config = MakeConfig(env, data_dir);
  config.set_skip_read_verification(!read_check);
  absl::StatusOr<std::unique_ptr<Ctgd>> started = Ctgd::Start(config, /*dev=*/false);
  Check(started.status(), "starting ctgd");
  return *std::move(started);
}

platform::Principal CafAdmin() {
  return platform::Principal{"bench-admin", kCaf, {platform::Role::kCafAdmin}};
}

std::string Bearer(const Env& env, const platform::Principal& principal) {
  absl::StatusOr<std::string> token =
      env.signer->Mint(principal, kIssuer, kAudience, absl::Now(), absl::Hours(2));
  Check(token.status(), "minting a token");
  return absl::StrCat("Bearer ", *token);
}

// A TLS channel with a connection of its own: a local subchannel pool and a distinct
// argument, so that no two clients share a connection.
std::shared_ptr<grpc::Channel> NewChannel(const Env& env, int port, int client) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = env.ca_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("ctg.bench.client", client);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::SslCredentials(ssl), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    Die(absl::StrCat("client ", client, " could not connect to 127.0.0.1:", port));
  }
  return channel;
}

void Prepare(grpc::ClientContext& context, const std::string& bearer) {
  context.AddMetadata("authorization", bearer);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// "r12" → 12.
uint64_t RevisionOfEtag(const std::string& etag) {
  uint64_t revision = 0;
  if (etag.size() < 2 || etag[0] != 'r' || !absl::SimpleAtoi(etag.substr(1), &revision)) {
    Die(absl::StrCat("unexpected etag '", etag, "'"));
  }
  return revision;
}

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// ---------------------------------------------------------------------------------------
// command_e2e

void BenchCommands(const Env& env, double warmup_seconds, double seconds) {
  const std::string data_dir = env.work_dir + "/command-store";
  std::unique_ptr<Ctgd> ctgd = StartCtgd(env, data_dir);
  const int port = ctgd->port();
  const std::string admin_bearer = Bearer(env, CafAdmin());
  constexpr int kCtgs = 64;  // the most clients of kCommandLevels

  // The registry: the Caf, the EPCI that carries the CTGs, and one CTG per client.
  std::vector<std::string> ctg_names(kCtgs);
  std::vector<uint64_t> revisions(kCtgs);  // each CTG's stream revision (from its etag)
  {
    auto channel = NewChannel(env, port, -1);
    auto partners = v1::PartnersService::NewStub(channel);
    auto plans = v1::PlansService::NewStub(channel);
    const std::pair<const char*, v1::OrganisationType> organisations[] = {
        {kCaf, v1::ORGANISATION_TYPE_CAF}, {kEpci, v1::ORGANISATION_TYPE_EPCI}};
    for (const auto& [siren, type] : organisations) {
      v1::CreateOrganisationRequest request;
      request.mutable_organisation()->set_siren(siren);
      request.mutable_organisation()->set_type(type);
      request.mutable_organisation()->set_display_name(absl::StrCat("Organisation fictive ", siren));
      v1::Organisation response;
      grpc::ClientContext context;
      Prepare(context, admin_bearer);
      CheckRpc(partners->CreateOrganisation(&context, request, &response), "CreateOrganisation");
    }
    for (int i = 0; i < kCtgs; ++i) {
      v1::CreateCtgRequest request;
      request.set_ctg_id(absl::StrCat("bench-c", i));
      v1::Ctg* ctg = request.mutable_ctg();
      ctg->set_title(absl::StrCat("CTG de banc d'essai ", i));
      ctg->set_caf(absl::StrCat("organisations/", kCaf));
      ctg->set_porteur(absl::StrCat("organisations/", kEpci));
      *ctg->mutable_start_date() = Date(2025, 1, 1);
      *ctg->mutable_end_date() = Date(2029, 12, 31);
      for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                               v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ACCES_AUX_DROITS}) {
        ctg->add_thematiques(t);
      }
      v1::Ctg response;
      grpc::ClientContext context;
      Prepare(context, admin_bearer);
      CheckRpc(plans->CreateCtg(&context, request, &response), "CreateCtg");
      ctg_names[i] = response.name();
      revisions[i] = RevisionOfEtag(response.etag());
    }
  }

  for (int clients : kCommandLevels) {
    Progress(absl::StrCat("command_e2e, ", clients, " clients"));
    struct Client {
      std::unique_ptr<v1::PlansService::Stub> stub;
      std::string bearer;
      uint64_t changes = 0;
    };
    std::vector<Client> state(clients);
    for (int c = 0; c < clients; ++c) {
      state[c].stub = v1::PlansService::NewStub(NewChannel(env, port, c));
      state[c].bearer = Bearer(env, CafAdmin());
    }
    // Client c retitles CTG c; every title is new, so each call appends one CtgRetitled.
    Run run = RunClients(clients, warmup_seconds, seconds, [&](int c) -> std::string {
      Client& client = state[c];
      const std::string title =
          absl::StrCat("CTG de banc d'essai ", c, " (", clients, "-", ++client.changes, ")");
      v1::UpdateCtgRequest request;
      request.mutable_ctg()->set_name(ctg_names[c]);
      request.mutable_ctg()->set_title(title);
      request.mutable_update_mask()->add_paths("title");
      v1::Ctg response;
      grpc::ClientContext context;
      Prepare(context, client.bearer);
      const grpc::Status status = client.stub->UpdateCtg(&context, request, &response);
      if (!status.ok()) {
        return absl::StrCat("UpdateCtg: code ", static_cast<int>(status.error_code()), ": ",
                            status.error_message());
      }
      const uint64_t revision = RevisionOfEtag(response.etag());
      const uint64_t expected = revisions[c] + 1;
      revisions[c] = revision;
      if (response.title() != title || revision != expected) {
        return absl::StrCat("UpdateCtg returned title '", response.title(), "' at ",
                            response.etag(), ", expected '", title, "' at r", expected);
      }
      return "";
    });
    if (!run.first_error.empty()) Progress(absl::StrCat("  first error: ", run.first_error));
    RunJson("command_e2e", run).Str("method", "UpdateCtg").Int("events_per_op", 1).Print();
  }
  ctgd->Shutdown();
}

// ---------------------------------------------------------------------------------------
// audit_tag_query: the fixture

platform::CommandContext FixtureContext(absl::string_view method, uint64_t batch) {
  platform::CommandContext context;
  context.principal = CafAdmin();
  context.role = platform::Role::kCafAdmin;
  context.now = absl::Now();
  context.correlation_id = absl::StrCat("bench-fixture-", batch);
  context.method = std::string(method);
  return context;
}

// The events of one append to CTG stream `ctg_id`, from `revision` on (0: CtgDrafted first).
std::vector<eventstore::EventData> CtgEvents(const std::string& ctg_id, uint64_t revision,
                                             size_t count, uint64_t batch) {
  const std::vector<std::string> tags = {absl::StrCat("ctg:", ctg_id)};
  std::vector<eventstore::EventData> events;
  events.reserve(count);
  for (size_t i = 0; i < count; ++i, ++revision) {
    if (revision == 0) {
      v1::CtgDrafted drafted;
      drafted.set_ctg_id(ctg_id);
      drafted.set_title(absl::StrCat("CTG de banc d'essai ", ctg_id));
      drafted.set_caf(absl::StrCat("organisations/", kCaf));
      drafted.set_porteur(absl::StrCat("organisations/", kEpci));
      *drafted.mutable_start_date() = Date(2025, 1, 1);
      *drafted.mutable_end_date() = Date(2029, 12, 31);
      for (v1::Thematique t : {v1::THEMATIQUE_PETITE_ENFANCE, v1::THEMATIQUE_JEUNESSE,
                               v1::THEMATIQUE_PARENTALITE, v1::THEMATIQUE_ACCES_AUX_DROITS}) {
        drafted.add_thematiques(t);
      }
      events.push_back(platform::MakeEventData(
          FixtureContext("/ctg.v1.PlansService/CreateCtg", batch), i, drafted, tags));
    } else {
      v1::CtgRetitled retitled;
      retitled.set_title(absl::StrCat("CTG de banc d'essai ", ctg_id, " (version ", revision, ")"));
      events.push_back(platform::MakeEventData(
          FixtureContext("/ctg.v1.PlansService/UpdateCtg", batch), i, retitled, tags));
    }
  }
  return events;
}

eventstore::Options FixtureStoreOptions(bool sync) {
  eventstore::Options options;
  options.sync = sync;
  options.origin = kOrigin;  // as ctgd opens it (log_origin)
  return options;
}

uint64_t CountNeedles(eventstore::EventStore& store) {
  absl::StatusOr<eventstore::ReadPage> page =
      store.ReadTag(kNeedleTag, 0, eventstore::Direction::kForward, 1000);
  Check(page.status(), "ReadTag");
  return page->events.size();
}

// The size of the fixture `dir` already holds (with at least `events` events), or 0 if `dir`
// is absent or empty. Dies if it holds something else: the bench never deletes a directory it
// was given.
uint64_t ExistingFixture(const std::string& dir, uint64_t events) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error) || std::filesystem::is_empty(dir, error)) return 0;
  eventstore::Options options = FixtureStoreOptions(true);
  options.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> opened =
      eventstore::EventStore::Open(dir, options);
  Check(opened.status(), absl::StrCat("opening --store_dir ", dir));
  const uint64_t size = (*opened)->Size();
  const uint64_t needles = CountNeedles(**opened);
  Check((*opened)->Close(), "closing --store_dir");
  if (size < events || needles != kNeedleEvents) {
    Die(absl::StrCat(dir, " holds ", size, " events with ", needles, " tagged ", kNeedleTag,
                     "; the fixture needs at least ", events, " with ", kNeedleEvents,
                     ": remove it or pick another --store_dir"));
  }
  Progress(absl::StrCat("reusing the audit store ", dir, " (", size, " events)"));
  return size;
}

// Builds the fixture in `dir`: 2 organisation events, then CTG events in appends of up to
// kEventsPerBuildAppend to streams ctg-bench-{b % 1000}, with the needle stream's events
// at positions k * stride + stride / 2 (k = 0..99, stride = events / 100).
void BuildFixture(const std::string& dir, uint64_t events) {
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> opened =
      eventstore::EventStore::Open(dir, FixtureStoreOptions(/*sync=*/false));
  Check(opened.status(), "opening the audit store");
  eventstore::EventStore& store = **opened;
  if (store.Size() != 0) Die(absl::StrCat(dir, " is not empty"));

  absl::Mutex mu;
  int in_flight = 0;                // guarded by mu
  std::vector<double> latencies;    // per append, call to callback; guarded by mu
  std::string failure;              // guarded by mu
  auto append = [&](std::string stream, eventstore::ExpectedRevision expected,
                    std::vector<eventstore::EventData> batch) {
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int* n) { return *n < kBuildInFlight; }, &in_flight));
      if (!failure.empty()) Die(failure);
      ++in_flight;
    }
    const Clock::time_point begin = Clock::now();
    store.AppendAsync(stream, expected, std::move(batch),
                      [&, stream, begin](absl::StatusOr<eventstore::AppendResult> result) {
                        const double us =
                            std::chrono::duration<double, std::micro>(Clock::now() - begin)
                                .count();
                        absl::MutexLock lock(&mu);
                        --in_flight;
                        latencies.push_back(us);
                        if (!result.ok() && failure.empty()) {
                          failure = absl::StrCat("AppendAsync to ", stream, ": ",
                                                 result.status().ToString());
                        }
                      });
  };

  uint64_t batch = 0;
  const std::pair<const char*, v1::OrganisationType> organisations[] = {
      {kCaf, v1::ORGANISATION_TYPE_CAF}, {kEpci, v1::ORGANISATION_TYPE_EPCI}};
  for (const auto& [siren, type] : organisations) {
    v1::OrganisationRegistered registered;
    registered.set_siren(siren);
    registered.set_type(type);
    registered.set_display_name(absl::StrCat("Organisation fictive ", siren));
    const std::string stream = absl::StrCat("org-", siren);
    std::vector<eventstore::EventData> one;
    one.push_back(platform::MakeEventData(
        FixtureContext("/ctg.v1.PartnersService/CreateOrganisation", batch++), 0, registered,
        {absl::StrCat("org:", siren)}));
    append(stream, eventstore::ExpectedRevision::NoStream(), std::move(one));
  }
  uint64_t position = 2;
  const uint64_t stride = events / kNeedleEvents;
  int needles = 0;
  std::vector<uint64_t> next_revision(kFixtureCtgs, 0);
  uint64_t regular_appends = 0;
  uint64_t next_report = 100000;
  while (position < events) {
    const uint64_t needle_at = needles < kNeedleEvents
                                   ? static_cast<uint64_t>(needles) * stride + stride / 2
                                   : UINT64_MAX;
    if (position == needle_at) {
      append(absl::StrCat("ctg-", kNeedleCtg),
             needles == 0 ? eventstore::ExpectedRevision::NoStream()
                          : eventstore::ExpectedRevision::Exact(needles - 1),
             CtgEvents(kNeedleCtg, needles, 1, batch++));
      ++needles;
      ++position;
      continue;
    }
    const size_t count = static_cast<size_t>(
        std::min<uint64_t>({kEventsPerBuildAppend, events - position, needle_at - position}));
    const int ctg = static_cast<int>(regular_appends++ % kFixtureCtgs);
    uint64_t& revision = next_revision[ctg];
    append(absl::StrCat("ctg-bench-", ctg),
           revision == 0 ? eventstore::ExpectedRevision::NoStream()
                         : eventstore::ExpectedRevision::Exact(revision - 1),
           CtgEvents(absl::StrCat("bench-", ctg), revision, count, batch++));
    revision += count;
    position += count;
    if (position >= next_report) {
      Progress(absl::StrCat("  ", position, " events"));
      next_report += 100000;
    }
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &in_flight));
    if (!failure.empty()) Die(failure);
  }
  if (store.Size() != events) {
    Die(absl::StrCat("the audit store has ", store.Size(), " events, expected ", events));
  }
  const uint64_t found = CountNeedles(store);
  if (found != kNeedleEvents) {
    Die(absl::StrCat("the audit store has ", found, " events tagged ", kNeedleTag));
  }
  Check(store.Close(), "closing the audit store");
  const double seconds = SecondsSince(start);
  Latencies summary;
  uint64_t appends = 0;
  {
    absl::MutexLock lock(&mu);
    appends = latencies.size();
    summary = Summarize(std::move(latencies));
  }
  JsonLine()
      .Str("name", "audit_store_build")
      .Int("clients", 1)
      .Num("ops_per_s", static_cast<double>(appends) / seconds)
      .Num("p50_us", summary.p50_us)
      .Num("p99_us", summary.p99_us)
      .Int("ops", appends)
      .Int("events", events)
      .Num("events_per_s", static_cast<double>(events) / seconds)
      .Num("seconds", seconds)
      .Int("in_flight", kBuildInFlight)
      .Int("sync", 0)
      .Print();
}

void BenchAuditStore(const Env& env, const std::string& store_dir, uint64_t log_events,
                     bool reused, bool read_check, double warmup_seconds, double seconds);

void BenchAuditQuery(const Env& env, const std::string& store_dir, uint64_t events,
                     double warmup_seconds, double seconds) {
  uint64_t log_events = ExistingFixture(store_dir, events);
  const bool reused = log_events != 0;
  if (!reused) {
    Progress(absl::StrCat("building the audit store (", events, " events) in ", store_dir));
    BuildFixture(store_dir, events);
    log_events = events;
  }

  // With the per-read check (the default), then without it, in the same run.
  for (const bool read_check : {true, false}) {
    BenchAuditStore(env, store_dir, log_events, reused, read_check, warmup_seconds, seconds);
  }
}

void BenchAuditStore(const Env& env, const std::string& store_dir, uint64_t log_events,
                     bool reused, bool read_check, double warmup_seconds, double seconds) {
  const char* check = read_check ? "on" : "off";
  Progress(absl::StrCat("starting ctgd on the audit store, read check ", check));
  const Clock::time_point start = Clock::now();
  std::unique_ptr<Ctgd> ctgd = StartCtgd(env, store_dir, read_check);
  const double start_seconds = SecondsSince(start);
  const int port = ctgd->port();

  JsonLine()
      .Str("name", "ctgd_start")
      .Str("read_check", check)
      .Int("clients", 1)
      .Num("ops_per_s", static_cast<double>(log_events) / start_seconds)  // events folded per s
      .Num("p50_us", start_seconds * 1e6)  // a single start
      .Num("p99_us", start_seconds * 1e6)
      .Int("events", log_events)
      .Num("seconds", start_seconds)
      .Str("store", reused ? "reused" : "just_built")
      .Print();

  for (int clients : kQueryLevels) {
    Progress(absl::StrCat("audit_tag_query, ", clients, " clients, read check ", check));
    struct Client {
      std::unique_ptr<v1::AuditService::Stub> stub;
      std::string bearer;
    };
    std::vector<Client> state(clients);
    for (int c = 0; c < clients; ++c) {
      state[c].stub = v1::AuditService::NewStub(NewChannel(env, port, c));
      state[c].bearer = Bearer(env, CafAdmin());
    }
    Run run = RunClients(clients, warmup_seconds, seconds, [&](int c) -> std::string {
      v1::ListEventsRequest request;
      request.set_tag(kNeedleTag);
      request.set_page_size(kNeedleEvents);
      v1::ListEventsResponse response;
      grpc::ClientContext context;
      Prepare(context, state[c].bearer);
      const grpc::Status status = state[c].stub->ListEvents(&context, request, &response);
      if (!status.ok()) {
        return absl::StrCat("ListEvents: code ", static_cast<int>(status.error_code()), ": ",
                            status.error_message());
      }
      if (response.events_size() != kNeedleEvents) {
        return absl::StrCat("ListEvents returned ", response.events_size(), " events, expected ",
                            kNeedleEvents);
      }
      return "";
    });
    if (!run.first_error.empty()) Progress(absl::StrCat("  first error: ", run.first_error));
    RunJson("audit_tag_query", run)
        .Str("read_check", check)
        .Str("tag", kNeedleTag)
        .Int("events_per_op", kNeedleEvents)
        .Int("store_events", log_events)
        .Print();
  }
  ctgd->Shutdown();
}

// ---------------------------------------------------------------------------------------

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ctgd end to end, in-process, over TLS on loopback: command_e2e (durable UpdateCtg at 1, "
      "16, 64 clients) and audit_tag_query (ListEvents by a tag of 100 events among 1M).\n"
      "Prints one JSON object per measurement on stdout.\n"
      "  ctgd_bench [--quick] [--duration_s=S] [--store_dir=DIR] [--events=N] [--only=NAME]");
  absl::ParseCommandLine(argc, argv);
  const bool quick = absl::GetFlag(FLAGS_quick);
  const double seconds = absl::GetFlag(FLAGS_duration_s) > 0 ? absl::GetFlag(FLAGS_duration_s)
                                                             : (quick ? 2.0 : 5.0);
  const double warmup_seconds = quick ? 0.5 : 1.0;
  const int64_t events_flag = absl::GetFlag(FLAGS_events);
  const uint64_t events = events_flag > 0 ? static_cast<uint64_t>(events_flag)
                                          : (quick ? 100000 : 1000000);
  if (events < 10000) {
    std::fprintf(stderr, "--events must be at least 10000\n");
    return 2;
  }
  const std::string only = absl::GetFlag(FLAGS_only);
  if (!only.empty() && only != "command_e2e" && only != "audit_tag_query") {
    std::fprintf(stderr, "--only must be command_e2e or audit_tag_query\n");
    return 2;
  }

  std::string pattern = "/tmp/ctgd_bench.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "mkdtemp failed\n");
    return 1;
  }
  const std::string work_dir = pattern;
  work_dir_for_errors = work_dir;
  std::string store_dir = absl::GetFlag(FLAGS_store_dir);
  if (store_dir.empty()) store_dir = work_dir + "/audit-store";

  // ctgd logs one JSON line per call on stderr: send fd 2 to a file, keep progress on the
  // original stderr.
  const int progress_fd = ::dup(STDERR_FILENO);
  const std::string log_path = work_dir + "/ctgd.log";
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (progress_fd < 0 || log_fd < 0 || ::dup2(log_fd, STDERR_FILENO) < 0) {
    std::fprintf(stderr, "cannot redirect stderr to %s\n", log_path.c_str());
    return 1;
  }
  ::close(log_fd);
  progress_out = ::fdopen(progress_fd, "w");
  if (progress_out == nullptr) return 1;

  Progress(absl::StrCat("work dir ", work_dir, " (ctgd logs in ctgd.log), ", seconds,
                        " s per measurement after ", warmup_seconds, " s of warm-up, ", events,
                        " events in the audit store, ", std::thread::hardware_concurrency(),
                        " cores"));
  const Env env = MakeEnv(work_dir);
  if (only.empty() || only == "command_e2e") BenchCommands(env, warmup_seconds, seconds);
  if (only.empty() || only == "audit_tag_query") {
    BenchAuditQuery(env, store_dir, events, warmup_seconds, seconds);
  }

  std::error_code error;
  std::filesystem::remove_all(work_dir, error);  // the store of --store_dir lies elsewhere
  return 0;
}

}  // namespace
}  // namespace ctg::bench

int main(int argc, char** argv) { return ctg::bench::Main(argc, argv); }
