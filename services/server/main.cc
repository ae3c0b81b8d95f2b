// ctgd: the CTG platform's server, and its operator subcommands.
//
//   ctgd [--config=FILE] [--listen=HOST:PORT] [--data_dir=DIR] [--metrics_listen=HOST:PORT] [--dev]
//   ctgd backup  [--config=FILE] [--data_dir=DIR] [--backup_dir=DIR]   (store not served)
//   ctgd restore --backup_dir=DIR --backup_id=N --data_dir=EMPTY_DIR
//   ctgd verify  [--config=FILE] [--data_dir=DIR]
#include <signal.h>
#include <systemd/sd-daemon.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "services/server/config.h"
#include "services/server/demo.h"
#include "services/server/observability.h"
#include "services/server/server.h"

ABSL_FLAG(std::string, config, "",
          "ServerConfig file in protobuf text format (proto/ctg/server/v1/config.proto; example: "
          "deploy/ctgd.textproto); the flags below override it");
ABSL_FLAG(std::string, listen, "",
          "gRPC address host:port (default 127.0.0.1:7443; port 0 picks a free one, printed at "
          "start-up)");
ABSL_FLAG(std::string, data_dir, "",
          "event store directory (default ./var/ctg); in dev mode it also holds dev/tokens/ and "
          "dev/token_signing_key.pem");
ABSL_FLAG(std::string, vault_dir, "",
          "personal-data key vault directory, kept apart from the log (default {data_dir}-vault)");
ABSL_FLAG(std::string, metrics_listen, "",
          "Prometheus /metrics address host:port (default 127.0.0.1:9464, in dev mode a free "
          "port, printed at start-up; 'off' disables)");
ABSL_FLAG(bool, dev, false,
          "development mode: plaintext on loopback only, demo tokens, demo data on first start");
ABSL_FLAG(std::string, backup_dir, "",
          "backup directory (backup, restore; default {data_dir}-backups)");
ABSL_FLAG(std::string, signing_key_file, "",
          "checkpoint signing key (default {data_dir}/signing_key.pem); backups do not hold it, "
          "so a restored store is opened with the original's key");
ABSL_FLAG(int, backup_id, 0, "backup to restore (restore; 0 = the latest)");
ABSL_FLAG(int, verify_interval_seconds, 0,
          "seconds between background verifications of the whole log, the first once ctgd "
          "serves (default 86400; negative: never)");

