// Table-driven tests of deciders, the same way in every context.
//
// A decider is a pure `Decide(state, command, lookups) -> StatusOr<std::vector<Event>>`, with
// Event a std::variant of event messages and an `Evolve(state, event, time)` that folds them. A
// table row says: given this state (built from the suite's base state and command, or folded from
// events), when this command, then these events, or this error code with this ErrorInfo reason and
// these BadRequest field paths (services/platform/errors.h).
//
//   using DraftCase = ::ctg::testing::DeciderCase<CtgState, DraftCtg>;
//   class DraftTest : public ::testing::TestWithParam<DraftCase> {};
//
//   TEST_P(DraftTest, Decides) {
//     ::ctg::testing::ExpectDecision(GetParam(), ::ctg::testing::DecideWith(Registry()),
//                                    CtgState{}, DraftCtg{"val-orbe-2025", NewCtg()});
//   }
//
//   const DraftCase kDraftCases[] = {
//       {"Complete", [](CtgState&, DraftCtg&) {}, Emits({"CtgDrafted", "CtgSignatoryAdded"})},
//       {"TitleMissing", [](CtgState&, DraftCtg& c) { c.ctg.clear_title(); },
//        RejectsFields({"ctg.title"})},
//       {"CafNotRegistered", [](CtgState&, DraftCtg& c) { c.ctg.set_caf(kUnknown); },
//        BreaksRule("ORGANISATION_NOT_FOUND")},
//       {"AlreadyDrafted", GivenEvents<CtgEvent>({drafted}), Fails(kAlreadyExists)},
//   };
//   INSTANTIATE_TEST_SUITE_P(Table, DraftTest, ::testing::ValuesIn(kDraftCases), CaseName);
//
// A row's `given` changes the state and the command the suite starts from (and any World the
// suite passes along, e.g. what staffing's lookups know); a row without a `then` expects no
// event and no error. Names must be unique in the table; CaseName turns them into test names.
// The same checks serve tests that are not tables of DeciderCase (e.g. every pair of states):
// ExpectOutcome(Decide(...), BreaksRule("INVALID_TRANSITION").With("from", …)).
#ifndef CTG_TESTS_TESTING_DECIDER_TABLE_H_
#define CTG_TESTS_TESTING_DECIDER_TABLE_H_

#include <cctype>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/errors.h"

