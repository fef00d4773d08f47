// RunChildProcess's stdout lines handed over as they arrive (what nmap's progress rides on).
#include "core/child_process.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(ChildProcess, StdoutLinesAsTheyArrive) {
  std::vector<std::string> lines;
  ChildOptions options;
  options.timeout = std::chrono::seconds(10);
  options.on_stdout_line = [&](std::string_view line) { lines.emplace_back(line); };
  const std::atomic<bool> cancel{false};
  // Two writes with a pause between them: the line callback sees a line cut across them whole,
  // and the last line even without its newline. Standard error is not handed over.
  auto done = RunChildProcess(
      {"sh", "-c", "printf 'first\\nsec'; sleep 0.2; printf 'ond\\n\\nlast'; echo err >&2"},
      options, cancel);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->out, "first\nsecond\n\nlast");
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second", "", "last"}));
}

TEST(ChildProcess, LongLinesAreCutForTheCallback) {
  std::vector<std::string> lines;
  ChildOptions options;
  options.timeout = std::chrono::seconds(10);
  options.on_stdout_line = [&](std::string_view line) { lines.emplace_back(line); };
  const std::atomic<bool> cancel{false};
  auto done = RunChildProcess({"sh", "-c", "head -c 10000 /dev/zero | tr '\\0' x; echo; echo y"},
                              options, cancel);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(kMaxCallbackLine, 'x'));
  EXPECT_EQ(lines[1], "y");
  EXPECT_EQ(done->out.size(), 10000u + 3u);  // kept whole all the same
}

}  // namespace
}  // namespace pantau
