// eventstore_demo: a guided tour of the event store on a small fictional story. Until the
// gRPC server (ctgd) exists, this is the program to run first.
//
//   eventstore_demo [--dir=DIR]    (default ./var/demo, relative to the current directory)
//
// In DIR it opens (or reopens) a store, appends the story of a fictional département (a Caf,
// four collectivités, two CTGs, a chargé de coopération post and its recruitment), reads it
// back by stream, by tag and from the end of the log, signs a checkpoint and verifies it,
// checks an inclusion and a consistency proof against that checkpoint as a client would,
// runs Verify() and takes a backup into DIR-backups.
//
// Event ids are derived from a fixed label per event, so a second run on the same directory
// re-sends the same appends and the store answers with the original results ("replayed")
// instead of writing twice. Every organisation and role is fictional: the SIREN-like numbers
// fail the SIREN check digit, and no person is named.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::eventstore {
namespace {

constexpr absl::string_view kDefaultDir = "./var/demo";
constexpr absl::string_view kOrigin = "ctg-platform/demo-valmont";
// Part of every event id. Changing it makes a re-run send new ids, which the expected
// revisions then refuse (ABORTED) instead of replaying.
constexpr absl::string_view kEventIdLabel = "ctg-platform eventstore_demo v1";
constexpr absl::string_view kTypePrefix = "ctg.demo.";
constexpr absl::string_view kRecruitmentStream = "recruitment-valmont-1-cdc-2025";
constexpr absl::string_view kCtgTag = "ctg:valmont-1";
constexpr absl::string_view kProvedTypeTag = "type:CafOpinionGiven";
constexpr size_t kPageSize = 50;
constexpr size_t kLastEvents = 5;

// ---------------------------------------------------------------------------------------
// The story

// Who acts, as the server would stamp it in the metadata.
struct Actor {
  absl::string_view organisation;
  absl::string_view role;
};
constexpr Actor kCafAdmin{"caf-999", "caf_admin"};
constexpr Actor kCafCdt{"caf-999", "caf_cdt"};
constexpr Actor kValArboisAdmin{"200000001", "collectivite_admin"};

struct StoryEvent {
  std::string type;     // short name: stored as "ctg.demo.<type>", tagged "type:<type>"
  std::string payload;  // JSON
  std::vector<std::string> tags;
};

// One append: events of one stream, written atomically.
struct StoryStep {
  std::string narration;
  std::string stream;
  Actor actor;
  std::vector<StoryEvent> events;
};

// The Caf and four collectivités (two EPCI, each with one member commune).
std::vector<StoryStep> Organisations() {
  return {
      {.narration = "Caf de Valmont (fictive) registered",
       .stream = "org-caf-999",
       .actor = kCafAdmin,
       .events = {{"OrganisationRegistered",
                   R"({"kind":"caf","code":"caf-999","name":"Caf de Valmont",)"
                   R"("departement":"Valmont, fictif"})",
                   {"org:caf-999"}}}},
      {.narration = "CC du Val d'Arbois registered",
       .stream = "org-200000001",
       .actor = kCafAdmin,
       .events = {{"OrganisationRegistered",
                   R"({"kind":"epci","siren":"200000001",)"
                   R"("name":"Communauté de communes du Val d'Arbois","population":18400})",
                   {"org:200000001"}}}},
      {.narration = "Saint-Aubin-sur-Lys registered",
       .stream = "org-200000002",
       .actor = kCafAdmin,
       .events = {{"OrganisationRegistered",
                   R"({"kind":"commune","siren":"200000002","name":"Saint-Aubin-sur-Lys",)"
                   R"("epci":"200000001","population":3100})",
                   {"org:200000002", "org:200000001"}}}},
      {.narration = "CA des Coteaux de Valmont registered",
       .stream = "org-200000003",
       .actor = kCafAdmin,
       .events = {{"OrganisationRegistered",
                   R"({"kind":"epci","siren":"200000003",)"
                   R"("name":"Communauté d'agglomération des Coteaux de Valmont",)"
                   R"("population":61200})",
                   {"org:200000003"}}}},
      {.narration = "Fontaine-les-Sorbiers registered",
       .stream = "org-200000004",
       .actor = kCafAdmin,
       .events = {{"OrganisationRegistered",
                   R"({"kind":"commune","siren":"200000004","name":"Fontaine-les-Sorbiers",)"
                   R"("epci":"200000003","population":5400})",
                   {"org:200000004", "org:200000003"}}}},
  };
}

// CTG 1 goes all the way to ACTIVE; CTG 2 still waits for the commune's deliberation.
std::vector<StoryStep> Ctgs() {
  return {
      {.narration = "CTG du Val d'Arbois created",
       .stream = "ctg-valmont-1",
       .actor = kCafCdt,
       .events = {{"CtgCreated",
                   R"({"ctg":"valmont-1","title":"CTG du Val d'Arbois 2025-2029",)"
                   R"("from":"2025-01-01","to":"2029-12-31",)"
                   R"("signatories":["caf-999","200000001","200000002"],)"
                   R"("thematiques":["petite_enfance","jeunesse","parentalite"]})",
                   {"ctg:valmont-1", "org:caf-999", "org:200000001", "org:200000002"}}}},
      {.narration = "both deliberations recorded (one append)",
       .stream = "ctg-valmont-1",
       .actor = kCafCdt,
       .events = {{"SignatoryDeliberationRecorded",
                   R"({"ctg":"valmont-1","signatory":"200000001",)"
                   R"("deliberation":"DEL-2025-014","date":"2025-03-12"})",
                   {"ctg:valmont-1", "org:200000001"}},
                  {"SignatoryDeliberationRecorded",
                   R"({"ctg":"valmont-1","signatory":"200000002",)"
                   R"("deliberation":"DEL-2025-022","date":"2025-03-20"})",
                   {"ctg:valmont-1", "org:200000002"}}}},
      {.narration = "CTG du Val d'Arbois signed and active",
       .stream = "ctg-valmont-1",
       .actor = kCafCdt,
       .events = {{"CtgActivated",
                   R"({"ctg":"valmont-1","signed_on":"2025-04-02","status":"ACTIVE"})",
                   {"ctg:valmont-1", "org:caf-999", "org:200000001", "org:200000002"}}}},
      {.narration = "CTG des Coteaux de Valmont created",
       .stream = "ctg-valmont-2",
       .actor = kCafCdt,
       .events = {{"CtgCreated",
                   R"({"ctg":"valmont-2","title":"CTG des Coteaux de Valmont 2025-2028",)"
                   R"("from":"2025-01-01","to":"2028-12-31",)"
                   R"("signatories":["caf-999","200000003","200000004"],)"
                   R"("thematiques":["enfance","animation_vie_sociale","inclusion_numerique"]})",
                   {"ctg:valmont-2", "org:caf-999", "org:200000003", "org:200000004"}}}},
      {.narration = "the CA's deliberation recorded",
       .stream = "ctg-valmont-2",
       .actor = kCafCdt,
       .events = {{"SignatoryDeliberationRecorded",
                   R"({"ctg":"valmont-2","signatory":"200000003",)"
                   R"("deliberation":"DEL-2025-101","date":"2025-06-05"})",
                   {"ctg:valmont-2", "org:200000003"}}}},
  };
}

// The chargé de coopération post of CTG 1 and the first steps of its recruitment, with the
// Caf's opinion on the fiche de poste before any offer.
std::vector<StoryStep> PostAndRecruitment() {
  const std::vector<std::string> tags = {"ctg:valmont-1", "org:200000001", "post:valmont-1-cdc"};
  const std::string recruitment(kRecruitmentStream);
  return {
      {.narration = "chargé de coopération post created",
       .stream = "post-valmont-1-cdc",
       .actor = kValArboisAdmin,
       .events = {{"PostCreated",
                   R"({"post":"valmont-1-cdc","ctg":"valmont-1","employer":"200000001",)"
                   R"("function":"chargé de coopération CTG","etp":1.0,)"
                   R"("cofunded_by":["caf-999","200000001"]})",
                   tags}}},
      {.narration = "recruitment opened after cadrage with the CDT",
       .stream = recruitment,
       .actor = kValArboisAdmin,
       .events = {{"RecruitmentOpened",
                   R"({"post":"valmont-1-cdc","cadrage_with":"CDT référente, fictive",)"
                   R"("caf_involvement":{"selection":"ATTENDU","jury":"ATTENDU",)"
                   R"("synthese":"FACULTATIF","choix":"ATTENDU"}})",
                   tags}}},
      {.narration = "fiche de poste submitted to the Caf",
       .stream = recruitment,
       .actor = kValArboisAdmin,
       .events = {{"FicheDePosteSubmitted",
                   R"({"post":"valmont-1-cdc","version":1,"date":"2025-04-28"})", tags}}},
      {.narration = "Caf's opinion on the fiche de poste: favourable",
       .stream = recruitment,
       .actor = kCafCdt,
       .events = {{"CafOpinionGiven",
                   R"({"on":"fiche_de_poste","version":1,"opinion":"FAVORABLE",)"
                   R"("given_by":"CDT référente, fictive","date":"2025-05-06"})",
                   tags}}},
      {.narration = "offer published",
       .stream = recruitment,
       .actor = kValArboisAdmin,
       .events = {{"OfferPublished",
                   R"({"post":"valmont-1-cdc","published_on":"2025-05-12",)"
                   R"("channels":["site de la communauté de communes","réseau Caf"]})",
                   tags}}},
  };
}

std::vector<StoryStep> Story() {
  std::vector<StoryStep> story;
  for (const auto& part : {Organisations, Ctgs, PostAndRecruitment}) {
    for (StoryStep& step : part()) story.push_back(std::move(step));
  }
  return story;
}

// A fixed id per (stream, revision): the first 16 bytes of SHA-256 over a label, with the
// UUID version 4 and RFC 4122 variant bits set.
EventId StoryEventId(absl::string_view stream, uint64_t revision) {
  const tlog::Hash digest = tlog::Sha256(absl::StrCat(kEventIdLabel, " ", stream, "#", revision));
  EventId id;
  std::copy_n(digest.begin(), id.size(), id.begin());
  id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);
  id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);
  return id;
}

