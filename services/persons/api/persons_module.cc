#include "services/persons/api/persons_module.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/persons/api/persons_service.h"
#include "services/platform/errors.h"
#include "services/platform/vault.h"

namespace ctg::persons_api {

PersonsModule::PersonsModule(eventstore::EventStore& store, platform::KeyVault& vault,
                             const plans_api::PlansModule& plans, api::Clock clock)
    : store_(store),
      vault_(vault),
      plans_(plans),
      service_(std::make_unique<PersonsServiceImpl>(*this, std::move(clock))) {}

PersonsModule::~PersonsModule() = default;

bool PersonsModule::PersonExists(absl::string_view person) const {
  absl::string_view id = person;
  if (!absl::ConsumePrefix(&id, persons::kNamePrefix)) return false;
  return persons_.Get(persons::PersonStream(id)).state.exists;
}

absl::Status PersonsModule::RequirePerson(absl::string_view person, absl::string_view field) const {
  if (PersonExists(person)) return absl::OkStatus();
  return platform::RuleViolation(
      "PERSON_NOT_FOUND",
      absl::StrCat(person, " is not registered: register the person with PersonsService first"),
      {{"person", std::string(person)}, {"field", std::string(field)}});
}

platform::PersonScope PersonsModule::PersonScopeOf(const persons::PersonState& person) const {
  std::vector<std::string> ctgs;
  for (const PersonLinks* links : links_) links->AddCtgsConcerning(person, ctgs);
  platform::PersonScope scope;
  scope.organisation = std::string(absl::StripPrefix(person.organisation, partners::kNamePrefix));
  std::vector<std::string> seen;
  for (const std::string& ctg : ctgs) {
    if (ctg.empty() || std::find(seen.begin(), seen.end(), ctg) != seen.end()) continue;
    seen.push_back(ctg);
    absl::string_view id = ctg;
    if (!absl::ConsumePrefix(&id, plans::kNamePrefix)) continue;
    if (std::optional<platform::CtgScope> found = plans_.CtgScopeOf(id)) {
      scope.ctgs.push_back(*std::move(found));
    }
  }
  return scope;
}

void PersonsModule::ErasePersonData(const std::string& person_id, platform::CommandContext context,
                                    persons::ErasePerson command,
                                    platform::OutcomeCallback<persons::PersonAggregate> done) {
  const std::string stream = persons::PersonStream(person_id);
  // The key goes first (the guarantee that matters), then the event records it.
  if (absl::Status erased = vault_.Erase(stream); !erased.ok()) return done(erased);
  platform::Execute<persons::PersonAggregate>(
      store_, persons_, stream, std::move(context), /*etag=*/"",
      [command = std::move(command)](const persons::PersonState& state) {
        return persons::Decide(state, command);
      },
      std::move(done));
}

std::vector<api::Module::Service> PersonsModule::Services() {
  return {{service_.get(), v1::PersonsService::service_full_name()}};
}

std::vector<platform::StreamCategory> PersonsModule::StreamCategories() const {
  return {platform::StreamCategory{
      std::string(persons::kStreamPrefix), [this](absl::string_view stream) {
        platform::StreamAccess access;
        access.permission = platform::Permission::kReadPerson;
        auto snapshot = persons_.Get(stream);
        // A person that does not resolve has an empty scope, which only caf_admin reads.
        access.person =
            snapshot.state.exists ? PersonScopeOf(snapshot.state) : platform::PersonScope{};
        return access;
      }}};
}

}  // namespace ctg::persons_api
