#include "docs/numbering.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "cases/case_ref.h"
#include "store/sqlite/main_db.h"

namespace pantau::docs {
namespace {

TEST(NumberingTest, FormatsThePattern) {
  const NumberParts parts{"B", 246, "DISKOMINFO", "000.6", 7, 2025};
  EXPECT_EQ(FormatNumber("{class}-{seq}/{unit}/{code}/{month:02}/{year}", parts),
            "B-246/DISKOMINFO/000.6/07/2025");
  EXPECT_EQ(FormatNumber("{seq:04}/{unit}/{year}", parts), "0246/DISKOMINFO/2025");
  EXPECT_EQ(FormatNumber("No {seq}", {"SR", 3, "", "", 12, 2026}), "No 3");
}

TEST(NumberingTest, ChecksThePattern) {
  EXPECT_TRUE(CheckNumberPattern("{class}-{seq}/{unit}/{code}/{month:02}/{year}").ok());
  EXPECT_EQ(CheckNumberPattern("{unit}/{year}").message(),
            "number pattern: needs {seq}, or numbers would repeat");
  EXPECT_EQ(CheckNumberPattern("{seq}/{yaer}").message(),
            "number pattern column 7: unknown placeholder '{yaer}' (known: {class} {seq} {unit} "
            "{code} {month} {year})");
  EXPECT_EQ(CheckNumberPattern("{seq:x}").message(),
            "number pattern column 1: width 'x' must be 1 to 9 digits, e.g. {seq:04}");
  EXPECT_EQ(CheckNumberPattern("{seq").message(), "number pattern column 1: '{' without '}'");
  EXPECT_EQ(CheckNumberPattern("{seq}}").message(), "number pattern column 6: '}' without '{'");
}

// Finalisations from several connections (as several server threads or processes would) at
// once: every number is taken once, with no gap, per unit and year.
TEST(NumberingTest, ConcurrentFinalisationNeverRepeats) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("pantau_numbering_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(sqlite::OpenMainDb(dir.string()).ok());
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::vector<int64_t>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto db = sqlite::OpenMainDb(dir.string());
      ASSERT_TRUE(db.ok());
      for (int i = 0; i < kEach; ++i) {
        auto seq =
            InWriteTransaction(*db, [&] { return TakeSequenceNumber(*db, "KOMINFO", 2026); });
        ASSERT_TRUE(seq.ok()) << seq.status().ToString();
        taken[t].push_back(*seq);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  for (const auto& v : taken) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), size_t{kThreads * kEach});
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);

  auto db = sqlite::OpenMainDb(dir.string());
  EXPECT_EQ(*InWriteTransaction(*db, [&] { return TakeSequenceNumber(*db, "KOMINFO", 2027); }), 1);
  EXPECT_EQ(*InWriteTransaction(*db, [&] { return TakeSequenceNumber(*db, "BPBD", 2026); }), 1);
  // A rolled-back transaction takes nothing.
  (void)InWriteTransaction(*db, [&]() -> Result<int64_t> {
    RETURN_IF_ERROR(TakeSequenceNumber(*db, "BPBD", 2026).status());
    return Internal("rolled back");
  });
  EXPECT_EQ(*InWriteTransaction(*db, [&] { return TakeSequenceNumber(*db, "BPBD", 2026); }), 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pantau::docs