// The step's events, the first at stream revision `first_revision`.
std::vector<EventData> ToEventData(const StoryStep& step, uint64_t first_revision) {
  const std::string metadata =
      absl::StrCat(R"({"actor":{"organisation":")", step.actor.organisation, R"(","role":")",
                   step.actor.role, R"("},"source":"eventstore_demo"})");
  std::vector<EventData> events;
  uint64_t revision = first_revision;
  for (const StoryEvent& story_event : step.events) {
    EventData event;
    event.id = StoryEventId(step.stream, revision++);
    event.type = absl::StrCat(kTypePrefix, story_event.type);
    event.metadata = metadata;
    event.payload = story_event.payload;
    event.tags = story_event.tags;
    event.tags.push_back(absl::StrCat("type:", story_event.type));
    events.push_back(std::move(event));
  }
  return events;
}

// ---------------------------------------------------------------------------------------
// Printing

// The status with `what` in front of its message, code unchanged.
absl::Status WithContext(const absl::Status& status, absl::string_view what) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}
template <typename T>
absl::StatusOr<T> WithContext(absl::StatusOr<T> result, absl::string_view what) {
  if (result.ok()) return result;
  return WithContext(result.status(), what);
}

void Section(absl::string_view title) { absl::PrintF("\n== %s ==\n", title); }

