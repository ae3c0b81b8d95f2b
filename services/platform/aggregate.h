// The traits of an aggregate as the command handler and the repositories see them
// (platform/command_handler.h, platform/repository.h), from a context's decider functions:
//
//   using PostAggregate = platform::Aggregate<PostState, PostEvent, kPostStreamPrefix,
//                                             &ParsePostEvent, &AsMessage>;
//
// Evolve(State&, const Event&, absl::Time) and Tags(const State& after, const Event&) are found
// next to State (argument-dependent lookup), so every context writes them once, as free
// functions of its namespace; the parser and the message of an event (a std::variant of
// messages, whose namespace is not the context's) are named. Header only:
// a decider library may use it without linking the platform.
#ifndef CTG_SERVICES_PLATFORM_AGGREGATE_H_
#define CTG_SERVICES_PLATFORM_AGGREGATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace google::protobuf {
class Message;
}

namespace ctg::platform {
namespace aggregate_internal {

// Unqualified calls, outside the traits (whose own members would hide them): found by
// argument-dependent lookup in the namespace of State.
template <typename State, typename Event>
void EvolveState(State& state, const Event& event, absl::Time time) {
  Evolve(state, event, time);
}
template <typename State, typename Event>
std::vector<std::string> TagsOf(const State& after, const Event& event) {
  return Tags(after, event);
}

}  // namespace aggregate_internal

template <typename StateT, typename EventT, const absl::string_view& kPrefix,
          absl::StatusOr<EventT> (*kParse)(absl::string_view type, absl::string_view payload),
          const google::protobuf::Message& (*kAsMessage)(const EventT&)>
struct Aggregate {
  using State = StateT;
  using Event = EventT;
  // Its streams: `{prefix}{id}`.
  static constexpr absl::string_view kStreamPrefix = kPrefix;

  static void Evolve(State& state, const Event& event, absl::Time time) {
    aggregate_internal::EvolveState(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return kParse(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return kAsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return aggregate_internal::TagsOf(after, event);
  }
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_AGGREGATE_H_
