// Postings: for the days still taking writes, which rows hold each value of the hot columns,
// kept in a side file beside the day's file (DAY.postings).
//
// Closed days get real indexes (see sqlite_event_store.cc); open days have none, because
// maintaining them on every insert would halve ingest. Without them, a value that occurs in a
// handful of today's millions of events costs a scan of the whole day. The maintenance thread
// posts the rows written since its last pass, sorted, in one transaction on the side file, so
// the writer never waits for it; a search looks the value up there and checks the rows past the
// watermark (written since) itself.
//
// Thread-safety: UpdatePostings from one thread at a time per day (the maintenance thread);
// LookUp from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau::sqlite {

// The columns with postings, as SqlFilter::lookups names them.
inline constexpr const char* kPostedColumns[] = {"host", "source_ip", "destination_ip", "user_name",
                                                 "action"};

// Posts the rows of `events` (a day's file, read) past the watermark of the side file at
// `postings_path`, creating it when missing.
Status UpdatePostings(Db& events, const std::string& postings_path);

// Rows of a day that may match: those of one lookup's value up to the watermark, and every row
// past it.
struct Candidates {
  int64_t watermark = 0;     // rows with a higher id were not posted yet
  std::vector<int64_t> ids;  // ascending
};

// The candidates of the most selective of `lookups` ({column, value}, ANDed; values compared as
// the compiler does, ignoring ASCII case). nullopt when there is no side file, or every lookup
// has more than `max_ids` rows (reading the day is then as fast).
Result<std::optional<Candidates>> LookUp(
    const std::string& postings_path,
    const std::vector<std::pair<std::string, std::string>>& lookups, size_t max_ids);

}  // namespace pantau::sqlite
