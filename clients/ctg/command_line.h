// How the command groups of `ctg` declare their subcommands. Internal to ctg_cli.
//
// Each group has a registrar in a file of its own (registry_cli.cc, audit_cli.cc,
// persons_cli.cc, staffing_cli.cc): it adds its subcommands and their flags to the CLI11 tree
// and, for each subcommand, what to check once the line is parsed and what to run. RunCli
// (cli.cc) only composes the registrars, parses, and runs the one subcommand given.
//
// Thread safety: a CommandSet belongs to one RunCli call.
#ifndef CTG_CLIENTS_CTG_COMMAND_LINE_H_
#define CTG_CLIENTS_CTG_COMMAND_LINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"
#include "grpcpp/channel.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ctg::cli {

// What a subcommand runs with, once the command line is checked: the channel to ctgd (a
// command makes the stubs it needs), the call settings, where to write, and the trust state
// of the audit commands.
struct Session {
  std::shared_ptr<grpc::Channel> channel;
  const CallSettings& call;
  Output& output;
  const TrustOptions& trust;
  TrustStore& store;
};

// The subcommands the registrars declared.
class CommandSet {
 public:
  // After parsing, records on `usage` the first error CLI11 could not see (exit 2), and
  // prepares the arguments of `run`.
  using Check = std::function<void(std::optional<UsageError>* usage)>;
  // Runs the checked subcommand; a failure is printed by RunCli (exit 1).
  using Run = std::function<absl::Status(const Session& session)>;

  // Declares `command`, a subcommand with no subcommands of its own.
  void Add(CLI::App* command, Check check, Run run);
  // The same, running `run(session, args)` (e.g. OnStub's): `args`, what `check` prepared, must
  // outlive the set (a member of a struct from Make).
  template <typename Args, typename RunWithArgs>
  void Add(CLI::App* command, Check check, const Args& args, RunWithArgs run) {
    Add(command, std::move(check),
        [&args, run = std::move(run)](const Session& session) { return run(session, args); });
  }

  // A new T that lives as long as this set: the flags a group's subcommands are bound to.
  template <typename T>
  T& Make() {
    auto owned = std::make_shared<T>();
    T& made = *owned;
    kept_.push_back(std::move(owned));
    return made;
  }

  // Checks the subcommand parsed, if any (see Check).
  void CheckParsed(std::optional<UsageError>* usage) const;
  // Runs the subcommand parsed; OK if none was.
  absl::Status RunParsed(const Session& session) const;

 private:
  struct Command {
    CLI::App* app;
    Check check;
    Run run;
  };
  const Command* Parsed() const;

  std::vector<Command> commands_;
  std::vector<std::shared_ptr<void>> kept_;
};

// `command(stub, call, args, output)` (a function of commands.h) as a callable of the session
// and the args, on a new stub of Service.
template <typename Service, typename Args>
auto OnStub(absl::Status (*command)(typename Service::StubInterface&, const CallSettings&,
                                    const Args&, Output&)) {
  return [command](const Session& session, const Args& args) {
    return command(*Service::NewStub(session.channel), session.call, args, session.output);
  };
}

// The resource name of an id as typed (OrganisationName, CtgName, PostName…).
using NameOf = std::function<absl::StatusOr<std::string>(absl::string_view id)>;
// Reads and prints the resource `name`.
using Show = std::function<absl::Status(const Session& session, const std::string& name)>;
// Adds the subcommand `show` to `parent`: its required positional `id_name` (`id_help`) is
// made a resource name by `name_of` (its error is a usage error), which `show` then reads.
void AddShowCommand(CLI::App& parent, CommandSet& commands, const std::string& help,
                    const std::string& id_name, const std::string& id_help, NameOf name_of,
                    Show show);

// Adds --page_size (1 to `max_page_size`), --page_token and --all to a list command, bound to
// the fields of the same names of `args` (OrgsListArgs, HistoryArgs, PostsListArgs…).
void AddPageFlags(CLI::App& list, int max_page_size, int32_t& page_size, std::string& page_token,
                  bool& all);
template <typename ListArgs>
void AddPageFlags(CLI::App& list, int max_page_size, ListArgs& args) {
  AddPageFlags(list, max_page_size, args.page_size, args.page_token, args.all);
}

// Adds --request_id (the idempotency key of a write) to `write`, bound to `request_id`.
void AddRequestIdFlag(CLI::App& write, std::string& request_id);

// The registrars, in the order of `ctg --help`.
// `orgs list|show`, `ctgs list|show`.
void AddRegistryCommands(CLI::App& app, CommandSet& commands);
// `history`, `checkpoint`, `verify`.
void AddAuditCommands(CLI::App& app, CommandSet& commands);
// `persons create|show|erase`.
void AddPersonsCommands(CLI::App& app, CommandSet& commands);
// `posts …`, `recruitments …`, `replacements …`, `queue`, `changes`.
void AddStaffingCommands(CLI::App& app, CommandSet& commands);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_COMMAND_LINE_H_
