// The authorization policy: the one place that decides what a principal may do (ARCHITECTURE §6).
//
// Every RPC maps to a Permission and a Scope (what it acts on); every item an RPC returns is
// checked with CanRead. The rules, by role:
//   caf_admin           everything
//   caf_cdt             registry writes; reads and changes the CTGs of their portfolio (the CTG's
//                       `cdt` is their subject), and may draft CTGs; subscribes to the log
//   caf_commission      reads everything, writes nothing; subscribes to the log
//   collectivite_admin  changes its own organisation; drafts CTGs it carries; reads and changes
//                       the CTGs its organisation signed as a collectivité
//   charge_cooperation  reads and changes the CTGs its organisation signed as a collectivité
//   elu                 reads the CTGs its organisation signed as a collectivité
//   partner             reads the CTGs its organisation signed (as any signatory)
// Everyone authenticated reads the organisation registry and the checkpoints (public data).
// Persons (personal data): a collectivité (collectivite_admin, charge_cooperation) registers
// and reads those it registered, and its collectivite_admin erases them; caf_admin reads and
// erases them; a caf_cdt reads only the persons a CTG of their portfolio concerns (a candidate
// of its recruitments, someone assigned to or replacing on its posts: the Caf's opinions and
// validations); nobody else learns they exist.
// A collectivité acting "for a signatory" (deliberation, signature) may do so only for itself.
// Staffing (posts of a CTG, their recruitments and replacements): read as their CTG; the
// employer's steps are its collectivite_admin's and charge_cooperation's (and caf_admin's);
// the Caf's steps (opinions, validations, funding) the portfolio's caf_cdt's and caf_admin's;
// steps either side records, both; the CDT work queue is the Caf's (caf_admin, caf_cdt,
// caf_commission). caf_commission writes nothing.
//
// A refused read, and a change of a CTG the principal may not read, is NOT_FOUND with the same
// message as a missing resource, so a refusal reveals nothing about what exists. So is a create
// whose client-chosen id is taken by a resource the principal may not read (services/api
// checks it in the decider, against the stored state). A principal
// who may read the resource but not change it gets PERMISSION_DENIED.
#ifndef CTG_SERVICES_PLATFORM_POLICY_H_
#define CTG_SERVICES_PLATFORM_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/platform/principal.h"

