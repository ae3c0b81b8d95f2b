// absl::Time ⇄ google.protobuf.Timestamp, at the microsecond precision the platform stores.
// Header-only (protobuf and Abseil), for deciders too.
#ifndef CTG_SERVICES_PLATFORM_TIME_PROTO_H_
#define CTG_SERVICES_PLATFORM_TIME_PROTO_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace ctg::platform {

inline google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

inline absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(timestamp));
}

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_TIME_PROTO_H_
