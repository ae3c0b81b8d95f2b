// What ctgd tells its operators: structured JSON logs on stderr (one object a line, with the
// call's request id), Prometheus metrics (go-grpc-prometheus names), and the server
// interceptor that feeds both for every call.
#ifndef CTG_SERVICES_SERVER_OBSERVABILITY_H_
#define CTG_SERVICES_SERVER_OBSERVABILITY_H_

#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/types.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace ctg::server {

class BearerAuthenticator;

// One JSON log line: {"time", "level", "msg", …fields}. Thread-safe.
using LogFields = std::vector<std::pair<std::string, std::string>>;
void Log(absl::string_view level, absl::string_view message, const LogFields& fields = {});

// The metrics registry and its HTTP endpoint.
class Metrics {
 public:
  // Serves /metrics on `listen` ("host:port"; port 0 picks one); empty `listen`: no endpoint.
  // `log_size` (the event store's committed size) and `integrity_failures` (its reads refused
  // with DATA_LOSS, EventStore::IntegrityFailures; none: not exported) are read at each
  // scrape: they must stay callable as long as the Metrics object lives.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(
      const std::string& listen, std::function<uint64_t()> log_size,
      std::function<uint64_t()> integrity_failures = nullptr);
  ~Metrics();

  // The port /metrics listens on (0 without an endpoint).
  int port() const;

  // Records one call: started, then handled with its code and duration.
  void CallStarted(absl::string_view method);
  void CallHandled(absl::string_view method, absl::string_view code, double seconds);

  // Records the outcome of a verification of the whole log (LogVerifier).
  void LogVerified(const absl::StatusOr<eventstore::VerifyReport>& outcome);

  // Interceptors for grpc::ServerBuilder::experimental().SetInterceptorCreators: for every
  // call, its id, its principal (verified by `authenticator`, which must outlive the server),
  // a log line and metrics.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
  InterceptorFactories(const BearerAuthenticator* authenticator);

 private:
  struct Impl;
  explicit Metrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_OBSERVABILITY_H_
