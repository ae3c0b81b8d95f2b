// What the command line checks beyond CLI11, shared by the registrars (*_cli.cc): the first
// usage error found (exit 2), values parsed from flags, idempotency keys. Internal to ctg_cli.
//
// Thread safety: every function is thread-safe.
#ifndef CTG_CLIENTS_CTG_CLI_CHECKS_H_
#define CTG_CLIENTS_CTG_CLI_CHECKS_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/ctg/format.h"
#include "google/protobuf/descriptor.h"

namespace ctg::cli {

// A usage error (exit 2).
struct UsageError {
  std::string message;
};

// Records `message` unless an earlier error was recorded: the first one is reported.
inline void AddUsage(std::optional<UsageError>* usage, std::string message) {
  if (!usage->has_value()) *usage = UsageError{std::move(message)};
}

// The value, or T() after recording the status' message as a usage error.
template <typename T>
T OrUsage(absl::StatusOr<T> value, std::optional<UsageError>* usage) {
  if (!value.ok()) {
    AddUsage(usage, std::string(value.status().message()));
    return T();
  }
  return *std::move(value);
}

// An enum value typed by its short name (ParseEnumShortName), or Enum() after a usage error.
template <typename Enum>
Enum EnumOrUsage(const google::protobuf::EnumDescriptor* type, const std::string& text,
                 std::optional<UsageError>* usage) {
  return static_cast<Enum>(OrUsage(ParseEnumShortName(type, text), usage));
}

// A filter flag: empty if not given, else the resource name of `id` (e.g. CtgName), or empty
// after a usage error.
inline std::string FilterName(const std::string& id,
                              absl::StatusOr<std::string> (*name_of)(absl::string_view),
                              std::optional<UsageError>* usage) {
  return id.empty() ? std::string() : OrUsage(name_of(id), usage);
}

// A filter flag: Enum() (…_UNSPECIFIED: any) if not given, else as EnumOrUsage.
template <typename Enum>
Enum FilterEnum(const google::protobuf::EnumDescriptor* type, const std::string& text,
                std::optional<UsageError>* usage) {
  return text.empty() ? Enum() : EnumOrUsage<Enum>(type, text, usage);
}

// Idempotency keys: the one given (a UUID), or a fresh one.
inline std::string RequestIdOrNew(const std::string& given, std::optional<UsageError>* usage) {
  if (given.empty()) return NewRequestId();
  if (!IsUuid(given))
    AddUsage(usage, "--request_id must be a UUID (8-4-4-4-12 hexadecimal digits)");
  return given;
}

// "what: a, b, c", the short names of an enum for a flag's help.
inline std::string EnumHelp(absl::string_view what, const google::protobuf::EnumDescriptor* type) {
  return absl::StrCat(what, ": ", absl::StrJoin(EnumShortNames(type), ", "));
}

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_CLI_CHECKS_H_
