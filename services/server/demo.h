// The demo département of `ctgd --dev`: a fictional Caf, its collectivités and partners, two
// CTGs. Loaded through the public API (the same commands as real use), never by writing to
// the store, and with fixed request ids, so loading twice changes nothing.
#ifndef CTG_SERVICES_SERVER_DEMO_H_
#define CTG_SERVICES_SERVER_DEMO_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/platform/principal.h"

namespace grpc {
class Channel;
}

namespace ctg::server {

// A demo principal: the file name of its token and who it is.
struct DemoPrincipal {
  std::string name;  // e.g. "caf-admin": its token is {data_dir}/dev/tokens/caf-admin.jwt
  platform::Principal principal;
  std::string description;
};

// The demo principals, one per role (organisations of the demo département).
const std::vector<DemoPrincipal>& DemoPrincipals();

// Loads the demo département through `channel`. `token_for(name)` is the bearer token of the
// demo principal `name`: each step acts as the person who would do it in real life.
absl::Status LoadDemo(const std::shared_ptr<grpc::Channel>& channel,
                      const std::function<std::string(const std::string& name)>& token_for);

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_DEMO_H_
