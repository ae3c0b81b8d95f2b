#include "services/platform/principal.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ctg::platform {
namespace {

constexpr std::array<std::pair<Role, absl::string_view>, 7> kRoleNames = {{
    {Role::kCafAdmin, "caf_admin"},
    {Role::kCafCdt, "caf_cdt"},
    {Role::kCafCommission, "caf_commission"},
    {Role::kCollectiviteAdmin, "collectivite_admin"},
    {Role::kChargeCooperation, "charge_cooperation"},
    {Role::kElu, "elu"},
    {Role::kPartner, "partner"},
}};

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const auto& [role, role_name] : kRoleNames) {
    if (role_name == name) return role;
  }
  return std::nullopt;
}

bool Principal::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace ctg::platform
