// `ctg persons …`: register, look up and erase persons (candidates and agents).
//
// Personal data stays out of every message: the identity is printed only by `persons show
// --purpose` (whose read the server records), never by create or erase, never in JSON without
// a purpose, and whatever a server's error message echoes of the identity typed is redacted.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "clients/ctg/rpc_errors.h"
#include "clients/ctg/table.h"

namespace ctg::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> IdentityValues(const ctg::v1::PersonIdentity& identity) {
  return {identity.given_name(), identity.family_name(), identity.email(), identity.phone()};
}

// The fields of a person that are not personal data.
Fields PersonFields(const ctg::v1::Person& person) {
  Fields fields = {{"name", person.name()}, {"organisation", person.organisation()}};
  if (!person.recruitment().empty()) fields.emplace_back("recruitment", person.recruitment());
  if (person.erased()) {
    fields.emplace_back("status", "erased: its personal data is destroyed");
    fields.emplace_back("erased", FormatTimestamp(person.erase_time()));
    fields.emplace_back("basis", ErasureBasisText(person.erasure_basis()));
  } else {
    fields.emplace_back("status", "registered (personal data held, sealed)");
  }
  fields.emplace_back("created", FormatTimestamp(person.create_time()));
  fields.emplace_back("etag", person.etag());
  return fields;
}

absl::Status GetPerson(ctg::v1::PersonsService::StubInterface& persons, const CallSettings& call,
                       const std::string& name, const std::string& purpose,
                       ctg::v1::Person* person) {
  ctg::v1::GetPersonRequest request;
  request.set_name(name);
  request.set_purpose(purpose);
  grpc::ClientContext context;
  PrepareContext(call, &context);
  return RpcError(persons.GetPerson(&context, request, person), call);
}

}  // namespace

absl::Status RunPersonsCreate(ctg::v1::PersonsService::StubInterface& persons,
                              const CallSettings& call, const PersonsCreateArgs& args,
                              Output& output) {
  ctg::v1::CreatePersonRequest request;
  request.mutable_person()->set_organisation(args.organisation);
  *request.mutable_person()->mutable_identity() = args.identity;
  request.mutable_person()->set_recruitment(args.recruitment);
  request.set_request_id(args.request_id);
  ctg::v1::Person person;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  grpc::Status status = persons.CreatePerson(&context, request, &person);
  if (!status.ok()) {
    std::string message =
        RedactValues(DescribeRpcError(status, call), IdentityValues(args.identity));
    if (OutcomeUnknown(status.error_code()) && !args.request_id.empty()) {
      absl::StrAppend(&message,
                      "\n  the person may have been registered all the same: rerun with "
                      "--request_id ",
                      args.request_id, " so that the retry cannot register them twice");
    } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      absl::StrAppend(&message,
                      "\n  an earlier call with this --request_id registered that person");
    }
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), message);
  }
  person.clear_identity();  // the caller typed it; it is not output
  if (output.json) {
    *output.out << ToJsonLine(person);
  } else {
    *output.out << SanitizeForTerminal(person.name()) << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunPersonsShow(ctg::v1::PersonsService::StubInterface& persons,
                            const CallSettings& call, const PersonsShowArgs& args, Output& output) {
  ctg::v1::Person person;
  if (absl::Status status = GetPerson(persons, call, args.name, args.purpose, &person);
      !status.ok()) {
    return status;
  }
  const bool with_identity = !args.purpose.empty() && !person.erased();
  if (!with_identity) person.clear_identity();  // never without a purpose, never once erased
  const std::string name = SanitizeForTerminal(args.name);
  if (with_identity) {
    *output.err << "ctg: notice: this read of " << name
                << "'s identity is recorded in its history (who, when) with the purpose \""
                << SanitizeForTerminal(args.purpose) << "\"\n";
  }
  if (output.json) {
    *output.out << ToJsonLine(person);
    return absl::OkStatus();
  }
  Fields fields = PersonFields(person);
  if (with_identity) {
    const ctg::v1::PersonIdentity& identity = person.identity();
    fields.insert(fields.end(), {{"given name", identity.given_name()},
                                 {"family name", identity.family_name()},
                                 {"email", identity.email()},
                                 {"phone", identity.phone()}});
  }
  *output.out << RenderFields(fields);
  if (args.purpose.empty() && !person.erased()) {
    *output.err << "identity not shown: add --purpose \"why you read it\" to read it (the read "
                   "is recorded)\n";
  } else if (!args.purpose.empty() && person.erased()) {
    *output.err << name << " is erased: there is no identity left to read\n";
  }
  return absl::OkStatus();
}

absl::Status RunPersonsErase(ctg::v1::PersonsService::StubInterface& persons,
                             const CallSettings& call, const PersonsEraseArgs& args,
                             Output& output) {
  // Without a purpose: nothing personal is read, and the lookup is not recorded.
  ctg::v1::Person before;
  if (absl::Status status = GetPerson(persons, call, args.name, "", &before); !status.ok()) {
    return status;
  }
  before.clear_identity();
  const std::string name = SanitizeForTerminal(args.name);
  if (before.erased()) {
    if (output.json) {
      *output.out << ToJsonLine(before);
    } else {
      *output.out << name << " was already erased on " << FormatTimestamp(before.erase_time())
                  << " (basis: " << ErasureBasisText(before.erasure_basis())
                  << "); nothing changed\n";
    }
    return absl::OkStatus();
  }

  ctg::v1::ErasePersonRequest request;
  request.set_name(args.name);
  request.set_basis(args.basis);
  request.set_reference(args.reference);
  request.set_request_id(args.request_id);
  ctg::v1::Person person;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  grpc::Status status = persons.ErasePerson(&context, request, &person);
  if (!status.ok()) {
    std::string message = DescribeRpcError(status, call);
    if (OutcomeUnknown(status.error_code())) {
      absl::StrAppend(&message, "\n  it may have been erased all the same: `ctg persons show ",
                      IdOf(name), "` tells");
    }
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), message);
  }
  person.clear_identity();
  if (output.json) {
    *output.out << ToJsonLine(person);
    return absl::OkStatus();
  }
  *output.out << "erased " << name
              << ": its personal data is destroyed, irreversibly (its key is gone)\n";
  Fields fields = {{"basis", ErasureBasisText(person.erasure_basis())}};
  if (!args.reference.empty()) fields.emplace_back("reference", args.reference);
  fields.emplace_back("erased at", FormatTimestamp(person.erase_time()));
  *output.out << RenderFields(fields)
              << "the log keeps every event and proof; a PersonErased event records the basis, "
                 "without personal data\n";
  return absl::OkStatus();
}

}  // namespace ctg::cli
