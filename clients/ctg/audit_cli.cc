// The command line of the audit log: `ctg history`, `ctg checkpoint`, `ctg verify`.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/command_line.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::cli {
namespace {

using Usage = std::optional<UsageError>;

void AddHistoryCommand(CLI::App& app, CommandSet& commands) {
  struct Flags {
    std::string since, until;
    std::vector<std::string> event_types;
    HistoryArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* history = app.add_subcommand("history", "who changed what, and when (oldest first)");
  CLI::Option* stream =
      history->add_option("--stream", flags.args.stream, "a stream, e.g. ctg-val-orbe-2025");
  CLI::Option* tag =
      history->add_option("--tag", flags.args.tag, "a tag, e.g. ctg:val-orbe-2025, org:249900028");
  stream->excludes(tag);
  history->add_option("--since", flags.since, "recorded at or after (RFC 3339 or YYYY-MM-DD)");
  history->add_option("--until", flags.until, "recorded before (RFC 3339 or YYYY-MM-DD)");
  history
      ->add_option("--type", flags.event_types,
                   "only this event type (repeatable), e.g. CtgDrafted")
      ->delimiter(',');
  AddPageFlags(*history, 1000, flags.args);
  history->add_flag("--verify", flags.args.verify,
                    "prove each event listed is in the log, from its own bytes (one proof each)");
  commands.Add(
      history,
      [&flags](Usage* usage) {
        HistoryArgs& args = flags.args;
        if (args.stream.empty() && args.tag.empty()) {
          AddUsage(usage, "history needs --stream or --tag, e.g. --tag ctg:val-orbe-2025");
        }
        if (!flags.since.empty()) args.since = OrUsage(ParseTimeFlag(flags.since), usage);
        if (!flags.until.empty()) args.until = OrUsage(ParseTimeFlag(flags.until), usage);
        if (args.since.has_value() && args.until.has_value() && *args.until <= *args.since) {
          AddUsage(usage, "--until must be after --since");
        }
        for (const std::string& type : flags.event_types) {
          if (!type.empty()) args.types.push_back(FullEventType(type));
        }
      },
      [&flags](const Session& session) {
        return RunHistory(*ctg::v1::AuditService::NewStub(session.channel), session.call,
                          flags.args, session.trust, session.store, session.output);
      });
}

void AddCheckpointCommand(CLI::App& app, CommandSet& commands) {
  CLI::App* checkpoint = app.add_subcommand(
      "checkpoint", "fetch the latest signed checkpoint and prove it extends the kept one");
  commands.Add(
      checkpoint, [](Usage*) {},
      [](const Session& session) {
        return RunCheckpoint(*ctg::v1::AuditService::NewStub(session.channel), session.call,
                             session.trust, session.store, /*show_proof=*/false, session.output);
      });
}

void AddVerifyCommand(CLI::App& app, CommandSet& commands) {
  struct Flags {
    int64_t position = -1;
    bool consistency = false;
    std::string leaf_hash_text;
    std::optional<tlog::Hash> leaf_hash;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* verify = app.add_subcommand("verify", "verify proofs locally, without trusting ctgd");
  CLI::Option* position = verify
                              ->add_option("--position", flags.position,
                                           "prove the event at this position is in the log")
                              ->check(CLI::NonNegativeNumber);
  CLI::Option* consistency = verify->add_flag("--consistency", flags.consistency,
                                              "prove the log only grew since the kept checkpoint");
  position->excludes(consistency);
  verify->add_option(
      "--leaf_hash", flags.leaf_hash_text,
      "with --position: the leaf hash you hold (hex, or base64 as in history --json), checked too");
  commands.Add(
      verify,
      [&flags](Usage* usage) {
        if (flags.position < 0 && !flags.consistency) {
          AddUsage(usage, "verify needs --position N or --consistency");
        }
        if (flags.leaf_hash_text.empty()) return;
        if (flags.position < 0) AddUsage(usage, "--leaf_hash goes with --position");
        // Hex as `ctg verify` prints it, or base64 as `ctg history --json` prints leafHash.
        auto hash = tlog::HashFromHex(flags.leaf_hash_text);
        std::string bytes;
        if (!hash.ok() && absl::Base64Unescape(flags.leaf_hash_text, &bytes))
          hash = tlog::HashFromBytes(bytes);
        if (!hash.ok()) {
          AddUsage(usage,
                   "--leaf_hash must be a SHA-256 leaf hash: 64 hex digits, or base64 as in "
                   "`ctg history --json`");
        } else {
          flags.leaf_hash = *hash;
        }
      },
      [&flags](const Session& session) {
        auto audit = ctg::v1::AuditService::NewStub(session.channel);
        if (flags.consistency) {
          return RunCheckpoint(*audit, session.call, session.trust, session.store,
                               /*show_proof=*/true, session.output);
        }
        return RunVerifyPosition(*audit, session.call, session.trust, session.store,
                                 static_cast<uint64_t>(flags.position), flags.leaf_hash,
                                 session.output);
      });
}

}  // namespace

void AddAuditCommands(CLI::App& app, CommandSet& commands) {
  AddHistoryCommand(app, commands);
  AddCheckpointCommand(app, commands);
  AddVerifyCommand(app, commands);
}

}  // namespace ctg::cli