std::string UtcTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", time, absl::UTCTimeZone());
}

std::string ShortHex(const tlog::Hash& hash) { return tlog::HashToHex(hash).substr(0, 16); }

std::string Hashes(size_t count) { return absl::StrCat(count, count == 1 ? " hash" : " hashes"); }

std::string Positions(const AppendResult& result) {
  if (result.first_position == result.last_position) return absl::StrCat(result.first_position);
  return absl::StrCat(result.first_position, "-", result.last_position);
}

void PrintPage(absl::string_view title, const ReadPage& page) {
  absl::PrintF("\n  %s\n", title);
  absl::PrintF("  %8s  %-19s  %-31s %3s  %s\n", "position", "recorded (UTC)", "stream", "rev",
               "type");
  for (const RecordedEvent& event : page.events) {
    absl::PrintF("  %8d  %-19s  %-31s %3d  %s\n", event.position, UtcTime(event.recorded_time),
                 event.stream, event.revision, event.type);
  }
  if (page.next.has_value()) absl::PrintF("  … the next page starts at %d\n", *page.next);
}

// ---------------------------------------------------------------------------------------
// The tour, one function per section

absl::StatusOr<std::unique_ptr<EventStore>> OpenStore(const std::string& dir) {
  Options options;
  options.origin = std::string(kOrigin);
  ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                   WithContext(EventStore::Open(dir, options), "cannot open the store"));
  Section("1. The store");
  const uint64_t size = store->Size();
  absl::PrintF("  directory     %s (%s)\n", dir,
               size == 0 ? "new" : absl::StrCat("reopened, ", size, " events"));
  absl::PrintF("  origin        %s\n", options.origin);
  absl::PrintF("  verifier key  %s\n", store->verifier_key().ToString());
  absl::PrintF("  signing key   %s/signing_key.pem (back it up apart from the data)\n", dir);
  return store;
}

