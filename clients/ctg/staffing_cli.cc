// The command line of staffing: `ctg posts …`, `ctg recruitments …`, `ctg replacements …`,
// `ctg queue` and `ctg changes`. Every write sends a request id (--request_id, or a new one)
// and takes --etag where the contract has one.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "clients/ctg/cli_checks.h"
#include "clients/ctg/command_line.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "clients/ctg/staffing_format.h"
#include "ctg/v1/staffing.grpc.pb.h"

namespace ctg::cli {
namespace {

using Usage = std::optional<UsageError>;

// A free text of the contract: `required` ones may not be blank; at most `max_chars`. The
// message names the flag, never the value.
std::string Text(absl::string_view flag, const std::string& value, size_t max_chars, bool required,
                 Usage* usage) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    AddUsage(usage, absl::StrCat(flag, " must not be empty"));
  } else if (const size_t chars = CharCount(value); chars > max_chars) {
    AddUsage(usage, absl::StrCat(flag, " has ", chars, " characters; at most ", max_chars,
                                 " are allowed"));
  }
  return value;
}

google::type::Date Day(const std::string& text, Usage* usage) {
  return OrUsage(ParseDateFlag(text), usage);
}

// R5, R6 or R7: the steps whose Caf involvement is agreed at the cadrage and which may be
// skipped.
ctg::v1::RecruitmentStep OptionalStep(absl::string_view flag, const std::string& text,
                                      Usage* usage) {
  const ctg::v1::RecruitmentStep step = OrUsage(ParseStep(text), usage);
  if (step != ctg::v1::RECRUITMENT_STEP_UNSPECIFIED &&
      step != ctg::v1::RECRUITMENT_STEP_SELECTION_CANDIDATURES &&
      step != ctg::v1::RECRUITMENT_STEP_JURY &&
      step != ctg::v1::RECRUITMENT_STEP_SYNTHESE_ENTRETIENS) {
    AddUsage(usage, absl::StrCat(flag,
                                 " names R5 selection_candidatures, R6 jury or R7 "
                                 "synthese_entretiens"));
  }
  return step;
}

void AddEtagFlag(CLI::App& write, std::string& etag) {
  write.add_option("--etag", etag, "apply only if the resource is still at this etag (from show)");
}

absl::StatusOr<std::string> ReplacementName(absl::string_view id) {
  return ResourceName("replacements", id, "a replacement id", "rempl-val-orbe-1");
}

// The staffing writes with no command of their own — `posts create|transition|cofinancing|
// caf-funding|withdraw-change`, `recruitments open|cadrage|fiche|publish|close-applications|
// shortlist|jury|synthesis|skip|choose|decide|hire|integrate|close|cancel` — and `replacements`.
// Each write is its flags (checked by CLI11) and a function that checks the rest and builds
// the request, sent by RunStaffingWrite.
class StaffingWrites {
 public:
  // Adds the writes to `posts` and `recruitments`, and `replacements` to `app`.
  void Add(CLI::App& app, CLI::App& posts, CLI::App& recruitments, CommandSet& commands);

 private:
  // Adds a write: its positional id (unless `id_help` is empty), --etag (if `etag`) and
  // --request_id; once parsed, `build` makes its request.
  CLI::App* AddWrite(CLI::App& parent, const std::string& name, const std::string& help,
                     const std::string& id_help, bool etag,
                     std::function<StaffingWrite(Usage*)> build);

  CommandSet* commands_ = nullptr;
  std::optional<StaffingWrite> write_;
  ReplacementsListArgs list_args_;

  // The flags, bound to CLI11 (one subcommand is parsed per run, so they are shared).
  std::string id_, etag_, request_id_, new_id_;
  std::string ctg_, employer_, post_, person_, etp_, status_, rattachement_;
  std::vector<std::string> missions_, thematiques_, involvements_;
  std::string reason_, comment_, date_, change_, amount_, rate_, ceiling_, scheme_, decision_date_,
      decision_reference_;
  int32_t year_ = 0;
  std::string motif_, fonction_, candidate_choice_, document_, channel_, step_;
  int32_t count_ = 0;
  bool caf_participated_ = false;
  std::string contract_date_, start_, end_, cdt_meeting_, copil_, partners_meeting_;
  std::string replaces_, reduce_activity_, reduce_by_, outcome_;
};

CLI::App* StaffingWrites::AddWrite(CLI::App& parent, const std::string& name,
                                   const std::string& help, const std::string& id_help, bool etag,
                                   std::function<StaffingWrite(Usage*)> build) {
  CLI::App* command = parent.add_subcommand(name, help);
  if (!id_help.empty()) command->add_option("id", id_, id_help)->required();
  if (etag) AddEtagFlag(*command, etag_);
  AddRequestIdFlag(*command, request_id_);
  commands_->Add(
      command, [this, build = std::move(build)](Usage* usage) { write_ = build(usage); },
      [this](const Session& session) {
        return RunStaffingWrite(*ctg::v1::StaffingService::NewStub(session.channel), session.call,
                                *write_, session.output);
      });
  return command;
}

