#include "clients/ctg/rpc_errors.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/ctg/table.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ctg::cli {
namespace {

// The details of a google.rpc.Status this client knows how to show.
struct Details {
  std::optional<google::rpc::ErrorInfo> error_info;
  std::optional<google::rpc::BadRequest> bad_request;
  std::optional<google::rpc::PreconditionFailure> precondition_failure;
  std::optional<google::rpc::RequestInfo> request_info;
  std::optional<google::rpc::RetryInfo> retry_info;
  std::optional<google::rpc::ResourceInfo> resource_info;
  std::optional<google::rpc::QuotaFailure> quota_failure;
  std::optional<google::rpc::Help> help;
};

template <typename Message>
void UnpackInto(const google::protobuf::Any& any, std::optional<Message>* out) {
  if (out->has_value() || !any.Is<Message>()) return;
  Message message;
  if (any.UnpackTo(&message)) *out = std::move(message);
}

Details DecodeDetails(const grpc::Status& status) {
  Details details;
  google::rpc::Status rich;
  if (status.error_details().empty() || !rich.ParseFromString(status.error_details())) {
    return details;
  }
  for (const google::protobuf::Any& any : rich.details()) {
    UnpackInto(any, &details.error_info);
    UnpackInto(any, &details.bad_request);
    UnpackInto(any, &details.precondition_failure);
    UnpackInto(any, &details.request_info);
    UnpackInto(any, &details.retry_info);
    UnpackInto(any, &details.resource_info);
    UnpackInto(any, &details.quota_failure);
    UnpackInto(any, &details.help);
  }
  return details;
}

// Server text is not trusted with the terminal.
std::string Safe(absl::string_view text) { return SanitizeForTerminal(text); }

std::string ErrorInfoMetadataLines(const google::rpc::ErrorInfo& info) {
  // The map's order is unspecified: sort it so the output is stable.
  std::vector<std::pair<std::string, std::string>> entries(info.metadata().begin(),
                                                           info.metadata().end());
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& [key, value] : entries) {
    if (value.empty()) continue;  // "exchange: " says nothing
    absl::StrAppend(&out, "\n  ", Safe(key), ": ", Safe(value));
  }
  return out;
}

// The lines listing the details not already used by the code's own sentence.
std::string DetailLines(grpc::StatusCode code, const Details& details) {
  std::string out;
  // A reason that only repeats the code ("NOT_FOUND") says nothing more.
  if (details.error_info.has_value() && code != grpc::StatusCode::FAILED_PRECONDITION &&
      !details.error_info->reason().empty() && details.error_info->reason() != GrpcCodeName(code)) {
    absl::StrAppend(&out, "\n  reason: ", Safe(details.error_info->reason()),
                    ErrorInfoMetadataLines(*details.error_info));
  }
  if (details.bad_request.has_value() && code != grpc::StatusCode::INVALID_ARGUMENT) {
    for (const auto& violation : details.bad_request->field_violations()) {
      absl::StrAppend(&out, "\n  - ", Safe(violation.field()), ": ", Safe(violation.description()));
    }
  }
  if (details.precondition_failure.has_value() && code != grpc::StatusCode::FAILED_PRECONDITION) {
    for (const auto& violation : details.precondition_failure->violations()) {
      absl::StrAppend(&out, "\n  - ", Safe(violation.type()), " ", Safe(violation.subject()), ": ",
                      Safe(violation.description()));
    }
  }
  if (details.resource_info.has_value() && !details.resource_info->resource_name().empty()) {
    absl::StrAppend(&out, "\n  resource: ", Safe(details.resource_info->resource_name()));
  }
  if (details.quota_failure.has_value()) {
    for (const auto& violation : details.quota_failure->violations()) {
      absl::StrAppend(&out, "\n  - ", Safe(violation.subject()), ": ",
                      Safe(violation.description()));
    }
  }
  if (details.retry_info.has_value() && details.retry_info->has_retry_delay()) {
    absl::StrAppend(&out, "\n  retry after ", details.retry_info->retry_delay().seconds(), "s");
  }
  if (details.help.has_value()) {
    for (const auto& link : details.help->links()) {
      absl::StrAppend(
          &out, "\n  see ", Safe(link.url()),
          link.description().empty() ? "" : absl::StrCat(" (", Safe(link.description()), ")"));
    }
  }
  if (details.request_info.has_value() && !details.request_info->request_id().empty()) {
    absl::StrAppend(&out, "\n  request id: ", Safe(details.request_info->request_id()),
                    " (quote it to ctgd's operator)");
  }
  return out;
}