absl::Status AppendStory(EventStore& store) {
  Section("2. Appending the story of a fictional département");
  absl::PrintF("  %-9s %-31s %-4s %s\n", "position", "stream", "rev", "what happened");
  std::map<std::string, uint64_t> stream_sizes;  // events of each stream the story wrote
  for (const StoryStep& step : Story()) {
    uint64_t& size = stream_sizes[step.stream];
    const ExpectedRevision expected =
        size == 0 ? ExpectedRevision::NoStream() : ExpectedRevision::Exact(size - 1);
    ASSIGN_OR_RETURN(AppendResult result,
                     WithContext(store.Append(step.stream, expected, ToEventData(step, size)),
                                 absl::StrCat("appending to ", step.stream, " (expected revision ",
                                              expected.ToString(), ")")));
    size += step.events.size();
    absl::PrintF("  %-9s %-31s %-4d %s%s\n", Positions(result), step.stream, result.revision,
                 step.narration, result.replayed ? "  (replayed)" : "");
  }
  return absl::OkStatus();
}

absl::Status ReadBack(EventStore& store) {
  Section("3. Reading it back");
  ASSIGN_OR_RETURN(
      ReadPage stream_page,
      WithContext(store.ReadStream(kRecruitmentStream, 0, Direction::kForward, kPageSize),
                  "reading the recruitment stream"));
  PrintPage(absl::StrCat("stream ", kRecruitmentStream, ", forward from revision 0:"), stream_page);
  ASSIGN_OR_RETURN(ReadPage tag_page,
                   WithContext(store.ReadTag(kCtgTag, 0, Direction::kForward, kPageSize),
                               absl::StrCat("reading tag ", kCtgTag)));
  PrintPage(absl::StrCat("tag ", kCtgTag, " (everything about CTG 1), an index scan:"), tag_page);
  ASSIGN_OR_RETURN(ReadPage log_page,
                   WithContext(store.ReadLog(UINT64_MAX, Direction::kBackward, kLastEvents),
                               "reading the end of the log"));
  PrintPage(absl::StrCat("the last ", kLastEvents, " events of the log, backward:"), log_page);
  return absl::OkStatus();
}

