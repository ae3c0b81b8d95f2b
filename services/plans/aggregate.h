// The plans context's aggregates as the platform's command handler and repositories see
// them (services/platform/repository.h: stream prefix, parse, evolve, tags).
#ifndef CTG_SERVICES_PLANS_AGGREGATE_H_
#define CTG_SERVICES_PLANS_AGGREGATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/plans/ctg.h"

namespace ctg::plans {

// CTG streams `ctg-{id}` .
struct CtgAggregate {
  using State = CtgState;
  using Event = CtgEvent;
  static constexpr absl::string_view kStreamPrefix = plans::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    plans::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return plans::ParseCtgEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return plans::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return plans::Tags(after, event);
  }
};

}  // namespace ctg::plans

#endif  // CTG_SERVICES_PLANS_AGGREGATE_H_