namespace ctg::platform {

// policy.cc decides all this in one table, a row per Permission (RuleOf): whether it needs a
// readable CTG (else NOT_FOUND "ctgs/… not found"), whether a refusal hides existence
// (NOT_FOUND "not found"), and the roles granting it (a collectivité's "staff": its
// collectivite_admin and charge_cooperation; "portfolio cdt": the CTG's caf_cdt;
// "signatory": the staff of a collectivité signatory of the CTG):
//   Partners                 CTG  hides  granted to
//     kReadRegistry           -     -    everyone
//     kCreateOrganisation     -     -    caf_admin, any caf_cdt
//     kUpdateOrganisation     -     -    caf_admin, any caf_cdt, its own collectivite_admin
//   Plans
//     kCreateCtg              -     -    caf_admin, any caf_cdt, the porteur's collectivite_admin
//     kReadCtg               yes    -    whoever reads it
//     kChangeCtg             yes    -    caf_admin, portfolio cdt, signatory
//     kActForSignatory       yes    -    caf_admin, portfolio cdt, signatory acting for itself
//     kTransitionCtg         yes    -    caf_admin, portfolio cdt, signatory
//     kAssignCdt             yes    -    caf_admin
//   Persons
//     kCreatePerson           -     -    caf_admin, the registering collectivité's staff
//     kReadPerson             -    yes   caf_admin, the registering collectivité's staff, the
//                                        caf_cdt of a CTG that concerns the person
//     kErasePerson            -    yes   caf_admin, the registering collectivite_admin
//   Staffing
//     kActAsEmployer         yes    -    caf_admin, signatory named as the employer
//     kActAsCaf              yes    -    caf_admin, portfolio cdt
//     kActAsEitherParty      yes    -    caf_admin, portfolio cdt, signatory named as employer
//     kReadCdtWorkQueue       -     -    caf_admin, any caf_cdt, caf_commission
//   Audit and administration
//     kReadLog, kSubscribe    -     -    caf_admin, any caf_cdt, caf_commission
//     kReadCheckpoint         -     -    everyone
//     kAdminister             -     -    caf_admin
// A PERMISSION_DENIED of kActForSignatory or kActAsEmployer names the organisation acted for.
enum class Permission {
  kReadRegistry,        // Get/List organisations
  kCreateOrganisation,  // CreateOrganisation
  kUpdateOrganisation,  // UpdateOrganisation (scope: the organisation)
  kCreateCtg,           // CreateCtg (scope: the porteur, as `organisation`)
  kReadCtg,             // GetCtg, ListCtgs items, audit items of a CTG
  kChangeCtg,           // UpdateCtg, AddSignatory
  kActForSignatory,     // RecordDeliberation, RecordSignature (scope: CTG + the signatory)
  kTransitionCtg,       // TransitionCtg
  kAssignCdt,           // AssignCdt
  kReadLog,             // audit items outside CTGs and the registry (other streams)
  kReadCheckpoint,      // GetCheckpoint, GetConsistencyProof
  kSubscribe,           // SubscribeEvents (items still checked one by one)
  kAdminister,          // AdminService
  kCreatePerson,        // CreatePerson (scope: the registering organisation)
  kReadPerson,          // GetPerson, audit items of a person (scope: the person); refusals are
                        // NOT_FOUND
  kErasePerson,         // ErasePerson (scope: the person's organisation); refusals are NOT_FOUND
  kActAsEmployer,       // a staffing step of the employer (scope: CTG + the employer's SIREN)
  kActAsCaf,            // a staffing step of the Caf: opinions, validations, funding (scope: CTG)
  kActAsEitherParty,    // a staffing step either side records (scope: CTG + the employer)
  kReadCdtWorkQueue,    // ListCdtWorkQueue (items still checked with CanReadCtg)
};

// Who takes part in a CTG, as the policy needs it. Organisations are SIRENs.
struct CtgScope {
  std::string ctg_id;                      // for messages only
  std::string cdt;                         // subject of the CDT following it, or empty
  std::vector<std::string> collectivites;  // signatories as COLLECTIVITE_PORTEUSE or _MEMBRE
  std::vector<std::string> others;         // every other signatory (the Caf, partners)
};

// Whom a person concerns, as the policy needs it: the organisation (SIREN) that registered them
// and the CTGs that concern them (the persons module says which:
// services/persons/api/persons_module.h).
struct PersonScope {
  std::string organisation;
  std::vector<CtgScope> ctgs;
};

// What a permission is checked against.
struct Scope {
  // The organisation acted on or for (kUpdateOrganisation, kCreateCtg, kActForSignatory).
  std::string organisation;
  // The CTG acted on (kReadCtg, kChangeCtg, kActForSignatory, kTransitionCtg, kAssignCdt).
  const CtgScope* ctg = nullptr;
  // The person read (kReadPerson).
  const PersonScope* person = nullptr;

  static Scope None() { return {}; }
  static Scope Organisation(std::string siren) { return {std::move(siren), nullptr}; }
  static Scope Ctg(const CtgScope& ctg) { return {{}, &ctg}; }
  static Scope CtgSignatory(const CtgScope& ctg, std::string siren) {
    return {std::move(siren), &ctg};
  }
  static Scope Person(const PersonScope& person) { return {person.organisation, nullptr, &person}; }
};

// Decides `permission` on `scope`. OK: the role under which it is granted (the first of the
// principal's roles that grants it; stamped in event metadata). Otherwise PERMISSION_DENIED
// or, for a CTG the principal may not read, NOT_FOUND (see above).
absl::StatusOr<Role> Authorize(const Principal& principal, Permission permission,
                               const Scope& scope);

// Whether `principal` may read the CTG `scope`. Same as Authorize(kReadCtg).ok().
bool CanReadCtg(const Principal& principal, const CtgScope& scope);

// Whether a staffing step authorized under `role` is recorded for the Caf (caf_admin,
// caf_cdt) rather than for the employer. For kActAsEitherParty; kActAsEmployer is always the
// employer's side and kActAsCaf the Caf's, whoever holds them.
bool ActsForCaf(Role role);

// The NOT_FOUND every hidden or missing CTG gets.
absl::Status CtgNotFound(absl::string_view ctg_id);

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_POLICY_H_
