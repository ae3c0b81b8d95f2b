// The partners context's aggregates as the platform's command handler and repositories see
// them (services/platform/repository.h: stream prefix, parse, evolve, tags).
#ifndef CTG_SERVICES_PARTNERS_AGGREGATE_H_
#define CTG_SERVICES_PARTNERS_AGGREGATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/partners/organisation.h"

namespace ctg::partners {

// Organisation streams `org-{siren}` .
struct OrganisationAggregate {
  using State = OrganisationState;
  using Event = OrganisationEvent;
  static constexpr absl::string_view kStreamPrefix = partners::kStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    partners::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return partners::ParseOrganisationEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return partners::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return partners::Tags(after, event);
  }
};

}  // namespace ctg::partners

#endif  // CTG_SERVICES_PARTNERS_AGGREGATE_H_
