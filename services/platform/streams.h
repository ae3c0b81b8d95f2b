// The categories of the log's streams, and how the events of each are read (ARCHITECTURE §6).
//
// Each context declares the categories it writes (its module's StreamCategories()): the prefix
// of their names and, for a stream, under which permission and scope its events are read now
// (a staffing stream as the CTG it belongs to, a person's stream as the person). The audit
// context reads the log through the catalog of every category; a stream of no category is
// read under Permission::kReadLog. Nothing here decides: every answer is platform::Authorize's.
// There is no central list of prefixes: a new context adds its own categories.
//
// Thread safety: a catalog is filled once at start-up, then only read; its categories'
// functions must be thread-safe.
#ifndef CTG_SERVICES_PLATFORM_STREAMS_H_
#define CTG_SERVICES_PLATFORM_STREAMS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/platform/policy.h"
#include "services/platform/principal.h"

namespace ctg::platform {

// What reading the events of one stream needs: a permission, and the scope it applies to.
struct StreamAccess {
  Permission permission = Permission::kReadLog;
  std::optional<CtgScope> ctg;        // kReadCtg: the CTG the stream belongs to
  std::optional<PersonScope> person;  // kReadPerson: the person of the stream

  // The scope for Authorize; valid while this StreamAccess lives.
  Scope AsScope() const;
};

// One category of streams: those whose names start with `prefix` ("post-").
struct StreamCategory {
  std::string prefix;
  // What reading the events of `stream` (a name with the prefix) needs, as of now.
  std::function<StreamAccess(absl::string_view stream)> access;
};

// The events of a CTG's streams are read as the CTG: kReadCtg on its current scope. `ctg_of`
// resolves a stream to its CTG's scope; a stream that does not resolve is read on an empty
// scope, which only the roles that read every CTG read.
StreamCategory CtgStreams(std::string prefix,
                          std::function<std::optional<CtgScope>(absl::string_view stream)> ctg_of);

// The events of public streams (the organisation registry) are read under `permission`, with
// no scope.
StreamCategory PublicStreams(std::string prefix, Permission permission);

class StreamCatalog {
 public:
  // Adds `category`. INVALID_ARGUMENT if its prefix is empty, or if one of the categories
  // already added has a prefix that is a prefix of it or the reverse (a stream would belong
  // to two categories).
  absl::Status Add(StreamCategory category);

  // The category `stream` belongs to, or nullptr.
  const StreamCategory* Find(absl::string_view stream) const;

  // What reading the events of `stream` needs: its category's answer, else kReadLog.
  StreamAccess AccessOf(absl::string_view stream) const;

  // Whether `principal` may read the events of `stream`.
  bool MayRead(const Principal& principal, absl::string_view stream) const;

 private:
  std::vector<StreamCategory> categories_;
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_STREAMS_H_
