#include "services/api/pipeline.h"

#include <google/protobuf/descriptor.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "services/platform/errors.h"

namespace ctg::api {

std::string MethodOf(const google::protobuf::Message& request) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* methods =
      new absl::flat_hash_map<const google::protobuf::Descriptor*, std::string>();
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  absl::MutexLock lock(&mu);
  auto it = methods->find(type);
  if (it != methods->end()) return it->second;
  std::string method;
  const google::protobuf::FileDescriptor* file = type->file();
  for (int s = 0; s < file->service_count() && method.empty(); ++s) {
    const google::protobuf::ServiceDescriptor* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      if (service->method(m)->input_type() == type) {
        method = absl::StrCat("/", service->full_name(), "/", service->method(m)->name());
        break;
      }
    }
  }
  methods->emplace(type, method);
  return method;
}

google::type::Date Today(absl::Time now) {
  static const absl::TimeZone* const zone = [] {
    auto* tz = new absl::TimeZone(absl::UTCTimeZone());
    absl::TimeZone paris;
    if (absl::LoadTimeZone("Europe/Paris", &paris)) *tz = paris;
    return tz;
  }();
  const absl::CivilDay day = absl::ToCivilDay(now, *zone);
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::Status RenameFields(const absl::Status& status,
                          const std::function<std::string(absl::string_view)>& rename) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  std::optional<google::rpc::BadRequest> bad_request = platform::BadRequestOf(status);
  if (!bad_request.has_value()) return status;
  platform::BadRequestBuilder renamed;
  for (const auto& violation : bad_request->field_violations()) {
    renamed.Add(rename(violation.field()), violation.description());
  }
  return renamed.Build();
}

absl::Status CheckReasonLength(absl::string_view reason) {
  if (reason.size() > kMaxReasonBytes) {
    return platform::InvalidField("reason", absl::StrCat("at most ", kMaxReasonBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::StatusOr<platform::Principal> Admit(const grpc::CallbackServerContext& call,
                                          const google::protobuf::Message& request) {
  ASSIGN_OR_RETURN(platform::Principal principal, PrincipalOf(call));
  RETURN_IF_ERROR(CheckWellFormed(request));
  return principal;
}

}  // namespace ctg::api