// Signs a checkpoint and verifies it with nothing but the verifier key's text, as a client
// holding that line would. Returns the verified content.
absl::StatusOr<tlog::Checkpoint> SignAndVerifyCheckpoint(EventStore& store) {
  Section("4. A signed checkpoint (C2SP tlog-checkpoint note, Ed25519)");
  ASSIGN_OR_RETURN(SignedCheckpoint signed_checkpoint,
                   WithContext(store.SignCheckpoint(), "signing a checkpoint"));
  absl::PrintF("\n%s\n", signed_checkpoint.note);
  ASSIGN_OR_RETURN(tlog::VerifierKey key,
                   WithContext(tlog::VerifierKey::Parse(store.verifier_key().ToString()),
                               "parsing the verifier key"));
  ASSIGN_OR_RETURN(tlog::Checkpoint checkpoint,
                   WithContext(tlog::VerifyCheckpoint(signed_checkpoint.note, key),
                               "verifying the checkpoint's signature"));
  absl::PrintF("  verified: signed by the verifier key above (parsed from its one-line form)\n");
  absl::PrintF("            for the log's first %d events, root %s\n", checkpoint.size,
               tlog::HashToHex(checkpoint.root));
  return checkpoint;
}

// Tree sizes and roots come from the verified checkpoint, never from the proofs.
absl::Status VerifyProofs(EventStore& store, const tlog::Checkpoint& checkpoint) {
  Section("5. Proofs, checked against the verified checkpoint");
  ASSIGN_OR_RETURN(ReadPage page,
                   WithContext(store.ReadTag(kProvedTypeTag, 0, Direction::kForward, 1),
                               absl::StrCat("reading tag ", kProvedTypeTag)));
  if (page.events.empty()) {
    return absl::NotFoundError(absl::StrCat("no event tagged ", kProvedTypeTag, " to prove"));
  }
  const RecordedEvent& event = page.events.front();
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> inclusion,
                   WithContext(store.InclusionProof(event.position, checkpoint.size),
                               "fetching the inclusion proof"));
  RETURN_IF_ERROR(WithContext(tlog::VerifyInclusion(event.position, checkpoint.size,
                                                    event.leaf_hash, inclusion, checkpoint.root),
                              "checking the inclusion proof"));
  absl::PrintF("  verified: inclusion of position %d (%s, id %s)\n", event.position, event.type,
               EventIdToString(event.id));
  absl::PrintF("            in the checkpoint's tree of %d events, from a proof of %s\n",
               checkpoint.size, Hashes(inclusion.size()));

  // A client would take the older root from a checkpoint it kept; RootAt stands in for it.
  const uint64_t old_size = checkpoint.size / 2;
  ASSIGN_OR_RETURN(tlog::Hash old_root,
                   WithContext(store.RootAt(old_size), "reading the older root"));
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> consistency,
                   WithContext(store.ConsistencyProof(old_size, checkpoint.size),
                               "fetching the consistency proof"));
  RETURN_IF_ERROR(WithContext(
      tlog::VerifyConsistency(old_size, checkpoint.size, old_root, checkpoint.root, consistency),
      "checking the consistency proof"));
  absl::PrintF("  verified: consistency: the first %d events (root %s…) are a prefix\n", old_size,
               ShortHex(old_root));
  absl::PrintF("            of the checkpoint's %d events, from a proof of %s\n", checkpoint.size,
               Hashes(consistency.size()));
  return absl::OkStatus();
}

absl::Status RunVerify(EventStore& store) {
  Section("6. Verify(): every leaf recomputed from the stored events");
  ASSIGN_OR_RETURN(VerifyReport report, WithContext(store.Verify(), "running Verify"));
  absl::PrintF("  events checked  %d\n", report.events_checked);
  absl::PrintF("  root            %s\n", tlog::HashToHex(report.root));
  absl::PrintF("  ok              %s\n", report.ok() ? "yes" : "NO");
  if (report.ok()) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat("Verify found the store damaged",
                   report.first_bad_position.has_value()
                       ? absl::StrCat(" at position ", *report.first_bad_position)
                       : "",
                   ": ", report.problem));
}

