// Shared fixtures of the audit tests: principals of every role, the CTGs they take part in,
// and a real event store on disk whose clock the test sets. Organisations are fictional.
#ifndef CTG_TESTS_SERVICES_AUDIT_AUDIT_FIXTURE_H_
#define CTG_TESTS_SERVICES_AUDIT_AUDIT_FIXTURE_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ctg/v1/plans_events.pb.h"
#include "eventstore/event_store.h"
#include "gtest/gtest.h"
#include "services/audit/access.h"
#include "services/platform/command.h"
#include "services/platform/policy.h"
#include "services/platform/principal.h"
#include "services/platform/streams.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::audit::testing {

using platform::Principal;
using platform::Role;

// Fictional organisations.
inline constexpr char kCaf[] = "900000001";          // the Caf
inline constexpr char kValDOrbe[] = "900000002";     // a collectivité, signs ctg-val-orbe-2025
inline constexpr char kPlaine[] = "900000003";       // a collectivité, signs ctg-plaine-2024
inline constexpr char kAssociation[] = "900000004";  // a partner signatory of val-orbe-2025
inline constexpr char kOtherPartner[] = "900000005";  // a partner of nothing

inline Principal MakePrincipal(std::string subject, std::string organisation, Role role) {
  return Principal{std::move(subject), std::move(organisation), {role}};
}

inline Principal CafAdmin() { return MakePrincipal("admin-1", kCaf, Role::kCafAdmin); }
inline Principal Commission() { return MakePrincipal("commission-1", kCaf, Role::kCafCommission); }
inline Principal CdtAlice() { return MakePrincipal("cdt-alice", kCaf, Role::kCafCdt); }
inline Principal CdtBob() { return MakePrincipal("cdt-bob", kCaf, Role::kCafCdt); }
inline Principal ValDOrbeAdmin() {
  return MakePrincipal("vo-admin", kValDOrbe, Role::kCollectiviteAdmin);
}
inline Principal ValDOrbeCharge() {
  return MakePrincipal("vo-charge", kValDOrbe, Role::kChargeCooperation);
}
inline Principal ValDOrbeElu() { return MakePrincipal("vo-elu", kValDOrbe, Role::kElu); }
inline Principal PlaineAdmin() {
  return MakePrincipal("pl-admin", kPlaine, Role::kCollectiviteAdmin);
}
inline Principal AssociationPartner() {
  return MakePrincipal("asso-1", kAssociation, Role::kPartner);
}
inline Principal OtherPartner() { return MakePrincipal("other-1", kOtherPartner, Role::kPartner); }

// The CTGs that exist: val-orbe-2025 (CDT alice; Val d'Orbe; the association and the Caf as
// other signatories) and plaine-2024 (CDT bob; Plaine). Any other id does not resolve.
inline std::optional<platform::CtgScope> LookupCtg(absl::string_view ctg_id) {
  if (ctg_id == "val-orbe-2025") {
    return platform::CtgScope{"val-orbe-2025", "cdt-alice", {kValDOrbe}, {kCaf, kAssociation}};
  }
  if (ctg_id == "plaine-2024") {
    return platform::CtgScope{"plaine-2024", "cdt-bob", {kPlaine}, {kCaf}};
  }
  return std::nullopt;
}

// The persons that exist: person-camille, registered by Val d'Orbe, a candidate of a
// recruitment of val-orbe-2025. Any other person stream does not resolve.
inline std::optional<platform::PersonScope> LookupPerson(absl::string_view stream) {
  if (stream == "person-camille") {
    return platform::PersonScope{kValDOrbe, {*LookupCtg("val-orbe-2025")}};
  }
  return std::nullopt;
}

// The categories of the log as ctgd's contexts declare them, resolved by LookupCtg and
// LookupPerson: CTG streams read as their CTG, person streams as their person, the registry by
// everyone; `resolve` false: nothing resolves.
inline platform::StreamCatalog MakeCatalog(bool resolve) {
  platform::StreamCatalog catalog;
  EXPECT_OK(catalog.Add(platform::CtgStreams(
      "ctg-", [resolve](absl::string_view stream) -> std::optional<platform::CtgScope> {
        if (!resolve) return std::nullopt;
        return LookupCtg(stream.substr(4));
      })));
  EXPECT_OK(catalog.Add(platform::StreamCategory{
      "person-", [resolve](absl::string_view stream) {
        platform::StreamAccess access;
        access.permission = platform::Permission::kReadPerson;
        access.person = (resolve ? LookupPerson(stream) : std::nullopt)
                            .value_or(platform::PersonScope{});
        return access;
      }}));
  EXPECT_OK(catalog.Add(platform::PublicStreams("org-", platform::Permission::kReadRegistry)));
  return catalog;
}

