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
      return cdt && scope.person_ctgs != nullptr &&
             std::any_of(scope.person_ctgs->begin(), scope.person_ctgs->end(),
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

bool NeedsCtg(Permission permission) {
  switch (permission) {
    case Permission::kReadCtg:
    case Permission::kChangeCtg:
    case Permission::kActForSignatory:
    case Permission::kTransitionCtg:
    case Permission::kAssignCdt:
    case Permission::kActAsEmployer:
    case Permission::kActAsCaf:
    case Permission::kActAsEitherParty:
      return true;
    default:
      return false;
  }
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

namespace {

// Permissions whose refusal must not reveal that the resource exists.
bool HidesExistence(Permission permission) {
  return permission == Permission::kReadPerson || permission == Permission::kErasePerson;
}

}  // namespace

absl::StatusOr<Role> Authorize(const Principal& principal, Permission permission,
                               const Scope& scope) {
  if (NeedsCtg(permission)) {
    if (scope.ctg == nullptr) return absl::InternalError("policy: a CTG permission without a CTG");
    // A CTG the principal may not read does not exist for them.
    if (!CanReadCtg(principal, *scope.ctg)) return CtgNotFound(scope.ctg->ctg_id);
  }
  for (Role role : principal.roles) {
    if (RoleGrants(principal, role, permission, scope)) return role;
  }
  if (HidesExistence(permission)) return absl::NotFoundError("not found");
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
