#include "services/api/validation.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/platform/errors.h"

namespace ctg::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Join(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

void CheckSize(const std::string& value, const std::string& path,
               platform::BadRequestBuilder& bad) {
  if (value.size() > kMaxStringBytes) {
    bad.Add(path, absl::StrCat("must be at most ", kMaxStringBytes, " bytes (it has ",
                               value.size(), ")"));
  }
}

void Check(const Message& message, const std::string& path, platform::BadRequestBuilder& bad) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    bad.Add(path.empty() ? "(request)" : path,
            absl::StrCat("unknown field number ", unknown.field(i).number(), " in ",
                         message.GetDescriptor()->full_name(),
                         ": this server does not know it (client newer than server?)"));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = Join(path, field->name());
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        const std::string item = absl::StrCat(field_path, "[", i, "]");
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          Check(reflection->GetRepeatedMessage(message, field, i), item, bad);
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          std::string scratch;
          CheckSize(reflection->GetRepeatedStringReference(message, field, i, &scratch), item,
                    bad);
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          const int value = reflection->GetRepeatedEnumValue(message, field, i);
          if (field->enum_type()->FindValueByNumber(value) == nullptr) {
            bad.Add(item, absl::StrCat("unknown ", field->enum_type()->full_name(), " value ",
                                       value));
          }
        }
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Check(reflection->GetMessage(message, field), field_path, bad);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string scratch;
      CheckSize(reflection->GetStringReference(message, field, &scratch), field_path, bad);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      const int value = reflection->GetEnumValue(message, field);
      if (field->enum_type()->FindValueByNumber(value) == nullptr) {
        bad.Add(field_path,
                absl::StrCat("unknown ", field->enum_type()->full_name(), " value ", value));
      }
    }
  }
}

}  // namespace

absl::Status CheckWellFormed(const Message& request) {
  platform::BadRequestBuilder bad;
  Check(request, "", bad);
  return bad.Build();
}

absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size) {
  if (requested < 0) return platform::InvalidField("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return std::min<int>(requested, max_size);
}

std::string EncodePageToken(absl::string_view last_key, absl::string_view filter) {
  // "v1" | filter fingerprint | key; the fingerprint ties the token to the filters.
  const uint64_t fingerprint = std::hash<std::string>{}(std::string(filter));
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", fingerprint, ":", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return platform::InvalidField("page_token", "not a page token of this server");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits(':', 2));
  uint64_t fingerprint = 0;
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &fingerprint)) {
    return platform::InvalidField("page_token", "not a page token of this server");
  }
  if (fingerprint != std::hash<std::string>{}(std::string(filter))) {
    return platform::InvalidField(
        "page_token", "the filters changed since this token was issued: start from page one");
  }
  return parts[2];
}

absl::StatusOr<std::vector<std::string>> MaskPaths(const google::protobuf::FieldMask& mask,
                                                   const std::vector<std::string>& allowed) {
  if (mask.paths_size() == 0) {
    return platform::InvalidField("update_mask", "must name at least one field (or '*')");
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (path == "*") return allowed;
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      std::string names;
      for (const std::string& name : allowed) absl::StrAppend(&names, names.empty() ? "" : ", ", name);
      return platform::InvalidField(
          "update_mask", absl::StrCat(platform::Quoted(path), " cannot be updated; use ", names));
    }
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  return paths;
}

}  // namespace ctg::api
