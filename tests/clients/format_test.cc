#include "clients/ctg/format.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.pb.h"
#include "ctg/v1/common.pb.h"
#include "ctg/v1/partners.pb.h"
#include "ctg/v1/plans.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(EnumNamesTest, ShortNamesDropTheEnumPrefix) {
  EXPECT_EQ(EnumShortName(ctg::v1::OrganisationType_descriptor(), ctg::v1::ORGANISATION_TYPE_EPCI),
            "epci");
  EXPECT_EQ(EnumShortName(ctg::v1::CtgState_descriptor(), ctg::v1::CTG_STATE_EN_PREPARATION),
            "en_preparation");
  EXPECT_EQ(EnumShortName(ctg::v1::Role_descriptor(), ctg::v1::ROLE_CAF_CDT), "caf_cdt");
  EXPECT_EQ(EnumShortName(ctg::v1::Population::Kind_descriptor(), ctg::v1::Population::KIND_TOTALE),
            "totale");
  EXPECT_EQ(EnumShortName(ctg::v1::CtgState_descriptor(), ctg::v1::CTG_STATE_UNSPECIFIED), "");
  EXPECT_EQ(EnumShortName(ctg::v1::CtgState_descriptor(), 99), "99");  // newer server
}

TEST(EnumNamesTest, ParsesWhatPeopleType) {
  const auto* states = ctg::v1::CtgState_descriptor();
  EXPECT_EQ(ParseEnumShortName(states, "active").value(), ctg::v1::CTG_STATE_ACTIVE);
  EXPECT_EQ(ParseEnumShortName(states, "ACTIVE").value(), ctg::v1::CTG_STATE_ACTIVE);
  EXPECT_EQ(ParseEnumShortName(states, "en-preparation").value(),
            ctg::v1::CTG_STATE_EN_PREPARATION);
  EXPECT_EQ(ParseEnumShortName(states, "CTG_STATE_SUSPENDUE").value(),
            ctg::v1::CTG_STATE_SUSPENDUE);
  EXPECT_EQ(ParseEnumShortName(ctg::v1::OrganisationType_descriptor(), "epci").value(),
            ctg::v1::ORGANISATION_TYPE_EPCI);
}

