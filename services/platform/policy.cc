#include "services/platform/policy.h"

#include <algorithm>
#include <array>

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

// One of the principal's roles, weighed against a permission's scope.
struct Grant {
  const Principal& principal;
  Role role;
  const Scope& scope;
};

// Whom a row grants its permission to: whether the role of `grant`, on its scope, is one of
// them. The grantees below are named for who they are; they may assume nothing of the scope.
using Grantee = bool (*)(const Grant& grant);

// Every authenticated principal.
bool Anyone(const Grant&) { return true; }
bool CafAdmin(const Grant& g) { return g.role == Role::kCafAdmin; }
bool CafCommission(const Grant& g) { return g.role == Role::kCafCommission; }
// Any caf_cdt, whatever their portfolio.
bool AnyCdt(const Grant& g) { return g.role == Role::kCafCdt; }
// Whoever reads the scope's CTG under this role.
bool CtgReader(const Grant& g) {
  return g.scope.ctg != nullptr && RoleReadsCtg(g.principal, g.role, *g.scope.ctg);
}
// The caf_cdt following the scope's CTG.
bool PortfolioCdt(const Grant& g) { return AnyCdt(g) && CtgReader(g); }
// A caf_cdt following one of the CTGs that concern the scope's person.
bool PersonsPortfolioCdt(const Grant& g) {
  if (!AnyCdt(g) || g.scope.person == nullptr) return false;
  const std::vector<CtgScope>& ctgs = g.scope.person->ctgs;
  return std::any_of(ctgs.begin(), ctgs.end(),
                     [&](const CtgScope& ctg) { return RoleReadsCtg(g.principal, g.role, ctg); });
}
// collectivite_admin and charge_cooperation: the roles of a collectivité that change its
// CTGs, register its persons and take the employer's staffing steps.
bool CollectiviteStaff(const Grant& g) {
  return g.role == Role::kCollectiviteAdmin || g.role == Role::kChargeCooperation;
}
bool ForOwnOrganisation(const Grant& g) { return g.scope.organisation == g.principal.organisation; }
// The collectivite_admin of the scope's organisation.
bool OwnCollectiviteAdmin(const Grant& g) {
  return g.role == Role::kCollectiviteAdmin && ForOwnOrganisation(g);
}
// The collectivité staff of the scope's organisation.
bool OwnCollectiviteStaff(const Grant& g) { return CollectiviteStaff(g) && ForOwnOrganisation(g); }
// The staff of a collectivité signatory of the scope's CTG.
bool SignatoryCollectivite(const Grant& g) { return CollectiviteStaff(g) && CtgReader(g); }
// The staff of a collectivité signatory of the scope's CTG, acting for itself.
bool SignatoryCollectiviteForItself(const Grant& g) {
  return SignatoryCollectivite(g) && ForOwnOrganisation(g);
}
// The staff of a collectivité signatory of the scope's CTG, named as the employer.
bool Employer(const Grant& g) {
  return SignatoryCollectivite(g) && !g.scope.organisation.empty() && ForOwnOrganisation(g);
}

// What a permission asks of its scope, what its refusal says, and whom it is granted to.
struct Rule {
  // The scope names a CTG, which the principal must be able to read (under any role): if not,
  // the CTG is NOT_FOUND before any grant is weighed.
  bool needs_ctg = false;
  // A refusal is NOT_FOUND, so that it says nothing of what exists.
  bool hides_existence = false;
  // A PERMISSION_DENIED names the organisation acted for, when the scope has one.
  bool denial_names_organisation = false;
  // Granted under the first of the principal's roles that any of these grant to; unused slots
  // are null. A row that needs more does not compile: raise the size.
  std::array<Grantee, 3> grantees = {};
};

// The policy: one row per permission, by context. No default: a new permission without its
// row is a -Wswitch error.
Rule RuleOf(Permission permission) {
  switch (permission) {
    // Partners: the organisation registry (public data).
    case Permission::kReadRegistry:
      return {.grantees = {Anyone}};
    case Permission::kCreateOrganisation:
      return {.grantees = {CafAdmin, AnyCdt}};
    case Permission::kUpdateOrganisation:
      return {.grantees = {CafAdmin, AnyCdt, OwnCollectiviteAdmin}};

    // Plans: CTGs.
    case Permission::kCreateCtg:
      return {.grantees = {CafAdmin, AnyCdt, OwnCollectiviteAdmin}};
    case Permission::kReadCtg:
      return {.needs_ctg = true, .grantees = {CtgReader}};
    case Permission::kChangeCtg:
    case Permission::kTransitionCtg:
      return {.needs_ctg = true, .grantees = {CafAdmin, PortfolioCdt, SignatoryCollectivite}};
    case Permission::kActForSignatory:
      return {
          .needs_ctg = true,
          .denial_names_organisation = true,
          .grantees = {CafAdmin, PortfolioCdt, SignatoryCollectiviteForItself},
      };
    case Permission::kAssignCdt:
      return {.needs_ctg = true, .grantees = {CafAdmin}};

    // Persons (personal data).
    case Permission::kCreatePerson:
      return {.grantees = {CafAdmin, OwnCollectiviteStaff}};
    case Permission::kReadPerson:
      return {.hides_existence = true,
              .grantees = {CafAdmin, OwnCollectiviteStaff, PersonsPortfolioCdt}};
    case Permission::kErasePerson:
      return {.hides_existence = true, .grantees = {CafAdmin, OwnCollectiviteAdmin}};

    // Staffing: posts of a CTG, their recruitments and replacements.
    case Permission::kActAsEmployer:
      return {
          .needs_ctg = true,
          .denial_names_organisation = true,
          .grantees = {CafAdmin, Employer},
      };
    case Permission::kActAsCaf:
      return {.needs_ctg = true, .grantees = {CafAdmin, PortfolioCdt}};
    case Permission::kActAsEitherParty:
      return {.needs_ctg = true, .grantees = {CafAdmin, PortfolioCdt, Employer}};
    case Permission::kReadCdtWorkQueue:
      return {.grantees = {CafAdmin, AnyCdt, CafCommission}};

    // Audit and administration.
    case Permission::kReadLog:
    case Permission::kSubscribe:
      return {.grantees = {CafAdmin, AnyCdt, CafCommission}};
    case Permission::kReadCheckpoint:
      return {.grantees = {Anyone}};
    case Permission::kAdminister:
      return {.grantees = {CafAdmin}};
  }
  return {};
}

bool Grants(const Rule& rule, const Grant& grant) {
  return std::any_of(rule.grantees.begin(), rule.grantees.end(),
                     [&](Grantee grantee) { return grantee != nullptr && grantee(grant); });
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
  const Rule rule = RuleOf(permission);
  if (rule.needs_ctg) {
    if (scope.ctg == nullptr) return absl::InternalError("policy: a CTG permission without a CTG");
    // A CTG the principal may not read does not exist for them.
    if (!CanReadCtg(principal, *scope.ctg)) return CtgNotFound(scope.ctg->ctg_id);
  }
  for (Role role : principal.roles) {
    if (Grants(rule, {principal, role, scope})) return role;
  }
  if (rule.hides_existence) return absl::NotFoundError("not found");
  std::string roles;
  for (Role role : principal.roles)
    absl::StrAppend(&roles, roles.empty() ? "" : ", ", RoleName(role));
  return absl::PermissionDeniedError(
      absl::StrCat("your roles (", roles, ") do not allow this",
                   rule.denial_names_organisation && !scope.organisation.empty()
                       ? absl::StrCat(" for organisations/", scope.organisation)
                       : ""));
}

}  // namespace ctg::platform
