#include "services/server/observability.h"

#include <grpcpp/server_context.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "eventstore/types.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/platform/errors.h"
#include "services/server/auth.h"

namespace ctg::server {

void Log(absl::string_view level, absl::string_view message, const LogFields& fields) {
  nlohmann::json line;
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = std::string(level);
  line["msg"] = std::string(message);
  for (const auto& [key, value] : fields) line[key] = value;
  static absl::Mutex mu(absl::kConstInit);
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  absl::MutexLock lock(&mu);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : "UNKNOWN";
}

// gRPC 1.51's callback API answers a request of a known method that does not parse with an
// empty UNIMPLEMENTED (its handler never runs); the contract says UNAUTHENTICATED if the call's
// token is missing or bad (authentication comes first, as in every handler), else
// INVALID_ARGUMENT with a BadRequest, since the request is the client's fault. Unknown methods
// keep UNIMPLEMENTED.
bool IsDeserializationFailure(const grpc::experimental::ServerRpcInfo& info,
                              const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNIMPLEMENTED || !status.error_message().empty()) {
    return false;
  }
  // "/ctg.v1.PlansService/CreateCtg" → "ctg.v1.PlansService.CreateCtg", a method we serve?
  std::string name(absl::StripPrefix(absl::string_view(info.method()), "/"));
  std::replace(name.begin(), name.end(), '/', '.');
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name) != nullptr;
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, Metrics* metrics,
               const BearerAuthenticator* authenticator)
      : info_(info), metrics_(metrics), authenticator_(authenticator), start_(absl::Now()) {}

  ~CallObserver() override { api::ForgetCall(info_->server_context()); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      auto header = [&](const char* key) {
        auto it = metadata->find(key);
        return it == metadata->end() ? absl::string_view()
                                     : absl::string_view(it->second.data(), it->second.size());
      };
      request_id_ = api::NewCallId(header("x-request-id"));
      api::RememberCall(info_->server_context(),
                        {request_id_, authenticator_->Authenticate(header("authorization"))});
      metrics_->CallStarted(info_->method());
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (IsDeserializationFailure(*info_, status)) {
        // The token counts first: a caller without a valid one learns nothing about its body.
        const absl::StatusOr<platform::Principal> principal =
            api::PrincipalOf(*info_->server_context());
        const absl::Status refusal =
            !principal.ok() ? principal.status()
                            : platform::InvalidField(
                                  "(request)", absl::StrCat("the request is not a valid ",
                                                            info_->method(),
                                                            " message: it does not parse"));
        status = api::ToGrpcStatus(refusal);
        methods->ModifySendStatus(status);
      }
      const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
      metrics_->CallHandled(info_->method(), CodeName(status.error_code()), seconds);
      LogFields fields = {{"request_id", request_id_},
                          {"method", info_->method()},
                          {"code", CodeName(status.error_code())},
                          {"duration_ms", absl::StrFormat("%.3f", seconds * 1000)},
                          {"peer", info_->server_context()->peer()}};
      if (!status.ok()) fields.emplace_back("error", status.error_message());
      // A call the client cancelled (e.g. a subscriber that stops listening) is no fault.
      const bool fine = status.ok() || status.error_code() == grpc::StatusCode::CANCELLED;
      Log(fine ? "info" : "warning", "call", fields);
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  Metrics* metrics_;
  const BearerAuthenticator* authenticator_;
  absl::Time start_;
  std::string request_id_;
};

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallObserverFactory(Metrics* metrics, const BearerAuthenticator* authenticator)
      : metrics_(metrics), authenticator_(authenticator) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info, metrics_, authenticator_);
  }

 private:
  Metrics* metrics_;
  const BearerAuthenticator* authenticator_;
};

// "/ctg.v1.PlansService/CreateCtg" → {"ctg.v1.PlansService", "CreateCtg"}.
std::pair<std::string, std::string> SplitMethod(absl::string_view method) {
  std::vector<std::string> parts = absl::StrSplit(method, '/', absl::SkipEmpty());
  if (parts.size() != 2) return {"unknown", std::string(method)};
  return {parts[0], parts[1]};
}

}  // namespace

