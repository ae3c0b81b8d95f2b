// A person's workload: every active assignment, and the other activities the person
// declared with any of them, one per activity, the latest declaration giving its time.
#include "services/staffing/workload.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/services/staffing/staffing_fixtures.h"

namespace ctg::staffing {
namespace {

using namespace ::ctg::staffing::testing;  // NOLINT: the fixtures of this test

struct Declared {
  std::string label;
  int etp;
};

struct Held {
  int etp;
  google::type::Date start;
  std::vector<Declared> activities;
};

struct WorkloadCase {
  std::string name;
  std::vector<Held> active;            // in the order they were recorded
  std::vector<Declared> activities;    // the person's activities, in first-declared order
  int total;                           // TotalEtp
};
void PrintTo(const WorkloadCase& test, std::ostream* os) { *os << test.name; }

class WorkloadTest : public ::testing::TestWithParam<WorkloadCase> {};

TEST_P(WorkloadTest, TheActivitiesAreThePersonsWhicheverAssignmentDeclaredThem) {
  const WorkloadCase& test = GetParam();
  std::vector<WorkloadAssignment> active;
  int n = 0;
  for (const Held& held : test.active) {
    WorkloadAssignment assignment{absl::StrCat("poste-", ++n), "titulaire", held.etp, held.start};
    for (const Declared& activity : held.activities) {
      assignment.other_activities.push_back(ActivityOf(activity.label, activity.etp));
    }
    active.push_back(std::move(assignment));
  }
  const Workload workload = WorkloadOf(active);

  ASSERT_EQ(workload.assignments.size(), active.size());
  for (size_t i = 0; i < active.size(); ++i) {
    EXPECT_EQ(workload.assignments[i].post_id, active[i].post_id) << "kept in recorded order";
  }
  ASSERT_EQ(workload.other_activities.size(), test.activities.size());
  for (size_t i = 0; i < test.activities.size(); ++i) {
    EXPECT_EQ(workload.other_activities[i].label(), test.activities[i].label) << i;
    EXPECT_EQ(workload.other_activities[i].etp_hundredths(), test.activities[i].etp) << i;
  }
  EXPECT_EQ(TotalEtp(workload), test.total);
}

const google::type::Date kJanuary = Date(2025, 1, 6);
const google::type::Date kMarch = Date(2025, 3, 3);

const WorkloadCase kWorkloadCases[] = {
    {"NothingAtAll", {}, {}, 0},
    {"OneAssignmentWithoutActivities", {{60, kJanuary, {}}}, {}, 60},
    {"OneAssignmentWithItsActivities",
     {{50, kJanuary, {{"Animation du RPE", 20}, {"Coordination jeunesse", 10}}}},
     {{"Animation du RPE", 20}, {"Coordination jeunesse", 10}},
     80},
    // The bypass: the activity declared on the first post stays the person's.
    {"ALaterAssignmentDeclaringNothingKeepsTheActivities",
     {{50, kJanuary, {{"Coordination jeunesse", 40}}}, {50, kMarch, {}}},
     {{"Coordination jeunesse", 40}},
     140},
    {"ActivitiesOfSeveralAssignmentsAddUp",
     {{30, kJanuary, {{"Animation du RPE", 20}}}, {30, kMarch, {{"Coordination jeunesse", 10}}}},
     {{"Animation du RPE", 20}, {"Coordination jeunesse", 10}},
     90},
    {"TheSameActivityDeclaredTwiceCountsOnce",
     {{30, kJanuary, {{"Animation du RPE", 20}}}, {30, kMarch, {{"  Animation du RPE ", 20}}}},
     {{"  Animation du RPE ", 20}},
     80},
    {"TheLatestStartGivesTheTime",
     {{30, kJanuary, {{"Animation du RPE", 40}}}, {30, kMarch, {{"Animation du RPE", 10}}}},
     {{"Animation du RPE", 10}},
     70},
    {"TheLatestStartWinsWhateverTheRecordedOrder",
     {{30, kMarch, {{"Animation du RPE", 10}}}, {30, kJanuary, {{"Animation du RPE", 40}}}},
     {{"Animation du RPE", 10}},
     70},
    {"OnTheSameDayTheLastRecordedWins",
     {{30, kMarch, {{"Animation du RPE", 40}}}, {30, kMarch, {{"Animation du RPE", 10}}}},
     {{"Animation du RPE", 10}},
     70},
    {"ADifferentLabelIsAnotherActivity",
     {{30, kJanuary, {{"Animation du RPE", 40}}}, {30, kMarch, {{"Animation du LAEP", 10}}}},
     {{"Animation du RPE", 40}, {"Animation du LAEP", 10}},
     110},
};

INSTANTIATE_TEST_SUITE_P(Table, WorkloadTest, ::testing::ValuesIn(kWorkloadCases), CaseName);

}  // namespace
}  // namespace ctg::staffing
