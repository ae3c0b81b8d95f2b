// The three staffing aggregates together, as the service will chain them: a post is created,
// recruited for with the Caf at each step, held, replaced on validated time and held again.
// Each aggregate learns of the others only through FactsOf and the lookups.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"
#include "tests/services/staffing/staffing_fixtures.h"
#include "tests/testing/status_matchers.h"

namespace ctg::staffing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using namespace ::ctg::staffing::testing;  // NOLINT: the fixtures of this test

TEST(WorkflowTest, RecruitedHeldReplacedAndHeldAgain) {
  World world = DefaultWorld();
  std::vector<std::string> post_log;
  PostState post;
  auto post_decides = [&](const auto& command) {
    auto events = Decide(post, command, world.ForPost());
    ASSERT_TRUE(events.ok()) << events.status();
    for (const PostEvent& event : *events) {
      Evolve(post, event, kTime);
      post_log.push_back(AsMessage(event).GetDescriptor()->name());
    }
    world.posts[post.post_id] = post;
  };

  // The post, co-financed and funded for 2025, then recruited for.
  v1::PostCofinancingRecorded cofinancing;
  cofinancing.set_year(2025);
  cofinancing.set_amount_cents(1'800'000);
  post_decides(NewPost());
  post_decides(RecordCofinancing{cofinancing, Party::kEmployer});
  post_decides(TransitionPost{v1::POST_STATUS_EN_RECRUTEMENT, "", Party::kEmployer});

  RecruitmentState recruitment;
  const RecruitmentLookups recruitment_lookups = world.ForRecruitment();
  Apply(recruitment,
        OpenRecruitment{std::string(kRecruitmentId), kPost, v1::RECRUITMENT_MOTIF_CREATION,
                        Date(2025, 3, 3), kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment,
        AgreeCadrage{Date(2025, 3, 5),
                     std::string(kCdt),
                     {},
                     v1::CAF_INVOLVEMENT_ATTENDU,
                     "Fonction de coopération à 0,8 ETP",
                     kToday,
                     Party::kCaf},
        recruitment_lookups);
  Apply(recruitment, SubmitFicheDePoste{"ged://v1", Date(2025, 3, 10), kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment,
        GiveCafOpinionOnFiche{1, v1::CAF_OPINION_FAVORABLE, Date(2025, 3, 17), std::string(kCdt),
                              "", kToday, Party::kCaf},
        recruitment_lookups);
  Apply(recruitment, PublishOffer{Date(2025, 3, 20), "", kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment, CloseApplications{Date(2025, 4, 20), 11, kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment, ShortlistCandidates{Date(2025, 4, 25), 4, false, kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment, HoldJury{Date(2025, 5, 12), 4, true, kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment,
        SkipStep{v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS, "Jury conclusif", Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment, ChooseCandidate{kCandidate, Date(2025, 5, 12), true, kToday, Party::kEmployer},
        recruitment_lookups);
  // The post cannot take the candidate before the recruitment hired them.
  world.recruitments[std::string(kRecruitmentId)] = FactsOf(recruitment);
  v1::Assignment holder =
      AssignmentOf("titulaire-1", kCandidate, v1::ASSIGNMENT_TYPE_TITULAIRE, 80);
  holder.set_recruitment(kRecruitment);
  const v1::ChangeProposed arrival = PersonnelProposal("arrivee", {holder});
  post_decides(ProposeChange{arrival, Party::kEmployer});
  post_decides(RecordCdtExchange{ExchangeOf("arrivee", "echange-arrivee"), kToday, Party::kCaf});
  EXPECT_EQ(Reason(Decide(post, ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer},
                          world.ForPost())
                       .status()),
            "RECRUITMENT_MISMATCH");

  Apply(recruitment,
        GiveCafOpinionOnCandidate{kCandidate, v1::CAF_OPINION_FAVORABLE, Date(2025, 5, 20),
                                  std::string(kCdt), "", kToday, Party::kCaf},
        recruitment_lookups);
  Apply(recruitment, TakeEmployerDecision{kCandidate, Date(2025, 5, 22), kToday, Party::kEmployer},
        recruitment_lookups);
  Apply(recruitment,
        HirePerson{kCandidate, Date(2025, 6, 2), Date(2025, 10, 1), kToday, Party::kEmployer},
        recruitment_lookups);
  world.recruitments[std::string(kRecruitmentId)] = FactsOf(recruitment);
  post_decides(ApplyChange{"arrivee", "", Date(2025, 10, 1), Party::kEmployer});
  EXPECT_EQ(post.status, v1::POST_STATUS_POURVU);

  // Funding for 2025 (R-1a: the co-financing is recorded).
  v1::PostCafFundingRecorded funding;
  funding.set_year(2025);
  funding.set_scheme(v1::FUNDING_SCHEME_BONUS_TERRITOIRE);
  funding.set_amount_cents(1'800'000);
  *funding.mutable_decision_date() = Date(2025, 6, 12);
  funding.set_decision_reference("CCTG-2025-014");
  post_decides(RecordCafFunding{funding, kToday, Party::kCaf});

  // A replacement by someone already at full time, who reduces another activity by the
  // replacement's time, validated by the Caf, then put on the post through the CDT.
  world.workloads[kReplacer].assignments.push_back({"cdc-coteaux", "titulaire-1", 50});
  world.workloads[kReplacer].other_activities.push_back(ActivityOf("Animation du RPE", 50));
  ReplacementState replacement;
  RequestReplacement request{std::string(kReplacementId),
                             kPost,
                             kReplacer,
                             "titulaire-1",
                             30,
                             Date(2026, 1, 5),
                             Date(2026, 6, 30),
                             std::nullopt,
                             Party::kEmployer};
  EXPECT_EQ(Reason(Decide(replacement, request, world.ForReplacement()).status()), "ETP_EXCEEDED");
  v1::ActivityReduction reduction;
  reduction.set_activity("Animation du RPE");
  reduction.set_etp_hundredths(30);
  request.reduction = reduction;
  Apply(replacement, request, world.ForReplacement());
  world.replacements[std::string(kReplacementId)] = FactsOf(replacement);

  v1::Assignment replacer =
      AssignmentOf("remplacant-1", kReplacer, v1::ASSIGNMENT_TYPE_REMPLACANT, 30);
  *replacer.add_other_activities() = ActivityOf("Animation du RPE", 20);  // reduced
  post_decides(ProposeChange{PersonnelProposal("remplacement", {replacer}), Party::kEmployer});
  post_decides(
      RecordCdtExchange{ExchangeOf("remplacement", "echange-remplacement"), kToday, Party::kCaf});
  EXPECT_EQ(Reason(Decide(post, ApplyChange{"remplacement", "", Date(2026, 1, 5), Party::kEmployer},
                          world.ForPost())
                       .status()),
            "CAF_VALIDATION_REQUIRED");
  Apply(replacement,
        ValidateReplacement{Date(2025, 9, 12), std::string(kCdt), "", kToday, Party::kCaf},
        world.ForReplacement());
  world.replacements[std::string(kReplacementId)] = FactsOf(replacement);
  post_decides(ApplyChange{"remplacement", "", Date(2026, 1, 5), Party::kEmployer});
  EXPECT_EQ(post.status, v1::POST_STATUS_EN_REMPLACEMENT);

  // The titulaire comes back: the replacement ends and so does the remplaçant's assignment.
  Apply(replacement, StartReplacement{kToday, kToday, Party::kEmployer}, world.ForReplacement());
  Apply(replacement,
        EndReplacement{kToday, v1::REPLACEMENT_OUTCOME_TITULAIRE_DE_RETOUR, "", kToday,
                       Party::kEmployer},
        world.ForReplacement());
  post_decides(ProposeChange{PersonnelProposal("retour", {}, {ClosureOf("remplacant-1")}),
                             Party::kEmployer});
  post_decides(RecordCdtExchange{ExchangeOf("retour", "echange-retour"), kToday, Party::kCaf});
  post_decides(ApplyChange{"retour", "", Date(2026, 6, 30), Party::kEmployer});
  EXPECT_EQ(post.status, v1::POST_STATUS_POURVU);

  EXPECT_THAT(
      post_log,
      ElementsAre("PostCreated", "PostCofinancingRecorded", "PostStatusChanged", "ChangeProposed",
                  "CdtExchangeRecorded", "ChangeApplied", "PersonAssigned", "PostStatusChanged",
                  "PostCafFundingRecorded", "ChangeProposed", "CdtExchangeRecorded",
                  "ChangeApplied", "PersonAssigned", "PostStatusChanged", "ChangeProposed",
                  "CdtExchangeRecorded", "ChangeApplied", "AssignmentEnded", "PostStatusChanged"));
  EXPECT_EQ(recruitment.step(), v1::RECRUITMENT_STEP_RECRUTE);
  EXPECT_EQ(replacement.status, v1::REPLACEMENT_STATUS_TERMINE);
  // Every applied change rests on its exchange with the CDT.
  for (const ChangeRecord& change : post.changes) {
    EXPECT_EQ(change.status, ChangeStatus::kApplied);
    EXPECT_EQ(change.applied_exchange_id, change.exchanges.back().exchange_id());
  }
  EXPECT_THAT(Tags(post, v1::PersonAssigned{}), Contains("org:249900028"));
}

}  // namespace
}  // namespace ctg::staffing
