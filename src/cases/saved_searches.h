// Saved searches: a name, a query and a time range that a person keeps for later (the Security
// Log Analysis list's bookmarks), stored in DATA/pantau.db, each person's visible to them only.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/main_db.h"

namespace pantau {

struct SavedSearch {
  std::string id;
  std::string name;
  std::string query;
  std::string from, to;  // as given; empty for the default range
  TimeNs created = 0;
  // {"id", "name", "q", "from", "to", "created"}
  std::string ToJson() const;
};

class SavedSearches {
 public:
  static Result<std::unique_ptr<SavedSearches>> Open(const std::string& data_dir,
                                                     const Clock& clock);

  // Names are 1-100 characters and unique per person (AlreadyExists otherwise). The caller
  // checks that the query parses.
  Result<SavedSearch> Add(std::string_view user, const SavedSearch& search);
  Result<std::vector<SavedSearch>> List(std::string_view user);
  // NotFound for an id that is not this person's.
  Status Remove(std::string_view user, std::string_view id);

 private:
  SavedSearches(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
