// The side an actor takes in a staffing workflow: the Caf (its CDT, or another Caf role the
// policy allows) or the employer collectivité. The référentiel gives each step to one side
// (research §4.3, §4.4): the Caf gives its opinions and validations, the employer takes its own
// steps. The caller derives the side from the actor's role and organisation; the policy module
// checks the roles themselves, the deciders only that the side fits the step.
#ifndef CTG_SERVICES_STAFFING_PARTY_H_
#define CTG_SERVICES_STAFFING_PARTY_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::staffing {

enum class Party {
  // Not set: fits no step.
  kUnspecified,
  // The Caf of the CTG.
  kCaf,
  // The collectivité that employs the post's holder.
  kEmployer,
};

// "CAF", "EMPLOYER" or "UNSPECIFIED".
absl::string_view PartyName(Party party);

// OK if `party` is `expected`; else FAILED_PRECONDITION with reason WRONG_PARTY and metadata
// party, expected (ctg.v1.StaffingParty names). `action` says what was attempted, for the
// message. Through ctgd a step of the wrong side is PERMISSION_DENIED before it gets here (the
// side comes from the authorized role): this guards the decider's own contract.
absl::Status CheckParty(Party party, Party expected, absl::string_view action);

// OK if `party` is either side (a step both sides may record, such as an exchange with the
// CDT); else WRONG_PARTY with expected STAFFING_PARTY_EITHER.
absl::Status CheckEitherParty(Party party, absl::string_view action);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_PARTY_H_
