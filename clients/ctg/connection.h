// How ctg reaches ctgd: the channel (TLS by default, mutual TLS with a client certificate,
// plaintext only to a loopback dev server) and what every call carries (a deadline and the
// bearer token).
//
// Thread safety: every function is thread-safe; the structs are plain values.
#ifndef CTG_CLIENTS_CTG_CONNECTION_H_
#define CTG_CLIENTS_CTG_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"

namespace ctg::cli {

inline constexpr absl::string_view kDefaultServer = "127.0.0.1:7443";

// Where and how to connect, as given by flags or the environment.
struct ConnectionOptions {
  // ctgd's address, `host:port` (`--server`, CTG_SERVER).
  std::string server = std::string(kDefaultServer);
  // The bearer token itself (`--token`, CTG_TOKEN); wins over token_file.
  std::string token;
  // A file holding the bearer token (`--token_file`, CTG_TOKEN_FILE), e.g. the dev tokens
  // ctgd --dev writes in {data_dir}/dev/tokens/{principal}.jwt.
  std::string token_file;
  // PEM CA bundle that signed ctgd's certificate (`--ca_cert`, CTG_CA_CERT); empty uses the
  // system's roots.
  std::string ca_cert_file;
  // PEM client certificate chain and its private key, for mutual TLS; both or neither.
  std::string client_cert_file;
  std::string client_key_file;
  // No TLS (`--plaintext`, CTG_PLAINTEXT=1): only to a loopback address, for `ctgd --dev`.
  bool plaintext = false;
  // Deadline of each call, in seconds (`--timeout`); more than 0.
  double timeout_seconds = 10;
};

// What each call carries, and what error messages need to name.
struct CallSettings {
  // The server's address, for messages.
  std::string server;
  // Sent as `authorization: Bearer <token>` when not empty.
  std::string token;
  // Deadline of each call.
  absl::Duration timeout = absl::Seconds(10);
};

// True if `target` (`host:port`, `[v6]:port`, optionally `dns:///`, `ipv4:` or `ipv6:`) names a
// loopback host: `localhost`, 127.0.0.0/8 or ::1.
bool IsLoopbackTarget(absl::string_view target);

// The channel credentials `options` ask for: TLS with the given CA (or the system's roots) and
// optional client certificate; local credentials for plaintext. INVALID_ARGUMENT for a
// plaintext non-loopback server, a client certificate without its key (or the reverse), a
// file that cannot be read, or a timeout that is not positive.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeCredentials(
    const ConnectionOptions& options);

// A channel to options.server with MakeCredentials. The channel connects lazily: an
// unreachable server shows up as UNAVAILABLE on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const ConnectionOptions& options);

// The token (read from token_file if it is not given directly, surrounding white space
// removed), the deadline and the server. INVALID_ARGUMENT if token_file cannot be read.
absl::StatusOr<CallSettings> MakeCallSettings(const ConnectionOptions& options);

// Sets the deadline and the authorization metadata on a fresh context.
void PrepareContext(const CallSettings& settings, grpc::ClientContext* context);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_CONNECTION_H_
