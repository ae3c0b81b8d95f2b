#include "clients/ctg/staffing_cli.h"

#include <CLI/CLI.hpp>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/ctg/format.h"
#include "clients/ctg/staffing_format.h"

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

}  // namespace

CLI::App* StaffingCli::AddWrite(CLI::App& parent, const std::string& name, const std::string& help,
                                const std::string& id_help, bool etag,
                                std::function<StaffingWrite(Usage*)> build) {
  CLI::App* command = parent.add_subcommand(name, help);
  if (!id_help.empty()) command->add_option("id", id_, id_help)->required();
  if (etag) {
    command->add_option("--etag", etag_,
                        "apply only if the resource is still at this etag (from show)");
  }
  command->add_option("--request_id", request_id_,
                      "idempotency key (a UUID), to retry a call whose outcome is unknown; "
                      "default: a new one");
  writes_.push_back(Write{command, std::move(build)});
  return command;
}

StaffingCli::StaffingCli(CLI::App& app, CLI::App& posts, CLI::App& recruitments) {
  const auto post_name = [this](Usage* usage) { return OrUsage(PostName(id_), usage); };
  const auto recruitment_name = [this](Usage* usage) {
    return OrUsage(RecruitmentName(id_), usage);
  };
  const auto replacement_name = [this](Usage* usage) {
    return OrUsage(ResourceName("replacements", id_, "a replacement id", "rempl-val-orbe-1"),
                   usage);
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
  list_ = replacements->add_subcommand("list", "list the replacements you may read");
  list_->add_option("--ctg", ctg_, "only those of this CTG's posts");
  list_->add_option("--post", post_, "only those of this post");
  list_->add_option("--status", status_,
                    EnumHelp("only in this status", ctg::v1::ReplacementStatus_descriptor()));
  list_->add_option("--page_size", page_size_, "at most this many per page")
      ->check(CLI::Range(1, 500));
  list_->add_option("--page_token", page_token_, "resume where a previous page ended");
  list_->add_flag("--all", all_, "fetch every page");
  show_ = replacements->add_subcommand("show", "one replacement, with the Caf's validation");
  show_->add_option("id", id_, "its id")->required();

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

bool StaffingCli::parsed() const {
  if (list_->parsed() || show_->parsed()) return true;
  for (const Write& write : writes_) {
    if (write.command->parsed()) return true;
  }
  return false;
}

std::optional<UsageError> StaffingCli::Prepare() {
  Usage usage;
  if (list_->parsed()) {
    list_args_ =
        ReplacementsListArgs{.page_size = page_size_, .page_token = page_token_, .all = all_};
    if (!ctg_.empty()) list_args_.ctg = OrUsage(CtgName(ctg_), &usage);
    if (!post_.empty()) list_args_.post = OrUsage(PostName(post_), &usage);
    if (!status_.empty()) {
      list_args_.status = EnumOrUsage<ctg::v1::ReplacementStatus>(
          ctg::v1::ReplacementStatus_descriptor(), status_, &usage);
    }
  } else if (show_->parsed()) {
    show_name_ =
        OrUsage(ResourceName("replacements", id_, "a replacement id", "rempl-val-orbe-1"), &usage);
  }
  for (const Write& write : writes_) {
    if (write.command->parsed()) write_ = write.build(&usage);
  }
  return usage;
}

absl::Status StaffingCli::Run(ctg::v1::StaffingService::StubInterface& staffing,
                              const CallSettings& call, Output& output) const {
  if (list_->parsed()) return RunReplacementsList(staffing, call, list_args_, output);
  if (show_->parsed()) return RunReplacementsShow(staffing, call, show_name_, output);
  return RunStaffingWrite(staffing, call, *write_, output);
}

}  // namespace ctg::cli
