// ctgd, the process: the store, the registry's read models, the gRPC services with TLS and
// bearer-token authentication, health, reflection, metrics and graceful shutdown.
#ifndef CTG_SERVICES_SERVER_SERVER_H_
#define CTG_SERVICES_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ctg/server/v1/config.pb.h"

namespace ctg::server {

class Ctgd {
 public:
  // Checks that every listen address is free, opens the store, folds the read models, and
  // serves; health is SERVING only once all of it, and in dev mode the demo, is ready. With
  // `dev`: plaintext on loopback (local credentials), tokens minted for the demo principals
  // under {data_dir}/dev/tokens/ (written before the port opens) with a signing key kept in
  // {data_dir}/dev/token_signing_key.pem (0600, reused across restarts), and the demo
  // département loaded through the API if the store is empty.
  static absl::StatusOr<std::unique_ptr<Ctgd>> Start(ctg::server::v1::ServerConfig config,
                                                     bool dev);
  ~Ctgd();

  // The gRPC port actually bound (useful with port 0) and the metrics port (0 if none).
  int port() const;
  int metrics_port() const;
  // The checkpoint verifier key (`name+keyid+base64`), for operators to hand out.
  std::string verifier_key() const;

  // Health NOT_SERVING, stop accepting calls, let calls in flight finish for the grace period,
  // end subscriptions, flush and close the store. Idempotent.
  void Shutdown();

 private:
  struct Impl;
  explicit Ctgd(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_SERVER_H_
