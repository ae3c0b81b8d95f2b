// The codec of an aggregate's events held as a std::variant of protobuf messages: each
// message is stored under its full type name (e.g. "ctg.v1.CtgDrafted"). Header-only, with no
// dependency beyond protobuf and Abseil, so deciders can use it.
#ifndef CTG_SERVICES_PLATFORM_EVENT_VARIANT_H_
#define CTG_SERVICES_PLATFORM_EVENT_VARIANT_H_

#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ctg::platform {

// The event stored as `payload` under `type`: INTERNAL if `type` is none of Variant's
// messages (`stream_kind` names the stream in the message, e.g. "a CTG's"), DATA_LOSS if the
// bytes do not parse.
template <typename Variant, size_t I = 0>
absl::StatusOr<Variant> ParseEventVariant(absl::string_view type, absl::string_view payload,
                                          absl::string_view stream_kind) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return absl::InternalError(
        absl::StrCat("\"", type, "\" is not an event of ", stream_kind, " stream"));
  } else {
    using Event = std::variant_alternative_t<I, Variant>;
    if (type != absl::string_view(Event::descriptor()->full_name())) {
      return ParseEventVariant<Variant, I + 1>(type, payload, stream_kind);
    }
    Event event;
    if (!event.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return absl::DataLossError(absl::StrCat("stored ", type, " does not parse"));
    }
    return Variant(std::in_place_index<I>, std::move(event));
  }
}

// The message a variant event holds.
template <typename Variant>
const google::protobuf::Message& EventMessage(const Variant& event) {
  return std::visit([](const auto& message) -> const google::protobuf::Message& { return message; },
                    event);
}

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_EVENT_VARIANT_H_
