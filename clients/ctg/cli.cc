#include "clients/ctg/cli.h"

#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/format.h"
#include "clients/ctg/staffing_cli.h"
#include "clients/ctg/staffing_format.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/staffing.grpc.pb.h"

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

  std::string organisation, given_name, family_name, email, phone, recruitment;
  std::string person_id, purpose, basis, reference, request_id;

  std::string post_id, recruitment_id, employer, kind, etag;
  // posts propose-change
  std::string change_id, reason, etp, rattachement, assign, assign_as, start, planned_end,
      assignment_id, assignment_etp, replacement;
  std::vector<std::string> missions, thematiques, ends;
  // posts record-exchange, apply-change
  std::string exchange_id, date, form, conclusion, effective;
  // recruitments opinion
  std::string on, opinion, comment, candidate;
  int32_t version = 0;
};

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
  orgs_show->add_option("siren", flags.siren, "its SIREN, e.g. 249900028")->required();

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
      history->add_option("--tag", flags.tag, "a tag, e.g. ctg:val-orbe-2025, org:249900028");
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

  // persons
  CLI::App* persons = app.add_subcommand(
      "persons", "persons (candidates, agents): register, look up, erase their personal data");
  persons->require_subcommand(1);
  CLI::App* persons_create =
      persons->add_subcommand("create", "register a person; prints their name (persons/…)");
  persons_create
      ->add_option("--organisation", flags.organisation,
                   "the registering collectivité's SIREN, e.g. 249900028")
      ->required();
  persons_create->add_option("--given_name", flags.given_name, "given name (1 to 100 characters)")
      ->required();
  persons_create
      ->add_option("--family_name", flags.family_name, "family name (1 to 100 characters)")
      ->required();
  persons_create->add_option("--email", flags.email, "e-mail address, if known");
  persons_create->add_option("--phone", flags.phone, "telephone number, if known");
  persons_create->add_option("--recruitment", flags.recruitment,
                             "for a candidate: the recruitment applied to (its id)");
  CLI::App* persons_show = persons->add_subcommand(
      "show", "whether a person exists or was erased; with --purpose, their identity");
  persons_show
      ->add_option("id", flags.person_id, "the person's id, e.g. 5c1e0f7a9b2d4e6f8a0b1c2d3e4f5a6b")
      ->required();
  CLI::Option* purpose = persons_show->add_option(
      "--purpose", flags.purpose,
      "why you read the identity, e.g. \"avis Caf sur la candidature\" (1 to 200 characters, "
      "no personal data): the read is recorded with it");
  CLI::App* persons_erase = persons->add_subcommand(
      "erase", "erase a person's personal data, irreversibly (no confirmation is asked)");
  persons_erase->add_option("id", flags.person_id, "the person's id")->required();
  persons_erase
      ->add_option("--basis", flags.basis,
                   "the legal basis: request (the person asked, RGPD art. 17), retention (the "
                   "retention period ended) or no-longer-needed")
      ->required();
  persons_erase->add_option("--reference", flags.reference,
                            "a reference for the record, e.g. the request's number (at most 200 "
                            "characters, no personal data)");
  for (CLI::App* write : {persons_create, persons_erase}) {
    write->add_option("--request_id", flags.request_id,
                      "idempotency key (a UUID), to retry a call whose outcome is unknown; "
                      "default: a new one");
  }

  // posts
  CLI::App* posts =
      app.add_subcommand("posts", "chargé de coopération posts, and changes to them (R-6)");
  posts->require_subcommand(1);
  CLI::App* posts_list = posts->add_subcommand("list", "list the posts you may read");
  posts_list->add_option("--ctg", flags.ctg_id, "only the posts of this CTG, e.g. val-orbe-2025");
  posts_list->add_option("--employer", flags.employer, "only the posts of this employer (SIREN)");
  posts_list->add_option("--status", flags.state,
                         EnumHelp("only in this status", ctg::v1::PostStatus_descriptor()));
  CLI::App* posts_show = posts->add_subcommand(
      "show", "one post: holders, ETP, missions, thématiques, funding, changes and exchanges");
  posts_show->add_option("id", flags.post_id, "its id, e.g. cc-val-orbe-1")->required();

  CLI::App* propose = posts->add_subcommand(
      "propose-change",
      "propose a change of personnel, organisation, missions or thématiques (R-6); nothing "
      "changes until it is applied");
  propose->add_option("post", flags.post_id, "the post's id")->required();
  propose->add_option("--change_id", flags.change_id, "the change's new id, e.g. etp-2027")
      ->required();
  propose->add_option("--reason", flags.reason, "why (recorded with the proposal)");
  propose->add_option("--etp", flags.etp, "organisation: the post's new ETP, e.g. 0.8");
  propose->add_option("--rattachement", flags.rattachement,
                      "organisation: the new attachment (a function, never a person's name)");
  // One value per occurrence, so that a repeated flag never swallows the post's id.
  propose
      ->add_option("--mission", flags.missions,
                   EnumHelp("missions: the whole new list, repeated; locale:LABEL for a local "
                            "one. Areas",
                            ctg::v1::MissionArea_descriptor()))
      ->allow_extra_args(false);
  propose
      ->add_option("--thematique", flags.thematiques,
                   EnumHelp("thématiques: the whole new list, repeated or comma-separated",
                            ctg::v1::Thematique_descriptor()))
      ->delimiter(',')
      ->allow_extra_args(false);
  propose->add_option("--assign", flags.assign,
                      "personnel: the person who starts on the post (their id, persons/…)");
  propose->add_option("--assignment_id", flags.assignment_id,
                      "personnel: the new assignment's id, e.g. titulaire-2026");
  propose->add_option("--as", flags.assign_as, "personnel: titulaire or remplacant");
  propose->add_option("--start", flags.start, "personnel: first day on the post, YYYY-MM-DD");
  propose->add_option("--planned_end", flags.planned_end,
                      "personnel: planned last day, if known, YYYY-MM-DD");
  propose->add_option("--assignment_etp", flags.assignment_etp,
                      "personnel: the person's time on the post, e.g. 1 or 0.5");
  propose->add_option("--recruitment", flags.recruitment,
                      "personnel: for a titulaire, the recruitment that hired them (its id)");
  propose->add_option("--replacement", flags.replacement,
                      "personnel: for a remplaçant, the replacement the Caf validated (its id)");
  propose
      ->add_option("--end", flags.ends,
                   "personnel: an assignment that ends, ASSIGNMENT_ID:YYYY-MM-DD (repeatable)")
      ->allow_extra_args(false);

  CLI::App* record_exchange = posts->add_subcommand(
      "record-exchange", "record an exchange with the Caf's CDT about a proposed change");
  record_exchange->add_option("post", flags.post_id, "the post's id")->required();
  record_exchange->add_option("--change", flags.change_id, "the change it is about")->required();
  record_exchange->add_option("--exchange_id", flags.exchange_id, "the exchange's new id")
      ->required();
  record_exchange->add_option("--date", flags.date, "when it took place, YYYY-MM-DD")->required();
  record_exchange
      ->add_option("--form", flags.form,
                   EnumHelp("how it took place", ctg::v1::ExchangeForm_descriptor()))
      ->required();
  record_exchange
      ->add_option("--conclusion", flags.conclusion, "what was concluded (1 to 2000 characters)")
      ->required();

  CLI::App* apply = posts->add_subcommand(
      "apply-change", "apply a proposed change, resting on an exchange with the CDT");
  apply->add_option("post", flags.post_id, "the post's id")->required();
  apply->add_option("--change", flags.change_id, "the change to apply")->required();
  apply->add_option("--effective", flags.effective, "the day it takes effect, YYYY-MM-DD")
      ->required();
  apply->add_option("--exchange", flags.exchange_id,
                    "the exchange it rests on (default: the last one recorded for the change)");

  // recruitments
  CLI::App* recruitments = app.add_subcommand(
      "recruitments", "recruitments of chargés de coopération, step by step (R0 to R12)");
  recruitments->require_subcommand(1);
  CLI::App* recruitments_list = recruitments->add_subcommand(
      "list", "list recruitments with their current step (by default the open ones)");
  recruitments_list->add_option("--ctg", flags.ctg_id, "only those of this CTG's posts");
  recruitments_list->add_option("--post", flags.post_id, "only those of this post");
  recruitments_list->add_option("--status", flags.state,
                                EnumHelp("only in this status (default en_cours; any for all)",
                                         ctg::v1::RecruitmentStatus_descriptor()));
  CLI::App* recruitments_show = recruitments->add_subcommand(
      "show", "one recruitment: its step, the Caf's involvement and opinions");
  recruitments_show->add_option("id", flags.recruitment_id, "its id")->required();
  CLI::App* opinion = recruitments->add_subcommand(
      "opinion",
      "give the Caf's opinion on the fiche de poste (R3) or on the chosen candidate (R8)");
  opinion->add_option("id", flags.recruitment_id, "the recruitment's id")->required();
  opinion->add_option("--on", flags.on, "fiche or candidate")
      ->required()
      ->check(CLI::IsMember({"fiche", "candidate"}));
  opinion
      ->add_option("--opinion", flags.opinion,
                   EnumHelp("the opinion", ctg::v1::CafOpinion_descriptor()))
      ->required();
  opinion->add_option("--date", flags.date, "when it was given, YYYY-MM-DD")->required();
  opinion->add_option("--comment", flags.comment,
                      "the Caf's comment (at most 2000 characters, no personal data)");
  opinion
      ->add_option("--version", flags.version,
                   "with --on fiche: the version (default: the last one submitted)")
      ->check(CLI::PositiveNumber);
  opinion->add_option("--candidate", flags.candidate,
                      "with --on candidate: the person's id (default: the chosen candidate)");

  // the other staffing writes, and replacements
  StaffingCli staffing_cli(app, *posts, *recruitments);

  // queue, changes
  CLI::App* queue = app.add_subcommand(
      "queue", "what awaits the Caf's CDT: cadrages, opinions, validations, exchanges");
  queue->add_option("--ctg", flags.ctg_id, "only the tasks of this CTG");
  queue->add_option("--kind", flags.kind,
                    EnumHelp("only this kind", ctg::v1::CdtTaskKind_descriptor()));
  CLI::App* changes = app.add_subcommand(
      "changes",
      "the applied changes of posts taking effect in a period, with their CDT exchanges");
  changes->add_option("--since", flags.since, "taking effect on or after this day, YYYY-MM-DD");
  changes->add_option("--until", flags.until, "taking effect on or before this day, YYYY-MM-DD");
  changes->add_option("--ctg", flags.ctg_id, "only the changes of this CTG's posts");
  changes->add_option("--kind", flags.kind,
                      EnumHelp("only this kind", ctg::v1::ChangeKind_descriptor()));

  for (CLI::App* list : {posts_list, recruitments_list, queue, changes}) {
    list->add_option("--page_size", flags.page_size, "at most this many per page")
        ->check(CLI::Range(1, 500));
    list->add_option("--page_token", flags.page_token, "resume where a previous page ended");
    list->add_flag("--all", flags.all, "fetch every page");
  }
  for (CLI::App* write : {propose, record_exchange, apply, opinion}) {
    write->add_option("--etag", flags.etag,
                      "apply only if the resource is still at this etag (from show)");
    write->add_option("--request_id", flags.request_id,
                      "idempotency key (a UUID), to retry a call whose outcome is unknown; "
                      "default: a new one");
  }

  std::vector<const char*> argv = {"ctg"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (persons->parsed() && dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
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
  OrgsListArgs orgs_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  CtgsListArgs ctgs_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  HistoryArgs history_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  PostsListArgs posts_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  RecruitmentsListArgs recruitments_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  QueueArgs queue_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  ChangesArgs changes_args{
      .page_size = flags.page_size, .page_token = flags.page_token, .all = flags.all};
  ProposeChangeArgs propose_args;
  RecordExchangeArgs exchange_args;
  ApplyChangeArgs apply_args;
  CafOpinionArgs opinion_args;
  PersonsCreateArgs create_args;
  PersonsShowArgs show_args;
  PersonsEraseArgs erase_args;
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
      AddUsage(&usage, "history needs --stream or --tag, e.g. --tag ctg:val-orbe-2025");
    }
    history_args.stream = flags.stream;
    history_args.verify = flags.verify_events;
    history_args.tag = flags.tag;
    if (!flags.since.empty()) history_args.since = OrUsage(ParseTimeFlag(flags.since), &usage);
    if (!flags.until.empty()) history_args.until = OrUsage(ParseTimeFlag(flags.until), &usage);
    if (history_args.since.has_value() && history_args.until.has_value() &&
        *history_args.until <= *history_args.since) {
      AddUsage(&usage, "--until must be after --since");
    }
    for (const std::string& type : flags.event_types) {
      if (!type.empty()) history_args.types.push_back(FullEventType(type));
    }
  } else if (persons_create->parsed()) {
    create_args.organisation = OrUsage(OrganisationName(flags.organisation), &usage);
    for (auto problem : {CheckIdentityFlag("--given_name", flags.given_name, 100, true),
                         CheckIdentityFlag("--family_name", flags.family_name, 100, true),
                         CheckIdentityFlag("--email", flags.email, 254, false),
                         CheckIdentityFlag("--phone", flags.phone, 32, false)}) {
      if (problem.has_value() && !usage.has_value()) usage = problem;
    }
    if (!flags.email.empty() && !absl::StrContains(flags.email, '@') && !usage.has_value()) {
      AddUsage(&usage, "--email is not an e-mail address (it has no @)");
    }
    create_args.identity.set_given_name(flags.given_name);
    create_args.identity.set_family_name(flags.family_name);
    create_args.identity.set_email(flags.email);
    create_args.identity.set_phone(flags.phone);
    if (!flags.recruitment.empty())
      create_args.recruitment = OrUsage(RecruitmentName(flags.recruitment), &usage);
    create_args.request_id = RequestIdOrNew(flags.request_id, &usage);
  } else if (persons_show->parsed()) {
    show_args.name = OrUsage(PersonName(flags.person_id), &usage);
    if (purpose->count() > 0) {
      show_args.purpose = std::string(absl::StripAsciiWhitespace(flags.purpose));
      if (show_args.purpose.empty()) {
        AddUsage(&usage,
                 "--purpose must say why you read the identity, e.g. \"avis Caf sur la "
                 "candidature\"");
      } else if (CharCount(show_args.purpose) > 200) {
        AddUsage(&usage, "--purpose is limited to 200 characters");
      }
    }
  } else if (persons_erase->parsed()) {
    erase_args.name = OrUsage(PersonName(flags.person_id), &usage);
    erase_args.basis = OrUsage(ParseErasureBasis(flags.basis), &usage);
    erase_args.reference = flags.reference;
    if (CharCount(flags.reference) > 200 && !usage.has_value())
      AddUsage(&usage, "--reference is limited to 200 characters");
    erase_args.request_id = RequestIdOrNew(flags.request_id, &usage);
  } else if (posts_list->parsed()) {
    if (!flags.ctg_id.empty()) posts_args.ctg = OrUsage(CtgName(flags.ctg_id), &usage);
    if (!flags.employer.empty())
      posts_args.employer = OrUsage(OrganisationName(flags.employer), &usage);
    if (!flags.state.empty()) {
      posts_args.status =
          EnumOrUsage<ctg::v1::PostStatus>(ctg::v1::PostStatus_descriptor(), flags.state, &usage);
    }
  } else if (posts_show->parsed()) {
    resource_name = OrUsage(PostName(flags.post_id), &usage);
  } else if (recruitments_list->parsed()) {
    if (!flags.ctg_id.empty()) recruitments_args.ctg = OrUsage(CtgName(flags.ctg_id), &usage);
    if (!flags.post_id.empty()) recruitments_args.post = OrUsage(PostName(flags.post_id), &usage);
    if (absl::AsciiStrToLower(flags.state) == "any") {
      recruitments_args.status = ctg::v1::RECRUITMENT_STATUS_UNSPECIFIED;
    } else if (!flags.state.empty()) {
      recruitments_args.status = EnumOrUsage<ctg::v1::RecruitmentStatus>(
          ctg::v1::RecruitmentStatus_descriptor(), flags.state, &usage);
    }
  } else if (recruitments_show->parsed()) {
    resource_name = OrUsage(RecruitmentName(flags.recruitment_id), &usage);
  } else if (queue->parsed()) {
    if (!flags.ctg_id.empty()) queue_args.ctg = OrUsage(CtgName(flags.ctg_id), &usage);
    if (!flags.kind.empty()) {
      queue_args.kind =
          EnumOrUsage<ctg::v1::CdtTaskKind>(ctg::v1::CdtTaskKind_descriptor(), flags.kind, &usage);
    }
  } else if (changes->parsed()) {
    if (!flags.since.empty()) changes_args.since = OrUsage(ParseDateFlag(flags.since), &usage);
    if (!flags.until.empty()) changes_args.until = OrUsage(ParseDateFlag(flags.until), &usage);
    if (changes_args.since.has_value() && changes_args.until.has_value() && !usage.has_value() &&
        FormatDate(*changes_args.until) < FormatDate(*changes_args.since)) {
      AddUsage(&usage, "--until must not be before --since");
    }
    if (!flags.ctg_id.empty()) changes_args.ctg = OrUsage(CtgName(flags.ctg_id), &usage);
    if (!flags.kind.empty()) {
      changes_args.kind =
          EnumOrUsage<ctg::v1::ChangeKind>(ctg::v1::ChangeKind_descriptor(), flags.kind, &usage);
    }
  } else if (propose->parsed()) {
    propose_args.post = OrUsage(PostName(flags.post_id), &usage);
    propose_args.reason = flags.reason;
    propose_args.etag = flags.etag;
    propose_args.request_id = RequestIdOrNew(flags.request_id, &usage);
    ctg::v1::ChangeProposed& change = propose_args.change;
    change.set_change_id(flags.change_id);
    const bool organisation = !flags.etp.empty() || !flags.rattachement.empty();
    const bool missions = !flags.missions.empty();
    const bool thematiques = !flags.thematiques.empty();
    const bool personnel = !flags.assign.empty() || !flags.ends.empty();
    const bool assign_details = !flags.assignment_id.empty() || !flags.assign_as.empty() ||
                                !flags.start.empty() || !flags.planned_end.empty() ||
                                !flags.assignment_etp.empty() || !flags.recruitment.empty() ||
                                !flags.replacement.empty();
    const int kinds = organisation + missions + thematiques + personnel;
    if (kinds != 1) {
      AddUsage(&usage,
               kinds == 0
                   ? "say what changes: --etp/--rattachement (organisation), --mission "
                     "(missions), --thematique (thématiques), or --assign/--end (personnel)"
                   : "a change is of one kind: organisation (--etp, --rattachement), missions "
                     "(--mission), thématiques (--thematique) or personnel (--assign, --end); "
                     "propose several changes for several kinds");
    } else if (assign_details && flags.assign.empty()) {
      AddUsage(&usage,
               "--assignment_id, --as, --start, --planned_end, --assignment_etp, "
               "--recruitment and --replacement describe an --assign");
    } else if (organisation) {
      change.set_kind(ctg::v1::CHANGE_KIND_ORGANISATION);
      if (!flags.etp.empty())
        change.mutable_organisation()->set_etp_hundredths(OrUsage(ParseEtp(flags.etp), &usage));
      if (!flags.rattachement.empty())
        change.mutable_organisation()->set_rattachement(flags.rattachement);
    } else if (missions) {
      change.set_kind(ctg::v1::CHANGE_KIND_AFFECTATION_MISSION);
      for (const std::string& mission : flags.missions) {
        *change.mutable_missions()->add_missions() = OrUsage(ParseMission(mission), &usage);
      }
    } else if (thematiques) {
      change.set_kind(ctg::v1::CHANGE_KIND_THEMATIQUE);
      auto* list = change.mutable_thematiques();
      for (const std::string& thematique : flags.thematiques) {
        if (thematique.empty()) continue;
        list->add_thematiques(
            EnumOrUsage<ctg::v1::Thematique>(ctg::v1::Thematique_descriptor(), thematique, &usage));
      }
    } else {
      change.set_kind(ctg::v1::CHANGE_KIND_PERSONNEL);
      ctg::v1::PersonnelChange* people = change.mutable_personnel();
      if (!flags.assign.empty()) {
        if (flags.assignment_id.empty() || flags.assign_as.empty() || flags.start.empty() ||
            flags.assignment_etp.empty()) {
          AddUsage(&usage, "--assign needs --assignment_id, --as, --start and --assignment_etp");
        }
        ctg::v1::Assignment* a = people->add_assign();
        a->set_person(OrUsage(PersonName(flags.assign), &usage));
        a->set_assignment_id(flags.assignment_id);
        if (!flags.assign_as.empty()) {
          a->set_type(EnumOrUsage<ctg::v1::AssignmentType>(ctg::v1::AssignmentType_descriptor(),
                                                           flags.assign_as, &usage));
        }
        if (!flags.start.empty())
          *a->mutable_start_date() = OrUsage(ParseDateFlag(flags.start), &usage);
        if (!flags.planned_end.empty())
          *a->mutable_end_date() = OrUsage(ParseDateFlag(flags.planned_end), &usage);
        if (!flags.assignment_etp.empty())
          a->set_etp_hundredths(OrUsage(ParseEtp(flags.assignment_etp), &usage));
        if (!flags.recruitment.empty())
          a->set_recruitment(OrUsage(RecruitmentName(flags.recruitment), &usage));
        if (!flags.replacement.empty()) {
          a->set_replacement(OrUsage(ResourceName("replacements", flags.replacement,
                                                  "a replacement id", "rempl-val-orbe-1"),
                                     &usage));
        }
      }
      for (const std::string& end : flags.ends) {
        const size_t colon = end.rfind(':');
        if (colon == std::string::npos || colon == 0) {
          AddUsage(&usage, absl::StrCat("--end \"", end,
                                        "\" must be ASSIGNMENT_ID:YYYY-MM-DD, e.g. "
                                        "titulaire-2024:2026-08-31"));
          continue;
        }
        ctg::v1::AssignmentClosure* closure = people->add_end();
        closure->set_assignment_id(end.substr(0, colon));
        *closure->mutable_end_date() = OrUsage(ParseDateFlag(end.substr(colon + 1)), &usage);
      }
    }
  } else if (record_exchange->parsed()) {
    exchange_args.post = OrUsage(PostName(flags.post_id), &usage);
    exchange_args.exchange.set_change_id(flags.change_id);
    exchange_args.exchange.set_exchange_id(flags.exchange_id);
    *exchange_args.exchange.mutable_date() = OrUsage(ParseDateFlag(flags.date), &usage);
    exchange_args.exchange.set_form(
        EnumOrUsage<ctg::v1::ExchangeForm>(ctg::v1::ExchangeForm_descriptor(), flags.form, &usage));
    exchange_args.exchange.set_conclusion(flags.conclusion);
    if (absl::StripAsciiWhitespace(flags.conclusion).empty() && !usage.has_value())
      AddUsage(&usage, "--conclusion must say what was concluded");
    exchange_args.etag = flags.etag;
    exchange_args.request_id = RequestIdOrNew(flags.request_id, &usage);
  } else if (apply->parsed()) {
    apply_args.post = OrUsage(PostName(flags.post_id), &usage);
    apply_args.change_id = flags.change_id;
    apply_args.exchange_id = flags.exchange_id;
    apply_args.effective_date = OrUsage(ParseDateFlag(flags.effective), &usage);
    apply_args.etag = flags.etag;
    apply_args.request_id = RequestIdOrNew(flags.request_id, &usage);
  } else if (opinion->parsed()) {
    opinion_args.recruitment = OrUsage(RecruitmentName(flags.recruitment_id), &usage);
    opinion_args.on_candidate = flags.on == "candidate";
    opinion_args.opinion =
        EnumOrUsage<ctg::v1::CafOpinion>(ctg::v1::CafOpinion_descriptor(), flags.opinion, &usage);
    opinion_args.date = OrUsage(ParseDateFlag(flags.date), &usage);
    opinion_args.comment = flags.comment;
    if (CharCount(flags.comment) > 2000 && !usage.has_value())
      AddUsage(&usage, "--comment is limited to 2000 characters");
    if (flags.version > 0 && opinion_args.on_candidate && !usage.has_value())
      AddUsage(&usage, "--version goes with --on fiche");
    if (!flags.candidate.empty() && !opinion_args.on_candidate && !usage.has_value())
      AddUsage(&usage, "--candidate goes with --on candidate");
    opinion_args.fiche_version = flags.version;
    if (!flags.candidate.empty())
      opinion_args.candidate = OrUsage(PersonName(flags.candidate), &usage);
    opinion_args.etag = flags.etag;
    opinion_args.request_id = RequestIdOrNew(flags.request_id, &usage);
  } else if (staffing_cli.parsed()) {
    if (auto problem = staffing_cli.Prepare(); problem.has_value()) usage = problem;
  } else if (verify->parsed()) {
    if (flags.position < 0 && !flags.consistency) {
      AddUsage(&usage, "verify needs --position N or --consistency");
    }
    if (!flags.leaf_hash.empty()) {
      if (flags.position < 0) AddUsage(&usage, "--leaf_hash goes with --position");
      // Hex as `ctg verify` prints it, or base64 as `ctg history --json` prints leafHash.
      auto hash = tlog::HashFromHex(flags.leaf_hash);
      std::string bytes;
      if (!hash.ok() && absl::Base64Unescape(flags.leaf_hash, &bytes))
        hash = tlog::HashFromBytes(bytes);
      if (!hash.ok()) {
        AddUsage(&usage,
                 "--leaf_hash must be a SHA-256 leaf hash: 64 hex digits, or base64 as in "
                 "`ctg history --json`");
      } else {
        leaf_hash = *hash;
      }
    }
  }
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
  auto partners = [&] { return ctg::v1::PartnersService::NewStub(*channel); };
  auto plans = [&] { return ctg::v1::PlansService::NewStub(*channel); };
  auto audit = [&] { return ctg::v1::AuditService::NewStub(*channel); };
  auto persons_stub = [&] { return ctg::v1::PersonsService::NewStub(*channel); };
  auto staffing = [&] { return ctg::v1::StaffingService::NewStub(*channel); };
  absl::Status status;
  if (orgs_list->parsed()) {
    status = RunOrgsList(*partners(), *call, orgs_args, output);
  } else if (orgs_show->parsed()) {
    status = RunOrgsShow(*partners(), *call, resource_name, output);
  } else if (ctgs_list->parsed()) {
    status = RunCtgsList(*plans(), *call, ctgs_args, output);
  } else if (ctgs_show->parsed()) {
    status = RunCtgsShow(*plans(), *call, resource_name, output);
  } else if (posts_list->parsed()) {
    status = RunPostsList(*staffing(), *call, posts_args, output);
  } else if (posts_show->parsed()) {
    status = RunPostsShow(*staffing(), *call, resource_name, output);
  } else if (propose->parsed()) {
    status = RunProposeChange(*staffing(), *call, propose_args, output);
  } else if (record_exchange->parsed()) {
    status = RunRecordExchange(*staffing(), *call, exchange_args, output);
  } else if (apply->parsed()) {
    status = RunApplyChange(*staffing(), *call, apply_args, output);
  } else if (recruitments_list->parsed()) {
    status = RunRecruitmentsList(*staffing(), *call, recruitments_args, output);
  } else if (recruitments_show->parsed()) {
    status = RunRecruitmentsShow(*staffing(), *call, resource_name, output);
  } else if (opinion->parsed()) {
    status = RunCafOpinion(*staffing(), *call, opinion_args, output);
  } else if (staffing_cli.parsed()) {
    status = staffing_cli.Run(*staffing(), *call, output);
  } else if (queue->parsed()) {
    status = RunQueue(*staffing(), *call, queue_args, output);
  } else if (changes->parsed()) {
    status = RunChanges(*staffing(), *call, changes_args, output);
  } else if (persons_create->parsed()) {
    status = RunPersonsCreate(*persons_stub(), *call, create_args, output);
  } else if (persons_show->parsed()) {
    status = RunPersonsShow(*persons_stub(), *call, show_args, output);
  } else if (persons_erase->parsed()) {
    status = RunPersonsErase(*persons_stub(), *call, erase_args, output);
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
