// `ctg posts …`, `ctg recruitments …`, `ctg queue`, `ctg changes`: the chargé de coopération
// posts, their recruitments with the Caf, and the change control with the CDT.
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "clients/ctg/paging.h"
#include "clients/ctg/rpc_errors.h"
#include "clients/ctg/staffing_format.h"
#include "clients/ctg/table.h"

namespace ctg::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

template <typename Enum>
std::string Short(const google::protobuf::EnumDescriptor* type, Enum value) {
  return EnumShortName(type, static_cast<int>(value));
}
std::string PostStatusName(ctg::v1::PostStatus status) {
  return Short(ctg::v1::PostStatus_descriptor(), status);
}
std::string ChangeKindName(ctg::v1::ChangeKind kind) {
  return Short(ctg::v1::ChangeKind_descriptor(), kind);
}
std::string OpinionName(ctg::v1::CafOpinion opinion) {
  return Short(ctg::v1::CafOpinion_descriptor(), opinion);
}
std::string PartyName(ctg::v1::StaffingParty party) {
  return Short(ctg::v1::StaffingParty_descriptor(), party);
}

// Every line of `text` indented by two spaces.
std::string Indent(const std::string& text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, "  ", line, "\n");
  }
  return out;
}

std::string HoldersText(const ctg::v1::Post& post) {
  return post.holders().empty() ? "none" : absl::StrJoin(post.holders(), ", ");
}

// "applied, effective 2026-09-01, on exchange ex-1" / "proposed" / "withdrawn".
std::string ChangeStateText(const ctg::v1::PostChange& change) {
  std::string state = Short(ctg::v1::ChangeState_descriptor(), change.state());
  if (change.state() == ctg::v1::CHANGE_STATE_APPLIED) {
    if (std::string day = FormatDate(change.effective_date()); !day.empty())
      absl::StrAppend(&state, ", effective ", day);
    if (!change.applied_exchange().empty())
      absl::StrAppend(&state, ", on exchange ", IdOf(change.applied_exchange()));
  } else if (change.state() == ctg::v1::CHANGE_STATE_PROPOSED && change.exchanges().empty()) {
    absl::StrAppend(&state, ", awaiting its exchange with the CDT");
  }
  return state;
}

// The changes of a post, each with its exchanges with the CDT.
std::string RenderChanges(const ctg::v1::Post& post) {
  if (post.changes().empty()) return "\nno changes\n";
  std::string out = "\nchanges\n";
  for (const ctg::v1::PostChange& change : post.changes()) {
    const std::string id =
        change.proposal().change_id().empty() ? IdOf(change.name()) : change.proposal().change_id();
    absl::StrAppend(&out, SanitizeForTerminal(id), "  ", ChangeKindName(change.proposal().kind()),
                    "  ", SanitizeForTerminal(ChangeStateText(change)), "\n  ",
                    SanitizeForTerminal(ProposalSummary(change.proposal())), "\n");
    if (change.exchanges().empty()) continue;
    const std::string applied = IdOf(change.applied_exchange());
    Table exchanges(
        {{"EXCHANGE"}, {"DATE"}, {"FORM"}, {"CDT", 24}, {"CONCLUSION", 70}, {"APPLIED ON"}});
    for (const ctg::v1::CdtExchangeRecorded& exchange : change.exchanges()) {
      exchanges.AddRow({exchange.exchange_id(), FormatDate(exchange.date()),
                        Short(ctg::v1::ExchangeForm_descriptor(), exchange.form()), exchange.cdt(),
                        exchange.conclusion(),
                        !applied.empty() && exchange.exchange_id() == applied ? "yes" : ""});
    }
    absl::StrAppend(&out, Indent(exchanges.Render()));
  }
  return out;
}

std::string RenderFunding(const ctg::v1::Post& post) {
  struct Year {
    const ctg::v1::PostCofinancingRecorded* cofinancing = nullptr;
    const ctg::v1::PostCafFundingRecorded* caf = nullptr;
  };
  std::map<int32_t, Year> years;
  for (const auto& record : post.cofinancing()) years[record.year()].cofinancing = &record;
  for (const auto& record : post.caf_funding()) years[record.year()].caf = &record;
  if (years.empty()) return "\nno funding recorded\n";
  const auto rate = [](int32_t basis_points) {
    return basis_points == 0 ? std::string()
                             : absl::StrCat(basis_points / 100, ".",
                                            absl::StrCat(100 + basis_points % 100).substr(1), " %");
  };
  Table table({{"YEAR"},
               {"CO-FINANCING", 0, true},
               {"RATE", 0, true},
               {"CAF FUNDING", 0, true},
               {"RATE", 0, true},
               {"SCHEME"},
               {"DECISION", 40}});
  for (const auto& [year, record] : years) {
    std::vector<std::string> row = {absl::StrCat(year), "", "", "", "", "", ""};
    if (record.cofinancing != nullptr) {
      row[1] = FormatCents(record.cofinancing->amount_cents());
      row[2] = rate(record.cofinancing->rate_basis_points());
    }
    if (record.caf != nullptr) {
      row[3] = FormatCents(record.caf->amount_cents());
      row[4] = rate(record.caf->rate_basis_points());
      row[5] = Short(ctg::v1::FundingScheme_descriptor(), record.caf->scheme());
      row[6] = absl::StrCat(record.caf->decision_reference(), " of ",
                            FormatDate(record.caf->decision_date()));
    }
    table.AddRow(std::move(row));
  }
  return absl::StrCat("\nfunding\n", table.Render());
}

