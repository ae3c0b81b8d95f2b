// Which events each role sees: the table of ARCHITECTURE §6 applied to the log's streams.
#include "services/audit/access.h"

#include <string>
#include <vector>

#include "eventstore/types.h"
#include "gtest/gtest.h"
#include "tests/services/audit/audit_fixture.h"

namespace ctg::audit {
namespace {

using namespace ::ctg::audit::testing;  // NOLINT(build/namespaces): the fixtures

constexpr char kOwnCtg[] = "ctg-val-orbe-2025";   // Val d'Orbe's, CDT alice, the association
constexpr char kOtherCtg[] = "ctg-plaine-2024";   // Plaine's, CDT bob
constexpr char kGoneCtg[] = "ctg-unknown-2020";   // does not resolve
constexpr char kOrganisation[] = "org-900000002";  // the public registry
constexpr char kOtherStream[] = "system-1";          // neither a CTG nor the registry
constexpr char kPerson[] = "person-camille";         // Val d'Orbe's, concerns val-orbe-2025
constexpr char kGonePerson[] = "person-unknown";     // does not resolve

struct Row {
  std::string name;
  platform::Principal principal;
  bool own_ctg, other_ctg, gone_ctg, organisation, other_stream, person, gone_person;
};
// gtest prints a row by its name, not its bytes.
void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

class MayReadTest : public ::testing::TestWithParam<Row> {};

TEST_P(MayReadTest, FollowsThePolicy) {
  const Row& row = GetParam();
  const ScopeLookup& lookup = Lookup();
  EXPECT_EQ(MayReadStream(row.principal, kOwnCtg, lookup), row.own_ctg) << kOwnCtg;
  EXPECT_EQ(MayReadStream(row.principal, kOtherCtg, lookup), row.other_ctg) << kOtherCtg;
  EXPECT_EQ(MayReadStream(row.principal, kGoneCtg, lookup), row.gone_ctg) << kGoneCtg;
  EXPECT_EQ(MayReadStream(row.principal, kOrganisation, lookup), row.organisation);
  EXPECT_EQ(MayReadStream(row.principal, kOtherStream, lookup), row.other_stream);
  EXPECT_EQ(MayReadStream(row.principal, kPerson, lookup), row.person) << kPerson;
  EXPECT_EQ(MayReadStream(row.principal, kGonePerson, lookup), row.gone_person) << kGonePerson;

  // An event is judged by its stream, and a memoizing check answers the same.
  AccessCheck check(row.principal, lookup);
  for (const char* stream :
       {kOwnCtg, kOtherCtg, kGoneCtg, kOrganisation, kOtherStream, kPerson, kGonePerson}) {
    eventstore::RecordedEvent event;
    event.stream = stream;
    const bool expected = MayReadStream(row.principal, stream, lookup);
    EXPECT_EQ(MayRead(row.principal, event, lookup), expected) << stream;
    EXPECT_EQ(check.MayRead(event), expected) << stream;
    EXPECT_EQ(check.MayRead(event), expected) << stream << " (memoized)";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Roles, MayReadTest,
    ::testing::Values(
        // A person's events are read as the person (PersonsService's rule): the registering
        // collectivité, caf_admin, the CDT of a CTG concerning them; nobody else.
        //                          own    other  gone   org   other  person gone
        //                          ctg    ctg    ctg          stream        person
        Row{"caf_admin", CafAdmin(), true, true, true, true, true, true, true},
        Row{"caf_commission", Commission(), true, true, true, true, true, false, false},
        Row{"caf_cdt_of_own", CdtAlice(), true, false, false, true, true, true, false},
        Row{"caf_cdt_of_other", CdtBob(), false, true, false, true, true, false, false},
        Row{"collectivite_admin", ValDOrbeAdmin(), true, false, false, true, false, true, false},
        Row{"charge_cooperation", ValDOrbeCharge(), true, false, false, true, false, true,
            false},
        Row{"elu", ValDOrbeElu(), true, false, false, true, false, false, false},
        Row{"other_collectivite", PlaineAdmin(), false, true, false, true, false, false, false},
        Row{"partner_signatory", AssociationPartner(), true, false, false, true, false, false,
            false},
        Row{"partner_of_nothing", OtherPartner(), false, false, false, true, false, false,
            false}),
    [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

TEST(MayReadStreamTest, WithoutLookupOnlyTheRolesThatReadEveryCtgReadCtgs) {
  const ScopeLookup none = MakeCatalog(/*resolve=*/false);
  EXPECT_TRUE(MayReadStream(CafAdmin(), kOwnCtg, none));
  EXPECT_TRUE(MayReadStream(Commission(), kOwnCtg, none));
  EXPECT_FALSE(MayReadStream(CdtAlice(), kOwnCtg, none));
  EXPECT_FALSE(MayReadStream(ValDOrbeAdmin(), kOwnCtg, none));
}

TEST(MayReadStreamTest, AnyRoleOfAPrincipalGrants) {
  platform::Principal both = ValDOrbeElu();
  both.roles.push_back(platform::Role::kCafCommission);
  EXPECT_TRUE(MayReadStream(both, kOtherCtg, Lookup()));
  EXPECT_TRUE(MayReadStream(both, kOtherStream, Lookup()));
}

TEST(MayReadStreamTest, TheBarePrefixIsAnUnresolvedCtg) {
  EXPECT_FALSE(MayReadStream(ValDOrbeAdmin(), "ctg-", Lookup()));
  EXPECT_TRUE(MayReadStream(Commission(), "ctg-", Lookup()));
  // "ctg" alone and "ctgs-…" are other streams.
  EXPECT_FALSE(MayReadStream(ValDOrbeAdmin(), "ctgs-val-orbe-2025", Lookup()));
  EXPECT_TRUE(MayReadStream(CdtAlice(), "ctgs-val-orbe-2025", Lookup()));
}

}  // namespace
}  // namespace ctg::audit