inline const ScopeLookup& Lookup() {
  static const ScopeLookup* const catalog = new ScopeLookup(MakeCatalog(true));
  return *catalog;
}

inline v1::CtgDrafted Drafted(std::string ctg_id, std::string title) {
  v1::CtgDrafted drafted;
  drafted.set_ctg_id(std::move(ctg_id));
  drafted.set_title(std::move(title));
  drafted.set_caf(std::string("organisations/") + kCaf);
  drafted.set_porteur(std::string("organisations/") + kValDOrbe);
  drafted.mutable_start_date()->set_year(2025);
  drafted.mutable_start_date()->set_month(1);
  drafted.mutable_start_date()->set_day(1);
  drafted.add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
  drafted.add_thematiques(v1::THEMATIQUE_JEUNESSE);
  return drafted;
}

inline v1::CtgRetitled Retitled(std::string title) {
  v1::CtgRetitled retitled;
  retitled.set_title(std::move(title));
  return retitled;
}

// A test with a real store in a fresh directory. Recorded times come from Now(), which
// Append advances by one second per event (event k of the test is recorded at kEpoch + k s).
class AuditStoreTest : public ::testing::Test {
 protected:
  static absl::Time Epoch() { return absl::FromUnixSeconds(1767225600); }  // 2026-01-01

  void SetUp() override {
    eventstore::Options options;
    options.origin = "ctg-platform/test";
    options.checkpoint_interval = absl::Hours(1);  // tests sign explicitly
    options.clock = [this] { return Now(); };
    auto store = eventstore::EventStore::Open(dir_.Sub("store"), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Appends `payload` to `stream` as CdtAlice would, with `tags` (plus "actor:cdt-alice"),
  // then returns the recorded event.
  eventstore::RecordedEvent Append(const std::string& stream,
                                   const google::protobuf::Message& payload,
                                   std::vector<std::string> tags = {}) {
    platform::CommandContext context;
    context.principal = CdtAlice();
    context.role = Role::kCafCdt;
    context.now = Now();
    context.correlation_id = "call-1";
    context.method = "/ctg.v1.PlansService/UpdateCtg";
    context.reason = "test";
    eventstore::EventData data =
        platform::MakeEventData(context, 0, payload, std::move(tags));
    auto result = store_->Append(stream, eventstore::ExpectedRevision::Any(), {std::move(data)});
    EXPECT_TRUE(result.ok()) << result.status();
    Advance(absl::Seconds(1));
    if (!result.ok()) return {};
    auto event = store_->GetEvent(result->first_position);
    EXPECT_TRUE(event.ok()) << event.status();
    return event.ok() ? *event : eventstore::RecordedEvent();
  }

  // Appends raw bytes (any type, metadata and payload).
  eventstore::RecordedEvent AppendRaw(const std::string& stream, std::string type,
                                      std::string metadata, std::string payload) {
    eventstore::EventData data;
    data.id = eventstore::NewEventId();
    data.type = std::move(type);
    data.metadata = std::move(metadata);
    data.payload = std::move(payload);
    auto result = store_->Append(stream, eventstore::ExpectedRevision::Any(), {std::move(data)});
    EXPECT_TRUE(result.ok()) << result.status();
    Advance(absl::Seconds(1));
    if (!result.ok()) return {};
    auto event = store_->GetEvent(result->first_position);
    EXPECT_TRUE(event.ok()) << event.status();
    return event.ok() ? *event : eventstore::RecordedEvent();
  }

  absl::Time Now() const { return absl::FromUnixMicros(now_us_.load()); }
  void Advance(absl::Duration d) { now_us_ += absl::ToInt64Microseconds(d); }

  ctg::testing::TempDir dir_;
  // The store's clock, read by its threads.
  std::atomic<int64_t> now_us_{absl::ToUnixMicros(Epoch())};
  std::unique_ptr<eventstore::EventStore> store_;
};

}  // namespace ctg::audit::testing

#endif  // CTG_TESTS_SERVICES_AUDIT_AUDIT_FIXTURE_H_
