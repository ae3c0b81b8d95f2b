#include "services/server/log_verifier.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/server/observability.h"

namespace ctg::server {

LogVerifier::LogVerifier(eventstore::EventStore& store, absl::Duration interval,
                         OutcomeFn on_outcome)
    : store_(store), interval_(interval), on_outcome_(std::move(on_outcome)) {}

LogVerifier::~LogVerifier() { Stop(); }

void LogVerifier::Start() {
  thread_ = std::thread([this] {
    // A full scan yields to the calls: nice 10 for this thread only (Linux).
    ::pthread_setname_np(::pthread_self(), "ctgd-verifier");
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    while (true) {
      VerifyOnce();
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_)) return;
    }
  });
}

void LogVerifier::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void LogVerifier::VerifyOnce() {
  Log("info", "log verification started", {{"events", absl::StrCat(store_.Size())}});
  const absl::Time start = absl::Now();
  absl::StatusOr<eventstore::VerifyReport> report = store_.Verify();
  const std::string seconds = absl::StrFormat("%.3f", absl::ToDoubleSeconds(absl::Now() - start));
  if (!report.ok()) {
    Log("error", "log verification could not run",
        {{"error", report.status().ToString()}, {"seconds", seconds}});
  } else if (!report->ok()) {
    Log("error", "log verification found a problem: the store was altered or is corrupt",
        {{"problem", report->problem},
         {"first_bad_position", report->first_bad_position.has_value()
                                    ? absl::StrCat(*report->first_bad_position)
                                    : "unknown"},
         {"events_checked", absl::StrCat(report->events_checked)},
         {"seconds", seconds}});
  } else {
    Log("info", "log verified", {{"events", absl::StrCat(report->events_checked)},
                                 {"seconds", seconds}});
  }
  on_outcome_(report);
}

}  // namespace ctg::server
