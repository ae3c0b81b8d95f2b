// The command line of the registry: `ctg orgs list|show`, `ctg ctgs list|show`.
#include <CLI/CLI.hpp>
#include <string>

#include "clients/ctg/cli_checks.h"
#include "clients/ctg/command_line.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"

namespace ctg::cli {
namespace {

using Usage = std::optional<UsageError>;

void AddOrgsCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* orgs = app.add_subcommand("orgs", "the registry of organisations");
  orgs->require_subcommand(1);

  struct ListFlags {
    std::string type, epci;
    OrgsListArgs args;
  };
  ListFlags& list = commands.Make<ListFlags>();
  CLI::App* orgs_list = orgs->add_subcommand("list", "list organisations, in SIREN order");
  orgs_list->add_option("--type", list.type,
                        EnumHelp("only this type", ctg::v1::OrganisationType_descriptor()));
  orgs_list->add_option("--epci", list.epci, "only communes of this EPCI (its SIREN)");
  AddPageFlags(*orgs_list, 1000, list.args);
  commands.Add(
      orgs_list,
      [&list](Usage* usage) {
        list.args.type = FilterEnum<ctg::v1::OrganisationType>(
            ctg::v1::OrganisationType_descriptor(), list.type, usage);
        list.args.epci = FilterName(list.epci, OrganisationName, usage);
      },
      list.args, OnStub<ctg::v1::PartnersService>(RunOrgsList));

  AddShowCommand(*orgs, commands, "show one organisation", "siren", "its SIREN, e.g. 249900028",
                 OrganisationName, OnStub<ctg::v1::PartnersService>(RunOrgsShow));
}

void AddCtgsCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* ctgs = app.add_subcommand("ctgs", "Conventions Territoriales Globales");
  ctgs->require_subcommand(1);

  struct ListFlags {
    std::string state, signatory;
    CtgsListArgs args;
  };
  ListFlags& list = commands.Make<ListFlags>();
  CLI::App* ctgs_list = ctgs->add_subcommand("list", "list the CTGs you may read");
  ctgs_list->add_option("--state", list.state,
                        EnumHelp("only in this state", ctg::v1::CtgState_descriptor()));
  ctgs_list->add_option("--signatory", list.signatory, "only CTGs this SIREN signs");
  AddPageFlags(*ctgs_list, 1000, list.args);
  commands.Add(
      ctgs_list,
      [&list](Usage* usage) {
        list.args.state =
            FilterEnum<ctg::v1::CtgState>(ctg::v1::CtgState_descriptor(), list.state, usage);
        list.args.signatory = FilterName(list.signatory, OrganisationName, usage);
      },
      list.args, OnStub<ctg::v1::PlansService>(RunCtgsList));

  AddShowCommand(*ctgs, commands, "show one CTG: signatories, deliberations, warnings", "id",
                 "its id, e.g. val-orbe-2025", CtgName, OnStub<ctg::v1::PlansService>(RunCtgsShow));
}

}  // namespace

void AddRegistryCommands(CLI::App& app, CommandSet& commands) {
  AddOrgsCommands(app, commands);
  AddCtgsCommands(app, commands);
}

}  // namespace ctg::cli
