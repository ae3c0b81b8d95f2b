#include "services/staffing/party.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "ctg/v1/staffing.pb.h"
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

namespace {

// The party as its ctg.v1.StaffingParty name, for error metadata (where clients switch on it).
std::string EnumName(Party party) {
  switch (party) {
    case Party::kCaf:
      return v1::StaffingParty_Name(v1::STAFFING_PARTY_CAF);
    case Party::kEmployer:
      return v1::StaffingParty_Name(v1::STAFFING_PARTY_EMPLOYER);
    case Party::kUnspecified:
      break;
  }
  return v1::StaffingParty_Name(v1::STAFFING_PARTY_UNSPECIFIED);
}

}  // namespace

absl::Status CheckParty(Party party, Party expected, absl::string_view action) {
  if (party == expected) return absl::OkStatus();
  return platform::RuleViolation(
      "WRONG_PARTY",
      absl::StrCat(action, " is for the ", expected == Party::kCaf ? "Caf" : "employer",
                   ", not for ", PartyName(party)),
      {{"party", EnumName(party)}, {"expected", EnumName(expected)}});
}

absl::Status CheckEitherParty(Party party, absl::string_view action) {
  if (party == Party::kCaf || party == Party::kEmployer) return absl::OkStatus();
  return platform::RuleViolation(
      "WRONG_PARTY", absl::StrCat(action, " is for the Caf or the employer"),
      {{"party", EnumName(party)},
       {"expected", v1::StaffingParty_Name(v1::STAFFING_PARTY_EITHER)}});
}

}  // namespace ctg::staffing
