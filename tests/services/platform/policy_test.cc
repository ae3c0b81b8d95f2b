// The authorization policy, decided for every permission × every role × every kind of scope:
// the organisation acted on (the principal's own or another), a CTG (in the principal's
// portfolio or not; their organisation a collectivité signatory, another signatory or none;
// acting for no signatory, for itself or for another) and a person (registered by the
// principal's organisation or another; concerned by a CTG of the principal's portfolio or
// not). The expected outcome of each is written below in the words of policy.h, independently
// of how policy.cc decides it: the granted role, or the exact error.
#include "services/platform/policy.h"

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::platform {
namespace {

using ::ctg::testing::StatusIs;

constexpr std::array kAllPermissions = {
    Permission::kReadRegistry,
    Permission::kCreateOrganisation,
    Permission::kUpdateOrganisation,
    Permission::kCreateCtg,
    Permission::kReadCtg,
    Permission::kChangeCtg,
    Permission::kActForSignatory,
    Permission::kTransitionCtg,
    Permission::kAssignCdt,
    Permission::kReadLog,
    Permission::kReadCheckpoint,
    Permission::kSubscribe,
    Permission::kAdminister,
    Permission::kCreatePerson,
    Permission::kReadPerson,
    Permission::kErasePerson,
    Permission::kActAsEmployer,
    Permission::kActAsCaf,
    Permission::kActAsEitherParty,
    Permission::kReadCdtWorkQueue,
};
// The enum is contiguous from 0 and kReadCdtWorkQueue is its last value.
static_assert(kAllPermissions.size() == static_cast<size_t>(Permission::kReadCdtWorkQueue) + 1);

constexpr std::array kAllRoles = {
    Role::kCafAdmin,          Role::kCafCdt, Role::kCafCommission, Role::kCollectiviteAdmin,
    Role::kChargeCooperation, Role::kElu,    Role::kPartner,
};
static_assert(kAllRoles.size() == static_cast<size_t>(Role::kPartner) + 1);

// No default: a new permission fails to compile here until it is named (and then until it
// has its expectation below).
std::string PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kReadRegistry:
      return "ReadRegistry";
    case Permission::kCreateOrganisation:
      return "CreateOrganisation";
    case Permission::kUpdateOrganisation:
      return "UpdateOrganisation";
    case Permission::kCreateCtg:
      return "CreateCtg";
    case Permission::kReadCtg:
      return "ReadCtg";
    case Permission::kChangeCtg:
      return "ChangeCtg";
    case Permission::kActForSignatory:
      return "ActForSignatory";
    case Permission::kTransitionCtg:
      return "TransitionCtg";
    case Permission::kAssignCdt:
      return "AssignCdt";
    case Permission::kReadLog:
      return "ReadLog";
    case Permission::kReadCheckpoint:
      return "ReadCheckpoint";
    case Permission::kSubscribe:
      return "Subscribe";
    case Permission::kAdminister:
      return "Administer";
    case Permission::kCreatePerson:
      return "CreatePerson";
    case Permission::kReadPerson:
      return "ReadPerson";
    case Permission::kErasePerson:
      return "ErasePerson";
    case Permission::kActAsEmployer:
      return "ActAsEmployer";
    case Permission::kActAsCaf:
      return "ActAsCaf";
    case Permission::kActAsEitherParty:
      return "ActAsEitherParty";
    case Permission::kReadCdtWorkQueue:
      return "ReadCdtWorkQueue";
  }
  return "?";
}

// Fictional subjects and organisations.
constexpr char kSubject[] = "subject-1";     // the principal
constexpr char kOtherCdt[] = "subject-2";    // another CDT
constexpr char kOwnSiren[] = "200000001";    // the principal's organisation
constexpr char kOtherSiren[] = "200000002";  // a collectivité signatory of every CTG
constexpr char kCafCode[] = "caf-test";      // the Caf, a non-collectivité signatory

Principal PrincipalWith(std::vector<Role> roles) { return {kSubject, kOwnSiren, std::move(roles)}; }

