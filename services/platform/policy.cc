#include "services/platform/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ctg::platform {
namespace {

bool Contains(const std::vector<std::string>& values, absl::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Whether `role` alone lets `principal` read the CTG.
bool RoleReadsCtg(const Principal& principal, Role role, const CtgScope& ctg) {
  switch (role) {
    case Role::kCafAdmin:
    case Role::kCafCommission:
      return true;
    case Role::kCafCdt:
      return !ctg.cdt.empty() && ctg.cdt == principal.subject;
    case Role::kCollectiviteAdmin:
    case Role::kChargeCooperation:
    case Role::kElu:
      return Contains(ctg.collectivites, principal.organisation);
    case Role::kPartner:
      return Contains(ctg.collectivites, principal.organisation) ||
             Contains(ctg.others, principal.organisation);
  }
  return false;
}

// Whether `role` grants `permission` on `scope`, assuming the principal may read what the
// scope names (checked by the caller for CTGs).
bool RoleGrants(const Principal& principal, Role role, Permission permission,
                const Scope& scope) {
  const bool caf_admin = role == Role::kCafAdmin;
  const bool cdt = role == Role::kCafCdt;
  const bool changes_ctgs = role == Role::kCollectiviteAdmin || role == Role::kChargeCooperation;
  switch (permission) {
    case Permission::kReadRegistry:
    case Permission::kReadCheckpoint:
      return true;
    case Permission::kCreateOrganisation:
      return caf_admin || cdt;
    case Permission::kUpdateOrganisation:
      return caf_admin || cdt ||
             (role == Role::kCollectiviteAdmin && scope.organisation == principal.organisation);
    case Permission::kCreateCtg:
      return caf_admin || cdt ||
             (role == Role::kCollectiviteAdmin && scope.organisation == principal.organisation);
    case Permission::kReadCtg:
      return scope.ctg != nullptr && RoleReadsCtg(principal, role, *scope.ctg);
    case Permission::kChangeCtg:
    case Permission::kTransitionCtg:
      if (scope.ctg == nullptr) return false;
      return caf_admin || (cdt && RoleReadsCtg(principal, role, *scope.ctg)) ||
             (changes_ctgs && RoleReadsCtg(principal, role, *scope.ctg));
    case Permission::kActForSignatory:
      if (scope.ctg == nullptr) return false;
      return caf_admin || (cdt && RoleReadsCtg(principal, role, *scope.ctg)) ||
             (changes_ctgs && RoleReadsCtg(principal, role, *scope.ctg) &&
              scope.organisation == principal.organisation);
    case Permission::kAssignCdt:
      return caf_admin;
    case Permission::kReadLog:
    case Permission::kSubscribe:
      return caf_admin || cdt || role == Role::kCafCommission;
    case Permission::kAdminister:
      return caf_admin;
    case Permission::kCreatePerson:
      return caf_admin || (changes_ctgs && scope.organisation == principal.organisation);
    case Permission::kReadPerson:
      if (caf_admin || (changes_ctgs && scope.organisation == principal.organisation)) {
        return true;
      }
      return cdt && scope.person != nullptr &&
             std::any_of(scope.person->ctgs.begin(), scope.person->ctgs.end(),
                         [&](const CtgScope& ctg) { return RoleReadsCtg(principal, role, ctg); });
    case Permission::kErasePerson:
      return caf_admin ||
             (role == Role::kCollectiviteAdmin && scope.organisation == principal.organisation);
    case Permission::kActAsEmployer:
      if (scope.ctg == nullptr) return false;
      return caf_admin || (changes_ctgs && RoleReadsCtg(principal, role, *scope.ctg) &&
                           !scope.organisation.empty() &&
                           scope.organisation == principal.organisation);
    case Permission::kActAsCaf:
      if (scope.ctg == nullptr) return false;
      return caf_admin || (cdt && RoleReadsCtg(principal, role, *scope.ctg));
    case Permission::kActAsEitherParty:
      return RoleGrants(principal, role, Permission::kActAsEmployer, scope) ||
             RoleGrants(principal, role, Permission::kActAsCaf, scope);
    case Permission::kReadCdtWorkQueue:
      return caf_admin || cdt || role == Role::kCafCommission;
  }
  return false;
}

// What a permission asks of its scope, and what its refusal says.
struct Traits {
  bool needs_ctg;        // the scope names a CTG, which the principal must be able to read
  bool hides_existence;  // a refusal is NOT_FOUND, so that it says nothing of what exists
};

// One row per permission, by context. No default: a new permission without its row is a
// -Wswitch error.
Traits TraitsOf(Permission permission) {
  constexpr Traits kPlain{false, false};
  constexpr Traits kOnCtg{true, false};
  constexpr Traits kHidden{false, true};
  switch (permission) {
    // Partners: the organisation registry.
    case Permission::kReadRegistry:
    case Permission::kCreateOrganisation:
    case Permission::kUpdateOrganisation:
      return kPlain;
    // Plans: CTGs.
    case Permission::kCreateCtg:
      return kPlain;
    case Permission::kReadCtg:
    case Permission::kChangeCtg:
    case Permission::kActForSignatory:
    case Permission::kTransitionCtg:
    case Permission::kAssignCdt:
      return kOnCtg;
    // Audit and administration.
    case Permission::kReadLog:
    case Permission::kReadCheckpoint:
    case Permission::kSubscribe:
    case Permission::kAdminister:
      return kPlain;
    // Persons.
    case Permission::kCreatePerson:
      return kPlain;
    case Permission::kReadPerson:
    case Permission::kErasePerson:
      return kHidden;
    // Staffing.
    case Permission::kActAsEmployer:
    case Permission::kActAsCaf:
    case Permission::kActAsEitherParty:
      return kOnCtg;
    case Permission::kReadCdtWorkQueue:
      return kPlain;
  }
  return kPlain;
}

}  // namespace

absl::Status CtgNotFound(absl::string_view ctg_id) {
  return absl::NotFoundError(absl::StrCat("ctgs/", ctg_id, " not found"));
}

bool ActsForCaf(Role role) { return role == Role::kCafAdmin || role == Role::kCafCdt; }

bool CanReadCtg(const Principal& principal, const CtgScope& scope) {
  for (Role role : principal.roles) {
    if (RoleReadsCtg(principal, role, scope)) return true;
  }
  return false;
}

absl::StatusOr<Role> Authorize(const Principal& principal, Permission permission,
                               const Scope& scope) {
  const Traits traits = TraitsOf(permission);
  if (traits.needs_ctg) {
    if (scope.ctg == nullptr) return absl::InternalError("policy: a CTG permission without a CTG");
    // A CTG the principal may not read does not exist for them.
    if (!CanReadCtg(principal, *scope.ctg)) return CtgNotFound(scope.ctg->ctg_id);
  }
  for (Role role : principal.roles) {
    if (RoleGrants(principal, role, permission, scope)) return role;
  }
  if (traits.hides_existence) return absl::NotFoundError("not found");
  std::string roles;
  for (Role role : principal.roles) absl::StrAppend(&roles, roles.empty() ? "" : ", ", RoleName(role));
  return absl::PermissionDeniedError(
      absl::StrCat("your roles (", roles, ") do not allow this",
                   (permission == Permission::kActForSignatory ||
                    permission == Permission::kActAsEmployer) &&
                           !scope.organisation.empty()
                       ? absl::StrCat(" for organisations/", scope.organisation)
                       : ""));
}

}  // namespace ctg::platform
