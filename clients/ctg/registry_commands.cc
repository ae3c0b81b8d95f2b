// `ctg orgs …` and `ctg ctgs …`: the registry of organisations and of CTGs.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "clients/ctg/paging.h"
#include "clients/ctg/rpc_errors.h"
#include "clients/ctg/table.h"

namespace ctg::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string TypeName(ctg::v1::OrganisationType type) {
  return EnumShortName(ctg::v1::OrganisationType_descriptor(), type);
}
std::string StateName(ctg::v1::CtgState state) {
  return EnumShortName(ctg::v1::CtgState_descriptor(), state);
}

std::string PopulationText(const ctg::v1::Organisation& organisation, bool long_form) {
  if (!organisation.has_population()) return "";
  const ctg::v1::Population& population = organisation.population();
  if (!long_form) return absl::StrCat(population.value());
  std::vector<std::string> about;
  std::string kind = EnumShortName(ctg::v1::Population::Kind_descriptor(), population.kind());
  if (!kind.empty()) about.push_back(kind);
  if (population.year() != 0) about.push_back(absl::StrCat(population.year()));
  return about.empty() ? absl::StrCat(population.value())
                       : absl::StrCat(population.value(), " (", absl::StrJoin(about, ", "), ")");
}

std::string Period(const google::type::Date& start, const google::type::Date& end) {
  std::string from = FormatDate(start), to = FormatDate(end);
  if (from.empty() && to.empty()) return "";
  return absl::StrCat(from.empty() ? "?" : from, " \xE2\x86\x92 ", to.empty() ? "?" : to);  // →
}

// "Conseil communautaire, n° 2025-041 of 2025-03-12".
std::string DeliberationText(const ctg::v1::Signatory& signatory) {
  if (!signatory.has_deliberation()) return "";
  const ctg::v1::Deliberation& deliberation = signatory.deliberation();
  return absl::StrCat(deliberation.instance(), ", n\xC2\xB0 ", deliberation.number(), " of ",
                      FormatDate(deliberation.date()));
}

}  // namespace

absl::Status RunOrgsList(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const OrgsListArgs& args, Output& output) {
  ctg::v1::ListOrganisationsResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListOrganisationsResponse* page) {
        ctg::v1::ListOrganisationsRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_type(args.type);
        request.set_epci(args.epci);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(partners.ListOrganisations(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.organisations().empty()) {
    *output.err << "no organisations match\n";
  } else {
    Table table({{"SIREN"}, {"TYPE"}, {"NAME", 50}, {"POPULATION", 0, true}, {"EPCI"}, {"DEP"}});
    for (const ctg::v1::Organisation& organisation : response.organisations()) {
      table.AddRow({organisation.siren(), TypeName(organisation.type()),
                    organisation.display_name(), PopulationText(organisation, false),
                    SirenOf(organisation.epci()), organisation.departement()});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "organisations", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunOrgsShow(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const std::string& name, Output& output) {
  ctg::v1::GetOrganisationRequest request;
  request.set_name(name);
  ctg::v1::Organisation organisation;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  grpc::Status status = partners.GetOrganisation(&context, request, &organisation);
  if (!status.ok()) return RpcError(status, call);
  if (output.json) {
    *output.out << ToJsonLine(organisation);
    return absl::OkStatus();
  }
  *output.out << RenderFields({
      {"name", organisation.name()},
      {"display name", organisation.display_name()},
      {"siren", organisation.siren()},
      {"type", TypeName(organisation.type())},
      {"population", PopulationText(organisation, true)},
      {"epci", organisation.epci()},
      {"département", organisation.departement()},
      {"created", FormatTimestamp(organisation.create_time())},
      {"updated", FormatTimestamp(organisation.update_time())},
      {"etag", organisation.etag()},
  });
  return absl::OkStatus();
}

absl::Status RunCtgsList(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const CtgsListArgs& args, Output& output) {
  ctg::v1::ListCtgsResponse response;
  absl::Status status = FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListCtgsResponse* page) {
        ctg::v1::ListCtgsRequest request;
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        request.set_state(args.state);
        request.set_signatory(args.signatory);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(plans.ListCtgs(&context, request, page), call);
      },
      &response);
  if (!status.ok()) return status;
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.ctgs().empty()) {
    *output.err << "no CTGs match\n";
  } else {
    Table table({{"ID"},
                 {"STATE"},
                 {"TITLE", 44},
                 {"PERIOD"},
                 {"PORTEUR"},
                 {"CDT", 20},
                 {"WARNINGS", 0, true}});
    for (const ctg::v1::Ctg& ctg : response.ctgs()) {
      absl::string_view id = ctg.name();
      absl::ConsumePrefix(&id, "ctgs/");
      table.AddRow({std::string(id), StateName(ctg.state()), ctg.title(),
                    Period(ctg.start_date(), ctg.end_date()), SirenOf(ctg.porteur()), ctg.cdt(),
                    absl::StrCat(ctg.warnings_size())});
    }
    *output.out << table.Render();
  }
  MoreHint(output, "CTGs", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunCtgsShow(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const std::string& name, Output& output) {
  ctg::v1::GetCtgRequest request;
  request.set_name(name);
  ctg::v1::Ctg ctg;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  grpc::Status status = plans.GetCtg(&context, request, &ctg);
  if (!status.ok()) return RpcError(status, call);
  if (output.json) {
    *output.out << ToJsonLine(ctg);
    return absl::OkStatus();
  }
  std::vector<std::string> thematiques;
  for (int thematique : ctg.thematiques()) {
    thematiques.push_back(EnumShortName(ctg::v1::Thematique_descriptor(), thematique));
  }
  *output.out << RenderFields({
      {"name", ctg.name()},
      {"title", ctg.title()},
      {"state", StateName(ctg.state())},
      {"caf", ctg.caf()},
      {"porteur", ctg.porteur()},
      {"period", Period(ctg.start_date(), ctg.end_date())},
      {"thématiques", absl::StrJoin(thematiques, ", ")},
      {"cdt", ctg.cdt()},
      {"predecessor", ctg.predecessor()},
      {"created", FormatTimestamp(ctg.create_time())},
      {"updated", FormatTimestamp(ctg.update_time())},
      {"etag", ctg.etag()},
  });
  *output.out << "\nsignatories\n";
  Table signatories({{"ORGANISATION"}, {"ROLE"}, {"DELIBERATION", 60}, {"SIGNED"}});
  for (const ctg::v1::Signatory& signatory : ctg.signatories()) {
    signatories.AddRow({SirenOf(signatory.organisation()),
                        EnumShortName(ctg::v1::SignatoryRole_descriptor(), signatory.role()),
                        DeliberationText(signatory), FormatDate(signatory.signature_date())});
  }
  *output.out << signatories.Render();
  if (ctg.warnings().empty()) {
    *output.out << "\nno rule warnings\n";
  } else {
    *output.out << "\nrule warnings\n";
    Table warnings({{"RULE"}, {"REASON"}, {"MESSAGE", 90}});
    for (const ctg::v1::RuleWarning& warning : ctg.warnings()) {
      warnings.AddRow({warning.rule(), warning.reason(), warning.message()});
    }
    *output.out << warnings.Render();
  }
  return absl::OkStatus();
}

}  // namespace ctg::cli