std::string RenderWarnings(const google::protobuf::RepeatedPtrField<ctg::v1::RuleWarning>& list) {
  if (list.empty()) return "\nno rule warnings\n";
  Table warnings({{"RULE"}, {"REASON"}, {"MESSAGE", 90}});
  for (const ctg::v1::RuleWarning& warning : list) {
    warnings.AddRow({warning.rule(), warning.reason(), warning.message()});
  }
  return absl::StrCat("\nrule warnings\n", warnings.Render());
}

std::string InvolvementName(ctg::v1::CafInvolvement involvement) {
  return Short(ctg::v1::CafInvolvement_descriptor(), involvement);
}

// "v2, favorable" / "v2, awaiting the Caf's opinion" / "none submitted".
std::string FicheText(const ctg::v1::Recruitment& recruitment) {
  if (recruitment.fiche_version() == 0) return "none submitted";
  const std::string opinion = OpinionName(recruitment.fiche_opinion());
  return absl::StrCat("v", recruitment.fiche_version(), ", ",
                      opinion.empty() ? "awaiting the Caf's opinion" : opinion);
}

std::string CandidateText(const ctg::v1::Recruitment& recruitment) {
  if (recruitment.candidate().empty()) return "none chosen";
  const std::string opinion = OpinionName(recruitment.candidate_opinion());
  return absl::StrCat(recruitment.candidate(), ", ",
                      opinion.empty() ? "awaiting the Caf's opinion" : opinion);
}

// A write that may have happened although no answer came back: say how to retry safely.
absl::Status WriteError(const grpc::Status& status, const CallSettings& call,
                        const std::string& request_id) {
  std::string message = DescribeRpcError(status, call);
  const grpc::StatusCode code = status.error_code();
  if (OutcomeUnknown(code) && !request_id.empty()) {
    absl::StrAppend(&message,
                    "\n  it may have been recorded all the same: rerun with --request_id ",
                    request_id, " so that the retry cannot record it twice");
  }
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

using Stub = ctg::v1::StaffingService::StubInterface;

// The one way a staffing write is sent: the RPC `method` with `request`, under the call's
// deadline and token; a failure as WriteError makes it (with the request id to retry with).
template <typename Request, typename Response>
absl::Status SendWrite(Stub& staffing,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       const CallSettings& call, const Request& request, Response* response) {
  grpc::ClientContext context;
  PrepareContext(call, &context);
  if (grpc::Status status = (staffing.*method)(&context, request, response); !status.ok()) {
    return WriteError(status, call, request.request_id());
  }
  return absl::OkStatus();
}

const ctg::v1::PostChange* FindChange(const ctg::v1::Post& post, const std::string& change_id) {
  for (const ctg::v1::PostChange& change : post.changes()) {
    if (change.proposal().change_id() == change_id || IdOf(change.name()) == change_id)
      return &change;
  }
  return nullptr;
}

}  // namespace