void StaffingWrites::Add(CLI::App& app, CLI::App& posts, CLI::App& recruitments,
                         CommandSet& commands) {
  commands_ = &commands;
  const auto post_name = [this](Usage* usage) { return OrUsage(PostName(id_), usage); };
  const auto recruitment_name = [this](Usage* usage) {
    return OrUsage(RecruitmentName(id_), usage);
  };
  const auto replacement_name = [this](Usage* usage) {
    return OrUsage(ReplacementName(id_), usage);
  };
  const auto date_option = [this](CLI::App* command, const std::string& help) {
    command->add_option("--date", date_, help + ", YYYY-MM-DD")->required();
  };
  const auto reason_option = [this](CLI::App* command, const std::string& help, bool required) {
    CLI::Option* option = command->add_option("--reason", reason_, help);
    if (required) option->required();
  };
  const auto caf_option = [this](CLI::App* command) {
    command->add_flag("--caf_participated", caf_participated_,
                      "the Caf took part (required when the cadrage set attendu)");
  };
  const auto person_option = [this](CLI::App* command, const std::string& help) {
    command->add_option("--person", person_, help + " (their id, persons/…)")->required();
  };

  // ---- posts ----
  CLI::App* create = AddWrite(
      posts, "create", "create a post of a CTG (a_creer or vacant); employer side", "", false,
      [this](Usage* usage) -> StaffingWrite {
        ctg::v1::CreatePostRequest request;
        ctg::v1::Post* post = request.mutable_post();
        post->set_ctg(OrUsage(CtgName(ctg_), usage));
        post->set_employer(OrUsage(OrganisationName(employer_), usage));
        post->set_etp_hundredths(OrUsage(ParseEtp(etp_), usage));
        if (!status_.empty()) {
          post->set_status(
              EnumOrUsage<ctg::v1::PostStatus>(ctg::v1::PostStatus_descriptor(), status_, usage));
          if (post->status() != ctg::v1::POST_STATUS_A_CREER &&
              post->status() != ctg::v1::POST_STATUS_VACANT) {
            AddUsage(usage, "--status of a new post is a_creer or vacant");
          }
        }
        for (const std::string& mission : missions_) {
          *post->add_missions() = OrUsage(ParseMission(mission), usage);
        }
        std::set<int> seen;
        for (const std::string& thematique : thematiques_) {
          if (thematique.empty()) continue;
          const auto value =
              EnumOrUsage<ctg::v1::Thematique>(ctg::v1::Thematique_descriptor(), thematique, usage);
          if (seen.insert(value).second) post->add_thematiques(value);
        }
        post->set_rattachement(Text("--rattachement", rattachement_, 200, false, usage));
        request.set_post_id(new_id_);
        request.set_request_id(RequestIdOrNew(request_id_, usage));
        return request;
      });
  create->add_option("--ctg", ctg_, "the CTG it serves, e.g. val-orbe-2025")->required();
  create->add_option("--employer", employer_, "the employer's SIREN (a signatory collectivité)")
      ->required();
  create->add_option("--etp", etp_, "its time, e.g. 1, 0.8 or 80%")->required();
  create->add_option("--status", status_, "a_creer (default) or vacant");
  create
      ->add_option("--mission", missions_,
                   EnumHelp("a mission, repeated; locale:LABEL for a local one. Areas",
                            ctg::v1::MissionArea_descriptor()))
      ->allow_extra_args(false);
  create
      ->add_option(
          "--thematique", thematiques_,
          EnumHelp("thématiques, repeated or comma-separated", ctg::v1::Thematique_descriptor()))
      ->delimiter(',')
      ->allow_extra_args(false);
  create->add_option("--rattachement", rattachement_,
                     "its hierarchical attachment (a function, never a person's name)");
  create->add_option("--post_id", new_id_, "its id, e.g. cc-val-orbe-3 (default: the server's)");

  CLI::App* transition = AddWrite(
      posts, "transition", "move a post's status by decision (vacant, en_recrutement, suspendu…)",
      "the post's id", true, [this, post_name](Usage* usage) -> StaffingWrite {
        ctg::v1::TransitionPostRequest request;
        request.set_name(post_name(usage));
        request.set_status(
            EnumOrUsage<ctg::v1::PostStatus>(ctg::v1::PostStatus_descriptor(), status_, usage));
        request.set_reason(Text("--reason", reason_, 2000, false, usage));
        if ((request.status() == ctg::v1::POST_STATUS_SUSPENDU ||
             request.status() == ctg::v1::POST_STATUS_SUPPRIME) &&
            absl::StripAsciiWhitespace(reason_).empty()) {
          AddUsage(usage, "suspending or deleting a post needs a --reason");
        }
        request.set_etag(etag_);
        request.set_request_id(RequestIdOrNew(request_id_, usage));
        return request;
      });
  transition
      ->add_option("--status", status_,
                   EnumHelp("the status to move to", ctg::v1::PostStatus_descriptor()))
      ->required();
  reason_option(transition, "why (required for suspendu and supprime)", false);

  const auto year_option = [this](CLI::App* command) {
    command->add_option("--year", year_, "the year, e.g. 2027")
        ->required()
        ->check(CLI::Range(2000, 2100));
  };
  CLI::App* cofinancing = AddWrite(
      posts, "cofinancing",
      "record the employer's co-financing of a post for a year (replaces that year's)",
      "the post's id", true, [this, post_name](Usage* usage) -> StaffingWrite {
        ctg::v1::RecordCofinancingRequest request;
        request.set_name(post_name(usage));
        request.mutable_cofinancing()->set_year(year_);
        request.mutable_cofinancing()->set_amount_cents(OrUsage(ParseCents(amount_), usage));
        if (!rate_.empty())
          request.mutable_cofinancing()->set_rate_basis_points(OrUsage(ParseRate(rate_), usage));
        request.set_etag(etag_);
        request.set_request_id(RequestIdOrNew(request_id_, usage));
        return request;
      });
  year_option(cofinancing);
  cofinancing->add_option("--amount", amount_, "in euros, e.g. 21000 or \"21 000,50\"")->required();
  cofinancing->add_option("--rate", rate_, "its share of the post's cost, in %, e.g. 60");

  CLI::App* caf_funding = AddWrite(
      posts, "caf-funding",
      "record the Caf's funding of a post for a year, as the commission CTG decided it",
      "the post's id", true, [this, post_name](Usage* usage) -> StaffingWrite {
        ctg::v1::RecordCafFundingRequest request;
        request.set_name(post_name(usage));
        ctg::v1::PostCafFundingRecorded* funding = request.mutable_funding();
        funding->set_year(year_);
        funding->set_scheme(EnumOrUsage<ctg::v1::FundingScheme>(ctg::v1::FundingScheme_descriptor(),
                                                                scheme_, usage));
        funding->set_amount_cents(OrUsage(ParseCents(amount_), usage));
        if (!rate_.empty()) funding->set_rate_basis_points(OrUsage(ParseRate(rate_), usage));
        if (!ceiling_.empty()) funding->set_ceiling_cents(OrUsage(ParseCents(ceiling_), usage));
        if (funding->ceiling_cents() > 0 && funding->amount_cents() > funding->ceiling_cents())
          AddUsage(usage, "--amount is above --ceiling");
        *funding->mutable_decision_date() = Day(decision_date_, usage);
        funding->set_decision_reference(
            Text("--decision_reference", decision_reference_, 64, true, usage));
        request.set_etag(etag_);
        request.set_request_id(RequestIdOrNew(request_id_, usage));
        return request;
      });
  year_option(caf_funding);
  caf_funding
      ->add_option("--scheme", scheme_, EnumHelp("the scheme", ctg::v1::FundingScheme_descriptor()))
      ->required();
  caf_funding->add_option("--amount", amount_, "granted, in euros, e.g. 14000")->required();
  caf_funding->add_option("--rate", rate_, "the rate applied, in %, e.g. 40");
  caf_funding->add_option("--ceiling", ceiling_, "the ceiling applied, in euros");
  caf_funding
      ->add_option("--decision_date", decision_date_, "the commission's decision, YYYY-MM-DD")
      ->required();
  caf_funding
      ->add_option("--decision_reference", decision_reference_,
                   "the decision's reference, e.g. CCTG-2027-003")
      ->required();

  CLI::App* withdraw =
      AddWrite(posts, "withdraw-change", "withdraw a proposed change, with a reason",
               "the post's id", true, [this, post_name](Usage* usage) -> StaffingWrite {
                 ctg::v1::WithdrawChangeRequest request;
                 request.set_name(post_name(usage));
                 request.set_change_id(change_);
                 request.set_reason(Text("--reason", reason_, 2000, true, usage));
                 request.set_etag(etag_);
                 request.set_request_id(RequestIdOrNew(request_id_, usage));
                 return request;
               });
  withdraw->add_option("--change", change_, "the proposed change")->required();
  reason_option(withdraw, "why (1 to 2000 characters)", true);

  // ---- recruitments ----
  CLI::App* open =
      AddWrite(recruitments, "open", "R0: open the recruitment of a post", "", false,
               [this](Usage* usage) -> StaffingWrite {
                 ctg::v1::OpenRecruitmentRequest request;
                 request.mutable_recruitment()->set_post(OrUsage(PostName(post_), usage));
                 request.mutable_recruitment()->set_motif(EnumOrUsage<ctg::v1::RecruitmentMotif>(
                     ctg::v1::RecruitmentMotif_descriptor(), motif_, usage));
                 *request.mutable_date() = Day(date_, usage);
                 request.set_recruitment_id(new_id_);
                 request.set_request_id(RequestIdOrNew(request_id_, usage));
                 return request;
               });
  open->add_option("--post", post_, "the post's id")->required();
  open->add_option("--motif", motif_, EnumHelp("why", ctg::v1::RecruitmentMotif_descriptor()))
      ->required();
  date_option(open, "when the need was identified");
  open->add_option("--recruitment_id", new_id_, "its id (default: the server's)");

  // The common shape of a dated step: a recruitment, a date, and what `fill` adds.
  const auto recruitment_step = [&, this](const std::string& name, const std::string& help,
                                          const std::string& date_help, auto make) {
    CLI::App* command = AddWrite(recruitments, name, help, "the recruitment's id", true,
                                 [this, recruitment_name, make](Usage* usage) -> StaffingWrite {
                                   auto request = make(usage);
                                   request.set_name(recruitment_name(usage));
                                   request.set_etag(etag_);
                                   request.set_request_id(RequestIdOrNew(request_id_, usage));
                                   return request;
                                 });
    if (!date_help.empty()) date_option(command, date_help);
    return command;
  };
  const auto dated = [this](auto request, Usage* usage) {
    *request.mutable_date() = Day(date_, usage);
    return request;
  };

  CLI::App* cadrage = recruitment_step(
      "cadrage",
      "R1: the cadrage with the CDT, and the Caf's involvement in R5, R6, R7 and the choice",
      "when it was agreed", [this, dated](Usage* usage) {
        auto request = dated(ctg::v1::AgreeCadrageRequest(), usage);
        request.set_fonction(Text("--fonction", fonction_, 2000, true, usage));
        std::set<int> steps;
        for (const std::string& involvement : involvements_) {
          const size_t equals = involvement.find('=');
          if (equals == std::string::npos) {
            AddUsage(usage, "--involvement is STEP=LEVEL, e.g. jury=attendu");
            continue;
          }
          ctg::v1::StepInvolvement* entry = request.add_involvements();
          entry->set_step(OptionalStep("--involvement", involvement.substr(0, equals), usage));
          entry->set_involvement(EnumOrUsage<ctg::v1::CafInvolvement>(
              ctg::v1::CafInvolvement_descriptor(), involvement.substr(equals + 1), usage));
          if (!steps.insert(entry->step()).second)
            AddUsage(usage, "--involvement names each step at most once");
        }
        if (!candidate_choice_.empty()) {
          request.set_candidate_choice_involvement(EnumOrUsage<ctg::v1::CafInvolvement>(
              ctg::v1::CafInvolvement_descriptor(), candidate_choice_, usage));
        }
        return request;
      });
  cadrage
      ->add_option("--fonction", fonction_,
                   "the content and organisation of the function agreed (1 to 2000 characters)")
      ->required();
  cadrage
      ->add_option("--involvement", involvements_,
                   EnumHelp("the Caf's involvement in a step, STEP=LEVEL (R5/selection_"
                            "candidatures, R6/jury, R7/synthese_entretiens), repeated; those "
                            "not given are facultatif. Levels",
                            ctg::v1::CafInvolvement_descriptor()))
      ->allow_extra_args(false);
  cadrage->add_option("--candidate_choice", candidate_choice_,
                      "the Caf's involvement in the choice of the candidate (default facultatif)");

  recruitment_step("fiche", "R2: submit the next version of the fiche de poste to the Caf",
                   "when it was submitted",
                   [this, dated](Usage* usage) {
                     auto request = dated(ctg::v1::SubmitFicheDePosteRequest(), usage);
                     request.set_document(Text("--document", document_, 500, true, usage));
                     return request;
                   })
      ->add_option("--document", document_,
                   "where the document is (a reference or URI, 1 to 500 characters)")
      ->required();
  recruitment_step("publish", "R4: publish the offer (after a favourable opinion on the fiche)",
                   "when it was published",
                   [this, dated](Usage* usage) {
                     auto request = dated(ctg::v1::PublishOfferRequest(), usage);
                     request.set_channel(Text("--channel", channel_, 200, false, usage));
                     return request;
                   })
      ->add_option("--channel", channel_, "where, e.g. emploi-territorial.fr");
  recruitment_step("close-applications", "R4: close the applications", "when they closed",
                   [this, dated](Usage* usage) {
                     auto request = dated(ctg::v1::CloseApplicationsRequest(), usage);
                     request.set_applications_received(count_);
                     return request;
                   })
      ->add_option("--received", count_, "how many applications were received")
      ->check(CLI::NonNegativeNumber);
  CLI::App* shortlist = recruitment_step("shortlist", "R5: the selection of the applications",
                                         "when it was made", [this, dated](Usage* usage) {
                                           auto request =
                                               dated(ctg::v1::ShortlistCandidatesRequest(), usage);
                                           request.set_candidates_shortlisted(count_);
                                           request.set_caf_participated(caf_participated_);
                                           return request;
                                         });
  shortlist->add_option("--shortlisted", count_, "how many candidates were retained")
      ->check(CLI::NonNegativeNumber);
  caf_option(shortlist);
  CLI::App* jury = recruitment_step("jury", "R6: the recruitment jury", "when it was held",
                                    [this, dated](Usage* usage) {
                                      auto request = dated(ctg::v1::HoldJuryRequest(), usage);
                                      request.set_candidates_interviewed(count_);
                                      request.set_caf_participated(caf_participated_);
                                      return request;
                                    });
  jury->add_option("--interviewed", count_, "how many candidates were interviewed")
      ->check(CLI::NonNegativeNumber);
  caf_option(jury);
  caf_option(recruitment_step("synthesis", "R7: the synthesis of the interviews",
                              "when it was made", [this, dated](Usage* usage) {
                                auto request = dated(ctg::v1::SynthesiseInterviewsRequest(), usage);
                                request.set_caf_participated(caf_participated_);
                                return request;
                              }));
  CLI::App* skip =
      recruitment_step("skip", "skip R5, R6 or R7 when the cadrage set it facultatif or non", "",
                       [this](Usage* usage) {
                         ctg::v1::SkipRecruitmentStepRequest request;
                         request.set_step(OptionalStep("--step", step_, usage));
                         request.set_reason(Text("--reason", reason_, 2000, true, usage));
                         return request;
                       });
  skip->add_option("--step", step_,
                   "R5, R6 or R7 (or selection_candidatures, jury, "
                   "synthese_entretiens)")
      ->required();
  reason_option(skip, "why (1 to 2000 characters)", true);
  const auto person = [this](Usage* usage) { return OrUsage(PersonName(person_), usage); };
  CLI::App* choose =
      recruitment_step("choose", "R8: the employer chooses a candidate", "when the choice was made",
                       [this, dated, person](Usage* usage) {
                         auto request = dated(ctg::v1::ChooseCandidateRequest(), usage);
                         request.set_person(person(usage));
                         request.set_caf_participated(caf_participated_);
                         return request;
                       });
  person_option(choose, "the candidate");
  caf_option(choose);
  person_option(
      recruitment_step("decide", "R9: the employer's decision to recruit the chosen candidate",
                       "when it was decided",
                       [dated, person](Usage* usage) {
                         auto request = dated(ctg::v1::TakeEmployerDecisionRequest(), usage);
                         request.set_person(person(usage));
                         return request;
                       }),
      "the chosen candidate");
  CLI::App* hire = recruitment_step(
      "hire", "R10: the person decided on is hired", "", [this, person](Usage* usage) {
        ctg::v1::HirePersonRequest request;
        request.set_person(person(usage));
        *request.mutable_contract_date() = Day(contract_date_, usage);
        *request.mutable_start_date() = Day(start_, usage);
        if (FormatDate(request.start_date()) < FormatDate(request.contract_date()))
          AddUsage(usage, "--start must not be before --contract_date");
        return request;
      });
  person_option(hire, "the person decided on");
  hire->add_option("--contract_date", contract_date_, "when the contract was signed, YYYY-MM-DD")
      ->required();
  hire->add_option("--start", start_, "the first day in post, YYYY-MM-DD")->required();
  CLI::App* integrate =
      recruitment_step("integrate", "R11: the integration is completed", "when it was completed",
                       [this, dated](Usage* usage) {
                         auto request = dated(ctg::v1::CompleteIntegrationRequest(), usage);
                         if (!cdt_meeting_.empty())
                           *request.mutable_cdt_meeting_date() = Day(cdt_meeting_, usage);
                         if (!copil_.empty())
                           *request.mutable_copil_presentation_date() = Day(copil_, usage);
                         if (!partners_meeting_.empty())
                           *request.mutable_partners_meeting_date() = Day(partners_meeting_, usage);
                         return request;
                       });
  integrate->add_option("--cdt_meeting", cdt_meeting_, "the time spent with the CDT, YYYY-MM-DD");
  integrate->add_option("--copil", copil_, "the presentation to the COPIL, YYYY-MM-DD");
  integrate->add_option("--partners_meeting", partners_meeting_,
                        "the meetings with the partners, YYYY-MM-DD");
  recruitment_step(
      "close", "R12: the person is in post; closes the recruitment", "when the person was in post",
      [dated](Usage* usage) { return dated(ctg::v1::CloseRecruitmentRequest(), usage); });
  reason_option(recruitment_step("cancel", "cancel a recruitment under way, with a reason", "",
                                 [this](Usage* usage) {
                                   ctg::v1::CancelRecruitmentRequest request;
                                   request.set_reason(Text("--reason", reason_, 2000, true, usage));
                                   return request;
                                 }),
                "why (1 to 2000 characters)", true);

  // ---- replacements ----
  CLI::App* replacements = app.add_subcommand(
      "replacements", "replacements on posts, validated beforehand by the Caf (R-5)");
  replacements->require_subcommand(1);
  CLI::App* list = replacements->add_subcommand("list", "list the replacements you may read");
  list->add_option("--ctg", ctg_, "only those of this CTG's posts");
  list->add_option("--post", post_, "only those of this post");
  list->add_option("--status", status_,
                   EnumHelp("only in this status", ctg::v1::ReplacementStatus_descriptor()));
  AddPageFlags(*list, 500, list_args_);
  commands.Add(
      list,
      [this](Usage* usage) {
        list_args_.ctg = FilterName(ctg_, CtgName, usage);
        list_args_.post = FilterName(post_, PostName, usage);
        list_args_.status = FilterEnum<ctg::v1::ReplacementStatus>(
            ctg::v1::ReplacementStatus_descriptor(), status_, usage);
      },
      list_args_, OnStub<ctg::v1::StaffingService>(RunReplacementsList));
  AddShowCommand(*replacements, commands, "one replacement, with the Caf's validation", "id",
                 "its id", ReplacementName, OnStub<ctg::v1::StaffingService>(RunReplacementsShow));

  CLI::App* request =
      AddWrite(*replacements, "request",
               "request a replacement on a post (the person's time may not exceed 1 ETP)", "",
               false, [this](Usage* usage) -> StaffingWrite {
                 ctg::v1::RequestReplacementRequest request;
                 ctg::v1::Replacement* r = request.mutable_replacement();
                 r->set_post(OrUsage(PostName(post_), usage));
                 r->set_person(OrUsage(PersonName(person_), usage));
                 r->set_etp_hundredths(OrUsage(ParseEtp(etp_), usage));
                 *r->mutable_start_date() = Day(start_, usage);
                 if (!end_.empty()) {
                   *r->mutable_end_date() = Day(end_, usage);
                   if (FormatDate(r->end_date()) < FormatDate(r->start_date()))
                     AddUsage(usage, "--end must not be before --start");
                 }
                 r->set_replaced_assignment_id(replaces_);
                 if (reduce_activity_.empty() != reduce_by_.empty()) {
                   AddUsage(usage, "--reduce_activity and --reduce_by go together");
                 } else if (!reduce_activity_.empty()) {
                   r->mutable_reduction()->set_activity(
                       Text("--reduce_activity", reduce_activity_, 200, true, usage));
                   r->mutable_reduction()->set_etp_hundredths(OrUsage(ParseEtp(reduce_by_), usage));
                 }
                 request.set_replacement_id(new_id_);
                 request.set_request_id(RequestIdOrNew(request_id_, usage));
                 return request;
               });
  request->add_option("--post", post_, "the post's id")->required();
  person_option(request, "the person who replaces");
  request->add_option("--etp", etp_, "the replacement's working time, e.g. 0.8")->required();
  request->add_option("--start", start_, "the planned first day, YYYY-MM-DD")->required();
  request->add_option("--end", end_, "the planned last day, if known, YYYY-MM-DD");
  request->add_option("--replaces", replaces_, "the titulaire's assignment replaced, if any");
  request->add_option("--reduce_activity", reduce_activity_,
                      "another activity of the person reduced to free the time (its label)");
  request->add_option("--reduce_by", reduce_by_, "by how much, an ETP, e.g. 0.2");
  request->add_option("--replacement_id", new_id_, "its id (default: the server's)");

  const auto replacement_step = [&, this](const std::string& name, const std::string& help,
                                          auto make) {
    return AddWrite(*replacements, name, help, "the replacement's id", true,
                    [this, replacement_name, make](Usage* usage) -> StaffingWrite {
                      auto request = make(usage);
                      request.set_name(replacement_name(usage));
                      request.set_etag(etag_);
                      request.set_request_id(RequestIdOrNew(request_id_, usage));
                      return request;
                    });
  };
  CLI::App* validate = replacement_step(
      "validate", "the Caf validates the replacement beforehand", [this](Usage* usage) {
        auto request = ctg::v1::ValidateReplacementRequest();
        *request.mutable_date() = Day(date_, usage);
        request.set_comment(Text("--comment", comment_, 2000, false, usage));
        return request;
      });
  date_option(validate, "when the Caf validated it");
  validate->add_option("--comment", comment_, "the Caf's comment (at most 2000 characters)");
  CLI::App* refuse =
      replacement_step("refuse", "the Caf refuses the replacement (final)", [this](Usage* usage) {
        auto request = ctg::v1::RefuseReplacementRequest();
        *request.mutable_date() = Day(date_, usage);
        request.set_comment(Text("--comment", comment_, 2000, true, usage));
        return request;
      });
  date_option(refuse, "when the Caf refused it");
  refuse->add_option("--comment", comment_, "why (1 to 2000 characters)")->required();
  date_option(replacement_step("start", "the replacement starts (once validated)",
                               [this](Usage* usage) {
                                 auto request = ctg::v1::StartReplacementRequest();
                                 *request.mutable_start_date() = Day(date_, usage);
                                 return request;
                               }),
              "the actual first day");
  CLI::App* end =
      replacement_step("end", "the replacement ends, with its outcome", [this](Usage* usage) {
        auto request = ctg::v1::EndReplacementRequest();
        *request.mutable_end_date() = Day(date_, usage);
        request.set_outcome(EnumOrUsage<ctg::v1::ReplacementOutcome>(
            ctg::v1::ReplacementOutcome_descriptor(), outcome_, usage));
        request.set_reason(Text("--reason", reason_, 2000,
                                request.outcome() == ctg::v1::REPLACEMENT_OUTCOME_AUTRE, usage));
        return request;
      });
  date_option(end, "the actual last day");
  end->add_option("--outcome", outcome_,
                  EnumHelp("how it ended", ctg::v1::ReplacementOutcome_descriptor()))
      ->required();
  reason_option(end, "why (required for autre)", false);
  reason_option(replacement_step("cancel", "cancel a replacement before it starts, with a reason",
                                 [this](Usage* usage) {
                                   auto request = ctg::v1::CancelReplacementRequest();
                                   request.set_reason(Text("--reason", reason_, 2000, true, usage));
                                   return request;
                                 }),
                "why (1 to 2000 characters)", true);
}