// What the endpoint collects: the registry, with the store's readings sampled at each scrape
// (so they are never stale and nothing has to push them).
class ScrapeCollectable final : public prometheus::Collectable {
 public:
  ScrapeCollectable(std::shared_ptr<prometheus::Registry> registry, std::function<void()> sample)
      : registry_(std::move(registry)), sample_(std::move(sample)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    sample_();
    return registry_->Collect();
  }

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  const std::function<void()> sample_;
};

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<ScrapeCollectable> collectable;
  std::unique_ptr<prometheus::Exposer> exposer;
  prometheus::Family<prometheus::Counter>& started = prometheus::BuildCounter()
                                                         .Name("grpc_server_started_total")
                                                         .Help("RPCs started on the server.")
                                                         .Register(*registry);
  prometheus::Family<prometheus::Counter>& handled =
      prometheus::BuildCounter()
          .Name("grpc_server_handled_total")
          .Help("RPCs completed on the server, by status code.")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("grpc_server_handling_seconds")
          .Help("Time from receiving an RPC to sending its status.")
          .Register(*registry);
  prometheus::Gauge& log_size = prometheus::BuildGauge()
                                    .Name("ctg_eventstore_log_size")
                                    .Help("Events committed to the log.")
                                    .Register(*registry)
                                    .Add({});
  prometheus::Family<prometheus::Counter>& verify_runs =
      prometheus::BuildCounter()
          .Name("ctg_store_verify_runs_total")
          .Help("Background verifications of the whole log, by result: ok, problem (the "
                "store was altered or is corrupt), error (it could not run).")
          .Register(*registry);
  prometheus::Gauge& verify_problem =
      prometheus::BuildGauge()
          .Name("ctg_store_verify_problem")
          .Help("1 if the last verification of the whole log found a problem, else 0.")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& verify_first_bad_position =
      prometheus::BuildGauge()
          .Name("ctg_store_verify_first_bad_position")
          .Help("The first bad position the last verification found; -1 if none (or none "
                "known).")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& verify_time =
      prometheus::BuildGauge()
          .Name("ctg_store_verify_last_run_timestamp_seconds")
          .Help("When the last verification of the whole log ended (Unix time).")
          .Register(*registry)
          .Add({});
  prometheus::Counter* integrity_failures = nullptr;  // with a reading to sample
};

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(
    const std::string& listen, std::function<uint64_t()> log_size,
    std::function<uint64_t()> integrity_failures) {
  auto impl = std::make_unique<Impl>();
  impl->verify_first_bad_position.Set(-1);
  if (integrity_failures) {
    impl->integrity_failures =
        &prometheus::BuildCounter()
             .Name("ctg_store_integrity_failures_total")
             .Help("Reads refused with DATA_LOSS: an event that did not match its entry or the "
                   "log's tree, an index entry that did not match its event, a missing or "
                   "unreadable record.")
             .Register(*impl->registry)
             .Add({});
  }
  impl->collectable = std::make_shared<ScrapeCollectable>(
      impl->registry, [impl = impl.get(), log_size = std::move(log_size),
                       integrity_failures = std::move(integrity_failures)] {
        impl->log_size.Set(static_cast<double>(log_size()));
        if (impl->integrity_failures != nullptr) {
          // A counter only goes up: add what the store counted since the last scrape.
          const double total = static_cast<double>(integrity_failures());
          const double exported = impl->integrity_failures->Value();
          if (total > exported) impl->integrity_failures->Increment(total - exported);
        }
      });
  if (!listen.empty()) {
    try {
      impl->exposer = std::make_unique<prometheus::Exposer>(listen);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("metrics: cannot listen on ", listen, ": ", e.what()));
    }
    impl->exposer->RegisterCollectable(impl->collectable);
  }
  return std::unique_ptr<Metrics>(new Metrics(std::move(impl)));
}

Metrics::Metrics(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Metrics::~Metrics() = default;

int Metrics::port() const {
  if (impl_->exposer == nullptr) return 0;
  std::vector<int> ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void Metrics::CallStarted(absl::string_view method) {
  auto [service, name] = SplitMethod(method);
  impl_->started.Add({{"grpc_service", service}, {"grpc_method", name}}).Increment();
}

void Metrics::CallHandled(absl::string_view method, absl::string_view code, double seconds) {
  auto [service, name] = SplitMethod(method);
  impl_->handled
      .Add({{"grpc_service", service}, {"grpc_method", name}, {"grpc_code", std::string(code)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  impl_->latency.Add({{"grpc_service", service}, {"grpc_method", name}}, kBuckets).Observe(seconds);
}

void Metrics::LogVerified(const absl::StatusOr<eventstore::VerifyReport>& outcome) {
  const char* result = !outcome.ok() ? "error" : outcome->ok() ? "ok" : "problem";
  impl_->verify_runs.Add({{"result", result}}).Increment();
  impl_->verify_time.Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  if (!outcome.ok()) return;  // the last completed verification still stands
  impl_->verify_problem.Set(outcome->ok() ? 0 : 1);
  impl_->verify_first_bad_position.Set(
      outcome->first_bad_position.has_value() ? static_cast<double>(*outcome->first_bad_position)
                                              : -1);
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
Metrics::InterceptorFactories(const BearerAuthenticator* authenticator) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<CallObserverFactory>(this, authenticator));
  return factories;
}

}  // namespace ctg::server