TEST(EnumNamesTest, RejectsUnknownAndUnspecifiedNamesListingTheValidOnes) {
  const auto* types = ctg::v1::OrganisationType_descriptor();
  EXPECT_THAT(ParseEnumShortName(types, "mairie"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("\"mairie\""), HasSubstr("caf, cnaf, commune, epci"))));
  EXPECT_THAT(ParseEnumShortName(types, "unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("use one of")));
  EXPECT_THAT(ParseEnumShortName(types, ""), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(EnumShortNames(ctg::v1::SignatoryRole_descriptor()),
            (std::vector<std::string>{"caf", "collectivite_porteuse", "collectivite_membre",
                                      "partenaire_signataire"}));
}

TEST(ResourceNamesTest, SirensAndCtgIds) {
  EXPECT_EQ(OrganisationName("200000172").value(), "organisations/200000172");
  EXPECT_EQ(OrganisationName("organisations/200000172").value(), "organisations/200000172");
  EXPECT_THAT(OrganisationName("20000017"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("9 digits")));
  EXPECT_THAT(OrganisationName("20000017a"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("9 digits")));
  EXPECT_EQ(SirenOf("organisations/200000172"), "200000172");
  EXPECT_EQ(SirenOf(""), "");
  EXPECT_EQ(CtgName("val-orbe-2025").value(), "ctgs/val-orbe-2025");
  EXPECT_EQ(CtgName("ctgs/val-orbe-2025").value(), "ctgs/val-orbe-2025");
  EXPECT_THAT(CtgName(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CTG id")));
  EXPECT_THAT(CtgName("ctgs/a/b"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("CTG id")));
}

TEST(ResourceNamesTest, PersonsAndRecruitments) {
  EXPECT_EQ(PersonName("3f9c0d2a71b84e65").value(), "persons/3f9c0d2a71b84e65");
  EXPECT_EQ(PersonName(" persons/3f9c0d2a71b84e65 ").value(), "persons/3f9c0d2a71b84e65");
  EXPECT_THAT(PersonName(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("person id")));
  EXPECT_THAT(PersonName("persons/a/b"), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(RecruitmentName("rec-1").value(), "recruitments/rec-1");
  EXPECT_THAT(RecruitmentName("recruitments/"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("recruitment id")));
  EXPECT_EQ(IdOf("persons/3f9c0d2a71b84e65"), "3f9c0d2a71b84e65");
  EXPECT_EQ(IdOf("plain"), "plain");
}

TEST(ErasureBasisTest, ParsesTheThreeWordsAndTheEnumNames) {
  EXPECT_EQ(ParseErasureBasis("request").value(), ctg::v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST);
  EXPECT_EQ(ParseErasureBasis("Retention").value(), ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED);
  EXPECT_EQ(ParseErasureBasis("no-longer-needed").value(), ctg::v1::ERASURE_BASIS_NO_LONGER_NEEDED);
  EXPECT_EQ(ParseErasureBasis("no_longer_needed").value(), ctg::v1::ERASURE_BASIS_NO_LONGER_NEEDED);
  EXPECT_EQ(ParseErasureBasis("data_subject_request").value(),
            ctg::v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST);
  EXPECT_EQ(ParseErasureBasis("ERASURE_BASIS_RETENTION_EXPIRED").value(),
            ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED);
  EXPECT_THAT(ParseErasureBasis("unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("request"), HasSubstr("no-longer-needed"))));
  EXPECT_THAT(ParseErasureBasis(""), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(ErasureBasisText(ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED),
            "the retention period ended");
  EXPECT_EQ(ErasureBasisText(ctg::v1::ERASURE_BASIS_UNSPECIFIED), "");
}

TEST(RequestIdTest, NewIdsAreDistinctVersion4Uuids) {
  const std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_NE(a, b);
  for (const std::string& id : {a, b}) {
    EXPECT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_THAT(std::string("89ab"), HasSubstr(std::string(1, id[19]))) << id;
  }
  EXPECT_TRUE(IsUuid("1B4E28BA-2FA1-4D2E-8B3C-0A1B2C3D4E5F"));
  EXPECT_FALSE(IsUuid("1b4e28ba2fa14d2e8b3c0a1b2c3d4e5f"));
  EXPECT_FALSE(IsUuid("1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5g"));
  EXPECT_FALSE(IsUuid(""));
}

TEST(PersonalDataTest, CountsCharactersAndRedactsEchoedValues) {
  EXPECT_EQ(CharCount("Zoé"), 3u);
  EXPECT_EQ(CharCount("Nguyễn"), 6u);
  EXPECT_EQ(CharCount(""), 0u);
  EXPECT_EQ(RedactValues("the domain of camille.exemple@example.invalid does not exist (Camille "
                         "EXEMPLE)",
                         {"Camille", "Exemple", "camille.exemple@example.invalid", ""}),
            "the domain of [personal data] does not exist ([personal data] [personal data])");
  EXPECT_EQ(RedactValues("nothing to hide", {"", "Camille"}), "nothing to hide");
}

TEST(TimeTest, ParsesRfc3339AndDates) {
  const absl::Time june =
      absl::FromCivil(absl::CivilSecond(2026, 6, 1, 6, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(ParseTimeFlag("2026-06-01T06:00:00Z").value(), june);
  EXPECT_EQ(ParseTimeFlag("2026-06-01T08:00:00+02:00").value(), june);
  EXPECT_EQ(ParseTimeFlag("2026-06-01").value(), june - absl::Hours(6));
  EXPECT_THAT(ParseTimeFlag("yesterday"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RFC 3339")));
  EXPECT_THAT(ParseTimeFlag("01/06/2026"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RFC 3339")));
}

TEST(TimeTest, FormatsInUtc) {
  google::protobuf::Timestamp timestamp;
  EXPECT_EQ(FormatTimestamp(timestamp), "");
  timestamp.set_seconds(1795000000);
  timestamp.set_nanos(5);
  EXPECT_EQ(FormatTimestamp(timestamp), "2026-11-18T11:06:40Z");
  EXPECT_EQ(FormatTimeMicros(absl::FromUnixMicros(1795000000123456)),
            "2026-11-18T11:06:40.123456Z");
  google::type::Date date;
  EXPECT_EQ(FormatDate(date), "");
  date.set_year(2025);
  date.set_month(3);
  date.set_day(12);
  EXPECT_EQ(FormatDate(date), "2025-03-12");
}

TEST(EventTypeTest, ShortAndFullNames) {
  EXPECT_EQ(ShortEventType("ctg.v1.CtgDrafted"), "CtgDrafted");
  EXPECT_EQ(ShortEventType("other.v2.Thing"), "other.v2.Thing");
  EXPECT_EQ(FullEventType("CtgDrafted"), "ctg.v1.CtgDrafted");
  EXPECT_EQ(FullEventType("other.v2.Thing"), "other.v2.Thing");
}

TEST(PayloadSummaryTest, ListsTopLevelFieldsInOrder) {
  EXPECT_EQ(
      SummarizePayloadJson(
          R"({"ctgId":"val-orbe-2025","title":"CTG du Val d'Orbe","startDate":{"year":2025,"month":1,"day":1}})"),
      R"(ctgId=val-orbe-2025 title=CTG du Val d'Orbe startDate={"year":2025,"month":1,"day":1})");
  EXPECT_EQ(
      SummarizePayloadJson(
          R"({"thematiques":["THEMATIQUE_JEUNESSE","THEMATIQUE_ENFANCE"],"n":3,"ok":true,"x":null})"),
      R"(thematiques=["THEMATIQUE_JEUNESSE","THEMATIQUE_ENFANCE"] n=3 ok=true x=null)");
  EXPECT_EQ(SummarizePayloadJson("{}"), "");
  EXPECT_EQ(SummarizePayloadJson(" { \"a\" : \"b\" , \"c\" : 1 } "), "a=b c=1");
}

TEST(PayloadSummaryTest, DecodesEscapesToUtf8) {
  EXPECT_EQ(
      SummarizePayloadJson(R"({"name":"Saint-\u00c9loi \"centre\"\\","emoji":"\ud83c\udf0d"})"),
      "name=Saint-Éloi \"centre\"\\ emoji=\xF0\x9F\x8C\x8D");
  EXPECT_EQ(SummarizePayloadJson(R"({"k":"{not an object}"})"), "k={not an object}");
  // What MessageToJsonString writes for a real payload.
  ctg::v1::RuleWarning warning;
  warning.set_rule("R-7");
  warning.set_message("La thématique jeunesse n'est pas couverte.");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(warning, &json).ok());
  EXPECT_EQ(SummarizePayloadJson(json),
            "rule=R-7 message=La thématique jeunesse n'est pas couverte.");
}

TEST(PayloadSummaryTest, ReturnsMalformedTextAsIs) {
  for (const char* text : {"", "[1,2]", "{", R"({"a":)", R"({"a":"b)", R"({"a":1,})",
                           R"({"a":1} x)", R"({"a":"\q"})", R"({"a":{"b":[1,2}})", "not json"}) {
    EXPECT_EQ(SummarizePayloadJson(text), text);
  }
}

TEST(JsonTest, OneLineProto3Json) {
  ctg::v1::Organisation organisation;
  organisation.set_siren("200000172");
  organisation.set_display_name("Communauté de communes du Val d'Orbe");
  organisation.set_type(ctg::v1::ORGANISATION_TYPE_EPCI);
  std::string line = ToJsonLine(organisation);
  EXPECT_EQ(line,
            "{\"siren\":\"200000172\",\"type\":\"ORGANISATION_TYPE_EPCI\",\"displayName\":"
            "\"Communauté de communes du Val d'Orbe\"}\n");
  ctg::v1::Organisation parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok());
  EXPECT_EQ(parsed.display_name(), organisation.display_name());
}

}  // namespace
}  // namespace ctg::cli