namespace ctg::testing {

// ---------------------------------------------------------------------------------------
// What an error carries

// The BadRequest's field paths of `status`, in order (none without a BadRequest).
inline std::vector<std::string> BadFields(const absl::Status& status) {
  std::vector<std::string> fields;
  if (auto bad_request = platform::BadRequestOf(status)) {
    for (const auto& violation : bad_request->field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

// The ErrorInfo's reason of `status`, "" without an ErrorInfo.
inline std::string Reason(const absl::Status& status) {
  auto info = platform::ErrorInfoOf(status);
  return info.has_value() ? info->reason() : "";
}

// The ErrorInfo's metadata of `status`, empty without an ErrorInfo.
inline std::map<std::string, std::string> Metadata(const absl::Status& status) {
  auto info = platform::ErrorInfoOf(status);
  if (!info.has_value()) return {};
  return {info->metadata().begin(), info->metadata().end()};
}

// The type names of `events` ("CtgDrafted"…): each event is a std::variant of messages.
template <typename Event>
std::vector<std::string> TypeNames(const std::vector<Event>& events) {
  std::vector<std::string> names;
  for (const Event& event : events) {
    names.push_back(
        std::visit([](const auto& message) { return message.GetDescriptor()->name(); }, event));
  }
  return names;
}

// `status` for a failure message: code, message, reason, fields and metadata, without the
// payloads' raw bytes.
inline std::string Describe(const absl::Status& status) {
  if (status.ok()) return "OK";
  std::string text = absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
  if (auto info = platform::ErrorInfoOf(status)) {
    absl::StrAppend(&text, "; reason ", info->reason(), " {",
                    absl::StrJoin(Metadata(status), ", ", absl::PairFormatter("=")), "}");
  }
  if (auto fields = BadFields(status); !fields.empty()) {
    absl::StrAppend(&text, "; fields [", absl::StrJoin(fields, ", "), "]");
  }
  return text;
}

// ---------------------------------------------------------------------------------------
// What a row expects

// The outcome a row expects: OK with events of these types, in this order; or `code` with
// this ErrorInfo reason ("" for none) and these BadRequest fields (in order), and an ErrorInfo
// metadata that holds `metadata` (exactly `metadata` if `exact_metadata`). Build it with the
// functions below.
struct Then {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::vector<std::string> events;
  std::string reason;
  std::vector<std::string> fields;
  std::map<std::string, std::string> metadata;
  bool exact_metadata = false;

  // Expects the ErrorInfo metadata `key` = `value` too (other keys allowed).
  Then With(const std::string& key, const std::string& value) && {
    metadata[key] = value;
    return std::move(*this);
  }
  // Expects exactly `all` as the ErrorInfo metadata ({} for none).
  Then WithMetadata(std::map<std::string, std::string> all) && {
    metadata = std::move(all);
    exact_metadata = true;
    return std::move(*this);
  }
};

// OK, with events of these type names in this order ({} for none).
inline Then Emits(std::vector<std::string> type_names) {
  Then then;
  then.events = std::move(type_names);
  return then;
}
// OK, without any event (the command changes nothing).
inline Then EmitsNothing() { return Then{}; }
// INVALID_ARGUMENT with a BadRequest naming exactly `fields`, in order, and no ErrorInfo.
inline Then RejectsFields(std::vector<std::string> fields) {
  Then then;
  then.code = absl::StatusCode::kInvalidArgument;
  then.fields = std::move(fields);
  return then;
}
// A broken rule: `code` (FAILED_PRECONDITION unless said) with the ErrorInfo reason `reason`.
inline Then BreaksRule(std::string reason,
                       absl::StatusCode code = absl::StatusCode::kFailedPrecondition) {
  Then then;
  then.code = code;
  then.reason = std::move(reason);
  return then;
}
// Any other refusal: `code`, with the ErrorInfo reason and BadRequest fields given (none if
// not given), e.g. Fails(absl::StatusCode::kNotFound).
inline Then Fails(absl::StatusCode code, std::string reason = "",
                  std::vector<std::string> fields = {}) {
  Then then;
  then.code = code;
  then.reason = std::move(reason);
  then.fields = std::move(fields);
  return then;
}

inline std::string Describe(const Then& then) {
  if (then.code == absl::StatusCode::kOk) {
    return absl::StrCat("OK with events [", absl::StrJoin(then.events, ", "), "]");
  }
  std::string text = absl::StrCat(absl::StatusCodeToString(then.code));
  if (!then.reason.empty()) absl::StrAppend(&text, "; reason ", then.reason);
  if (then.exact_metadata || !then.metadata.empty()) {
    absl::StrAppend(&text, then.exact_metadata ? " {" : " {…, ",
                    absl::StrJoin(then.metadata, ", ", absl::PairFormatter("=")), "}");
  }
  if (!then.fields.empty())
    absl::StrAppend(&text, "; fields [", absl::StrJoin(then.fields, ", "), "]");
  return text;
}

// Checks what Decide returned against `then`; every failure says both, e.g.
//   expected FAILED_PRECONDITION; reason CTG_CLOSED
//     actual OK with events [CtgRetitled]
template <typename Event>
void ExpectOutcome(const absl::StatusOr<std::vector<Event>>& outcome, const Then& then) {
  const std::string actual =
      outcome.ok() ? absl::StrCat("OK with events [", absl::StrJoin(TypeNames(*outcome), ", "), "]")
                   : Describe(outcome.status());
  const std::string message = absl::StrCat("expected ", Describe(then), "\n  actual ", actual);
  if (outcome.status().code() != then.code) {
    ADD_FAILURE() << message;
    return;
  }
  if (outcome.ok()) {
    EXPECT_EQ(TypeNames(*outcome), then.events) << message;
    return;
  }
  const absl::Status& status = outcome.status();
  EXPECT_EQ(Reason(status), then.reason) << message;
  EXPECT_EQ(BadFields(status), then.fields) << message;
  const std::map<std::string, std::string> metadata = Metadata(status);
  if (then.exact_metadata) {
    EXPECT_EQ(metadata, then.metadata) << message;
  } else {
    for (const auto& [key, value] : then.metadata) {
      EXPECT_THAT(metadata, ::testing::Contains(::testing::Pair(key, value))) << message;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Rows and their runner

// One row of a decider table. `given` changes the suite's base state and command (and the
// suite's World..., if any: what the lookups know); `then` is the expected outcome.
template <typename State, typename Command, typename... World>
struct DeciderCase {
  using Given = std::function<void(State&, Command&, World&...)>;

  std::string name;
  Given given = [](State&, Command&, World&...) {};
  Then then;
};

// Failure messages name the row, not its bytes.
template <typename State, typename Command, typename... World>
void PrintTo(const DeciderCase<State, Command, World...>& row, std::ostream* os) {
  *os << row.name;
}

// Decides `command` on `state` after the row's `given`, through
// `decide(state, command, world...)`, and checks the row's `then`.
template <typename DecideFn, typename State, typename Command, typename... World>
void ExpectDecision(const DeciderCase<State, Command, World...>& row, DecideFn&& decide,
                    State state, Command command, World... world) {
  if (row.given) row.given(state, command, world...);
  ExpectOutcome(decide(std::as_const(state), std::as_const(command), std::as_const(world)...),
                row.then);
}

// A `decide` for ExpectDecision that calls the context's Decide(state, command, lookups...)
// (found by argument-dependent lookup) and ignores any World.
template <typename... Lookups>
auto DecideWith(Lookups... lookups) {
  return [=](const auto& state, const auto& command, const auto&...) {
    return Decide(state, command, lookups...);
  };
}

// `history` folded with the context's Evolve at `time`, from a default State.
template <typename State, typename Event>
State Fold(const std::vector<Event>& history, absl::Time time = absl::UnixEpoch()) {
  State state{};
  for (const Event& event : history) Evolve(state, event, time);
  return state;
}

// A `given` that replaces the state by `history` folded at `time` (the command is kept).
template <typename Event>
auto GivenEvents(std::vector<Event> history, absl::Time time = absl::UnixEpoch()) {
  return [history = std::move(history), time](auto& state, auto&, auto&...) {
    state = Fold<std::decay_t<decltype(state)>>(history, time);
  };
}

// `text` as a gtest name: letters, digits and '_' only (others become '_'), at most 60
// characters, never empty.
inline std::string Identifier(absl::string_view text) {
  std::string name;
  for (char c : text.substr(0, 60)) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name.empty() ? "empty" : name;
}

// The name generator of a table whose rows have a `name`:
//   INSTANTIATE_TEST_SUITE_P(Table, DraftTest, ::testing::ValuesIn(kDraftCases), CaseName);
struct CaseNameGenerator {
  template <typename Row>
  std::string operator()(const ::testing::TestParamInfo<Row>& info) const {
    return Identifier(info.param.name);
  }
};
inline constexpr CaseNameGenerator CaseName;

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_DECIDER_TABLE_H_