enum class Org { kNone, kOwn, kOther };
enum class Portfolio { kMine, kAnotherCdts, kUnassigned };
enum class Membership { kCollectivite, kOtherSignatory, kNotSignatory };
enum class PersonCtgs { kNone, kOneOfMyPortfolio, kOnlyOtherPortfolios };

std::string SirenOf(Org org) {
  switch (org) {
    case Org::kNone:
      return "";
    case Org::kOwn:
      return kOwnSiren;
    case Org::kOther:
      return kOtherSiren;
  }
  return "";
}

std::string CdtOf(Portfolio portfolio) {
  switch (portfolio) {
    case Portfolio::kMine:
      return kSubject;
    case Portfolio::kAnotherCdts:
      return kOtherCdt;
    case Portfolio::kUnassigned:
      return "";
  }
  return "";
}

CtgScope MakeCtg(std::string id, Portfolio portfolio, Membership membership) {
  CtgScope ctg{std::move(id), CdtOf(portfolio), {kOtherSiren}, {kCafCode}};
  if (membership == Membership::kCollectivite) ctg.collectivites.push_back(kOwnSiren);
  if (membership == Membership::kOtherSignatory) ctg.others.push_back(kOwnSiren);
  return ctg;
}

// One scope an RPC may pass, with the facts the expectations read. `org` is the scope's
// organisation (acted on, acted for, or registering the person).
struct Variant {
  std::string name;
  Org org = Org::kNone;
  std::optional<Portfolio> portfolio;    // set: the scope names a CTG
  std::optional<Membership> membership;  // set with portfolio
  std::optional<PersonCtgs> person;      // set: the scope names a person
  CtgScope ctg;
  PersonScope person_scope;
};

Scope ScopeOf(const Variant& v) {
  if (v.person) return Scope::Person(v.person_scope);
  if (v.portfolio) {
    return v.org == Org::kNone ? Scope::Ctg(v.ctg) : Scope::CtgSignatory(v.ctg, SirenOf(v.org));
  }
  return v.org == Org::kNone ? Scope::None() : Scope::Organisation(SirenOf(v.org));
}

std::vector<Variant> AllVariants() {
  std::vector<Variant> variants;
  variants.push_back({.name = "None"});
  variants.push_back({.name = "OwnOrganisation", .org = Org::kOwn});
  variants.push_back({.name = "OtherOrganisation", .org = Org::kOther});
  const std::pair<Portfolio, const char*> portfolios[] = {{Portfolio::kMine, "MyPortfolio"},
                                                          {Portfolio::kAnotherCdts, "AnotherCdts"},
                                                          {Portfolio::kUnassigned, "Unassigned"}};
  const std::pair<Membership, const char*> memberships[] = {
      {Membership::kCollectivite, "CollectiviteSignatory"},
      {Membership::kOtherSignatory, "OtherSignatory"},
      {Membership::kNotSignatory, "NotSignatory"}};
  const std::pair<Org, const char*> acting_for[] = {
      {Org::kNone, "ForNobody"}, {Org::kOwn, "ForItself"}, {Org::kOther, "ForAnother"}};
  for (const auto& [portfolio, portfolio_name] : portfolios) {
    for (const auto& [membership, membership_name] : memberships) {
      for (const auto& [org, org_name] : acting_for) {
        Variant v{.name = absl::StrCat("Ctg_", portfolio_name, "_", membership_name, "_", org_name),
                  .org = org,
                  .portfolio = portfolio,
                  .membership = membership};
        v.ctg = MakeCtg("ctg-1", portfolio, membership);
        variants.push_back(std::move(v));
      }
    }
  }
  // The person's CTGs have the principal's organisation as a collectivité signatory: that
  // alone lets no one read the person.
  const std::pair<PersonCtgs, const char*> person_ctgs[] = {
      {PersonCtgs::kNone, "NoCtg"},
      {PersonCtgs::kOneOfMyPortfolio, "OneCtgOfMyPortfolio"},
      {PersonCtgs::kOnlyOtherPortfolios, "OnlyCtgsOfOtherPortfolios"}};
  for (const auto& [org, org_name] :
       {std::pair{Org::kOwn, "RegisteredByOwn"}, std::pair{Org::kOther, "RegisteredByOther"}}) {
    for (const auto& [ctgs, ctgs_name] : person_ctgs) {
      Variant v{
          .name = absl::StrCat("Person_", org_name, "_", ctgs_name), .org = org, .person = ctgs};
      v.person_scope.organisation = SirenOf(org);
      if (ctgs != PersonCtgs::kNone) {
        v.person_scope.ctgs.push_back(
            MakeCtg("ctg-2", Portfolio::kAnotherCdts, Membership::kCollectivite));
        v.person_scope.ctgs.push_back(MakeCtg(
            "ctg-3",
            ctgs == PersonCtgs::kOneOfMyPortfolio ? Portfolio::kMine : Portfolio::kUnassigned,
            Membership::kCollectivite));
      }
      variants.push_back(std::move(v));
    }
  }
  return variants;
}