std::string Sentence(const grpc::Status& status, const CallSettings& settings,
                     const Details& details) {
  const std::string message = Safe(status.error_message());
  const std::string server = Safe(settings.server);
  // "(message)" after a sentence, or nothing when the server said nothing.
  const std::string aside = message.empty() ? "" : absl::StrCat(" (", message, ")");
  const std::string colon_message = message.empty() ? "" : absl::StrCat(": ", message);
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return "no error";
    case grpc::StatusCode::UNAVAILABLE: {
      std::string hint = "check --server (CTG_SERVER)";
      const std::string lower = absl::AsciiStrToLower(message);
      if (absl::StrContains(lower, "handshake") || absl::StrContains(lower, "ssl") ||
          absl::StrContains(lower, "certificate")) {
        hint =
            "the TLS handshake failed: check --ca_cert (CTG_CA_CERT) and the server's name, "
            "or use --plaintext for a dev server on this machine";
      }
      return absl::StrCat("cannot reach ctgd at ", server, ": is it running?", aside, "\n  ", hint);
    }
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StrCat("ctgd at ", server, " did not answer within ",
                          absl::FormatDuration(settings.timeout),
                          ": retry, or allow more time with --timeout", aside);
    case grpc::StatusCode::UNAUTHENTICATED:
      if (settings.token.empty()) {
        return absl::StrCat("the server wants a token and you sent none", aside,
                            "; set CTG_TOKEN or --token_file");
      }
      return absl::StrCat("the server refused your token",
                          message.empty() ? "" : absl::StrCat(": ", message),
                          "; set CTG_TOKEN or --token_file");
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::StrCat("permission denied", colon_message,
                          "\n  your token's role does not allow this; ask your Caf's "
                          "administrator if it should");
    case grpc::StatusCode::NOT_FOUND:
      return absl::StrCat("not found", colon_message,
                          "\n  it does not exist, or your token does not let you see it");
    case grpc::StatusCode::INVALID_ARGUMENT: {
      if (!details.bad_request.has_value() || details.bad_request->field_violations().empty()) {
        return absl::StrCat("the server rejected the request", colon_message);
      }
      std::string out = "the server rejected the request:";
      for (const auto& violation : details.bad_request->field_violations()) {
        absl::StrAppend(&out, "\n  - ", Safe(violation.field()), ": ",
                        Safe(violation.description()));
      }
      return out;
    }
    case grpc::StatusCode::FAILED_PRECONDITION: {
      std::string out;
      if (details.error_info.has_value() && !details.error_info->reason().empty()) {
        // ctgd's messages already start with the reason ("DELIBERATION_REQUIRED: …").
        const std::string reason = Safe(details.error_info->reason());
        absl::string_view rest = message;
        absl::ConsumePrefix(&rest, absl::StrCat(reason, ": "));
        out = absl::StrCat("refused by a rule, ", reason, rest.empty() ? "" : ": ", rest,
                           ErrorInfoMetadataLines(*details.error_info));
      } else {
        out =
            absl::StrCat("refused: the resource is not in a state that allows this", colon_message);
      }
      if (details.precondition_failure.has_value()) {
        for (const auto& violation : details.precondition_failure->violations()) {
          absl::StrAppend(&out, "\n  - ", Safe(violation.type()), " ", Safe(violation.subject()),
                          ": ", Safe(violation.description()));
        }
      }
      return out;
    }
    case grpc::StatusCode::ABORTED:
      return absl::StrCat("conflict", colon_message,
                          "\n  someone else changed it meanwhile: look at it again, then retry");
    case grpc::StatusCode::ALREADY_EXISTS:
      return absl::StrCat("already exists", colon_message);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::StrCat("ctgd refused the call: too large or too many calls", colon_message);
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::StrCat("out of range", colon_message);
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StrCat("ctgd at ", server, " does not offer this call", aside,
                          ": is it an older version than this ctg?");
    case grpc::StatusCode::CANCELLED:
      return absl::StrCat("the call was cancelled", colon_message);
    case grpc::StatusCode::DATA_LOSS:
      return absl::StrCat("ctgd reports lost or corrupted data", colon_message,
                          "\n  tell its operator (ctgd verify)");
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    default:
      return absl::StrCat("ctgd failed (", GrpcCodeName(status.error_code()), ")", colon_message);
  }
}

}  // namespace

std::string GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("code ", static_cast<int>(code));
  }
}

std::string DescribeRpcError(const grpc::Status& status, const CallSettings& settings) {
  Details details = DecodeDetails(status);
  return Sentence(status, settings, details) + DetailLines(status.error_code(), details);
}

absl::Status RpcError(const grpc::Status& status, const CallSettings& settings) {
  if (status.ok()) return absl::OkStatus();
  // grpc::StatusCode and absl::StatusCode share their values (both are google.rpc.Code).
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      DescribeRpcError(status, settings));
}

bool OutcomeUnknown(grpc::StatusCode code) {
  return code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::CANCELLED;
}

}  // namespace ctg::cli