// ---- posts: reads and changes (R-6) ----

void AddPostsListCommand(CLI::App& posts, CommandSet& commands) {
  struct Flags {
    std::string ctg, employer, status;
    PostsListArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* list = posts.add_subcommand("list", "list the posts you may read");
  list->add_option("--ctg", flags.ctg, "only the posts of this CTG, e.g. val-orbe-2025");
  list->add_option("--employer", flags.employer, "only the posts of this employer (SIREN)");
  list->add_option("--status", flags.status,
                   EnumHelp("only in this status", ctg::v1::PostStatus_descriptor()));
  AddPageFlags(*list, 500, flags.args);
  commands.Add(
      list,
      [&flags](Usage* usage) {
        flags.args.ctg = FilterName(flags.ctg, CtgName, usage);
        flags.args.employer = FilterName(flags.employer, OrganisationName, usage);
        flags.args.status =
            FilterEnum<ctg::v1::PostStatus>(ctg::v1::PostStatus_descriptor(), flags.status, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunPostsList));
}

// The flags of `posts propose-change` and the change they describe.
struct ProposeChangeFlags {
  std::string post, change_id, reason, etp, rattachement, assign, assign_as, start, planned_end,
      assignment_id, assignment_etp, recruitment, replacement, etag, request_id;
  std::vector<std::string> missions, thematiques, ends;
  ProposeChangeArgs args;

  // Checks that the flags describe one change of one kind, and builds it.
  void Check(Usage* usage);
};

void ProposeChangeFlags::Check(Usage* usage) {
  args.post = OrUsage(PostName(post), usage);
  args.reason = reason;
  args.etag = etag;
  args.request_id = RequestIdOrNew(request_id, usage);
  ctg::v1::ChangeProposed& change = args.change;
  change.set_change_id(change_id);
  const bool organisation = !etp.empty() || !rattachement.empty();
  const bool has_missions = !missions.empty();
  const bool has_thematiques = !thematiques.empty();
  const bool personnel = !assign.empty() || !ends.empty();
  const bool assign_details = !assignment_id.empty() || !assign_as.empty() || !start.empty() ||
                              !planned_end.empty() || !assignment_etp.empty() ||
                              !recruitment.empty() || !replacement.empty();
  const int kinds = organisation + has_missions + has_thematiques + personnel;
  if (kinds != 1) {
    AddUsage(usage, kinds == 0
                        ? "say what changes: --etp/--rattachement (organisation), --mission "
                          "(missions), --thematique (thématiques), or --assign/--end (personnel)"
                        : "a change is of one kind: organisation (--etp, --rattachement), missions "
                          "(--mission), thématiques (--thematique) or personnel (--assign, --end); "
                          "propose several changes for several kinds");
  } else if (assign_details && assign.empty()) {
    AddUsage(usage,
             "--assignment_id, --as, --start, --planned_end, --assignment_etp, "
             "--recruitment and --replacement describe an --assign");
  } else if (organisation) {
    change.set_kind(ctg::v1::CHANGE_KIND_ORGANISATION);
    if (!etp.empty())
      change.mutable_organisation()->set_etp_hundredths(OrUsage(ParseEtp(etp), usage));
    if (!rattachement.empty()) change.mutable_organisation()->set_rattachement(rattachement);
  } else if (has_missions) {
    change.set_kind(ctg::v1::CHANGE_KIND_AFFECTATION_MISSION);
    for (const std::string& mission : missions) {
      *change.mutable_missions()->add_missions() = OrUsage(ParseMission(mission), usage);
    }
  } else if (has_thematiques) {
    change.set_kind(ctg::v1::CHANGE_KIND_THEMATIQUE);
    auto* list = change.mutable_thematiques();
    for (const std::string& thematique : thematiques) {
      if (thematique.empty()) continue;
      list->add_thematiques(
          EnumOrUsage<ctg::v1::Thematique>(ctg::v1::Thematique_descriptor(), thematique, usage));
    }
  } else {
    change.set_kind(ctg::v1::CHANGE_KIND_PERSONNEL);
    ctg::v1::PersonnelChange* people = change.mutable_personnel();
    if (!assign.empty()) {
      if (assignment_id.empty() || assign_as.empty() || start.empty() || assignment_etp.empty()) {
        AddUsage(usage, "--assign needs --assignment_id, --as, --start and --assignment_etp");
      }
      ctg::v1::Assignment* a = people->add_assign();
      a->set_person(OrUsage(PersonName(assign), usage));
      a->set_assignment_id(assignment_id);
      if (!assign_as.empty()) {
        a->set_type(EnumOrUsage<ctg::v1::AssignmentType>(ctg::v1::AssignmentType_descriptor(),
                                                         assign_as, usage));
      }
      if (!start.empty()) *a->mutable_start_date() = Day(start, usage);
      if (!planned_end.empty()) *a->mutable_end_date() = Day(planned_end, usage);
      if (!assignment_etp.empty()) a->set_etp_hundredths(OrUsage(ParseEtp(assignment_etp), usage));
      if (!recruitment.empty()) a->set_recruitment(OrUsage(RecruitmentName(recruitment), usage));
      if (!replacement.empty()) {
        a->set_replacement(OrUsage(
            ResourceName("replacements", replacement, "a replacement id", "rempl-val-orbe-1"),
            usage));
      }
    }
    for (const std::string& end : ends) {
      const size_t colon = end.rfind(':');
      if (colon == std::string::npos || colon == 0) {
        AddUsage(usage, absl::StrCat("--end \"", end,
                                     "\" must be ASSIGNMENT_ID:YYYY-MM-DD, e.g. "
                                     "titulaire-2024:2026-08-31"));
        continue;
      }
      ctg::v1::AssignmentClosure* closure = people->add_end();
      closure->set_assignment_id(end.substr(0, colon));
      *closure->mutable_end_date() = Day(end.substr(colon + 1), usage);
    }
  }
}

void AddProposeChangeCommand(CLI::App& posts, CommandSet& commands) {
  ProposeChangeFlags& flags = commands.Make<ProposeChangeFlags>();
  CLI::App* propose = posts.add_subcommand(
      "propose-change",
      "propose a change of personnel, organisation, missions or thématiques (R-6); nothing "
      "changes until it is applied");
  propose->add_option("post", flags.post, "the post's id")->required();
  propose->add_option("--change_id", flags.change_id, "the change's new id, e.g. etp-2027")
      ->required();
  propose->add_option("--reason", flags.reason, "why (recorded with the proposal)");
  propose->add_option("--etp", flags.etp, "organisation: the post's new ETP, e.g. 0.8");
  propose->add_option("--rattachement", flags.rattachement,
                      "organisation: the new attachment (a function, never a person's name)");
  // One value per occurrence, so that a repeated flag never swallows the post's id.
  propose
      ->add_option("--mission", flags.missions,
                   EnumHelp("missions: the whole new list, repeated; locale:LABEL for a local "
                            "one. Areas",
                            ctg::v1::MissionArea_descriptor()))
      ->allow_extra_args(false);
  propose
      ->add_option("--thematique", flags.thematiques,
                   EnumHelp("thématiques: the whole new list, repeated or comma-separated",
                            ctg::v1::Thematique_descriptor()))
      ->delimiter(',')
      ->allow_extra_args(false);
  propose->add_option("--assign", flags.assign,
                      "personnel: the person who starts on the post (their id, persons/…)");
  propose->add_option("--assignment_id", flags.assignment_id,
                      "personnel: the new assignment's id, e.g. titulaire-2026");
  propose->add_option("--as", flags.assign_as, "personnel: titulaire or remplacant");
  propose->add_option("--start", flags.start, "personnel: first day on the post, YYYY-MM-DD");
  propose->add_option("--planned_end", flags.planned_end,
                      "personnel: planned last day, if known, YYYY-MM-DD");
  propose->add_option("--assignment_etp", flags.assignment_etp,
                      "personnel: the person's time on the post, e.g. 1 or 0.5");
  propose->add_option("--recruitment", flags.recruitment,
                      "personnel: for a titulaire, the recruitment that hired them (its id)");
  propose->add_option("--replacement", flags.replacement,
                      "personnel: for a remplaçant, the replacement the Caf validated (its id)");
  propose
      ->add_option("--end", flags.ends,
                   "personnel: an assignment that ends, ASSIGNMENT_ID:YYYY-MM-DD (repeatable)")
      ->allow_extra_args(false);
  AddEtagFlag(*propose, flags.etag);
  AddRequestIdFlag(*propose, flags.request_id);
  commands.Add(
      propose, [&flags](Usage* usage) { flags.Check(usage); }, flags.args,
      OnStub<ctg::v1::StaffingService>(RunProposeChange));
}

void AddRecordExchangeCommand(CLI::App& posts, CommandSet& commands) {
  struct Flags {
    std::string post, change_id, exchange_id, date, form, conclusion, request_id;
    RecordExchangeArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* record = posts.add_subcommand(
      "record-exchange", "record an exchange with the Caf's CDT about a proposed change");
  record->add_option("post", flags.post, "the post's id")->required();
  record->add_option("--change", flags.change_id, "the change it is about")->required();
  record->add_option("--exchange_id", flags.exchange_id, "the exchange's new id")->required();
  record->add_option("--date", flags.date, "when it took place, YYYY-MM-DD")->required();
  record
      ->add_option("--form", flags.form,
                   EnumHelp("how it took place", ctg::v1::ExchangeForm_descriptor()))
      ->required();
  record->add_option("--conclusion", flags.conclusion, "what was concluded (1 to 2000 characters)")
      ->required();
  AddEtagFlag(*record, flags.args.etag);
  AddRequestIdFlag(*record, flags.request_id);
  commands.Add(
      record,
      [&flags](Usage* usage) {
        ctg::v1::CdtExchangeRecorded& exchange = flags.args.exchange;
        flags.args.post = OrUsage(PostName(flags.post), usage);
        exchange.set_change_id(flags.change_id);
        exchange.set_exchange_id(flags.exchange_id);
        *exchange.mutable_date() = Day(flags.date, usage);
        exchange.set_form(EnumOrUsage<ctg::v1::ExchangeForm>(ctg::v1::ExchangeForm_descriptor(),
                                                             flags.form, usage));
        exchange.set_conclusion(flags.conclusion);
        if (absl::StripAsciiWhitespace(flags.conclusion).empty() && !usage->has_value())
          AddUsage(usage, "--conclusion must say what was concluded");
        flags.args.request_id = RequestIdOrNew(flags.request_id, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunRecordExchange));
}

void AddApplyChangeCommand(CLI::App& posts, CommandSet& commands) {
  struct Flags {
    std::string post, effective, request_id;
    ApplyChangeArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* apply = posts.add_subcommand(
      "apply-change", "apply a proposed change, resting on an exchange with the CDT");
  apply->add_option("post", flags.post, "the post's id")->required();
  apply->add_option("--change", flags.args.change_id, "the change to apply")->required();
  apply->add_option("--effective", flags.effective, "the day it takes effect, YYYY-MM-DD")
      ->required();
  apply->add_option("--exchange", flags.args.exchange_id,
                    "the exchange it rests on (default: the last one recorded for the change)");
  AddEtagFlag(*apply, flags.args.etag);
  AddRequestIdFlag(*apply, flags.request_id);
  commands.Add(
      apply,
      [&flags](Usage* usage) {
        flags.args.post = OrUsage(PostName(flags.post), usage);
        flags.args.effective_date = Day(flags.effective, usage);
        flags.args.request_id = RequestIdOrNew(flags.request_id, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunApplyChange));
}

// ---- recruitments: reads and the Caf's opinions ----

void AddRecruitmentsListCommand(CLI::App& recruitments, CommandSet& commands) {
  struct Flags {
    std::string ctg, post, status;
    RecruitmentsListArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* list = recruitments.add_subcommand(
      "list", "list recruitments with their current step (by default the open ones)");
  list->add_option("--ctg", flags.ctg, "only those of this CTG's posts");
  list->add_option("--post", flags.post, "only those of this post");
  list->add_option("--status", flags.status,
                   EnumHelp("only in this status (default en_cours; any for all)",
                            ctg::v1::RecruitmentStatus_descriptor()));
  AddPageFlags(*list, 500, flags.args);
  commands.Add(
      list,
      [&flags](Usage* usage) {
        flags.args.ctg = FilterName(flags.ctg, CtgName, usage);
        flags.args.post = FilterName(flags.post, PostName, usage);
        if (absl::AsciiStrToLower(flags.status) == "any") {
          flags.args.status = ctg::v1::RECRUITMENT_STATUS_UNSPECIFIED;
        } else if (!flags.status.empty()) {
          flags.args.status = EnumOrUsage<ctg::v1::RecruitmentStatus>(
              ctg::v1::RecruitmentStatus_descriptor(), flags.status, usage);
        }
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunRecruitmentsList));
}

void AddCafOpinionCommand(CLI::App& recruitments, CommandSet& commands) {
  struct Flags {
    std::string id, on, opinion, date, candidate, request_id;
    CafOpinionArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* opinion = recruitments.add_subcommand(
      "opinion",
      "give the Caf's opinion on the fiche de poste (R3) or on the chosen candidate (R8)");
  opinion->add_option("id", flags.id, "the recruitment's id")->required();
  opinion->add_option("--on", flags.on, "fiche or candidate")
      ->required()
      ->check(CLI::IsMember({"fiche", "candidate"}));
  opinion
      ->add_option("--opinion", flags.opinion,
                   EnumHelp("the opinion", ctg::v1::CafOpinion_descriptor()))
      ->required();
  opinion->add_option("--date", flags.date, "when it was given, YYYY-MM-DD")->required();
  opinion->add_option("--comment", flags.args.comment,
                      "the Caf's comment (at most 2000 characters, no personal data)");
  opinion
      ->add_option("--version", flags.args.fiche_version,
                   "with --on fiche: the version (default: the last one submitted)")
      ->check(CLI::PositiveNumber);
  opinion->add_option("--candidate", flags.candidate,
                      "with --on candidate: the person's id (default: the chosen candidate)");
  AddEtagFlag(*opinion, flags.args.etag);
  AddRequestIdFlag(*opinion, flags.request_id);
  commands.Add(
      opinion,
      [&flags](Usage* usage) {
        CafOpinionArgs& args = flags.args;
        args.recruitment = OrUsage(RecruitmentName(flags.id), usage);
        args.on_candidate = flags.on == "candidate";
        args.opinion = EnumOrUsage<ctg::v1::CafOpinion>(ctg::v1::CafOpinion_descriptor(),
                                                        flags.opinion, usage);
        args.date = Day(flags.date, usage);
        if (CharCount(args.comment) > 2000 && !usage->has_value())
          AddUsage(usage, "--comment is limited to 2000 characters");
        if (args.fiche_version > 0 && args.on_candidate && !usage->has_value())
          AddUsage(usage, "--version goes with --on fiche");
        if (!flags.candidate.empty() && !args.on_candidate && !usage->has_value())
          AddUsage(usage, "--candidate goes with --on candidate");
        if (!flags.candidate.empty()) args.candidate = OrUsage(PersonName(flags.candidate), usage);
        args.request_id = RequestIdOrNew(flags.request_id, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunCafOpinion));
}

// ---- what awaits the Caf, and what changed ----

void AddQueueCommand(CLI::App& app, CommandSet& commands) {
  struct Flags {
    std::string ctg, kind;
    QueueArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* queue = app.add_subcommand(
      "queue", "what awaits the Caf's CDT: cadrages, opinions, validations, exchanges");
  queue->add_option("--ctg", flags.ctg, "only the tasks of this CTG");
  queue->add_option("--kind", flags.kind,
                    EnumHelp("only this kind", ctg::v1::CdtTaskKind_descriptor()));
  AddPageFlags(*queue, 500, flags.args);
  commands.Add(
      queue,
      [&flags](Usage* usage) {
        flags.args.ctg = FilterName(flags.ctg, CtgName, usage);
        flags.args.kind =
            FilterEnum<ctg::v1::CdtTaskKind>(ctg::v1::CdtTaskKind_descriptor(), flags.kind, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunQueue));
}

void AddChangesCommand(CLI::App& app, CommandSet& commands) {
  struct Flags {
    std::string since, until, ctg, kind;
    ChangesArgs args;
  };
  Flags& flags = commands.Make<Flags>();
  CLI::App* changes = app.add_subcommand(
      "changes",
      "the applied changes of posts taking effect in a period, with their CDT exchanges");
  changes->add_option("--since", flags.since, "taking effect on or after this day, YYYY-MM-DD");
  changes->add_option("--until", flags.until, "taking effect on or before this day, YYYY-MM-DD");
  changes->add_option("--ctg", flags.ctg, "only the changes of this CTG's posts");
  changes->add_option("--kind", flags.kind,
                      EnumHelp("only this kind", ctg::v1::ChangeKind_descriptor()));
  AddPageFlags(*changes, 500, flags.args);
  commands.Add(
      changes,
      [&flags](Usage* usage) {
        ChangesArgs& args = flags.args;
        if (!flags.since.empty()) args.since = Day(flags.since, usage);
        if (!flags.until.empty()) args.until = Day(flags.until, usage);
        if (args.since.has_value() && args.until.has_value() && !usage->has_value() &&
            FormatDate(*args.until) < FormatDate(*args.since)) {
          AddUsage(usage, "--until must not be before --since");
        }
        args.ctg = FilterName(flags.ctg, CtgName, usage);
        args.kind =
            FilterEnum<ctg::v1::ChangeKind>(ctg::v1::ChangeKind_descriptor(), flags.kind, usage);
      },
      flags.args, OnStub<ctg::v1::StaffingService>(RunChanges));
}

}  // namespace

void AddStaffingCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* posts =
      app.add_subcommand("posts", "chargé de coopération posts, and changes to them (R-6)");
  posts->require_subcommand(1);
  AddPostsListCommand(*posts, commands);
  AddShowCommand(*posts, commands,
                 "one post: holders, ETP, missions, thématiques, funding, changes and exchanges",
                 "id", "its id, e.g. cc-val-orbe-1", PostName,
                 OnStub<ctg::v1::StaffingService>(RunPostsShow));
  AddProposeChangeCommand(*posts, commands);
  AddRecordExchangeCommand(*posts, commands);
  AddApplyChangeCommand(*posts, commands);

  CLI::App* recruitments = app.add_subcommand(
      "recruitments", "recruitments of chargés de coopération, step by step (R0 to R12)");
  recruitments->require_subcommand(1);
  AddRecruitmentsListCommand(*recruitments, commands);
  AddShowCommand(*recruitments, commands,
                 "one recruitment: its step, the Caf's involvement and opinions", "id", "its id",
                 RecruitmentName, OnStub<ctg::v1::StaffingService>(RunRecruitmentsShow));
  AddCafOpinionCommand(*recruitments, commands);

  commands.Make<StaffingWrites>().Add(app, *posts, *recruitments, commands);
  AddQueueCommand(app, commands);
  AddChangesCommand(app, commands);
}

}  // namespace ctg::cli
