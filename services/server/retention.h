// Retention of candidates' personal data (issue 4; CNIL guidance: two years): the data of a
// candidate not hired is erased automatically N months after their recruitment closes. A
// thread of ctgd sweeps the persons read model periodically; each erasure goes through the
// same path as PersonsService.ErasePerson (key destroyed, then PersonErased with basis
// RETENTION_EXPIRED, stamped with the sweeper as actor).
#ifndef CTG_SERVICES_SERVER_RETENTION_H_
#define CTG_SERVICES_SERVER_RETENTION_H_

#include <functional>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/persons/person.h"

namespace ctg::persons_api {
class PersonsModule;
}

namespace ctg::server {

class RetentionSweeper {
 public:
  // What the sweeper knows of the recruitment `name` ("recruitments/{id}"); an unknown or
  // open recruitment is `closed = false`.
  using OutcomeLookup = std::function<persons::RecruitmentOutcome(absl::string_view name)>;

  struct Options {
    persons::RetentionPolicy policy;        // months after the close (default 24)
    absl::Duration interval = absl::Hours(1);  // between sweeps of the running thread
    std::function<absl::Time()> clock = [] { return absl::Now(); };  // tests inject theirs
  };

  // `persons` must outlive the sweeper.
  RetentionSweeper(persons_api::PersonsModule& persons, OutcomeLookup lookup, Options options);
  ~RetentionSweeper();  // Stop()s
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // Sweeps every `options.interval` on a thread of its own until Stop().
  void Start();
  void Stop();

  // One sweep at the clock's time: erases every candidate due; returns how many it erased.
  // Stops at the first failure (the next sweep retries: erasure is idempotent).
  absl::StatusOr<int> SweepOnce();

 private:
  persons_api::PersonsModule& persons_;
  OutcomeLookup lookup_;
  Options options_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_RETENTION_H_
