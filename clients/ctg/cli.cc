#include "clients/ctg/cli.h"

#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/format.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"

namespace ctg::cli {
namespace {

constexpr const char* kFooter = R"(Environment (a flag wins over its variable):
  CTG_SERVER        ctgd's address (--server)
  CTG_TOKEN         bearer token (--token)
  CTG_TOKEN_FILE    file holding the bearer token (--token_file)
  CTG_CA_CERT       PEM CA of ctgd's certificate (--ca_cert)
  CTG_PLAINTEXT=1   no TLS, loopback dev server only (--plaintext)
  CTG_STATE_DIR     where pinned keys and kept checkpoints live (--state_dir)
  CTG_VERIFIER_KEY  the log's verifier key line, from its operator (--verifier_key)

Exit codes: 0 ok, 1 server or verification error, 2 usage error.
See clients/README.md.)";

std::string Getenv(const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string EnumHelp(absl::string_view what, const google::protobuf::EnumDescriptor* type) {
  return absl::StrCat(what, ": ", absl::StrJoin(EnumShortNames(type), ", "));
}

// Everything the command line can say, bound to CLI11.
struct Flags {
  ConnectionOptions connection;
  std::string token_flag, token_file_flag;
  std::string state_dir;
  std::string verifier_key;
  bool json = false;

  std::string type, epci, state, signatory, page_token;
  int32_t page_size = 0;
  bool all = false;
  std::string siren, ctg_id;

  std::string stream, tag, since, until;
  std::vector<std::string> event_types;

  bool verify_events = false;

  int64_t position = -1;
  bool consistency = false;
  std::string leaf_hash;
};

// A usage error (exit 2).
struct UsageError {
  std::string message;
};

template <typename T>
T OrUsage(absl::StatusOr<T> value, std::optional<UsageError>* error) {
  if (!value.ok()) {
    if (!error->has_value()) *error = UsageError{std::string(value.status().message())};
    return T();
  }
  return *std::move(value);
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Flags flags;
  CLI::App app{"ctg: the command-line client of ctgd (Conventions Territoriales Globales)", "ctg"};
  app.footer(kFooter);
  app.fallthrough();  // global flags may follow the subcommand
  app.require_subcommand(1);

  flags.connection.server = std::string(kDefaultServer);
  app.add_option("--server", flags.connection.server, "ctgd's address, host:port")
      ->envname("CTG_SERVER")
      ->capture_default_str();
  app.add_option("--token", flags.token_flag, "bearer token (a JWT)");
  app.add_option("--token_file", flags.token_file_flag, "file holding the bearer token");
  app.add_option("--ca_cert", flags.connection.ca_cert_file,
                 "PEM CA that signed ctgd's certificate (default: the system's roots)")
      ->envname("CTG_CA_CERT");
  app.add_option("--client_cert", flags.connection.client_cert_file,
                 "PEM client certificate, for mutual TLS");
  app.add_option("--client_key", flags.connection.client_key_file,
                 "PEM private key of --client_cert");
  app.add_flag("--plaintext", flags.connection.plaintext,
               "no TLS: only to a dev server on this machine (ctgd --dev)")
      ->envname("CTG_PLAINTEXT");
  app.add_option("--timeout", flags.connection.timeout_seconds, "deadline of each call, seconds")
      ->capture_default_str();
  app.add_flag("--json", flags.json, "print one proto3 JSON object instead of a table");
  app.add_option("--state_dir", flags.state_dir,
                 "pinned keys and kept checkpoints (default $XDG_STATE_HOME/ctg or "
                 "~/.local/state/ctg)")
      ->envname("CTG_STATE_DIR");
  app.add_option("--verifier_key", flags.verifier_key,
                 "the log's verifier key line, obtained from its operator (default: trust the "
                 "server's on first use)")
      ->envname("CTG_VERIFIER_KEY");

  // orgs
  CLI::App* orgs = app.add_subcommand("orgs", "the registry of organisations");
  orgs->require_subcommand(1);
  CLI::App* orgs_list = orgs->add_subcommand("list", "list organisations, in SIREN order");
  orgs_list->add_option("--type", flags.type,
                        EnumHelp("only this type", ctg::v1::OrganisationType_descriptor()));
  orgs_list->add_option("--epci", flags.epci, "only communes of this EPCI (its SIREN)");
  CLI::App* orgs_show = orgs->add_subcommand("show", "show one organisation");
  orgs_show->add_option("siren", flags.siren, "its SIREN, e.g. 200000172")->required();

  // ctgs
  CLI::App* ctgs = app.add_subcommand("ctgs", "Conventions Territoriales Globales");
  ctgs->require_subcommand(1);
  CLI::App* ctgs_list = ctgs->add_subcommand("list", "list the CTGs you may read");
  ctgs_list->add_option("--state", flags.state,
                        EnumHelp("only in this state", ctg::v1::CtgState_descriptor()));
  ctgs_list->add_option("--signatory", flags.signatory, "only CTGs this SIREN signs");
  CLI::App* ctgs_show =
      ctgs->add_subcommand("show", "show one CTG: signatories, deliberations, warnings");
  ctgs_show->add_option("id", flags.ctg_id, "its id, e.g. val-orbe-2025")->required();

  for (CLI::App* list : {orgs_list, ctgs_list}) {
    list->add_option("--page_size", flags.page_size, "at most this many per page")
        ->check(CLI::Range(1, 1000));
    list->add_option("--page_token", flags.page_token, "resume where a previous page ended");
    list->add_flag("--all", flags.all, "fetch every page");
  }

  // history
  CLI::App* history = app.add_subcommand("history", "who changed what, and when (oldest first)");
  CLI::Option* stream =
      history->add_option("--stream", flags.stream, "a stream, e.g. ctg-val-orbe-2025");
  CLI::Option* tag =
      history->add_option("--tag", flags.tag, "a tag, e.g. ctg:val-orbe-2025, org:200000172");
  stream->excludes(tag);
  history->add_option("--since", flags.since, "recorded at or after (RFC 3339 or YYYY-MM-DD)");
  history->add_option("--until", flags.until, "recorded before (RFC 3339 or YYYY-MM-DD)");
  history
      ->add_option("--type", flags.event_types,
                   "only this event type (repeatable), e.g. CtgDrafted")
      ->delimiter(',');
  history->add_option("--page_size", flags.page_size, "at most this many per page")
      ->check(CLI::Range(1, 1000));
  history->add_option("--page_token", flags.page_token, "resume where a previous page ended");
  history->add_flag("--all", flags.all, "fetch every page");
  history->add_flag("--verify", flags.verify_events,
                    "prove each event listed is in the log, from its own bytes (one proof each)");

  // checkpoint, verify
  CLI::App* checkpoint = app.add_subcommand(
      "checkpoint", "fetch the latest signed checkpoint and prove it extends the kept one");
  CLI::App* verify = app.add_subcommand("verify", "verify proofs locally, without trusting ctgd");
  CLI::Option* position = verify
                              ->add_option("--position", flags.position,
                                           "prove the event at this position is in the log")
                              ->check(CLI::NonNegativeNumber);
  CLI::Option* consistency = verify->add_flag("--consistency", flags.consistency,
                                              "prove the log only grew since the kept checkpoint");
  position->excludes(consistency);
  verify->add_option(
      "--leaf_hash", flags.leaf_hash,
      "with --position: the leaf hash you hold (hex, or base64 as in history --json), checked too");

  std::vector<const char*> argv = {"ctg"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  // What CLI11 cannot check.
  std::optional<UsageError> usage;
  if (!flags.token_flag.empty()) {
    flags.connection.token = flags.token_flag;
  } else if (!flags.token_file_flag.empty()) {
    flags.connection.token_file = flags.token_file_flag;
  } else if (std::string token = Getenv("CTG_TOKEN"); !token.empty()) {
    flags.connection.token = token;
  } else {
    flags.connection.token_file = Getenv("CTG_TOKEN_FILE");
  }
  OrgsListArgs orgs_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  CtgsListArgs ctgs_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  HistoryArgs history_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  std::string resource_name;
  std::optional<tlog::Hash> leaf_hash;
  if (orgs_list->parsed()) {
    if (!flags.type.empty()) {
      orgs_args.type = static_cast<ctg::v1::OrganisationType>(
          OrUsage(ParseEnumShortName(ctg::v1::OrganisationType_descriptor(), flags.type), &usage));
    }
    if (!flags.epci.empty()) orgs_args.epci = OrUsage(OrganisationName(flags.epci), &usage);
  } else if (orgs_show->parsed()) {
    resource_name = OrUsage(OrganisationName(flags.siren), &usage);
  } else if (ctgs_list->parsed()) {
    if (!flags.state.empty()) {
      ctgs_args.state = static_cast<ctg::v1::CtgState>(
          OrUsage(ParseEnumShortName(ctg::v1::CtgState_descriptor(), flags.state), &usage));
    }
    if (!flags.signatory.empty())
      ctgs_args.signatory = OrUsage(OrganisationName(flags.signatory), &usage);
  } else if (ctgs_show->parsed()) {
    resource_name = OrUsage(CtgName(flags.ctg_id), &usage);
  } else if (history->parsed()) {
    if (flags.stream.empty() && flags.tag.empty()) {
      usage = UsageError{"history needs --stream or --tag, e.g. --tag ctg:val-orbe-2025"};
    }
    history_args.stream = flags.stream;
    history_args.verify = flags.verify_events;
    history_args.tag = flags.tag;
    if (!flags.since.empty()) history_args.since = OrUsage(ParseTimeFlag(flags.since), &usage);
    if (!flags.until.empty()) history_args.until = OrUsage(ParseTimeFlag(flags.until), &usage);
    if (history_args.since.has_value() && history_args.until.has_value() &&
        *history_args.until <= *history_args.since) {
      usage = UsageError{"--until must be after --since"};
    }
    for (const std::string& type : flags.event_types) {
      if (!type.empty()) history_args.types.push_back(FullEventType(type));
    }
  } else if (verify->parsed()) {
    if (flags.position < 0 && !flags.consistency) {
      usage = UsageError{"verify needs --position N or --consistency"};
    }
    if (!flags.leaf_hash.empty()) {
      if (flags.position < 0) usage = UsageError{"--leaf_hash goes with --position"};
      // Hex as `ctg verify` prints it, or base64 as `ctg history --json` prints leafHash.
      auto hash = tlog::HashFromHex(flags.leaf_hash);
      std::string bytes;
      if (!hash.ok() && absl::Base64Unescape(flags.leaf_hash, &bytes))
        hash = tlog::HashFromBytes(bytes);
      if (!hash.ok()) {
        usage = UsageError{
            "--leaf_hash must be a SHA-256 leaf hash: 64 hex digits, or base64 as in "
            "`ctg history --json`"};
      } else {
        leaf_hash = *hash;
      }
    }
  }
  auto channel = Connect(flags.connection);
  if (!channel.ok() && !usage.has_value())
    usage = UsageError{std::string(channel.status().message())};
  auto call = MakeCallSettings(flags.connection);
  if (!call.ok() && !usage.has_value()) usage = UsageError{std::string(call.status().message())};
  if (usage.has_value()) {
    err << "ctg: " << usage->message << "\nRun with --help for more information.\n";
    return kExitUsage;
  }

  Output output{.out = &out, .err = &err, .json = flags.json};
  const TrustOptions trust{.verifier_key = flags.verifier_key};
  TrustStore store(ServerStateDir(flags.state_dir.empty() ? DefaultStateDir() : flags.state_dir,
                                  flags.connection.server));
  auto partners = [&] { return ctg::v1::PartnersService::NewStub(*channel); };
  auto plans = [&] { return ctg::v1::PlansService::NewStub(*channel); };
  auto audit = [&] { return ctg::v1::AuditService::NewStub(*channel); };
  absl::Status status;
  if (orgs_list->parsed()) {
    status = RunOrgsList(*partners(), *call, orgs_args, output);
  } else if (orgs_show->parsed()) {
    status = RunOrgsShow(*partners(), *call, resource_name, output);
  } else if (ctgs_list->parsed()) {
    status = RunCtgsList(*plans(), *call, ctgs_args, output);
  } else if (ctgs_show->parsed()) {
    status = RunCtgsShow(*plans(), *call, resource_name, output);
  } else if (history->parsed()) {
    status = RunHistory(*audit(), *call, history_args, trust, store, output);
  } else if (checkpoint->parsed()) {
    status = RunCheckpoint(*audit(), *call, trust, store, /*show_proof=*/false, output);
  } else if (verify->parsed() && flags.consistency) {
    status = RunCheckpoint(*audit(), *call, trust, store, /*show_proof=*/true, output);
  } else if (verify->parsed()) {
    status = RunVerifyPosition(*audit(), *call, trust, store, static_cast<uint64_t>(flags.position),
                               leaf_hash, output);
  }
  if (!status.ok()) {
    err << "ctg: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace ctg::cli
