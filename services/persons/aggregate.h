// The persons context's aggregates as the platform's command handler and repositories see
// them (services/platform/repository.h: stream prefix, parse, evolve, tags).
#ifndef CTG_SERVICES_PERSONS_AGGREGATE_H_
#define CTG_SERVICES_PERSONS_AGGREGATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/persons/person.h"

namespace ctg::persons {

// Person streams `person-{id}` : sealed identities only.
struct PersonAggregate {
  using State = PersonState;
  using Event = PersonEvent;
  static constexpr absl::string_view kStreamPrefix = persons::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    persons::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return persons::ParsePersonEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return persons::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return persons::Tags(after, event);
  }
};

}  // namespace ctg::persons

#endif  // CTG_SERVICES_PERSONS_AGGREGATE_H_
