// Who is calling: the authenticated principal of a request and the roles of the platform.
#ifndef CTG_SERVICES_PLATFORM_PRINCIPAL_H_
#define CTG_SERVICES_PLATFORM_PRINCIPAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ctg::platform {

// The roles of ARCHITECTURE.md §6. Their names on the wire (token claims, logs) are the
// snake_case strings of RoleName.
enum class Role {
  kCafAdmin,           // "caf_admin": administers the Caf's instance
  kCafCdt,             // "caf_cdt": a CDT, works on their portfolio of CTGs
  kCafCommission,      // "caf_commission": the commission CTG, reads everything
  kCollectiviteAdmin,  // "collectivite_admin": administers a signatory collectivité
  kChargeCooperation,  // "charge_cooperation": a chargé de coopération
  kElu,                // "elu": an elected representative of a collectivité
  kPartner,            // "partner": a partner organisation
};

absl::string_view RoleName(Role role);
// The role named `name`, or nothing if it is not a platform role.
std::optional<Role> ParseRole(absl::string_view name);

// An authenticated caller. `organisation` is a SIREN (9 digits) or a Caf code.
struct Principal {
  std::string subject;
  std::string organisation;
  std::vector<Role> roles;  // at least one, without duplicates

  bool HasRole(Role role) const;
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_PRINCIPAL_H_
