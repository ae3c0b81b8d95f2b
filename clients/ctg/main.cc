// ctg: the command-line client of ctgd. Everything but main lives in ctg_cli (cli.h).
#include <iostream>
#include <string>
#include <vector>

#include "clients/ctg/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ctg::cli::RunCli(args, std::cout, std::cerr);
}
