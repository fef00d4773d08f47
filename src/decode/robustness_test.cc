// Fuzz-style robustness: the golden inputs cut, mutated and spliced, and hostile shapes up to
// 16 MiB, decoded in every format mode. Nothing may crash, and every event must keep the line
// byte-exact; the ASan build (preset dev) turns any read out of bounds into a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/event.h"
#include "decode/decoder.h"
#include "decode/test_support.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

constexpr Format kAllFormats[] = {Format::kAuto,      Format::kSyslog, Format::kJson,
                                  Format::kFortigate, Format::kCef,    Format::kWebAccess,
                                  Format::kSuricata,  Format::kRaw};

std::vector<std::string> Seeds() {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");
  const fs::path dir = fs::path(root != nullptr ? root : ".") / "src" / "decode" / "testdata";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".log") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) seeds.push_back(line);
  }
  return seeds;
}

void CheckInvariants(std::string_view line, Format format, const Event& e) {
  const DecodeContext ctx = testing_support::TestContext();
  ASSERT_EQ(e.raw, line);
  ASSERT_FALSE(e.dataset.empty());
  ASSERT_EQ(e.received, ctx.received);
  ASSERT_EQ((e.flags & kDecodeError) != 0, !e.error.empty()) << FormatName(format);
  ASSERT_EQ((e.flags & kInvalidUtf8) != 0, !IsValidUtf8(line));
  if (e.flags & kTimeFromReceipt) {
    ASSERT_EQ(e.timestamp, ctx.received);
  }
  // EventToJson of a 16 MiB line costs seconds of escaping and proves nothing more.
  if (line.size() < (1u << 20)) {
    ASSERT_FALSE(EventToJson(e).empty());
  }
}

void DecodeEverywhere(std::string_view line) {
  const DecodeContext ctx = testing_support::TestContext();
  for (Format f : kAllFormats) {
    Event e = Decode(line, f, ctx);
    CheckInvariants(line, f, e);
    if (testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "input (" << line.size() << " bytes): " << line.substr(0, 300);
      return;
    }
  }
}

TEST(RobustnessTest, GoldenSeedsExist) { EXPECT_GT(Seeds().size(), 100u); }

TEST(RobustnessTest, EveryPrefixOfEveryGoldenLine) {
  for (const std::string& seed : Seeds()) {
    for (size_t n = 0; n <= seed.size(); ++n) {
      DecodeEverywhere(std::string_view(seed).substr(0, n));
      if (HasFailure()) return;
    }
  }
}

TEST(RobustnessTest, MutatedGoldenLines) {
  const std::vector<std::string> seeds = Seeds();
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261127);
  static constexpr char kSpecial[] = {'"',  '\\', '=',  '|', '[',  ']',    '{',    '}',
                                      '<',  '>',  ' ',  ':', '\0', '\xff', '\xc3', '\r',
                                      '\t', '-',  '\'', ',', '.',  '0'};
  auto pick = [&](size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  for (int round = 0; round < 4000; ++round) {
    std::string s = seeds[pick(seeds.size())];
    const int edits = 1 + static_cast<int>(pick(4));
    for (int k = 0; k < edits; ++k) {
      switch (pick(6)) {
        case 0:  // replace a byte with any byte
          if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
          break;
        case 1:  // insert a byte that means something to some decoder
          s.insert(s.begin() + static_cast<long>(pick(s.size() + 1)),
                   kSpecial[pick(sizeof kSpecial)]);
          break;
        case 2: {  // delete a range
          const size_t at = pick(s.size() + 1);
          s.erase(at, pick(16));
          break;
        }
        case 3:  // cut
          s.resize(pick(s.size() + 1));
          break;
        case 4: {  // repeat a slice
          const size_t at = pick(s.size() + 1);
          const std::string slice = s.substr(at, pick(32));
          s.insert(at, slice);
          break;
        }
        case 5: {  // splice in the tail of another line
          const std::string& other = seeds[pick(seeds.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
          break;
        }
      }
    }
    DecodeEverywhere(s);
    if (HasFailure()) return;
  }
}

TEST(RobustnessTest, HostileShapesUpTo16MiB) {
  constexpr size_t kBig = 16u << 20;
  std::vector<std::string> inputs = {
      std::string(kBig, '"'),
      std::string(kBig, '='),
      std::string(kBig, '\0'),
      std::string(kBig, '\xff'),
      std::string(kBig, '{'),
      std::string(kBig, '['),
      "<13>" + std::string(kBig, '\\'),
      "CEF:0|" + std::string(kBig, '|'),
      "CEF:0|a|b|c|d|e|5|" + std::string(kBig, '\\'),
      "date=1 a=\"" + std::string(kBig, 'x'),
      "<14>1 - h a - - [x" + std::string(kBig, ' '),
      "1.2.3.4 - - [27/Nov/2026:10:00:00 +0700] \"" + std::string(kBig, '\\'),
  };
  std::string pairs;
  pairs.reserve(kBig + 16);
  while (pairs.size() < kBig) pairs += "a=1 ";
  inputs.push_back(pairs);
  std::string cef = "CEF:0|a|b|c|d|e|5|";
  while (cef.size() < kBig) cef += "k=v v ";
  inputs.push_back(cef);
  std::string sd = "<14>1 - h a - - ";
  while (sd.size() < kBig) sd += "[x y=\"z\"]";
  inputs.push_back(sd);
  for (const std::string& in : inputs) {
    DecodeEverywhere(in);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace pantau
