// The staffing values as people read and type them: ETPs, euros, days, steps, missions, and the
// one-line summaries of changes, exchanges and tasks of the CDT's queue.
#include "clients/ctg/staffing_format.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(EtpTest, FormatsHundredths) {
  EXPECT_EQ(FormatEtp(100), "1.00");
  EXPECT_EQ(FormatEtp(80), "0.80");
  EXPECT_EQ(FormatEtp(5), "0.05");
  EXPECT_EQ(FormatEtp(0), "0.00");
  EXPECT_EQ(FormatEtp(-20), "-0.20");
}

TEST(AmountTest, ParsesEurosAndRates) {
  EXPECT_EQ(ParseCents("21000").value(), 2100000);
  EXPECT_EQ(ParseCents("21 000,50 €").value(), 2100050);
  EXPECT_EQ(ParseCents("21000.5").value(), 2100050);
  EXPECT_EQ(ParseCents(FormatCents(3500000)).value(), 3500000);  // as printed
  EXPECT_EQ(ParseCents("0").value(), 0);
  for (const char* bad : {"", "€", "-5", "12.345", "12.", "douze", "1e6"}) {
    EXPECT_FALSE(ParseCents(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseRate("60").value(), 6000);
  EXPECT_EQ(ParseRate("37,5 %").value(), 3750);
  EXPECT_EQ(ParseRate("100%").value(), 10000);
  for (const char* bad : {"", "100.01", "-1", "soixante"}) EXPECT_FALSE(ParseRate(bad).ok()) << bad;
}

TEST(EtpTest, ParsesWhatPeopleType) {
  EXPECT_EQ(ParseEtp("1").value(), 100);
  EXPECT_EQ(ParseEtp("1.0").value(), 100);
  EXPECT_EQ(ParseEtp("0.8").value(), 80);
  EXPECT_EQ(ParseEtp("0,8").value(), 80);
  EXPECT_EQ(ParseEtp(".05").value(), 5);
  EXPECT_EQ(ParseEtp(" 0.75 ").value(), 75);
  EXPECT_EQ(ParseEtp("80%").value(), 80);
  EXPECT_EQ(ParseEtp("100 %").value(), 100);
  for (const char* bad :
       {"", "0", "0.00", "1.01", "2", "0.805", "abc", "-0.5", "101%", "0.8.1", "."}) {
    EXPECT_THAT(ParseEtp(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ETP")))
        << bad;
  }
}

TEST(MoneyTest, GroupsEurosAndKeepsCents) {
  EXPECT_EQ(FormatCents(3500000), "35 000.00 \xE2\x82\xAC");
  EXPECT_EQ(FormatCents(123456789), "1 234 567.89 \xE2\x82\xAC");
  EXPECT_EQ(FormatCents(5), "0.05 \xE2\x82\xAC");
  EXPECT_EQ(FormatCents(-150), "-1.50 \xE2\x82\xAC");
}

TEST(DayTest, ParsesRealDaysOnly) {
  google::type::Date date = ParseDateFlag("2026-09-01").value();
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 9);
  EXPECT_EQ(date.day(), 1);
  EXPECT_TRUE(ParseDateFlag("2028-02-29").ok());
  for (const char* bad : {"2026-02-30", "2027-02-29", "2026-9-1", "01/09/2026", "",
                          "2026-09-01T00:00:00Z", "demain"}) {
    EXPECT_THAT(ParseDateFlag(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")))
        << bad;
  }
}

TEST(StepTest, RCodesAndNames) {
  EXPECT_EQ(StepText(ctg::v1::RECRUITMENT_STEP_BESOIN_IDENTIFIE), "R0 besoin_identifie");
  EXPECT_EQ(StepText(ctg::v1::RECRUITMENT_STEP_FICHE_DE_POSTE_AVIS_CAF),
            "R3 fiche_de_poste_avis_caf");
  EXPECT_EQ(StepText(ctg::v1::RECRUITMENT_STEP_EN_POSTE), "R12 en_poste");
  EXPECT_EQ(StepText(ctg::v1::RECRUITMENT_STEP_UNSPECIFIED), "");
  EXPECT_EQ(ParseStep("R5").value(), ctg::v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES);
  EXPECT_EQ(ParseStep("r0").value(), ctg::v1::RECRUITMENT_STEP_BESOIN_IDENTIFIE);
  EXPECT_EQ(ParseStep("jury").value(), ctg::v1::RECRUITMENT_STEP_JURY);
  EXPECT_FALSE(ParseStep("R13").ok());
  EXPECT_FALSE(ParseStep("R-1").ok());
  EXPECT_FALSE(ParseStep("entretien").ok());
}

TEST(MissionTest, AreasAndLocalLabels) {
  ctg::v1::Mission mission = ParseMission("diagnostics").value();
  EXPECT_EQ(mission.area(), ctg::v1::MISSION_AREA_DIAGNOSTICS);
  EXPECT_EQ(mission.label(), "");
  mission = ParseMission("locale: Accompagnement du SPPE").value();
  EXPECT_EQ(mission.area(), ctg::v1::MISSION_AREA_LOCALE);
  EXPECT_EQ(mission.label(), "Accompagnement du SPPE");
  EXPECT_THAT(ParseMission("locale"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("label")));
  EXPECT_FALSE(ParseMission("animation").ok());
}

TEST(SummaryTest, SaysWhatAChangeDoes) {
  ctg::v1::ChangeProposed personnel;
  personnel.set_kind(ctg::v1::CHANGE_KIND_PERSONNEL);
  ctg::v1::Assignment* assign = personnel.mutable_personnel()->add_assign();
  assign->set_assignment_id("rempl-1");
  assign->set_person("persons/9a0b1c2d3e4f5a6b");
  assign->set_type(ctg::v1::ASSIGNMENT_TYPE_REMPLACANT);
  assign->set_etp_hundredths(50);
  *assign->mutable_start_date() = Day(2027, 2, 1);
  assign->set_replacement("replacements/rempl-val-orbe-1");
  ctg::v1::AssignmentClosure* end = personnel.mutable_personnel()->add_end();
  end->set_assignment_id("titulaire-2026");
  *end->mutable_end_date() = Day(2027, 1, 31);
  EXPECT_EQ(ProposalSummary(personnel),
            "assign persons/9a0b1c2d3e4f5a6b as rempl-1 (remplacant, 0.50 ETP, from 2027-02-01, "
            "replacements/rempl-val-orbe-1); end titulaire-2026 on 2027-01-31");

  ctg::v1::ChangeProposed organisation;
  organisation.set_kind(ctg::v1::CHANGE_KIND_ORGANISATION);
  organisation.mutable_organisation()->set_etp_hundredths(80);
  organisation.mutable_organisation()->set_rattachement("Direction générale");
  EXPECT_EQ(ProposalSummary(organisation),
            "ETP \xE2\x86\x92 0.80; rattachement \xE2\x86\x92 Direction générale");

  ctg::v1::ChangeProposed missions;
  missions.set_kind(ctg::v1::CHANGE_KIND_AFFECTATION_MISSION);
  missions.mutable_missions()->add_missions()->set_area(ctg::v1::MISSION_AREA_EVALUATION);
  ctg::v1::Mission* local = missions.mutable_missions()->add_missions();
  local->set_area(ctg::v1::MISSION_AREA_LOCALE);
  local->set_label("Veille");
  EXPECT_EQ(ProposalSummary(missions), "missions \xE2\x86\x92 evaluation, locale (Veille)");

  ctg::v1::ChangeProposed thematiques;
  thematiques.set_kind(ctg::v1::CHANGE_KIND_THEMATIQUE);
  thematiques.mutable_thematiques()->add_thematiques(ctg::v1::THEMATIQUE_JEUNESSE);
  EXPECT_EQ(ProposalSummary(thematiques), "thématiques \xE2\x86\x92 jeunesse");

  ctg::v1::ChangeProposed empty;
  empty.set_kind(ctg::v1::CHANGE_KIND_ORGANISATION);
  EXPECT_EQ(ProposalSummary(empty), "organisation change");
}

TEST(SummaryTest, ExchangesAndTasks) {
  ctg::v1::CdtExchangeRecorded exchange;
  *exchange.mutable_date() = Day(2026, 8, 20);
  exchange.set_form(ctg::v1::EXCHANGE_FORM_TELEPHONE);
  exchange.set_cdt("cdt-valmont-7");
  EXPECT_EQ(ExchangeSummary(exchange), "2026-08-20 telephone with cdt-valmont-7");
  EXPECT_EQ(ExchangeSummary(ctg::v1::CdtExchangeRecorded()), "");

  ctg::v1::CdtTask task;
  task.set_kind(ctg::v1::CDT_TASK_KIND_FICHE_DE_POSTE_OPINION);
  task.set_fiche_version(3);
  EXPECT_EQ(CdtTaskDetail(task), "fiche v3");
  task.set_kind(ctg::v1::CDT_TASK_KIND_CANDIDATE_OPINION);
  task.set_person("persons/3f9c0d2a71b84e65");
  EXPECT_EQ(CdtTaskDetail(task), "candidate persons/3f9c0d2a71b84e65");
  task.set_kind(ctg::v1::CDT_TASK_KIND_CDT_EXCHANGE);
  task.set_change_kind(ctg::v1::CHANGE_KIND_PERSONNEL);
  EXPECT_EQ(CdtTaskDetail(task), "personnel change");
  task.set_kind(ctg::v1::CDT_TASK_KIND_CADRAGE);
  EXPECT_EQ(CdtTaskDetail(task), "");
}

}  // namespace
}  // namespace ctg::cli
