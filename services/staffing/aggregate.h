// The staffing context's aggregates as the platform's command handler and repositories see
// them (services/platform/repository.h: stream prefix, parse, evolve, tags).
#ifndef CTG_SERVICES_STAFFING_AGGREGATE_H_
#define CTG_SERVICES_STAFFING_AGGREGATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"

namespace ctg::staffing {

// Post streams `post-{id}`.
struct PostAggregate {
  using State = PostState;
  using Event = PostEvent;
  static constexpr absl::string_view kStreamPrefix = kPostStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParsePostEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

// Recruitment streams `recruitment-{id}`.
struct RecruitmentAggregate {
  using State = RecruitmentState;
  using Event = RecruitmentEvent;
  static constexpr absl::string_view kStreamPrefix = kRecruitmentStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParseRecruitmentEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

// Replacement streams `replacement-{id}`.
struct ReplacementAggregate {
  using State = ReplacementState;
  using Event = ReplacementEvent;
  static constexpr absl::string_view kStreamPrefix = kReplacementStreamPrefix;
  static void Evolve(State& state, const Event& event, absl::Time time) {
    staffing::Evolve(state, event, time);
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    return staffing::ParseReplacementEvent(type, payload);
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return staffing::AsMessage(event);
  }
  static std::vector<std::string> Tags(const State& after, const Event& event) {
    return staffing::Tags(after, event);
  }
};

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_AGGREGATE_H_