absl::Status BackUp(EventStore& store, const std::string& dir) {
  Section("7. An online backup");
  const std::string backup_dir = dir + "-backups";
  ASSIGN_OR_RETURN(BackupInfo backup, WithContext(store.Backup(backup_dir),
                                                  absl::StrCat("backing up into ", backup_dir)));
  absl::PrintF("  backup %d written to %s and checked against its file checksums\n",
               backup.backup_id, backup_dir);
  ASSIGN_OR_RETURN(std::vector<BackupInfo> backups,
                   WithContext(EventStore::ListBackups(backup_dir), "listing the backups"));
  absl::PrintF("\n  %6s  %-19s  %10s  %s\n", "backup", "taken (UTC)", "bytes",
               "events in its checkpoint");
  for (const BackupInfo& info : backups) {
    absl::PrintF("  %6d  %-19s  %10d  %d\n", info.backup_id, UtcTime(info.time), info.size_bytes,
                 info.checkpoint.checkpoint.size);
  }
  absl::PrintF(
      "\n  To restore (no command until ctgd's; from C++):\n"
      "    EventStore::Restore(\"%s\", %d, \"<empty dir>\", &verifier_key);\n"
      "  re-checks the restored log's root against the backup's signed checkpoint. Backups\n"
      "  hold no signing key: copy %s/signing_key.pem into <empty dir>,\n"
      "  then eventstore_demo --dir=<empty dir> reopens the restored store.\n",
      backup_dir, backup.backup_id, dir);
  return absl::OkStatus();
}

void PrintNextSteps(const std::string& dir) {
  Section("8. What next");
  absl::PrintF(
      "  Run it again: every append answers \"(replayed)\", nothing is written twice,\n"
      "    and every check above still passes.\n"
      "  Measure:     build/bin/eventstore_bench --quick\n"
      "  Test:        deploy/test.sh   (or: cd build && ctest --output-on-failure)\n"
      "  Start over:  rm -rf %s %s-backups\n",
      dir, dir);
}

absl::Status RunDemo(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenStore(dir));
  RETURN_IF_ERROR(AppendStory(*store));
  RETURN_IF_ERROR(ReadBack(*store));
  ASSIGN_OR_RETURN(tlog::Checkpoint checkpoint, SignAndVerifyCheckpoint(*store));
  RETURN_IF_ERROR(VerifyProofs(*store, checkpoint));
  RETURN_IF_ERROR(RunVerify(*store));
  RETURN_IF_ERROR(BackUp(*store, dir));
  RETURN_IF_ERROR(WithContext(store->Close(), "closing the store"));
  PrintNextSteps(dir);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Command line

constexpr absl::string_view kUsage =
    "usage: eventstore_demo [--dir=DIR]\n"
    "  --dir  the store's directory (default ./var/demo); backups go to DIR-backups\n";

struct Flags {
  std::string dir{kDefaultDir};
  bool help = false;
};

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else if (absl::ConsumePrefix(&arg, "--dir=") && !arg.empty()) {
      flags.dir = std::string(arg);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument '", argv[i], "'"));
    }
  }
  return flags;
}

// The directory as an absolute path without a trailing '/', so that DIR-backups is a sibling.
absl::StatusOr<std::string> AbsoluteDir(const std::string& dir) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(dir, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve the directory ", dir, ": ", error.message()));
  }
  path = path.lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  return path.string();
}

void PrintError(const absl::Status& status) {
  std::fflush(stdout);
  absl::FPrintF(stderr, "eventstore_demo: %s [%s]\n", status.message(),
                absl::StatusCodeToString(status.code()));
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) {
    PrintError(flags.status());
    absl::FPrintF(stderr, "%s", kUsage);
    return 1;
  }
  if (flags->help) {
    absl::PrintF("%s", kUsage);
    return 0;
  }
  absl::StatusOr<std::string> dir = AbsoluteDir(flags->dir);
  absl::Status status = dir.ok() ? RunDemo(*dir) : dir.status();
  if (!status.ok()) {
    PrintError(status);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace ctg::eventstore

int main(int argc, char** argv) { return ctg::eventstore::Main(argc, argv); }
