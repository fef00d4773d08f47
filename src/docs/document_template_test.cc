#include "docs/document_template.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pantau {
namespace {

namespace fs = std::filesystem;

fs::path TestData() {
  const char* dir = std::getenv("PANTAU_SOURCE_DIR");
  return (dir ? fs::path(dir) : fs::current_path()) / "src/docs/testdata/template";
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What a template and its values produce: the body's DebugString, or "error: ..." .
std::string Render(const std::string& text, const nlohmann::json& values) {
  Result<DocumentTemplate> t = DocumentTemplate::Parse(text);
  if (!t.ok()) return "error: " + t.status().message() + "\n";
  Result<DocumentBody> body = t->Expand(values);
  if (!body.ok()) return "error: " + body.status().message() + "\n";
  return DebugString(*body);
}

// Each testdata/template/NAME.tpl with NAME.json (optional) must give NAME.golden; with
// PANTAU_UPDATE_GOLDEN=1 the goldens are rewritten instead.
TEST(DocumentTemplateGolden, EveryCase) {
  const fs::path dir = TestData();
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " (set PANTAU_SOURCE_DIR)";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".tpl") cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_GT(cases.size(), 10u);
  const bool update = std::getenv("PANTAU_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& tpl : cases) {
    fs::path json_path = tpl;
    json_path.replace_extension(".json");
    nlohmann::json values = nlohmann::json::object();
    if (fs::exists(json_path)) {
      values = nlohmann::json::parse(ReadAll(json_path), nullptr, false);
      ASSERT_FALSE(values.is_discarded()) << json_path;
    }
    const std::string got = Render(ReadAll(tpl), values);
    fs::path golden = tpl;
    golden.replace_extension(".golden");
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    EXPECT_EQ(ReadAll(golden), got) << tpl.filename();
  }
}

}  // namespace
}  // namespace pantau
