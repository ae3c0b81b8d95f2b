// How the values of the staffing contract (staffing.proto, staffing_events.proto) read on a
// terminal and how people type them: ETPs in hundredths, euro cents, dates, recruitment steps
// (R0 to R12), and one-line summaries of a proposed change and of an exchange with the CDT.
//
// People appear only as `persons/{id}`: nothing here reads or prints personal data.
//
// Thread safety: every function is thread-safe.
#ifndef CTG_CLIENTS_CTG_STAFFING_FORMAT_H_
#define CTG_CLIENTS_CTG_STAFFING_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctg/v1/staffing.pb.h"
#include "ctg/v1/staffing_events.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/type/date.pb.h"

namespace ctg::cli {

// An ETP in hundredths as a decimal: 100 → "1.00", 80 → "0.80", 5 → "0.05".
std::string FormatEtp(int32_t hundredths);
// An ETP as typed: "1", "0.8", "0.80", "0,8" (a French decimal comma) or "80%"; 1 to 100
// hundredths. INVALID_ARGUMENT otherwise (more than two decimals, 0, above 1).
absl::StatusOr<int32_t> ParseEtp(absl::string_view text);

// Euro cents as euros: 3500000 → "35 000.00 €" (groups of three digits, a point for cents).
std::string FormatCents(int64_t cents);

// Euros as typed: "21000", "21 000", "21000.50", "21 000,50 €" (groups of digits may be separated
// by spaces, a point or comma for cents, at most two decimals) → cents; 0 or more.
// INVALID_ARGUMENT otherwise.
absl::StatusOr<int64_t> ParseCents(absl::string_view text);
// A rate as typed: "60", "60%", "37.5 %" or "37,5" (percent, at most two decimals) → basis
// points, 0 to 10000. INVALID_ARGUMENT otherwise.
absl::StatusOr<int32_t> ParseRate(absl::string_view text);

// A day as typed, "YYYY-MM-DD" (a real day of the Gregorian calendar). INVALID_ARGUMENT
// otherwise.
absl::StatusOr<google::type::Date> ParseDateFlag(absl::string_view text);

// "R3 fiche_de_poste_avis_caf" for a recruitment step; "" for an unspecified one.
std::string StepText(ctg::v1::RecruitmentStep step);
// A step as typed: its R-code ("R5", "r5"), its short name ("jury") or full name.
absl::StatusOr<ctg::v1::RecruitmentStep> ParseStep(absl::string_view text);

// Short names of a repeated enum field, comma-separated ("petite_enfance, jeunesse").
std::string ThematiquesText(const google::protobuf::RepeatedField<int>& thematiques);
// Missions as "diagnostics, locale (Accompagnement du SPPE)".
std::string MissionsText(const google::protobuf::RepeatedPtrField<ctg::v1::Mission>& missions);
// One mission as typed: an area's short name, or "locale:LABEL" / "AREA:PRECISION".
absl::StatusOr<ctg::v1::Mission> ParseMission(absl::string_view text);

// One line saying what a proposed change does, e.g.
//   "assign persons/3f9c… (titulaire, 1.00 ETP, from 2026-09-01, recruitments/rec-1); end a-1
//    on 2026-08-31"
//   "ETP → 0.80; rattachement → Direction du pôle Famille"
//   "missions → diagnostics, evaluation"
//   "thématiques → petite_enfance, jeunesse"
std::string ProposalSummary(const ctg::v1::ChangeProposed& change);

// One line for an exchange with the CDT: "2026-08-20 reunion with cdt-valmont-7".
std::string ExchangeSummary(const ctg::v1::CdtExchangeRecorded& exchange);

// What a task of the CDT's work queue is about beyond its resource: "fiche v2",
// "candidate persons/…", "personnel change"…; "" if nothing.
std::string CdtTaskDetail(const ctg::v1::CdtTask& task);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_STAFFING_FORMAT_H_