// What Authorize must answer.
enum class Outcome {
  kGranted,     // OK, the role
  kDenied,      // PERMISSION_DENIED "your roles (…) do not allow this[ for organisations/…]"
  kHidden,      // NOT_FOUND "not found"
  kCtgHidden,   // NOT_FOUND "ctgs/<id> not found"
  kCtgMissing,  // INTERNAL: a CTG permission without a CTG
};

std::ostream& operator<<(std::ostream& os, Outcome outcome) {
  switch (outcome) {
    case Outcome::kGranted:
      return os << "granted";
    case Outcome::kDenied:
      return os << "PERMISSION_DENIED";
    case Outcome::kHidden:
      return os << "NOT_FOUND";
    case Outcome::kCtgHidden:
      return os << "NOT_FOUND (the CTG)";
    case Outcome::kCtgMissing:
      return os << "INTERNAL";
  }
  return os;
}

// policy.h's rules for a principal holding `role` alone, on `v`.
Outcome Expected(Permission permission, Role role, const Variant& v) {
  const bool caf_admin = role == Role::kCafAdmin;
  const bool cdt = role == Role::kCafCdt;
  const bool caf_side = caf_admin || cdt || role == Role::kCafCommission;
  const bool collectivite_admin = role == Role::kCollectiviteAdmin;
  const bool changes_ctgs = collectivite_admin || role == Role::kChargeCooperation;
  const bool own = v.org == Org::kOwn;
  const auto grant = [](bool granted) { return granted ? Outcome::kGranted : Outcome::kDenied; };

  // CTG permissions: the CTG must be named, and readable, before anything else.
  const auto on_ctg = [&](bool granted) {
    if (!v.portfolio) return Outcome::kCtgMissing;
    bool reads = false;
    switch (role) {
      case Role::kCafAdmin:
      case Role::kCafCommission:
        reads = true;
        break;
      case Role::kCafCdt:
        reads = *v.portfolio == Portfolio::kMine;
        break;
      case Role::kCollectiviteAdmin:
      case Role::kChargeCooperation:
      case Role::kElu:
        reads = *v.membership == Membership::kCollectivite;
        break;
      case Role::kPartner:
        reads = *v.membership != Membership::kNotSignatory;
        break;
    }
    if (!reads) return Outcome::kCtgHidden;
    return grant(granted);
  };
  const auto hidden_unless = [](bool granted) {
    return granted ? Outcome::kGranted : Outcome::kHidden;
  };

  switch (permission) {
    case Permission::kReadRegistry:
    case Permission::kReadCheckpoint:
      return Outcome::kGranted;
    case Permission::kCreateOrganisation:
      return grant(caf_admin || cdt);
    case Permission::kUpdateOrganisation:
    case Permission::kCreateCtg:
      return grant(caf_admin || cdt || (collectivite_admin && own));
    case Permission::kReadCtg:
      return on_ctg(true);
    case Permission::kChangeCtg:
    case Permission::kTransitionCtg:
      return on_ctg(caf_admin || cdt || changes_ctgs);
    case Permission::kActForSignatory:
      return on_ctg(caf_admin || cdt || (changes_ctgs && own));
    case Permission::kAssignCdt:
      return on_ctg(caf_admin);
    case Permission::kReadLog:
    case Permission::kSubscribe:
    case Permission::kReadCdtWorkQueue:
      return grant(caf_side);
    case Permission::kAdminister:
      return grant(caf_admin);
    case Permission::kCreatePerson:
      return grant(caf_admin || (changes_ctgs && own));
    case Permission::kReadPerson:
      return hidden_unless(caf_admin || (changes_ctgs && own) ||
                           (cdt && v.person == PersonCtgs::kOneOfMyPortfolio));
    case Permission::kErasePerson:
      return hidden_unless(caf_admin || (collectivite_admin && own));
    case Permission::kActAsEmployer:
      return on_ctg(caf_admin || (changes_ctgs && own));
    case Permission::kActAsCaf:
      return on_ctg(caf_admin || cdt);
    case Permission::kActAsEitherParty:
      return on_ctg(caf_admin || cdt || (changes_ctgs && own));
  }
  return Outcome::kDenied;
}

