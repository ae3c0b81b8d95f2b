// The command line of persons: `ctg persons create|show|erase`. No usage error repeats a value
// typed here: it may be personal data.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/command_line.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "ctg/v1/persons.grpc.pb.h"

namespace ctg::cli {
namespace {

using Usage = std::optional<UsageError>;

// Limits of the contract (persons.proto), checked before anything is sent. The messages never
// repeat the value: it is personal data.
std::optional<UsageError> CheckIdentityFlag(absl::string_view flag, const std::string& value,
                                            size_t max_chars, bool required) {
  const size_t chars = CharCount(absl::StripAsciiWhitespace(value));
  if (required && chars == 0) return UsageError{absl::StrCat(flag, " must not be empty")};
  if (chars > max_chars) {
    return UsageError{
        absl::StrCat(flag, " has ", chars, " characters; at most ", max_chars, " are allowed")};
  }
  return std::nullopt;
}

void AddPersonsCreateCommand(CLI::App& persons, CommandSet& commands) {
  struct Flags {
    std::string organisation, given_name, family_name, email, phone, recruitment, request_id;
    PersonsCreateArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* create =
      persons.add_subcommand("create", "register a person; prints their name (persons/…)");
  create
      ->add_option("--organisation", flags.organisation,
                   "the registering collectivité's SIREN, e.g. 249900028")
      ->required();
  create->add_option("--given_name", flags.given_name, "given name (1 to 100 characters)")
      ->required();
  create->add_option("--family_name", flags.family_name, "family name (1 to 100 characters)")
      ->required();
  create->add_option("--email", flags.email, "e-mail address, if known");
  create->add_option("--phone", flags.phone, "telephone number, if known");
  create->add_option("--recruitment", flags.recruitment,
                     "for a candidate: the recruitment applied to (its id)");
  AddRequestIdFlag(*create, flags.request_id);
  commands.Add(
      create,
      [&flags](Usage* usage) {
        PersonsCreateArgs& args = flags.args;
        args.organisation = OrUsage(OrganisationName(flags.organisation), usage);
        for (auto problem : {CheckIdentityFlag("--given_name", flags.given_name, 100, true),
                             CheckIdentityFlag("--family_name", flags.family_name, 100, true),
                             CheckIdentityFlag("--email", flags.email, 254, false),
                             CheckIdentityFlag("--phone", flags.phone, 32, false)}) {
          if (problem.has_value() && !usage->has_value()) *usage = problem;
        }
        if (!flags.email.empty() && !absl::StrContains(flags.email, '@') && !usage->has_value()) {
          AddUsage(usage, "--email is not an e-mail address (it has no @)");
        }
        args.identity.set_given_name(flags.given_name);
        args.identity.set_family_name(flags.family_name);
        args.identity.set_email(flags.email);
        args.identity.set_phone(flags.phone);
        if (!flags.recruitment.empty())
          args.recruitment = OrUsage(RecruitmentName(flags.recruitment), usage);
        args.request_id = RequestIdOrNew(flags.request_id, usage);
      },
      flags.args, OnStub<ctg::v1::PersonsService>(RunPersonsCreate));
}

void AddPersonsShowCommand(CLI::App& persons, CommandSet& commands) {
  struct Flags {
    std::string id, purpose;
    CLI::Option* purpose_option = nullptr;
    PersonsShowArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* show = persons.add_subcommand(
      "show", "whether a person exists or was erased; with --purpose, their identity");
  show->add_option("id", flags.id, "the person's id, e.g. 5c1e0f7a9b2d4e6f8a0b1c2d3e4f5a6b")
      ->required();
  flags.purpose_option = show->add_option(
      "--purpose", flags.purpose,
      "why you read the identity, e.g. \"avis Caf sur la candidature\" (1 to 200 characters, "
      "no personal data): the read is recorded with it");
  commands.Add(
      show,
      [&flags](Usage* usage) {
        flags.args.name = OrUsage(PersonName(flags.id), usage);
        if (flags.purpose_option->count() == 0) return;
        flags.args.purpose = std::string(absl::StripAsciiWhitespace(flags.purpose));
        if (flags.args.purpose.empty()) {
          AddUsage(usage,
                   "--purpose must say why you read the identity, e.g. \"avis Caf sur la "
                   "candidature\"");
        } else if (CharCount(flags.args.purpose) > 200) {
          AddUsage(usage, "--purpose is limited to 200 characters");
        }
      },
      flags.args, OnStub<ctg::v1::PersonsService>(RunPersonsShow));
}

void AddPersonsEraseCommand(CLI::App& persons, CommandSet& commands) {
  struct Flags {
    std::string id, basis, request_id;
    PersonsEraseArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* erase = persons.add_subcommand(
      "erase", "erase a person's personal data, irreversibly (no confirmation is asked)");
  erase->add_option("id", flags.id, "the person's id")->required();
  erase
      ->add_option("--basis", flags.basis,
                   "the legal basis: request (the person asked, RGPD art. 17), retention (the "
                   "retention period ended) or no-longer-needed")
      ->required();
  erase->add_option("--reference", flags.args.reference,
                    "a reference for the record, e.g. the request's number (at most 200 "
                    "characters, no personal data)");
  AddRequestIdFlag(*erase, flags.request_id);
  commands.Add(
      erase,
      [&flags](Usage* usage) {
        flags.args.name = OrUsage(PersonName(flags.id), usage);
        flags.args.basis = OrUsage(ParseErasureBasis(flags.basis), usage);
        if (CharCount(flags.args.reference) > 200 && !usage->has_value())
          AddUsage(usage, "--reference is limited to 200 characters");
        flags.args.request_id = RequestIdOrNew(flags.request_id, usage);
      },
      flags.args, OnStub<ctg::v1::PersonsService>(RunPersonsErase));
}

}  // namespace

void AddPersonsCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* persons = app.add_subcommand(
      "persons", "persons (candidates, agents): register, look up, erase their personal data");
  persons->require_subcommand(1);
  AddPersonsCreateCommand(*persons, commands);
  AddPersonsShowCommand(*persons, commands);
  AddPersonsEraseCommand(*persons, commands);
}

}  // namespace ctg::cli
