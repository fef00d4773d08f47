#include "cases/saved_searches.h"

#include <charconv>

#include "core/event.h"
#include "core/time.h"

namespace pantau {

std::string SavedSearch::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  out += R"(,"name":)";
  AppendJsonString(out, name);
  out += R"(,"q":)";
  AppendJsonString(out, query);
  out += R"(,"from":)";
  AppendJsonString(out, from);
  out += R"(,"to":)";
  AppendJsonString(out, to);
  out += R"(,"created":)";
  AppendJsonString(out, FormatRfc3339(created));
  return out + "}";
}

Result<std::unique_ptr<SavedSearches>> SavedSearches::Open(const std::string& data_dir,
                                                           const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<SavedSearches>(new SavedSearches(std::move(db), clock));
}

Result<SavedSearch> SavedSearches::Add(std::string_view user, const SavedSearch& search) {
  if (search.name.empty() || search.name.size() > 100) {
    return InvalidArgument("name: 1 to 100 characters");
  }
  if (search.query.size() > 10'000) return InvalidArgument("q: at most 10000 characters");
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto exists,
                   db_.Prepare("SELECT 1 FROM saved_searches WHERE user = ? AND name = ?"));
  exists.BindText(1, user);
  exists.BindText(2, search.name);
  ASSIGN_OR_RETURN(bool found, exists.Step());
  if (found) return AlreadyExists("you already have a saved search named '" + search.name + "'");
  ASSIGN_OR_RETURN(auto insert, db_.Prepare("INSERT INTO saved_searches(user, name, query, "
                                            "time_from, time_to, created) VALUES(?, ?, ?, ?, ?, ?) "
                                            "RETURNING id"));
  SavedSearch out = search;
  out.created = clock_.Now();
  insert.BindText(1, user);
  insert.BindText(2, search.name);
  insert.BindText(3, search.query);
  insert.BindText(4, search.from);
  insert.BindText(5, search.to);
  insert.BindInt(6, out.created);
  ASSIGN_OR_RETURN(bool row, insert.Step());
  if (!row) return Internal("saved search not stored");
  out.id = std::to_string(insert.Int(0));
  return out;
}

Result<std::vector<SavedSearch>> SavedSearches::List(std::string_view user) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT id, name, query, time_from, time_to, created FROM "
                                       "saved_searches WHERE user = ? ORDER BY name"));
  q.BindText(1, user);
  std::vector<SavedSearch> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back({std::to_string(q.Int(0)), std::string(q.Text(1)), std::string(q.Text(2)),
                   std::string(q.Text(3)), std::string(q.Text(4)), q.Int(5)});
  }
  return out;
}

Status SavedSearches::Remove(std::string_view user, std::string_view id) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  const Status missing = NotFound("no saved search '" + std::string(id) + "' of yours");
  if (ec != std::errc() || end != id.data() + id.size()) return missing;
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("DELETE FROM saved_searches WHERE id = ? AND user = ? "
                                       "RETURNING id"));
  q.BindInt(1, n);
  q.BindText(2, user);
  ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? Status::Ok() : missing;
}

}  // namespace pantau
