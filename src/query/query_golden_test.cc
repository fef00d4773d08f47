// Golden query tests: the decoder goldens' input lines (syslog, Linux auth with loghub samples,
// FortiGate, CEF, web, Suricata, JSON, unknown) are decoded into a real SQLite store, then every
// query of testdata/queries.txt runs through the parser, the compiler and the store, and the
// matching lines ("folder/file.log:line") must equal the ones recorded under it.
// PANTAU_UPDATE_GOLDEN=1 rewrites the file from what the code does now: review its diff.
//
// queries.txt:  "query: <text>" then one matching line reference per line, or "error: <message>";
// a blank line ends the case; '#' starts a comment.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/time.h"
#include "decode/decoder.h"
#include "query/aggregation.h"
#include "query/parser.h"
#include "query/sqlite_compiler.h"
#include "store/event_store.h"

namespace pantau::query {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* dir = std::getenv("PANTAU_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

std::vector<std::string> ReadLines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Case {
  std::string query;
  std::vector<std::string> expected;
};

std::vector<Case> ReadCases(const fs::path& p) {
  std::vector<Case> cases;
  for (const std::string& line : ReadLines(p)) {
    if (line.rfind("query: ", 0) == 0) {
      cases.push_back({line.substr(7), {}});
    } else if (!line.empty() && line[0] != '#' && !cases.empty()) {
      cases.back().expected.push_back(line);
    }
  }
  return cases;
}

class QueryGoldenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("pantau_query_" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const TimeNs now = *MakeTime(2026, 11, 27, 12, 0, 0);
    static ManualClock clock(now);
    auto store = OpenSqliteEventStore({dir_->string(), 36500, false, &clock});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = store->release();
    refs_ = new std::map<std::string, std::string>();
    // Every input line of the decoder goldens, decoded as the pipeline does.
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(SourceDir() / "src/decode/testdata")) {
      if (e.path().extension() == ".log") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<EventRow> rows;
    DecodeContext ctx;
    ctx.received = now;
    ctx.input = "file";
    for (const auto& f : files) {
      const std::string name = f.parent_path().filename().string() + "/" + f.filename().string();
      const auto lines = ReadLines(f);
      for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        EventRow row = EncodeEvent(Decode(lines[i], Format::kAuto, ctx));
        (*refs_)[row.raw] = name + ":" + std::to_string(i + 1);
        rows.push_back(std::move(row));
      }
    }
    ASSERT_TRUE(store_->Append(rows).ok());
  }
  static void TearDownTestSuite() {
    delete store_;
    fs::remove_all(*dir_);
    delete dir_;
    delete refs_;
  }

  // The sorted references of the lines `text` matches, or "error: ...".
  static std::vector<std::string> Run(const std::string& text) {
    auto q = ParseQuery(text);
    if (!q.ok()) return {"error: " + q.status().message()};
    auto filter = CompileForSqlite(*q);
    if (!filter.ok()) return {"error: " + filter.status().message()};
    ReadRequest r;
    r.limit = 100000;
    r.filter = std::move(*filter);
    if (!q->stages.empty()) {
      // Aggregations: the header, then each row, tab-separated, in the stages' order.
      auto table = RunStages(*store_, r, q->stages);
      if (!table.ok()) return {"error: " + table.status().message()};
      std::vector<std::string> out;
      std::string header;
      for (const auto& c : table->columns) header += (header.empty() ? "" : "\t") + c;
      out.push_back("columns: " + header);
      for (const auto& row : table->rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
          if (i > 0) line += '\t';
          AppendJsonValue(line, row[i]);
        }
        out.push_back(line);
      }
      return out;
    }
    auto events = store_->Read(r);
    if (!events.ok()) return {"error: " + events.status().message()};
    std::vector<std::string> refs;
    for (const auto& e : *events) refs.push_back(refs_->at(e.raw));
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    return refs;
  }

  static fs::path* dir_;
  static EventStore* store_;
  static std::map<std::string, std::string>* refs_;
};

fs::path* QueryGoldenTest::dir_ = nullptr;
EventStore* QueryGoldenTest::store_ = nullptr;
std::map<std::string, std::string>* QueryGoldenTest::refs_ = nullptr;

TEST_F(QueryGoldenTest, QueriesMatchAsRecorded) {
  const fs::path path = SourceDir() / "src/query/testdata/queries.txt";
  const auto cases = ReadCases(path);
  ASSERT_FALSE(cases.empty()) << path;
  const char* update = std::getenv("PANTAU_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ostringstream out;
    for (const std::string& line : ReadLines(path)) {
      if (line.rfind("#", 0) == 0) out << line << "\n";
      if (line.rfind("query: ", 0) == 0) {
        out << line << "\n";
        for (const auto& ref : Run(line.substr(7))) out << ref << "\n";
        out << "\n";
      }
    }
    std::ofstream(path, std::ios::binary) << out.str();
  }
  for (const auto& c : ReadCases(path)) EXPECT_EQ(Run(c.query), c.expected) << c.query;
}

}  // namespace
}  // namespace pantau::query
