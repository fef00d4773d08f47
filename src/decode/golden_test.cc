// Golden tests: testdata/<folder>/<name>.log holds input lines, <name>.json beside it the events
// Decode makes of them in auto mode (one EventToJson object per line). When the folder is named
// after a format, forcing that format must give the same events. PANTAU_UPDATE_GOLDEN=1 rewrites
// the .json files instead of comparing (read the diff before keeping it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/time.h"
#include "decode/decoder.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

fs::path TestdataDir() {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");
  return fs::path(root != nullptr ? root : ".") / "src" / "decode" / "testdata";
}

DecodeContext GoldenContext() {
  DecodeContext ctx;
  ctx.received = *ParseRfc3339("2026-11-27T12:00:00Z");
  ctx.input = "file";
  return ctx;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Lines without their '\n'; a last line without one counts too.
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<fs::path> GoldenInputs() {
  std::vector<fs::path> inputs;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(TestdataDir(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".log") {
      inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

class GoldenTest : public testing::TestWithParam<fs::path> {};

TEST_P(GoldenTest, DecodesAsRecorded) {
  const fs::path& input = GetParam();
  const std::string folder = input.parent_path().filename().string();
  const Result<Format> forced = ParseFormat(folder);
  const DecodeContext ctx = GoldenContext();
  const std::vector<std::string> lines = SplitLines(ReadFile(input));
  ASSERT_FALSE(lines.empty()) << input;

  std::string actual;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string json = EventToJson(Decode(lines[i], Format::kAuto, ctx));
    actual += json;
    actual += '\n';
    if (forced.ok() && *forced != Format::kAuto) {
      EXPECT_EQ(EventToJson(Decode(lines[i], *forced, ctx)), json)
          << input.string() << ":" << i + 1 << " decoded with --format " << folder
          << " differs from auto";
    }
  }

  fs::path expected_path = input;
  expected_path.replace_extension(".json");
  const char* update = std::getenv("PANTAU_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    // Rewrite, then compare as usual (and pass): review the diff before committing it.
    std::ofstream(expected_path, std::ios::binary) << actual;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; run with PANTAU_UPDATE_GOLDEN=1 to create it";
  const std::vector<std::string> expected = SplitLines(ReadFile(expected_path));
  const std::vector<std::string> got = SplitLines(actual);
  ASSERT_EQ(got.size(), expected.size()) << expected_path;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], expected[i]) << input.string() << ":" << i + 1;
  }
}

std::string GoldenName(const testing::TestParamInfo<fs::path>& info) {
  std::string name =
      info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, testing::ValuesIn(GoldenInputs()), GoldenName);

TEST(GoldenDataTest, FoldersAreThere) {
  const std::vector<fs::path> inputs = GoldenInputs();
  for (const char* folder :
       {"syslog", "linux_auth", "web", "fortigate", "cef", "suricata", "json", "unknown"}) {
    EXPECT_TRUE(
        std::any_of(inputs.begin(), inputs.end(),
                    [&](const fs::path& p) { return p.parent_path().filename() == folder; }))
        << "no golden input in testdata/" << folder;
  }
}

}  // namespace
}  // namespace pantau
