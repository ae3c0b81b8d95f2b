// Runs the real `ctgd` binary for integration tests: a child process on 127.0.0.1:0 with a
// real store in a temporary directory, TLS with certificates made by deploy/make_dev_certs.sh,
// and an identity provider played by a JwtSigner whose public key is in ctgd's config.
#ifndef CTG_TESTS_SERVICES_SERVER_CTGD_HARNESS_H_
#define CTG_TESTS_SERVICES_SERVER_CTGD_HARNESS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/platform/jwt.h"
#include "services/platform/principal.h"

namespace ctg::testing {

inline constexpr char kIssuer[] = "https://idp.caf-valmont.example";
inline constexpr char kAudience[] = "ctg-platform";

struct CtgdOptions {
  std::string dir;                 // working directory: certs/, data/, config
  bool require_client_cert = false;  // mTLS required
  std::string extra_config;        // appended to the generated textproto
};

class CtgdProcess {
 public:
  // Makes certificates and keys under options.dir (once) and starts ctgd; returns once it
  // serves. The data directory survives Stop() so a test can restart on the same store.
  static absl::StatusOr<std::unique_ptr<CtgdProcess>> Start(const CtgdOptions& options);
  ~CtgdProcess();

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }  // /metrics on 127.0.0.1
  const std::string& data_dir() const { return data_dir_; }
  const std::string& certs_dir() const { return certs_dir_; }
  const std::string& config_path() const { return config_path_; }

  // A TLS channel trusting the dev CA (with the client certificate when `client_cert`).
  std::shared_ptr<grpc::Channel> Channel(bool client_cert = false) const;

  // A token of the test identity provider for `principal`.
  std::string Token(const platform::Principal& principal,
                    absl::Duration ttl = absl::Minutes(10)) const;
  // A client context carrying `principal`'s token and a deadline.
  std::unique_ptr<grpc::ClientContext> Context(const platform::Principal& principal) const;

  // Sends `signal` and waits; returns the exit status (as from waitpid's WEXITSTATUS, or
  // 128 + signal if killed). Idempotent.
  int Stop(int signal);

  // Everything ctgd wrote on stderr (JSON logs) so far; only complete once stopped.
  std::string Logs() const;

 private:
  CtgdProcess() = default;
  int pid_ = -1;
  int port_ = 0;
  int metrics_port_ = 0;
  int exit_status_ = -1;
  std::string data_dir_, certs_dir_, config_path_, log_path_;
  std::shared_ptr<platform::JwtSigner> signer_;
};

// What a failed call carries besides its code: the google.rpc.Status details, their ErrorInfo
// (empty if none) and its reason, the BadRequest's field violations and their paths.
google::rpc::Status DetailsOf(const grpc::Status& status);
google::rpc::ErrorInfo InfoOf(const grpc::Status& status);
std::string Reason(const grpc::Status& status);
std::vector<google::rpc::BadRequest::FieldViolation> Violations(const grpc::Status& status);
std::vector<std::string> BadFields(const grpc::Status& status);

// The body of GET /metrics on 127.0.0.1:`port` (HTTP/1.0, read to the end).
std::string ScrapeMetrics(int port);

// The exit code of a process from its waitpid() status: 128 + the signal if one killed it.
int ExitCodeOf(int wait_status);

// Runs `ctgd <args>` (an operator subcommand) to completion: its exit code and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCtgd(const std::vector<std::string>& args);

// Fixtures: fictional organisations (valid SIRENs) and principals, one per role.
inline constexpr char kCaf[] = "779000017";
inline constexpr char kEpci[] = "249900028";      // porteur of the test CTG
inline constexpr char kCommune[] = "219900032";   // member of the test CTG
inline constexpr char kOtherEpci[] = "249900051"; // porteur of another CTG
inline constexpr char kPartnerOrg[] = "779900075";

platform::Principal Person(std::string subject, std::string organisation, platform::Role role);

}  // namespace ctg::testing

#endif  // CTG_TESTS_SERVICES_SERVER_CTGD_HARNESS_H_
