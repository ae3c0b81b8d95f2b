// The retention sweeper with an injected clock, over a real store and a real key vault: a
// candidate not hired is erased N months after the recruitment closes, not a day before; the
// person hired and the agents stay.
#include "services/server/retention.h"

#include <map>

#include "absl/synchronization/notification.h"
#include "eventstore/event_store.h"
#include "gtest/gtest.h"
#include "services/partners/api/partners_module.h"
#include "services/persons/api/persons_module.h"
#include "services/plans/api/plans_module.h"
#include "services/platform/command_handler.h"
#include "services/platform/vault.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::server {
namespace {

const absl::Time kClosed =
    absl::FromCivil(absl::CivilSecond(2024, 3, 31, 10, 0, 0), absl::UTCTimeZone());

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, eventstore::EventStore::Open(dir_.Sub("log"), {}));
    ASSERT_OK_AND_ASSIGN(vault_, platform::KeyVault::Open(dir_.Sub("vault"), {}));
    partners_ = std::make_unique<partners_api::PartnersModule>(*store_);
    plans_ = std::make_unique<plans_api::PlansModule>(*store_, *partners_);
    persons_ = std::make_unique<persons_api::PersonsModule>(*store_, *vault_, *plans_);
    ASSERT_OK(platform::CatchUp(*store_, persons_->ReadModels()));
  }

  // Registers a person (sealed identity), optionally a candidate of `recruitment`.
  void Register(const std::string& person_id, const std::string& recruitment) {
    const std::string stream = persons::PersonStream(person_id);
    ASSERT_OK_AND_ASSIGN(std::string sealed, vault_->Seal(stream, "Agathe Fictive", stream));
    platform::CommandContext context;
    context.principal = {"dgs-1", "249900028", {platform::Role::kCollectiviteAdmin}};
    context.role = platform::Role::kCollectiviteAdmin;
    context.now = kClosed - absl::Hours(24 * 30);
    absl::Notification done;
    absl::Status status;
    persons::RegisterPerson command{person_id, "organisations/249900028", sealed, recruitment};
    platform::Execute<persons::PersonAggregate>(
        *store_, persons_->persons(), stream, context, "",
        [command](const persons::PersonState& state) { return persons::Decide(state, command); },
        [&](absl::StatusOr<platform::Outcome<persons::PersonAggregate>> outcome) {
          status = outcome.status();
          done.Notify();
        });
    done.WaitForNotification();
    ASSERT_OK(status);
  }

  RetentionSweeper Sweeper(absl::Time* now) {
    RetentionSweeper::Options options;
    options.clock = [now] { return *now; };
    return RetentionSweeper(
        *persons_,
        [this](absl::string_view name) {
          auto it = outcomes_.find(std::string(name));
          return it == outcomes_.end() ? persons::RecruitmentOutcome{} : it->second;
        },
        options);
  }

  bool Erased(const std::string& person_id) {
    return persons_->persons().Get(persons::PersonStream(person_id)).state.erased;
  }

  testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<platform::KeyVault> vault_;
  std::unique_ptr<partners_api::PartnersModule> partners_;
  std::unique_ptr<plans_api::PlansModule> plans_;
  std::unique_ptr<persons_api::PersonsModule> persons_;
  std::map<std::string, persons::RecruitmentOutcome> outcomes_;
};

TEST_F(RetentionTest, CandidatesNotHiredAreErasedTwoYearsAfterTheRecruitmentCloses) {
  outcomes_["recruitments/r-closed"] = {true, kClosed, "persons/hired-00000001"};
  Register("candidate-0001", "recruitments/r-closed");
  Register("hired-00000001", "recruitments/r-closed");
  Register("candidate-0002", "recruitments/r-open");  // its recruitment is still open
  Register("agent-00000001", "");                      // not a candidate
  absl::Time now = kClosed + absl::Hours(24 * 365);
  RetentionSweeper sweeper = Sweeper(&now);

  ASSERT_OK_AND_ASSIGN(int erased, sweeper.SweepOnce());
  EXPECT_EQ(erased, 0) << "a year after the close is too early";
  now = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 9, 59, 59), absl::UTCTimeZone());
  ASSERT_OK_AND_ASSIGN(erased, sweeper.SweepOnce());
  EXPECT_EQ(erased, 0) << "a second before 24 months";
  now = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 10, 0, 0), absl::UTCTimeZone());
  ASSERT_OK_AND_ASSIGN(erased, sweeper.SweepOnce());
  EXPECT_EQ(erased, 1);
  EXPECT_TRUE(Erased("candidate-0001"));
  EXPECT_FALSE(Erased("hired-00000001"));
  EXPECT_FALSE(Erased("candidate-0002"));
  EXPECT_FALSE(Erased("agent-00000001"));
  // The key is gone, and the event records why and who.
  const std::string stream = persons::PersonStream("candidate-0001");
  EXPECT_TRUE(platform::IsPersonalDataErased(
      vault_->Open(stream, persons_->persons().Get(stream).state.sealed_identity, stream)
          .status()));
  ASSERT_OK_AND_ASSIGN(eventstore::ReadPage page,
                       store_->ReadStream(stream, 1, eventstore::Direction::kForward, 10));
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_EQ(page.events[0].type, "ctg.v1.PersonErased");
  ASSERT_OK_AND_ASSIGN(v1::EventMetadata metadata, platform::ParseMetadata(page.events[0].metadata));
  EXPECT_EQ(metadata.actor().subject(), "ctgd:retention");
  // Sweeping again erases nothing more.
  ASSERT_OK_AND_ASSIGN(erased, sweeper.SweepOnce());
  EXPECT_EQ(erased, 0);
  // The log still verifies.
  ASSERT_OK_AND_ASSIGN(eventstore::VerifyReport report, store_->Verify());
  EXPECT_TRUE(report.ok()) << report.problem;
}

}  // namespace
}  // namespace ctg::server
