#include "services/platform/streams.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ctg::platform {

Scope StreamAccess::AsScope() const {
  if (ctg.has_value()) return Scope::Ctg(*ctg);
  if (person.has_value()) return Scope::Person(*person);
  return Scope::None();
}

StreamCategory CtgStreams(std::string prefix,
                          std::function<std::optional<CtgScope>(absl::string_view stream)> ctg_of) {
  return StreamCategory{std::move(prefix), [ctg_of = std::move(ctg_of)](absl::string_view stream) {
                          StreamAccess access;
                          access.permission = Permission::kReadCtg;
                          access.ctg = ctg_of(stream);
                          // Unresolved: no participant, so only the Caf-wide readers.
                          if (!access.ctg.has_value()) access.ctg.emplace();
                          return access;
                        }};
}

StreamCategory PublicStreams(std::string prefix, Permission permission) {
  return StreamCategory{std::move(prefix), [permission](absl::string_view) {
                          StreamAccess access;
                          access.permission = permission;
                          return access;
                        }};
}

absl::Status StreamCatalog::Add(StreamCategory category) {
  if (category.prefix.empty() || !category.access) {
    return absl::InvalidArgumentError("a stream category needs a prefix and an access rule");
  }
  for (const StreamCategory& existing : categories_) {
    if (absl::StartsWith(existing.prefix, category.prefix) ||
        absl::StartsWith(category.prefix, existing.prefix)) {
      return absl::InvalidArgumentError(absl::StrCat("stream categories '", existing.prefix,
                                                     "' and '", category.prefix, "' overlap"));
    }
  }
  categories_.push_back(std::move(category));
  return absl::OkStatus();
}

const StreamCategory* StreamCatalog::Find(absl::string_view stream) const {
  for (const StreamCategory& category : categories_) {
    if (absl::StartsWith(stream, category.prefix)) return &category;
  }
  return nullptr;
}

StreamAccess StreamCatalog::AccessOf(absl::string_view stream) const {
  const StreamCategory* category = Find(stream);
  if (category == nullptr) return StreamAccess{};
  return category->access(stream);
}

bool StreamCatalog::MayRead(const Principal& principal, absl::string_view stream) const {
  const StreamAccess access = AccessOf(stream);
  return Authorize(principal, access.permission, access.AsScope()).ok();
}

}  // namespace ctg::platform
