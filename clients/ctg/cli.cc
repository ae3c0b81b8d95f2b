#include "clients/ctg/cli.h"

#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <optional>

#include "absl/status/status.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/command_line.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"

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

// The flags every subcommand takes, bound to CLI11.
struct GlobalFlags {
  ConnectionOptions connection;
  std::string token_flag, token_file_flag;
  std::string state_dir;
  std::string verifier_key;
  bool json = false;
};

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GlobalFlags flags;
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

  CommandSet commands;
  AddRegistryCommands(app, commands);
  AddAuditCommands(app, commands);
  AddPersonsCommands(app, commands);
  AddStaffingCommands(app, commands);

  std::vector<const char*> argv = {"ctg"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (app.get_subcommand("persons")->parsed() &&
        dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      // CLI11 would list the arguments, which may be a name or an address.
      err << "ctg: unexpected arguments after `persons` (not repeated here: they may be "
             "personal data)\n  a value with spaces needs quotes, e.g. --family_name "
             "\"Le Goff\"; check the flag names with --help\n";
      return kExitUsage;
    }
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
  commands.CheckParsed(&usage);
  auto channel = Connect(flags.connection);
  if (!channel.ok() && !usage.has_value())
    AddUsage(&usage, std::string(channel.status().message()));
  auto call = MakeCallSettings(flags.connection);
  if (!call.ok() && !usage.has_value()) AddUsage(&usage, std::string(call.status().message()));
  if (usage.has_value()) {
    err << "ctg: " << usage->message << "\nRun with --help for more information.\n";
    return kExitUsage;
  }

  Output output{.out = &out, .err = &err, .json = flags.json};
  const TrustOptions trust{.verifier_key = flags.verifier_key};
  TrustStore store(ServerStateDir(flags.state_dir.empty() ? DefaultStateDir() : flags.state_dir,
                                  flags.connection.server));
  const absl::Status status = commands.RunParsed(Session{.channel = *std::move(channel),
                                                         .call = *call,
                                                         .output = output,
                                                         .trust = trust,
                                                         .store = store});
  if (!status.ok()) {
    err << "ctg: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace ctg::cli
