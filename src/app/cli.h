// The command line: `pantau serve | import | search | apikey`. Parses flags and hands over to one
// function per subcommand. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
#pragma once

namespace pantau {

int RunCli(int argc, char** argv);

}  // namespace pantau
