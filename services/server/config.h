// ctgd's configuration: the textproto file (ctg.server.v1.ServerConfig), flags over it,
// defaults, and the checks that refuse an unsafe or incomplete setup before anything starts.
#ifndef CTG_SERVICES_SERVER_CONFIG_H_
#define CTG_SERVICES_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctg/server/v1/config.pb.h"

namespace ctg::server {

// Reads `path` (protobuf text format). Unknown fields and syntax errors are INVALID_ARGUMENT
// with the line and column.
absl::StatusOr<ctg::server::v1::ServerConfig> LoadConfigFile(absl::string_view path);

// Fills every unset field with its documented default (see config.proto).
void ApplyDefaults(ctg::server::v1::ServerConfig& config);

// Refuses what cannot run safely: without `dev`, TLS (cert and key) and auth (issuer,
// audience, at least one key) are required; with `dev`, the listen address must be loopback.
absl::Status ValidateConfig(const ctg::server::v1::ServerConfig& config, bool dev);

// Whether `listen` ("host:port") names a loopback address (127.0.0.0/8, [::1], localhost).
bool IsLoopback(absl::string_view listen);

// Reads a whole file (for PEM files), with the path in any error.
absl::StatusOr<std::string> ReadFile(absl::string_view path);

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_CONFIG_H_
