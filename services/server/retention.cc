#include "services/server/retention.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/persons/api/persons_module.h"
#include "services/server/observability.h"

namespace ctg::server {
namespace {

// The sweeper acts as the Caf's system, under caf_admin, with a recognisable subject.
platform::CommandContext SweeperContext(absl::Time now) {
  platform::CommandContext context;
  context.principal = {"ctgd:retention", "", {platform::Role::kCafAdmin}};
  context.role = platform::Role::kCafAdmin;
  context.now = absl::FromUnixMicros(absl::ToUnixMicros(now));
  context.method = "ctgd/retention";
  context.reason = "retention period of a candidate not hired expired";
  return context;
}

}  // namespace

RetentionSweeper::RetentionSweeper(persons_api::PersonsModule& persons, OutcomeLookup lookup,
                                   Options options)
    : persons_(persons),
      lookup_(std::move(lookup)),
      options_(std::move(options)) {}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Start() {
  thread_ = std::thread([this] {
    absl::MutexLock lock(&mu_);
    while (!stopping_) {
      mu_.Unlock();
      if (absl::StatusOr<int> erased = SweepOnce(); !erased.ok()) {
        Log("error", "retention sweep failed", {{"error", erased.status().ToString()}});
      } else if (*erased > 0) {
        Log("info", "retention sweep", {{"erased", absl::StrCat(*erased)}});
      }
      mu_.Lock();
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
    }
  });
}

void RetentionSweeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int> RetentionSweeper::SweepOnce() {
  const absl::Time now = options_.clock();
  std::vector<std::string> due;
  persons_.persons().ForEachAfter(
      persons::kStreamPrefix,
      [&](const std::string&, const platform::Repository<persons::PersonAggregate>::Snapshot& s) {
        if (!s.state.erased && !s.state.recruitment.empty() &&
            persons::DueForErasure(s.state, lookup_(s.state.recruitment), now, options_.policy)) {
          due.push_back(s.state.person_id);
        }
        return true;
      });
  int erased = 0;
  for (const std::string& person_id : due) {
    absl::Notification done;
    absl::Status status;
    persons_.ErasePersonData(
        person_id, SweeperContext(now),
        persons::ErasePerson{v1::ERASURE_BASIS_RETENTION_EXPIRED,
                             absl::StrCat("retention ", options_.policy.months, " months")},
        [&](absl::StatusOr<platform::Outcome<persons::PersonAggregate>> outcome) {
          status = outcome.status();
          done.Notify();
        });
    done.WaitForNotification();
    if (!status.ok()) return status;
    ++erased;
  }
  return erased;
}

}  // namespace ctg::server
