// The command line of the staffing writes that have no command of their own in cli.cc — `ctg
// posts create|transition|cofinancing|caf-funding|withdraw-change`, `ctg recruitments
// open|cadrage|fiche|publish|close-applications|shortlist|jury|synthesis|skip|choose|decide|
// hire|integrate|close|cancel` — and of `ctg replacements`. Each subcommand is its flags
// (checked by CLI11) and a function that checks the rest and builds the request; every write
// sends a request id (--request_id, or a new one) and takes --etag where the contract has one.
//
// Thread safety: an instance belongs to one RunCli call.
#ifndef CTG_CLIENTS_CTG_STAFFING_CLI_H_
#define CTG_CLIENTS_CTG_STAFFING_CLI_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/connection.h"
#include "ctg/v1/staffing.grpc.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ctg::cli {

class StaffingCli {
 public:
  // Adds the writes to `posts` and `recruitments`, and `replacements` to `app`.
  StaffingCli(CLI::App& app, CLI::App& posts, CLI::App& recruitments);
  StaffingCli(const StaffingCli&) = delete;
  StaffingCli& operator=(const StaffingCli&) = delete;

  // After parsing: whether one of these subcommands was given.
  bool parsed() const;
  // Checks what CLI11 could not and prepares the call; the first usage error found, if any.
  std::optional<UsageError> Prepare();
  // Runs the prepared call.
  absl::Status Run(ctg::v1::StaffingService::StubInterface& staffing, const CallSettings& call,
                   Output& output) const;

 private:
  // A write subcommand and how its request is built from the flags.
  struct Write {
    CLI::App* command;
    std::function<StaffingWrite(std::optional<UsageError>*)> build;
  };
  // Adds a write: its positional id (unless `id_help` is empty), --etag (if `etag`) and
  // --request_id.
  CLI::App* AddWrite(CLI::App& parent, const std::string& name, const std::string& help,
                     const std::string& id_help, bool etag,
                     std::function<StaffingWrite(std::optional<UsageError>*)> build);

  std::vector<Write> writes_;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  std::optional<StaffingWrite> write_;
  ReplacementsListArgs list_args_;
  std::string show_name_;

  // The flags, bound to CLI11 (one subcommand is parsed per run, so they are shared).
  std::string id_, etag_, request_id_, new_id_;
  std::string ctg_, employer_, post_, person_, etp_, status_, rattachement_;
  std::vector<std::string> missions_, thematiques_, involvements_;
  std::string reason_, comment_, date_, change_, amount_, rate_, ceiling_, scheme_, decision_date_,
      decision_reference_;
  int32_t year_ = 0;
  std::string motif_, fonction_, candidate_choice_, document_, channel_, step_;
  int32_t count_ = 0;
  bool caf_participated_ = false;
  std::string contract_date_, start_, end_, cdt_meeting_, copil_, partners_meeting_;
  std::string replaces_, reduce_activity_, reduce_by_, outcome_;
  std::string page_token_;
  int32_t page_size_ = 0;
  bool all_ = false;
};

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_STAFFING_CLI_H_
