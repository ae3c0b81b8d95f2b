#include "services/platform/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ctg::platform {
namespace {

std::string TypeUrl(const google::protobuf::Message& message) {
  return absl::StrCat("type.googleapis.com/", message.GetDescriptor()->full_name());
}

template <typename Detail>
std::optional<Detail> DetailOf(const absl::Status& status) {
  Detail detail;
  auto payload = status.GetPayload(TypeUrl(detail));  // absl::optional in Debian's Abseil
  if (!payload.has_value() || !detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

}  // namespace

void AttachDetail(absl::Status& status, const google::protobuf::Message& detail) {
  status.SetPayload(TypeUrl(detail), absl::Cord(detail.SerializeAsString()));
}

absl::Status RuleViolation(absl::string_view reason, absl::string_view message,
                           std::vector<std::pair<std::string, std::string>> metadata,
                           absl::StatusCode code) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (auto& [key, value] : metadata) (*info.mutable_metadata())[key] = std::move(value);
  absl::Status status(code, absl::StrCat(reason, ": ", message));
  AttachDetail(status, info);
  return status;
}

std::string Quoted(absl::string_view value) {
  if (value.size() <= kMaxQuotedBytes) return absl::StrCat("'", value, "'");
  size_t cut = kMaxQuotedBytes;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("'", value.substr(0, cut), "…' (", value.size(), " bytes)");
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  BadRequestBuilder builder;
  builder.Add(field, description);
  return builder.Build();
}

void BadRequestBuilder::Add(absl::string_view field, absl::string_view description) {
  if (bad_request_.field_violations_size() == kMaxViolations) {
    ++left_out_;
    return;
  }
  auto* violation = bad_request_.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
}

absl::Status BadRequestBuilder::Build() const {
  if (empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request = bad_request_;
  if (left_out_ > 0) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field("(request)");
    violation->set_description(absl::StrCat("and ", left_out_, " more bad fields not listed"));
  }
  std::vector<std::string> parts;
  for (const auto& violation : bad_request.field_violations()) {
    parts.push_back(absl::StrCat(violation.field(), ": ", violation.description()));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  AttachDetail(status, bad_request);
  return status;
}

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  return DetailOf<google::rpc::ErrorInfo>(status);
}

std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status) {
  return DetailOf<google::rpc::BadRequest>(status);
}

}  // namespace ctg::platform
