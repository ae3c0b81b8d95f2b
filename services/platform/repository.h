// Repository<Aggregate>: the folded state of every stream of one aggregate type, in memory.
//
// It is a projection of the log: CatchUp() folds the stored events once at start-up, and the
// command handler commits each state it appended (callbacks run in log order, so a stream's
// states arrive in revision order). ctgd is the store's only writer, so the repository is
// exact, and a read after a write sees it (the write's callback commits before it answers).
// Lists page through it in stream order.
//
// An Aggregate type provides:
//   using State = …; using Event = …;  (Event: a std::variant of event messages)
//   static constexpr absl::string_view kStreamPrefix;             e.g. "ctg-"
//   static void Evolve(State&, const Event&, absl::Time time);
//   static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload);
//   static const google::protobuf::Message& AsMessage(const Event&);
//   static std::vector<std::string> Tags(const State& after, const Event&);
//
// Memory: one State per stream. The registry's aggregates (organisations, CTGs) number in the
// hundreds per département; aggregates with many more streams need a persisted projection.
#ifndef CTG_SERVICES_PLATFORM_REPOSITORY_H_
#define CTG_SERVICES_PLATFORM_REPOSITORY_H_

#include <cstdint>
#include <vector>
#include <map>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/platform/command.h"

namespace ctg::platform {

// A read model that folds the events of some streams of the log.
class LogProjection {
 public:
  virtual ~LogProjection() = default;
  // Whether the projection folds the events of `stream`.
  virtual bool Follows(absl::string_view stream) const = 0;
  // Folds one event of a followed stream, in log order.
  virtual absl::Status Fold(const eventstore::RecordedEvent& event) = 0;
};

// Folds every stored event into the projections that follow its stream, in one pass over the
// log (start-up: each event is read once, whatever the number of projections).
absl::Status CatchUp(eventstore::EventStore& store,
                     const std::vector<LogProjection*>& projections);

template <typename Aggregate>
class Repository final : public LogProjection {
 public:
  using State = typename Aggregate::State;

  // A stream's state and revision (nullopt: the stream has no event).
  struct Snapshot {
    State state;
    std::optional<uint64_t> revision;
  };

  Repository() = default;
  Repository(const Repository&) = delete;
  Repository& operator=(const Repository&) = delete;

  // The streams of this aggregate: those with its prefix.
  bool Follows(absl::string_view stream) const override {
    return stream.substr(0, Aggregate::kStreamPrefix.size()) == Aggregate::kStreamPrefix;
  }

  // Folds one stored event (start-up; see CatchUp).
  absl::Status Fold(const eventstore::RecordedEvent& event) override {
    ASSIGN_OR_RETURN(typename Aggregate::Event decoded, Aggregate::Parse(event.type, event.payload));
    ASSIGN_OR_RETURN(v1::EventMetadata metadata, ParseMetadata(event.metadata));
    absl::MutexLock lock(&mu_);
    Snapshot& snapshot = streams_[event.stream];
    Aggregate::Evolve(snapshot.state, decoded, EventTime(metadata, event.recorded_time));
    snapshot.revision = event.revision;
    return absl::OkStatus();
  }

  // The stream's latest state (an empty snapshot if it has no event).
  Snapshot Get(absl::string_view stream) const {
    absl::ReaderMutexLock lock(&mu_);
    auto it = streams_.find(stream);
    if (it == streams_.end()) return Snapshot{};
    return it->second;
  }

  // Records the state after an append that made the stream reach `snapshot.revision`. Older
  // revisions than the one held are ignored.
  void Commit(absl::string_view stream, Snapshot snapshot) {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = streams_.try_emplace(std::string(stream), snapshot);
    if (!inserted && (!it->second.revision.has_value() ||
                      snapshot.revision.value_or(0) > *it->second.revision)) {
      it->second = std::move(snapshot);
    }
  }

  // Calls `visit` on the streams after `after` (exclusive), in order, until it returns false.
  // `visit` runs under a reader lock: it must not call back into the repository.
  void ForEachAfter(absl::string_view after,
                    absl::FunctionRef<bool(const std::string&, const Snapshot&)> visit) const {
    absl::ReaderMutexLock lock(&mu_);
    for (auto it = streams_.upper_bound(after); it != streams_.end(); ++it) {
      if (!visit(it->first, it->second)) return;
    }
  }

 private:

  mutable absl::Mutex mu_;
  std::map<std::string, Snapshot, std::less<>> streams_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_REPOSITORY_H_