std::string DeniedMessage(Permission permission, const std::vector<Role>& roles, const Variant& v) {
  std::string message = absl::StrCat(
      "your roles (",
      absl::StrJoin(roles, ", ",
                    [](std::string* out, Role r) { absl::StrAppend(out, RoleName(r)); }),
      ") do not allow this");
  if ((permission == Permission::kActForSignatory || permission == Permission::kActAsEmployer) &&
      v.org != Org::kNone) {
    absl::StrAppend(&message, " for organisations/", SirenOf(v.org));
  }
  return message;
}

class PolicyMatrixTest : public ::testing::TestWithParam<std::tuple<Permission, Role>> {};

TEST_P(PolicyMatrixTest, GrantsTheRoleOrRefusesWithTheExactError) {
  const auto [permission, role] = GetParam();
  const Principal principal = PrincipalWith({role});
  for (const Variant& v : AllVariants()) {
    SCOPED_TRACE(v.name);
    const absl::StatusOr<Role> result = Authorize(principal, permission, ScopeOf(v));
    const Outcome expected = Expected(permission, role, v);
    switch (expected) {
      case Outcome::kGranted:
        ASSERT_TRUE(result.ok()) << expected << " expected, got " << result.status();
        EXPECT_EQ(*result, role);
        break;
      case Outcome::kDenied:
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kPermissionDenied,
                                     DeniedMessage(permission, {role}, v)));
        break;
      case Outcome::kHidden:
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound, "not found"));
        break;
      case Outcome::kCtgHidden:
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound, "ctgs/ctg-1 not found"));
        break;
      case Outcome::kCtgMissing:
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kInternal,
                                     "policy: a CTG permission without a CTG"));
        break;
    }
    if (v.portfolio && permission == Permission::kReadCtg) {
      EXPECT_EQ(CanReadCtg(principal, v.ctg), result.ok());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllPermissionsAndRoles, PolicyMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(kAllPermissions),
                                            ::testing::ValuesIn(kAllRoles)),
                         [](const ::testing::TestParamInfo<PolicyMatrixTest::ParamType>& info) {
                           return absl::StrCat(PermissionName(std::get<0>(info.param)), "_",
                                               RoleName(std::get<1>(info.param)));
                         });

const Variant& VariantNamed(const std::vector<Variant>& variants, absl::string_view name) {
  for (const Variant& v : variants) {
    if (v.name == name) return v;
  }
  ADD_FAILURE() << "no variant " << name;
  return variants.front();
}

TEST(PolicyTest, GrantsUnderTheFirstOfTheRolesThatGrants) {
  const std::vector<Variant> variants = AllVariants();
  const Variant& mine = VariantNamed(variants, "Ctg_MyPortfolio_CollectiviteSignatory_ForItself");
  EXPECT_EQ(
      *Authorize(PrincipalWith({Role::kElu, Role::kCafCdt}), Permission::kChangeCtg, ScopeOf(mine)),
      Role::kCafCdt);
  EXPECT_EQ(*Authorize(PrincipalWith({Role::kCafCdt, Role::kCafAdmin}), Permission::kChangeCtg,
                       ScopeOf(mine)),
            Role::kCafCdt);
  EXPECT_EQ(*Authorize(PrincipalWith({Role::kChargeCooperation, Role::kCafCdt}),
                       Permission::kActAsEitherParty, ScopeOf(mine)),
            Role::kChargeCooperation);
}

