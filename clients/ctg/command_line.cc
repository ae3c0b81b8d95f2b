#include "clients/ctg/command_line.h"

#include <CLI/CLI.hpp>
#include <utility>

namespace ctg::cli {

void CommandSet::Add(CLI::App* command, Check check, Run run) {
  commands_.push_back(Command{command, std::move(check), std::move(run)});
}

const CommandSet::Command* CommandSet::Parsed() const {
  for (const Command& command : commands_) {
    if (command.app->parsed()) return &command;
  }
  return nullptr;
}

void CommandSet::CheckParsed(std::optional<UsageError>* usage) const {
  if (const Command* command = Parsed(); command != nullptr) command->check(usage);
}

absl::Status CommandSet::RunParsed(const Session& session) const {
  const Command* command = Parsed();
  return command == nullptr ? absl::OkStatus() : command->run(session);
}

void AddShowCommand(CLI::App& parent, CommandSet& commands, const std::string& help,
                    const std::string& id_name, const std::string& id_help, NameOf name_of,
                    Show show) {
  struct Flags {
    std::string id, name;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* command = parent.add_subcommand("show", help);
  command->add_option(id_name, flags.id, id_help)->required();
  commands.Add(
      command,
      [&flags, name_of = std::move(name_of)](std::optional<UsageError>* usage) {
        flags.name = OrUsage(name_of(flags.id), usage);
      },
      flags.name, std::move(show));
}

void AddPageFlags(CLI::App& list, int max_page_size, int32_t& page_size, std::string& page_token,
                  bool& all) {
  list.add_option("--page_size", page_size, "at most this many per page")
      ->check(CLI::Range(1, max_page_size));
  list.add_option("--page_token", page_token, "resume where a previous page ended");
  list.add_flag("--all", all, "fetch every page");
}

void AddRequestIdFlag(CLI::App& write, std::string& request_id) {
  write.add_option("--request_id", request_id,
                   "idempotency key (a UUID), to retry a call whose outcome is unknown; "
                   "default: a new one");
}

}  // namespace ctg::cli
