#include "services/staffing/party.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/platform/errors.h"

namespace ctg::staffing {

absl::string_view PartyName(Party party) {
  switch (party) {
    case Party::kCaf:
      return "CAF";
    case Party::kEmployer:
      return "EMPLOYER";
    case Party::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

absl::Status CheckParty(Party party, Party expected, absl::string_view action) {
  if (party == expected) return absl::OkStatus();
  return platform::RuleViolation(
      "WRONG_PARTY",
      absl::StrCat(action, " is for the ", expected == Party::kCaf ? "Caf" : "employer",
                   ", not for ", PartyName(party)),
      {{"party", std::string(PartyName(party))}, {"expected", std::string(PartyName(expected))}});
}

absl::Status CheckEitherParty(Party party, absl::string_view action) {
  if (party == Party::kCaf || party == Party::kEmployer) return absl::OkStatus();
  return platform::RuleViolation(
      "WRONG_PARTY", absl::StrCat(action, " is for the Caf or the employer"),
      {{"party", std::string(PartyName(party))}, {"expected", "CAF or EMPLOYER"}});
}

}  // namespace ctg::staffing