namespace {

using ctg::server::Log;
using ctg::server::v1::ServerConfig;

int Fail(const absl::Status& status) {
  Log("error", "ctgd failed", {{"error", status.ToString()}});
  std::fprintf(stderr, "ctgd: %s\n", status.ToString().c_str());
  return 1;
}

absl::StatusOr<ServerConfig> Configure() {
  ServerConfig config;
  if (!absl::GetFlag(FLAGS_config).empty()) {
    absl::StatusOr<ServerConfig> loaded = ctg::server::LoadConfigFile(absl::GetFlag(FLAGS_config));
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  if (!absl::GetFlag(FLAGS_listen).empty()) config.set_listen(absl::GetFlag(FLAGS_listen));
  if (!absl::GetFlag(FLAGS_data_dir).empty()) config.set_data_dir(absl::GetFlag(FLAGS_data_dir));
  if (!absl::GetFlag(FLAGS_vault_dir).empty()) config.set_vault_dir(absl::GetFlag(FLAGS_vault_dir));
  if (!absl::GetFlag(FLAGS_backup_dir).empty()) {
    config.set_backup_dir(absl::GetFlag(FLAGS_backup_dir));
  }
  if (!absl::GetFlag(FLAGS_signing_key_file).empty()) {
    config.set_signing_key_file(absl::GetFlag(FLAGS_signing_key_file));
  }
  if (absl::GetFlag(FLAGS_verify_interval_seconds) != 0) {
    config.set_verify_interval_seconds(absl::GetFlag(FLAGS_verify_interval_seconds));
  }
  const std::string metrics = absl::GetFlag(FLAGS_metrics_listen);
  if (metrics == "off") {
    config.set_metrics_listen("");
  } else if (!metrics.empty()) {
    config.set_metrics_listen(metrics);
  } else if (absl::GetFlag(FLAGS_config).empty()) {
    // Two dev instances side by side must not fight over a fixed port.
    config.set_metrics_listen(absl::GetFlag(FLAGS_dev) ? "127.0.0.1:0" : "127.0.0.1:9464");
  }
  ctg::server::ApplyDefaults(config);
  return config;
}

void PrintDevHelp(const ServerConfig& config, int port) {
  const std::string tokens = absl::StrCat(config.data_dir(), "/dev/tokens");
  std::printf(
      "\nctgd (dev) is serving on 127.0.0.1:%d, plaintext, with the demo département of the\n"
      "fictional Caf de Valmont. Demo tokens (valid 24 h, one per role) are in %s/.\n"
      "In another terminal:\n\n"
      "  export CTG_SERVER=127.0.0.1:%d CTG_PLAINTEXT=1\n"
      "  export CTG_TOKEN_FILE=%s/caf-admin.jwt   # or cdt, commission, collectivite-admin,\n"
      "                                           #    charge-cooperation, elu, partner\n"
      "  build/bin/ctg ctgs list\n"
      "  build/bin/ctg ctgs show val-orbe-2025\n"
      "  build/bin/ctg history --tag ctg:val-orbe-2025\n"
      "  build/bin/ctg posts list --ctg val-orbe-2025 && build/bin/ctg queue   # as the CDT\n"
      "  build/bin/ctg checkpoint && build/bin/ctg verify --position 3\n\n"
      "Stop with Ctrl-C (a SIGTERM drains calls and closes the store).\n\n",
      port, tokens.c_str(), port, tokens.c_str());
  std::fflush(stdout);
}

int Serve() {
  absl::StatusOr<ServerConfig> config = Configure();
  if (!config.ok()) return Fail(config.status());
  // Signals are taken by sigwait below, never by a random thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const bool dev = absl::GetFlag(FLAGS_dev);
  absl::StatusOr<std::unique_ptr<ctg::server::Ctgd>> ctgd = ctg::server::Ctgd::Start(*config, dev);
  if (!ctgd.ok()) return Fail(ctgd.status());
  std::printf("ctgd: serving on %s port %d%s\n", config->listen().c_str(), (*ctgd)->port(),
              dev ? " (dev: plaintext, loopback)" : "");
  if ((*ctgd)->metrics_port() != 0) {
    const std::string& metrics = config->metrics_listen();
    std::printf("ctgd: metrics on http://%s:%d/metrics\n",
                metrics.substr(0, metrics.rfind(':')).c_str(), (*ctgd)->metrics_port());
  }
  std::printf("ctgd: checkpoint verifier key: %s\n", (*ctgd)->verifier_key().c_str());
  if (dev) PrintDevHelp(*config, (*ctgd)->port());
  std::fflush(stdout);
  sd_notifyf(0, "READY=1\nSTATUS=serving on port %d", (*ctgd)->port());

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  sd_notify(0, "STOPPING=1\nSTATUS=draining");
  Log("info", "signal received", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*ctgd)->Shutdown();
  return 0;
}

// The store of `config`, for an operator command: it must exist already.
absl::StatusOr<std::unique_ptr<ctg::eventstore::EventStore>> OpenExistingStore(
    const ServerConfig& config) {
  ctg::eventstore::Options options;
  options.origin = config.log_origin();
  options.signing_key_path = config.signing_key_file();
  options.create_if_missing = false;
  return ctg::eventstore::EventStore::Open(config.data_dir(), options);
}

int Backup() {
  absl::StatusOr<ServerConfig> config = Configure();
  if (!config.ok()) return Fail(config.status());
  auto store = OpenExistingStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto backup = (*store)->Backup(config->backup_dir());
  if (!backup.ok()) return Fail(backup.status());
  std::printf("backup %u of %s in %s: %llu events, %llu bytes, verified\n", backup->backup_id,
              config->data_dir().c_str(), config->backup_dir().c_str(),
              static_cast<unsigned long long>(backup->checkpoint.checkpoint.size),
              static_cast<unsigned long long>(backup->size_bytes));
  return (*store)->Close().ok() ? 0 : 1;
}

int Restore() {
  absl::StatusOr<ServerConfig> config = Configure();
  if (!config.ok()) return Fail(config.status());
  uint32_t id = static_cast<uint32_t>(absl::GetFlag(FLAGS_backup_id));
  if (id == 0) {
    auto backups = ctg::eventstore::EventStore::ListBackups(config->backup_dir());
    if (!backups.ok()) return Fail(backups.status());
    if (backups->empty()) return Fail(absl::NotFoundError(absl::StrCat("no backup in ", config->backup_dir())));
    id = backups->back().backup_id;
  }
  auto restored = ctg::eventstore::EventStore::Restore(config->backup_dir(), id, config->data_dir(),
                                                       /*verifier=*/nullptr);
  if (!restored.ok()) return Fail(restored.status());
  std::printf(
      "restored backup %u into %s: %llu events, root checked against its checkpoint\n"
      "Serve it with the key that signed its checkpoints (backups do not hold it): copy the\n"
      "original signing_key.pem into %s, or set signing_key_file / --signing_key_file.\n",
      id, config->data_dir().c_str(),
      static_cast<unsigned long long>(restored->checkpoint.checkpoint.size),
      config->data_dir().c_str());
  return 0;
}

int Verify() {
  absl::StatusOr<ServerConfig> config = Configure();
  if (!config.ok()) return Fail(config.status());
  auto store = OpenExistingStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto report = (*store)->Verify();
  if (!report.ok()) return Fail(report.status());
  if (!report->ok()) {
    std::printf("verify: FAILED after %llu events: %s%s\n",
                static_cast<unsigned long long>(report->events_checked), report->problem.c_str(),
                report->first_bad_position.has_value()
                    ? absl::StrCat(" (first bad position ", *report->first_bad_position, ")").c_str()
                    : "");
    return 1;
  }
  std::printf("verify: ok, %llu events, root %s\n",
              static_cast<unsigned long long>(report->events_checked),
              absl::BytesToHexString(absl::string_view(
                  reinterpret_cast<const char*>(report->root.data()), report->root.size())).c_str());
  return 0;
}

// --help lists the flags of this file (Abseil's default shows only files named after the
// program, so it printed "No flags matched").
bool IsCtgdFlagFile(absl::string_view file) {
  return absl::EndsWith(file, "services/server/main.cc");
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage;
  usage.contains_helpshort_flags = IsCtgdFlagFile;
  usage.contains_help_flags = IsCtgdFlagFile;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "the CTG platform server.\n"
      "  ctgd [--config=FILE] [--listen=HOST:PORT] [--data_dir=DIR] [--dev]   serve\n"
      "  ctgd backup  [--data_dir=DIR] [--backup_dir=DIR]                     online-format backup\n"
      "  ctgd restore --backup_dir=DIR [--backup_id=N] --data_dir=EMPTY_DIR   restore a backup\n"
      "  ctgd verify  [--data_dir=DIR]                                        recompute the tree\n"
      "Where things go: the log in --data_dir (default ./var/ctg), its checkpoint signing key\n"
      "in {data_dir}/signing_key.pem, personal-data keys in --vault_dir (default\n"
      "{data_dir}-vault), backups in --backup_dir (default {data_dir}-backups); in dev mode the\n"
      "demo tokens in {data_dir}/dev/tokens/ and their signing key in\n"
      "{data_dir}/dev/token_signing_key.pem.");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() > 1 ? args[1] : "serve";
  if (args.size() > 2) {
    std::fprintf(stderr, "ctgd: unexpected argument '%s' (see --help)\n", args[2]);
    return 2;
  }
  if (command == "serve") return Serve();
  if (command == "backup") return Backup();
  if (command == "restore") return Restore();
  if (command == "verify") return Verify();
  std::fprintf(stderr, "ctgd: unknown command '%s': use serve, backup, restore or verify\n",
               command.c_str());
  return 2;
}