TEST(PolicyTest, ACtgReadUnderOneRoleIsChangedOnlyUnderARoleThatChangesIt) {
  const std::vector<Variant> variants = AllVariants();
  // Read as elu (a collectivité signatory), not in the portfolio: the CDT role does not
  // change it, and the refusal lists every role.
  const Variant& v = VariantNamed(variants, "Ctg_AnotherCdts_CollectiviteSignatory_ForItself");
  const std::vector<Role> roles = {Role::kElu, Role::kCafCdt};
  EXPECT_TRUE(CanReadCtg(PrincipalWith(roles), v.ctg));
  for (Permission permission : {Permission::kChangeCtg, Permission::kActForSignatory,
                                Permission::kActAsCaf, Permission::kActAsEmployer}) {
    SCOPED_TRACE(PermissionName(permission));
    EXPECT_THAT(Authorize(PrincipalWith(roles), permission, ScopeOf(v)),
                StatusIs(absl::StatusCode::kPermissionDenied, DeniedMessage(permission, roles, v)));
  }
  // A CDT who reads a person's CTG through another role does not read the person.
  const Variant& person =
      VariantNamed(variants, "Person_RegisteredByOther_OnlyCtgsOfOtherPortfolios");
  EXPECT_THAT(Authorize(PrincipalWith({Role::kCafCdt, Role::kElu}), Permission::kReadPerson,
                        ScopeOf(person)),
              StatusIs(absl::StatusCode::kNotFound, "not found"));
}

TEST(PolicyTest, AnUnassignedCtgIsNoPortfolioOfAPrincipalWithoutSubject) {
  const CtgScope ctg = MakeCtg("ctg-1", Portfolio::kUnassigned, Membership::kNotSignatory);
  const Principal principal{"", kOwnSiren, {Role::kCafCdt}};
  EXPECT_FALSE(CanReadCtg(principal, ctg));
  EXPECT_THAT(Authorize(principal, Permission::kActAsCaf, Scope::Ctg(ctg)),
              StatusIs(absl::StatusCode::kNotFound, "ctgs/ctg-1 not found"));
  PersonScope person{kOtherSiren, {ctg}};
  EXPECT_THAT(Authorize(principal, Permission::kReadPerson, Scope::Person(person)),
              StatusIs(absl::StatusCode::kNotFound, "not found"));
}

// Degenerate, but decided: acting for a signatory compares the organisations as they are,
// while an employer must be named.
TEST(PolicyTest, AnEmployerMustBeNamedEvenWhenThePrincipalHasNoOrganisation) {
  const CtgScope ctg{"ctg-1", "", {""}, {}};
  const Principal principal{kSubject, "", {Role::kChargeCooperation}};
  EXPECT_EQ(*Authorize(principal, Permission::kActForSignatory, Scope::Ctg(ctg)),
            Role::kChargeCooperation);
  EXPECT_THAT(Authorize(principal, Permission::kActAsEmployer, Scope::Ctg(ctg)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "your roles (charge_cooperation) do not allow this"));
}

TEST(PolicyTest, ActsForCafOnlyUnderTheCafRolesThatRecordSteps) {
  for (Role role : kAllRoles) {
    SCOPED_TRACE(RoleName(role));
    EXPECT_EQ(ActsForCaf(role), role == Role::kCafAdmin || role == Role::kCafCdt);
  }
}

TEST(PolicyTest, CtgNotFoundNamesTheCtg) {
  EXPECT_THAT(CtgNotFound("ctg-9"), StatusIs(absl::StatusCode::kNotFound, "ctgs/ctg-9 not found"));
}

}  // namespace
}  // namespace ctg::platform