absl::Status RunPostsList(ctg::v1::StaffingService::StubInterface& staffing,
                          const CallSettings& call, const PostsListArgs& args, Output& output) {
  ctg::v1::ListPostsResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListPostsResponse* page) {
        ctg::v1::ListPostsRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_ctg(args.ctg);
        request.set_employer(args.employer);
        request.set_status(args.status);
        request.set_view(ctg::v1::POST_VIEW_BASIC);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(staffing.ListPosts(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.posts().empty()) {
    *output.err << "no posts match\n";
  } else {
    Table table({{"ID"},
                 {"CTG"},
                 {"EMPLOYER"},
                 {"STATUS"},
                 {"ETP", 0, true},
                 {"HOLDERS", 40},
                 {"TH\xC3\x89MATIQUES", 40},
                 {"WARNINGS", 0, true}});
    for (const ctg::v1::Post& post : response.posts()) {
      table.AddRow({IdOf(post.name()), IdOf(post.ctg()), SirenOf(post.employer()),
                    PostStatusName(post.status()), FormatEtp(post.etp_hundredths()),
                    post.holders().empty() ? "" : absl::StrJoin(post.holders(), ", "),
                    ThematiquesText(post.thematiques()), absl::StrCat(post.warnings_size())});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "posts", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunPostsShow(ctg::v1::StaffingService::StubInterface& staffing,
                          const CallSettings& call, const std::string& name, Output& output) {
  ctg::v1::GetPostRequest request;
  request.set_name(name);
  request.set_view(ctg::v1::POST_VIEW_FULL);
  ctg::v1::Post post;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  if (grpc::Status status = staffing.GetPost(&context, request, &post); !status.ok()) {
    return RpcError(status, call);
  }
  if (output.json) {
    *output.out << ToJsonLine(post);
    return absl::OkStatus();
  }
  *output.out << RenderFields({
      {"name", post.name()},
      {"ctg", post.ctg()},
      {"employer", post.employer()},
      {"status", PostStatusName(post.status())},
      {"etp", FormatEtp(post.etp_hundredths())},
      {"holders", HoldersText(post)},
      {"thématiques", ThematiquesText(post.thematiques())},
      {"rattachement", post.rattachement()},
      {"created", FormatTimestamp(post.create_time())},
      {"updated", FormatTimestamp(post.update_time())},
      {"etag", post.etag()},
  });
  if (post.missions().empty()) {
    *output.out << "\nno missions\n";
  } else {
    Table missions({{"MISSION"}, {"LABEL", 70}});
    for (const ctg::v1::Mission& mission : post.missions()) {
      missions.AddRow({Short(ctg::v1::MissionArea_descriptor(), mission.area()), mission.label()});
    }
    *output.out << "\nmissions\n" << missions.Render();
  }
  if (post.assignments().empty()) {
    *output.out << "\nno assignments\n";
  } else {
    Table assignments({{"ASSIGNMENT"},
                       {"PERSON"},
                       {"TYPE"},
                       {"ETP", 0, true},
                       {"FROM"},
                       {"PLANNED END"},
                       {"ENDED"},
                       {"CHANGE"}});
    for (const ctg::v1::PostAssignment& entry : post.assignments()) {
      const ctg::v1::Assignment& a = entry.assignment();
      assignments.AddRow(
          {a.assignment_id(), a.person(), Short(ctg::v1::AssignmentType_descriptor(), a.type()),
           FormatEtp(a.etp_hundredths()), FormatDate(a.start_date()), FormatDate(a.end_date()),
           entry.active() ? "active" : FormatDate(entry.ended_on()), entry.change_id()});
    }
    *output.out << "\nassignments\n" << assignments.Render();
  }
  *output.out << RenderFunding(post) << RenderChanges(post) << RenderWarnings(post.warnings());
  return absl::OkStatus();
}

absl::Status RunRecruitmentsList(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const RecruitmentsListArgs& args,
                                 Output& output) {
  ctg::v1::ListRecruitmentsResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListRecruitmentsResponse* page) {
        ctg::v1::ListRecruitmentsRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_ctg(args.ctg);
        request.set_post(args.post);
        request.set_status(args.status);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(staffing.ListRecruitments(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.recruitments().empty()) {
    *output.err << (args.status == ctg::v1::RECRUITMENT_STATUS_EN_COURS
                        ? "no open recruitments match (--status any lists closed ones too)\n"
                        : "no recruitments match\n");
  } else {
    Table table({{"ID"},
                 {"POST"},
                 {"CTG"},
                 {"MOTIF"},
                 {"STATUS"},
                 {"STEP"},
                 {"NEXT"},
                 {"AWAITING"},
                 {"SINCE"}});
    for (const ctg::v1::Recruitment& r : response.recruitments()) {
      table.AddRow({IdOf(r.name()), IdOf(r.post()), IdOf(r.ctg()),
                    Short(ctg::v1::RecruitmentMotif_descriptor(), r.motif()),
                    Short(ctg::v1::RecruitmentStatus_descriptor(), r.status()), StepText(r.step()),
                    StepText(r.next_step()), PartyName(r.awaiting()),
                    FormatDate(r.last_step_date())});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "recruitments", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunRecruitmentsShow(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const std::string& name,
                                 Output& output) {
  ctg::v1::GetRecruitmentRequest request;
  request.set_name(name);
  ctg::v1::Recruitment r;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  if (grpc::Status status = staffing.GetRecruitment(&context, request, &r); !status.ok()) {
    return RpcError(status, call);
  }
  if (output.json) {
    *output.out << ToJsonLine(r);
    return absl::OkStatus();
  }
  std::vector<std::string> involvements;
  for (const ctg::v1::StepInvolvement& involvement : r.involvements()) {
    involvements.push_back(absl::StrCat(StepText(involvement.step()), ": ",
                                        InvolvementName(involvement.involvement())));
  }
  if (r.candidate_choice_involvement() != ctg::v1::CAF_INVOLVEMENT_UNSPECIFIED) {
    involvements.push_back(absl::StrCat("choice of the candidate: ",
                                        InvolvementName(r.candidate_choice_involvement())));
  }
  std::vector<std::string> skipped;
  for (int step : r.skipped_steps()) {
    skipped.push_back(StepText(static_cast<ctg::v1::RecruitmentStep>(step)));
  }
  Fields fields = {
      {"name", r.name()},
      {"post", r.post()},
      {"ctg", r.ctg()},
      {"employer", r.employer()},
      {"motif", Short(ctg::v1::RecruitmentMotif_descriptor(), r.motif())},
      {"status", Short(ctg::v1::RecruitmentStatus_descriptor(), r.status())},
      {"step", StepText(r.step())},
      {"last step on", FormatDate(r.last_step_date())},
      {"next step",
       r.next_step() == ctg::v1::RECRUITMENT_STEP_UNSPECIFIED
           ? "none: the recruitment is over"
           : absl::StrCat(StepText(r.next_step()), ", awaiting ", PartyName(r.awaiting()))},
      {"caf involvement",
       involvements.empty() ? "not agreed yet (cadrage R1)" : absl::StrJoin(involvements, "; ")},
      {"fiche de poste", FicheText(r)},
      {"candidate", CandidateText(r)},
      {"hired", r.hired_person()},
      {"skipped steps", absl::StrJoin(skipped, ", ")},
      {"created", FormatTimestamp(r.create_time())},
      {"updated", FormatTimestamp(r.update_time())},
      {"etag", r.etag()},
  };
  *output.out << RenderFields(fields);
  return absl::OkStatus();
}

absl::Status RunQueue(ctg::v1::StaffingService::StubInterface& staffing, const CallSettings& call,
                      const QueueArgs& args, Output& output) {
  ctg::v1::ListCdtWorkQueueResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListCdtWorkQueueResponse* page) {
        ctg::v1::ListCdtWorkQueueRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_ctg(args.ctg);
        request.set_kind(args.kind);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(staffing.ListCdtWorkQueue(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.tasks().empty()) {
    *output.err << "nothing awaits the Caf\n";
  } else {
    Table table(
        {{"KIND"}, {"RESOURCE"}, {"CTG"}, {"EMPLOYER"}, {"CDT", 24}, {"SINCE"}, {"DETAIL", 50}});
    for (const ctg::v1::CdtTask& task : response.tasks()) {
      table.AddRow({Short(ctg::v1::CdtTaskKind_descriptor(), task.kind()), task.resource(),
                    IdOf(task.ctg()), SirenOf(task.employer()),
                    task.cdt().empty() ? "(none assigned)" : task.cdt(),
                    FormatTimestamp(task.since()), CdtTaskDetail(task)});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "tasks", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunChanges(ctg::v1::StaffingService::StubInterface& staffing, const CallSettings& call,
                        const ChangesArgs& args, Output& output) {
  ctg::v1::ListChangesResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListChangesResponse* page) {
        ctg::v1::ListChangesRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        if (args.since.has_value()) *request.mutable_start_date() = *args.since;
        if (args.until.has_value()) *request.mutable_end_date() = *args.until;
        request.set_ctg(args.ctg);
        request.set_kind(args.kind);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(staffing.ListChanges(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.changes().empty()) {
    *output.err << "no applied changes take effect in that period\n";
  } else {
    Table table({{"EFFECTIVE"},
                 {"POST"},
                 {"CHANGE"},
                 {"CTG"},
                 {"KIND"},
                 {"WHAT", 60},
                 {"CDT EXCHANGE", 40},
                 {"CONCLUSION", 60}});
    for (const ctg::v1::AppliedChange& change : response.changes()) {
      table.AddRow({FormatDate(change.effective_date()), IdOf(change.post()),
                    change.proposal().change_id().empty() ? IdOf(change.name())
                                                          : change.proposal().change_id(),
                    IdOf(change.ctg()), ChangeKindName(change.proposal().kind()),
                    ProposalSummary(change.proposal()), ExchangeSummary(change.exchange()),
                    change.exchange().conclusion()});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "changes", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunProposeChange(ctg::v1::StaffingService::StubInterface& staffing,
                              const CallSettings& call, const ProposeChangeArgs& args,
                              Output& output) {
  ctg::v1::ProposeChangeRequest request;
  request.set_name(args.post);
  *request.mutable_change() = args.change;
  request.set_reason(args.reason);
  request.set_etag(args.etag);
  request.set_request_id(args.request_id);
  ctg::v1::Post post;
  if (absl::Status status = SendWrite(staffing, &Stub::ProposeChange, call, request, &post);
      !status.ok()) {
    return status;
  }
  if (output.json) {
    *output.out << ToJsonLine(post);
    return absl::OkStatus();
  }
  const std::string post_id = SanitizeForTerminal(IdOf(args.post));
  const std::string change_id = SanitizeForTerminal(args.change.change_id());
  *output.out << "proposed " << ChangeKindName(args.change.kind()) << " change " << change_id
              << " on " << SanitizeForTerminal(args.post) << ": "
              << SanitizeForTerminal(ProposalSummary(args.change)) << "\n"
              << "nothing changes until it is applied; next, record the exchange with the CDT:\n"
              << "  ctg posts record-exchange " << post_id << " --change " << change_id
              << " --exchange_id ID --date YYYY-MM-DD --form reunion --conclusion \"…\"\n";
  return absl::OkStatus();
}

absl::Status RunRecordExchange(ctg::v1::StaffingService::StubInterface& staffing,
                               const CallSettings& call, const RecordExchangeArgs& args,
                               Output& output) {
  ctg::v1::RecordCdtExchangeRequest request;
  request.set_name(args.post);
  *request.mutable_exchange() = args.exchange;
  request.set_etag(args.etag);
  request.set_request_id(args.request_id);
  ctg::v1::Post post;
  if (absl::Status status = SendWrite(staffing, &Stub::RecordCdtExchange, call, request, &post);
      !status.ok()) {
    return status;
  }
  if (output.json) {
    *output.out << ToJsonLine(post);
    return absl::OkStatus();
  }
  // The exchange as the server recorded it (with the CDT it stamped).
  ctg::v1::CdtExchangeRecorded recorded = args.exchange;
  if (const ctg::v1::PostChange* change = FindChange(post, args.exchange.change_id())) {
    for (const auto& exchange : change->exchanges()) {
      if (exchange.exchange_id() == args.exchange.exchange_id()) recorded = exchange;
    }
  }
  const std::string change_id = SanitizeForTerminal(args.exchange.change_id());
  *output.out << "recorded exchange " << SanitizeForTerminal(args.exchange.exchange_id())
              << " about change " << change_id << " of " << SanitizeForTerminal(args.post) << ": "
              << SanitizeForTerminal(ExchangeSummary(recorded)) << "\n"
              << "to apply the change on it:\n  ctg posts apply-change "
              << SanitizeForTerminal(IdOf(args.post)) << " --change " << change_id
              << " --effective YYYY-MM-DD\n";
  return absl::OkStatus();
}

absl::Status RunApplyChange(ctg::v1::StaffingService::StubInterface& staffing,
                            const CallSettings& call, const ApplyChangeArgs& args, Output& output) {
  ctg::v1::ApplyChangeRequest request;
  request.set_name(args.post);
  request.set_change_id(args.change_id);
  request.set_exchange_id(args.exchange_id);
  *request.mutable_effective_date() = args.effective_date;
  request.set_etag(args.etag);
  request.set_request_id(args.request_id);
  ctg::v1::Post post;
  if (absl::Status status = SendWrite(staffing, &Stub::ApplyChange, call, request, &post);
      !status.ok()) {
    return status;
  }
  if (output.json) {
    *output.out << ToJsonLine(post);
    return absl::OkStatus();
  }
  std::string exchange = args.exchange_id;
  std::string summary;
  if (const ctg::v1::PostChange* change = FindChange(post, args.change_id)) {
    if (!change->applied_exchange().empty()) exchange = IdOf(change->applied_exchange());
    summary = ProposalSummary(change->proposal());
  }
  *output.out << "applied change " << SanitizeForTerminal(args.change_id) << " to "
              << SanitizeForTerminal(args.post) << ", effective "
              << FormatDate(args.effective_date);
  if (!exchange.empty()) *output.out << ", on exchange " << SanitizeForTerminal(exchange);
  *output.out << "\n";
  Fields fields;
  if (!summary.empty()) fields.emplace_back("change", summary);
  fields.insert(fields.end(), {{"status", PostStatusName(post.status())},
                               {"etp", FormatEtp(post.etp_hundredths())},
                               {"holders", HoldersText(post)}});
  *output.out << RenderFields(fields);
  return absl::OkStatus();
}

absl::Status RunCafOpinion(ctg::v1::StaffingService::StubInterface& staffing,
                           const CallSettings& call, const CafOpinionArgs& args, Output& output) {
  int32_t version = args.fiche_version;
  std::string candidate = args.candidate;
  if ((!args.on_candidate && version == 0) || (args.on_candidate && candidate.empty())) {
    ctg::v1::GetRecruitmentRequest lookup;
    lookup.set_name(args.recruitment);
    ctg::v1::Recruitment current;
    grpc::ClientContext context;
    PrepareContext(call, &context);
    if (grpc::Status status = staffing.GetRecruitment(&context, lookup, &current); !status.ok()) {
      return RpcError(status, call);
    }
    if (!args.on_candidate) {
      version = current.fiche_version();
      if (version == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "no fiche de poste was submitted for ", SanitizeForTerminal(args.recruitment),
            " yet: there is nothing to give an opinion on"));
      }
    } else {
      candidate = current.candidate();
      if (candidate.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("no candidate was chosen for ", SanitizeForTerminal(args.recruitment),
                         " yet: there is nothing to give an opinion on"));
      }
    }
  }
  ctg::v1::Recruitment recruitment;
  absl::Status status;
  if (args.on_candidate) {
    ctg::v1::GiveCafOpinionOnCandidateRequest request;
    request.set_name(args.recruitment);
    request.set_person(candidate);
    request.set_opinion(args.opinion);
    *request.mutable_date() = args.date;
    request.set_comment(args.comment);
    request.set_etag(args.etag);
    request.set_request_id(args.request_id);
    status = SendWrite(staffing, &Stub::GiveCafOpinionOnCandidate, call, request, &recruitment);
  } else {
    ctg::v1::GiveCafOpinionOnFicheRequest request;
    request.set_name(args.recruitment);
    request.set_version(version);
    request.set_opinion(args.opinion);
    *request.mutable_date() = args.date;
    request.set_comment(args.comment);
    request.set_etag(args.etag);
    request.set_request_id(args.request_id);
    status = SendWrite(staffing, &Stub::GiveCafOpinionOnFiche, call, request, &recruitment);
  }
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(recruitment);
    return absl::OkStatus();
  }
  *output.out << "the Caf's opinion on "
              << (args.on_candidate ? absl::StrCat("the candidate ", SanitizeForTerminal(candidate))
                                    : absl::StrCat("the fiche de poste v", version))
              << " of " << SanitizeForTerminal(args.recruitment) << ": "
              << OpinionName(args.opinion) << " (" << FormatDate(args.date) << ")\n";
  *output.out << RenderFields({
      {"step", StepText(recruitment.step())},
      {"next step", recruitment.next_step() == ctg::v1::RECRUITMENT_STEP_UNSPECIFIED
                        ? "none"
                        : absl::StrCat(StepText(recruitment.next_step()), ", awaiting ",
                                       PartyName(recruitment.awaiting()))},
  });
  return absl::OkStatus();
}

// ---- The other writes, one request → one RPC → one resource printed ----

namespace {

// Which RPC sends each request of StaffingWrite.
auto MethodFor(const ctg::v1::CreatePostRequest&) { return &Stub::CreatePost; }
auto MethodFor(const ctg::v1::TransitionPostRequest&) { return &Stub::TransitionPost; }
auto MethodFor(const ctg::v1::RecordCofinancingRequest&) { return &Stub::RecordCofinancing; }
auto MethodFor(const ctg::v1::RecordCafFundingRequest&) { return &Stub::RecordCafFunding; }
auto MethodFor(const ctg::v1::WithdrawChangeRequest&) { return &Stub::WithdrawChange; }
auto MethodFor(const ctg::v1::OpenRecruitmentRequest&) { return &Stub::OpenRecruitment; }
auto MethodFor(const ctg::v1::AgreeCadrageRequest&) { return &Stub::AgreeCadrage; }
auto MethodFor(const ctg::v1::SubmitFicheDePosteRequest&) { return &Stub::SubmitFicheDePoste; }
auto MethodFor(const ctg::v1::PublishOfferRequest&) { return &Stub::PublishOffer; }
auto MethodFor(const ctg::v1::CloseApplicationsRequest&) { return &Stub::CloseApplications; }
auto MethodFor(const ctg::v1::ShortlistCandidatesRequest&) { return &Stub::ShortlistCandidates; }
auto MethodFor(const ctg::v1::HoldJuryRequest&) { return &Stub::HoldJury; }
auto MethodFor(const ctg::v1::SynthesiseInterviewsRequest&) { return &Stub::SynthesiseInterviews; }
auto MethodFor(const ctg::v1::SkipRecruitmentStepRequest&) { return &Stub::SkipRecruitmentStep; }
auto MethodFor(const ctg::v1::ChooseCandidateRequest&) { return &Stub::ChooseCandidate; }
auto MethodFor(const ctg::v1::TakeEmployerDecisionRequest&) { return &Stub::TakeEmployerDecision; }
auto MethodFor(const ctg::v1::HirePersonRequest&) { return &Stub::HirePerson; }
auto MethodFor(const ctg::v1::CompleteIntegrationRequest&) { return &Stub::CompleteIntegration; }
auto MethodFor(const ctg::v1::CloseRecruitmentRequest&) { return &Stub::CloseRecruitment; }
auto MethodFor(const ctg::v1::CancelRecruitmentRequest&) { return &Stub::CancelRecruitment; }
auto MethodFor(const ctg::v1::RequestReplacementRequest&) { return &Stub::RequestReplacement; }
auto MethodFor(const ctg::v1::ValidateReplacementRequest&) { return &Stub::ValidateReplacement; }
auto MethodFor(const ctg::v1::RefuseReplacementRequest&) { return &Stub::RefuseReplacement; }
auto MethodFor(const ctg::v1::StartReplacementRequest&) { return &Stub::StartReplacement; }
auto MethodFor(const ctg::v1::EndReplacementRequest&) { return &Stub::EndReplacement; }
auto MethodFor(const ctg::v1::CancelReplacementRequest&) { return &Stub::CancelReplacement; }

// The response type of a stub method.
template <typename Request, typename Response>
Response ResponseOf(grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*));

std::string Rate(int32_t basis_points) {
  return absl::StrCat(basis_points / 100, ".", absl::StrCat(100 + basis_points % 100).substr(1),
                      " %");
}
std::string WithCaf(bool caf_participated) {
  return caf_participated ? "with the Caf" : "without the Caf";
}
std::string NextStepText(const ctg::v1::Recruitment& r) {
  return r.next_step() == ctg::v1::RECRUITMENT_STEP_UNSPECIFIED
             ? "none: the recruitment is over"
             : absl::StrCat(StepText(r.next_step()), ", awaiting ", PartyName(r.awaiting()));
}
std::string ReplacementStatusName(ctg::v1::ReplacementStatus status) {
  return Short(ctg::v1::ReplacementStatus_descriptor(), status);
}
std::string PeriodText(const google::type::Date& from, const google::type::Date& to) {
  const std::string end = FormatDate(to);
  return absl::StrCat(FormatDate(from), " to ", end.empty() ? "(open-ended)" : end);
}

// What each write did, in a few words, from its request.
std::string Done(const ctg::v1::CreatePostRequest& r) {
  return absl::StrCat("created for ", r.post().ctg(), ", employer ", SirenOf(r.post().employer()));
}
std::string Done(const ctg::v1::TransitionPostRequest& r) {
  return absl::StrCat("status \xE2\x86\x92 ", PostStatusName(r.status()));
}
std::string Done(const ctg::v1::RecordCofinancingRequest& r) {
  const auto& c = r.cofinancing();
  std::string out = absl::StrCat("co-financing ", c.year(), ": ", FormatCents(c.amount_cents()));
  if (c.rate_basis_points() > 0) absl::StrAppend(&out, " (", Rate(c.rate_basis_points()), ")");
  return out;
}
std::string Done(const ctg::v1::RecordCafFundingRequest& r) {
  const auto& f = r.funding();
  return absl::StrCat("Caf funding ", f.year(), ": ", FormatCents(f.amount_cents()), " (",
                      Short(ctg::v1::FundingScheme_descriptor(), f.scheme()), ", decision ",
                      f.decision_reference(), " of ", FormatDate(f.decision_date()), ")");
}
std::string Done(const ctg::v1::WithdrawChangeRequest& r) {
  return absl::StrCat("change ", r.change_id(), " withdrawn");
}
std::string Done(const ctg::v1::OpenRecruitmentRequest& r) {
  return absl::StrCat("opened for ", r.recruitment().post(), " (",
                      Short(ctg::v1::RecruitmentMotif_descriptor(), r.recruitment().motif()),
                      "), need identified on ", FormatDate(r.date()), " (R0)");
}
std::string Done(const ctg::v1::AgreeCadrageRequest& r) {
  return absl::StrCat("cadrage with the CDT agreed on ", FormatDate(r.date()), " (R1)");
}
std::string Done(const ctg::v1::SubmitFicheDePosteRequest& r) {
  return absl::StrCat("fiche de poste submitted on ", FormatDate(r.date()), " (R2)");
}
std::string Done(const ctg::v1::PublishOfferRequest& r) {
  std::string out = absl::StrCat("offer published on ", FormatDate(r.date()));
  if (!r.channel().empty()) absl::StrAppend(&out, " on ", r.channel());
  return absl::StrCat(out, " (R4)");
}
std::string Done(const ctg::v1::CloseApplicationsRequest& r) {
  return absl::StrCat("applications closed on ", FormatDate(r.date()), ", ",
                      r.applications_received(), " received (R4)");
}
std::string Done(const ctg::v1::ShortlistCandidatesRequest& r) {
  return absl::StrCat("selection on ", FormatDate(r.date()), ", ", r.candidates_shortlisted(),
                      " shortlisted, ", WithCaf(r.caf_participated()), " (R5)");
}
std::string Done(const ctg::v1::HoldJuryRequest& r) {
  return absl::StrCat("jury on ", FormatDate(r.date()), ", ", r.candidates_interviewed(),
                      " interviewed, ", WithCaf(r.caf_participated()), " (R6)");
}
std::string Done(const ctg::v1::SynthesiseInterviewsRequest& r) {
  return absl::StrCat("synthesis of the interviews on ", FormatDate(r.date()), ", ",
                      WithCaf(r.caf_participated()), " (R7)");
}
std::string Done(const ctg::v1::SkipRecruitmentStepRequest& r) {
  return absl::StrCat(StepText(r.step()), " skipped");
}
std::string Done(const ctg::v1::ChooseCandidateRequest& r) {
  return absl::StrCat("candidate ", r.person(), " chosen on ", FormatDate(r.date()), ", ",
                      WithCaf(r.caf_participated()), " (R8)");
}
std::string Done(const ctg::v1::TakeEmployerDecisionRequest& r) {
  return absl::StrCat("the employer decided on ", FormatDate(r.date()), " to recruit ", r.person(),
                      " (R9)");
}
std::string Done(const ctg::v1::HirePersonRequest& r) {
  return absl::StrCat(r.person(), " hired, contract of ", FormatDate(r.contract_date()),
                      ", first day ", FormatDate(r.start_date()), " (R10)");
}
std::string Done(const ctg::v1::CompleteIntegrationRequest& r) {
  return absl::StrCat("integration completed on ", FormatDate(r.date()), " (R11)");
}
std::string Done(const ctg::v1::CloseRecruitmentRequest& r) {
  return absl::StrCat("closed on ", FormatDate(r.date()), ", the person in post (R12)");
}
std::string Done(const ctg::v1::CancelRecruitmentRequest&) { return "cancelled"; }
std::string Done(const ctg::v1::RequestReplacementRequest& r) {
  return absl::StrCat("requested on ", r.replacement().post(), " for ", r.replacement().person(),
                      "; it awaits the Caf's validation");
}
std::string Done(const ctg::v1::ValidateReplacementRequest& r) {
  return absl::StrCat("validated by the Caf on ", FormatDate(r.date()));
}
std::string Done(const ctg::v1::RefuseReplacementRequest& r) {
  return absl::StrCat("refused by the Caf on ", FormatDate(r.date()));
}
std::string Done(const ctg::v1::StartReplacementRequest& r) {
  return absl::StrCat("started on ", FormatDate(r.start_date()));
}
std::string Done(const ctg::v1::EndReplacementRequest& r) {
  return absl::StrCat("ended on ", FormatDate(r.end_date()), " (",
                      Short(ctg::v1::ReplacementOutcome_descriptor(), r.outcome()), ")");
}
std::string Done(const ctg::v1::CancelReplacementRequest&) { return "cancelled"; }

// The state of each kind of resource after a write.
Fields StateFields(const ctg::v1::Post& post) {
  return {{"status", PostStatusName(post.status())},
          {"etp", FormatEtp(post.etp_hundredths())},
          {"holders", HoldersText(post)},
          {"missions", MissionsText(post.missions())},
          {"thématiques", ThematiquesText(post.thematiques())},
          {"rattachement", post.rattachement()},
          {"etag", post.etag()}};
}
Fields StateFields(const ctg::v1::Recruitment& r) {
  return {{"status", Short(ctg::v1::RecruitmentStatus_descriptor(), r.status())},
          {"step", StepText(r.step())},
          {"next step", NextStepText(r)},
          {"fiche de poste", FicheText(r)},
          {"candidate", CandidateText(r)},
          {"etag", r.etag()}};
}
Fields StateFields(const ctg::v1::Replacement& r) {
  Fields fields = {{"post", r.post()},
                   {"person", r.person()},
                   {"etp", FormatEtp(r.etp_hundredths())},
                   {"planned", PeriodText(r.start_date(), r.end_date())},
                   {"status", ReplacementStatusName(r.status())}};
  if (!r.replaced_assignment_id().empty())
    fields.emplace_back("replaces", r.replaced_assignment_id());
  if (r.has_reduction()) {
    fields.emplace_back("reduction",
                        absl::StrCat(r.reduction().activity(), " by ",
                                     FormatEtp(r.reduction().etp_hundredths()), " ETP"));
  }
  if (r.has_validation()) {
    fields.emplace_back(
        "validated", absl::StrCat(FormatDate(r.validation().date()), " by ", r.validation().cdt(),
                                  " ", r.validation().comment()));
  }
  if (r.has_refusal()) {
    fields.emplace_back("refused", absl::StrCat(FormatDate(r.refusal().date()), " by ",
                                                r.refusal().cdt(), ": ", r.refusal().comment()));
  }
  if (r.has_started_on()) fields.emplace_back("started", FormatDate(r.started_on()));
  if (r.has_ended_on()) {
    fields.emplace_back(
        "ended", absl::StrCat(FormatDate(r.ended_on()), " (",
                              Short(ctg::v1::ReplacementOutcome_descriptor(), r.outcome()), ")"));
  }
  fields.emplace_back("etag", r.etag());
  return fields;
}

template <typename Request>
absl::Status SendAndPrint(Stub& staffing, const CallSettings& call, const Request& request,
                          Output& output) {
  const auto method = MethodFor(request);
  decltype(ResponseOf(method)) resource;
  if (absl::Status status = SendWrite(staffing, method, call, request, &resource); !status.ok()) {
    return status;
  }
  if (output.json) {
    *output.out << ToJsonLine(resource);
    return absl::OkStatus();
  }
  *output.out << SanitizeForTerminal(resource.name()) << ": " << SanitizeForTerminal(Done(request))
              << "\n"
              << RenderFields(StateFields(resource));
  return absl::OkStatus();
}

}  // namespace

absl::Status RunStaffingWrite(ctg::v1::StaffingService::StubInterface& staffing,
                              const CallSettings& call, const StaffingWrite& write,
                              Output& output) {
  return std::visit(
      [&](const auto& request) { return SendAndPrint(staffing, call, request, output); }, write);
}

absl::Status RunReplacementsList(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const ReplacementsListArgs& args,
                                 Output& output) {
  ctg::v1::ListReplacementsResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListReplacementsResponse* page) {
        ctg::v1::ListReplacementsRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_ctg(args.ctg);
        request.set_post(args.post);
        request.set_status(args.status);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(staffing.ListReplacements(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.replacements().empty()) {
    *output.err << "no replacements match\n";
  } else {
    Table table({{"ID"},
                 {"POST"},
                 {"CTG"},
                 {"PERSON"},
                 {"ETP", 0, true},
                 {"STATUS"},
                 {"FROM"},
                 {"TO"},
                 {"REPLACES"}});
    for (const ctg::v1::Replacement& r : response.replacements()) {
      table.AddRow({IdOf(r.name()), IdOf(r.post()), IdOf(r.ctg()), r.person(),
                    FormatEtp(r.etp_hundredths()), ReplacementStatusName(r.status()),
                    FormatDate(r.has_started_on() ? r.started_on() : r.start_date()),
                    FormatDate(r.has_ended_on() ? r.ended_on() : r.end_date()),
                    r.replaced_assignment_id()});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "replacements", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunReplacementsShow(ctg::v1::StaffingService::StubInterface& staffing,
                                 const CallSettings& call, const std::string& name,
                                 Output& output) {
  ctg::v1::GetReplacementRequest request;
  request.set_name(name);
  ctg::v1::Replacement r;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  if (grpc::Status status = staffing.GetReplacement(&context, request, &r); !status.ok()) {
    return RpcError(status, call);
  }
  if (output.json) {
    *output.out << ToJsonLine(r);
    return absl::OkStatus();
  }
  Fields fields = {{"name", r.name()}, {"ctg", r.ctg()}, {"employer", r.employer()}};
  for (auto& field : StateFields(r)) {
    if (field.first != "etag") fields.push_back(std::move(field));
  }
  fields.insert(fields.end(), {{"created", FormatTimestamp(r.create_time())},
                               {"updated", FormatTimestamp(r.update_time())},
                               {"etag", r.etag()}});
  *output.out << RenderFields(fields);
  return absl::OkStatus();
}

}  // namespace ctg::cli
