// The `ctg` command line: flags and environment (CLI11), validation of what a person typed,
// and dispatch to the commands of commands.h.
//
// Exit codes: 0 success; 1 the server refused or failed, or a verification failed; 2 the
// command line is wrong (unknown flag, bad value, missing file, --plaintext to a remote host).
//
// Thread safety: RunCli may run on several threads at once only with distinct streams (it
// reads the environment, which nothing here writes).
#ifndef CTG_CLIENTS_CTG_CLI_H_
#define CTG_CLIENTS_CTG_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace ctg::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Runs `ctg` with `args` (the arguments after the program name), writing results to `out` and
// messages to `err`. Returns the exit code.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_CLI_H_
