#include "detect/anomaly/template_index.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "core/files.h"
#include "core/hash.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau::anomaly {
namespace {

constexpr std::string_view kStateHeader = "pantau-template-index 1\n";
constexpr std::string_view kOverflowName = "(other)";  // the overflow miner's dataset in the table

uint64_t SaltOf(std::string_view dataset, bool overflow) {
  return Fnv1a64(std::string(overflow ? "overflow" : "dataset:") + std::string(dataset));
}

// The first `max` bytes of `s`, not cutting a UTF-8 sequence.
std::string_view Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

TemplateRow RowAt(const sqlite::Stmt& s) {
  TemplateRow r;
  r.id = std::string(s.Text(0));
  r.dataset = std::string(s.Text(1));
  r.text = std::string(s.Text(2));
  r.count = static_cast<uint64_t>(s.Int(3));
  r.first_seen = s.Int(4);
  r.last_seen = s.Int(5);
  r.example = std::string(s.Text(6));
  return r;
}

constexpr std::string_view kColumns =
    "id, dataset, template, count, first_seen, last_seen, example";

}  // namespace

std::string TemplateRow::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "dataset", dataset);
  AppendJsonMember(out, "template", text);
  out += R"(,"count":)" + std::to_string(count);
  AppendJsonMember(out, "first_seen", FormatRfc3339(first_seen));
  AppendJsonMember(out, "last_seen", FormatRfc3339(last_seen));
  AppendJsonMember(out, "example", example);
  AppendJsonMember(out, "query", std::string(kTemplateIdField) + ":" + id);
  return out + "}";
}

TemplateIndex::TemplateIndex(std::string data_dir, TemplateIndexOptions options)
    : data_dir_(std::move(data_dir)),
      state_path_(data_dir_ + "/templates.state"),
      options_(options) {}

TemplateIndex::~TemplateIndex() = default;

Result<std::unique_ptr<TemplateIndex>> TemplateIndex::Open(const std::string& data_dir,
                                                           TemplateIndexOptions options) {
  // Checks that the table is there (and migrates) before the first event needs it.
  RETURN_IF_ERROR(sqlite::OpenMainDb(data_dir).status());
  std::unique_ptr<TemplateIndex> index(new TemplateIndex(data_dir, options));
  std::error_code ec;
  if (std::filesystem::exists(index->state_path_, ec)) {
    auto text = ReadFileText(index->state_path_);
    Status s = text.status();
    if (s.ok()) s = index->Deserialize(*text);
    if (!s.ok()) {
      const std::string aside = index->state_path_ + ".bad";
      std::filesystem::rename(index->state_path_, aside, ec);
      spdlog::error("{}: {}; moved to {}, template ids start afresh", index->state_path_,
                    s.message(), aside);
      std::lock_guard lock(index->mu_);
      index->miners_.clear();
      index->overflow_.reset();
    }
  }
  return index;
}

TemplateIndex::DatasetMiner& TemplateIndex::MinerFor(const std::string& dataset) {
  if (auto it = miners_.find(dataset); it != miners_.end()) return *it->second;
  if (miners_.size() < options_.max_datasets) {
    auto m = std::make_unique<DatasetMiner>(
        DatasetMiner{dataset, SaltOf(dataset, false), TemplateMiner(options_.miner)});
    return *miners_.emplace(dataset, std::move(m)).first->second;
  }
  if (!overflow_) {
    overflow_ = std::make_unique<DatasetMiner>(DatasetMiner{
        std::string(kOverflowName), SaltOf(kOverflowName, true), TemplateMiner(options_.miner)});
  }
  return *overflow_;
}

void TemplateIndex::Enrich(std::span<Event> events) {
  bool flush = false;
  {
    std::lock_guard lock(mu_);
    for (Event& e : events) {
      if (e.message.empty()) continue;
      DatasetMiner& m = MinerFor(e.dataset);
      const TemplateMatch match = m.miner.Add(e.message);
      const TemplateId id = match.id ^ m.salt;
      e.fields.Set(kTemplateIdField, FormatTemplateId(id));
      const TimeNs t = e.timestamp != 0 ? e.timestamp : e.received;
      auto [it, added] = pending_.try_emplace(id);
      Tally& tally = it->second;
      if (added) {
        tally.miner = &m;
        tally.miner_id = match.id;
        tally.first_seen = tally.last_seen = t;
        tally.example = std::string(Prefix(e.message, options_.max_example_bytes));
      }
      ++tally.count;
      tally.first_seen = std::min(tally.first_seen, t);
      tally.last_seen = std::max(tally.last_seen, t);
    }
    flush = pending_.size() >= options_.max_pending;
  }
  if (flush) {
    if (Status s = Flush(); !s.ok()) spdlog::error("log templates: {}", s.ToString());
  }
}

Status TemplateIndex::Flush() {
  std::lock_guard flush_lock(flush_mu_);
  std::vector<TemplateRow> rows;
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) return Status::Ok();
    rows.reserve(pending_.size());
    for (auto& [id, tally] : pending_) {
      TemplateRow r;
      r.id = FormatTemplateId(id);
      r.dataset = tally.miner->dataset;
      // A template the miner has forgotten keeps the text the table has.
      r.text = tally.miner->miner.Text(tally.miner_id).value_or("");
      r.count = tally.count;
      r.first_seen = tally.first_seen;
      r.last_seen = tally.last_seen;
      r.example = std::move(tally.example);
      rows.push_back(std::move(r));
    }
    pending_.clear();
  }
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir_));
  return sqlite::InWriteTransaction(db, [&]() -> Status {
    ASSIGN_OR_RETURN(sqlite::Stmt upsert, db.Prepare(R"sql(
INSERT INTO log_templates(id, dataset, template, count, first_seen, last_seen, example)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT(id) DO UPDATE SET
  template = CASE WHEN excluded.template = '' THEN template ELSE excluded.template END,
  count = count + excluded.count,
  first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen))sql"));
    for (const TemplateRow& r : rows) {
      upsert.Reset();
      upsert.BindTextRef(1, r.id);
      upsert.BindTextRef(2, r.dataset);
      upsert.BindTextRef(3, r.text.empty() ? r.example : r.text);
      upsert.BindInt(4, static_cast<int64_t>(r.count));
      upsert.BindInt(5, r.first_seen);
      upsert.BindInt(6, r.last_seen);
      upsert.BindTextRef(7, r.example);
      RETURN_IF_ERROR(upsert.Run());
    }
    ASSIGN_OR_RETURN(sqlite::Stmt count, db.Prepare("SELECT count(*) FROM log_templates"));
    ASSIGN_OR_RETURN(const bool has_row, count.Step());
    const int64_t total = has_row ? count.Int(0) : 0;
    if (total > static_cast<int64_t>(options_.max_rows)) {
      ASSIGN_OR_RETURN(sqlite::Stmt prune, db.Prepare(R"sql(
DELETE FROM log_templates WHERE id IN
  (SELECT id FROM log_templates ORDER BY last_seen, id LIMIT ?1))sql"));
      prune.BindInt(1, total - static_cast<int64_t>(options_.max_rows));
      RETURN_IF_ERROR(prune.Run());
    }
    return Status::Ok();
  });
}

std::string TemplateIndex::SerializeLocked() const {
  // "miner" or "overflow", the name's and the state's lengths, then both: names are the senders'
  // and may hold any byte.
  std::string out(kStateHeader);
  auto add = [&out](std::string_view kind, std::string_view name, const TemplateMiner& miner) {
    const std::string state = miner.Serialize();
    out += fmt::format("{} {} {}\n", kind, name.size(), state.size());
    out += name;
    out += state;
    out += '\n';
  };
  for (const auto& [name, m] : miners_) add("miner", name, m->miner);
  if (overflow_) add("overflow", "", overflow_->miner);
  return out;
}

Status TemplateIndex::Deserialize(std::string_view text) {
  if (!text.starts_with(kStateHeader)) {
    return InvalidArgument("not a template state file (no 'pantau-template-index 1' header)");
  }
  text.remove_prefix(kStateHeader.size());
  std::lock_guard lock(mu_);
  for (int record = 1; !text.empty(); ++record) {
    const size_t eol = text.find('\n');
    const std::string_view head = text.substr(0, eol);
    auto bad = [record](std::string_view why) {
      return InvalidArgument(fmt::format("record {}: {}", record, why));
    };
    if (eol == std::string_view::npos) return bad("no header line");
    const size_t sp1 = head.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : head.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return bad("header is not 'KIND NAME_BYTES STATE_BYTES'");
    const std::string_view kind = head.substr(0, sp1);
    size_t name_len = 0, state_len = 0;
    const std::string_view a = head.substr(sp1 + 1, sp2 - sp1 - 1), b = head.substr(sp2 + 1);
    if (std::from_chars(a.data(), a.data() + a.size(), name_len).ptr != a.data() + a.size() ||
        std::from_chars(b.data(), b.data() + b.size(), state_len).ptr != b.data() + b.size()) {
      return bad("lengths are not numbers");
    }
    text.remove_prefix(eol + 1);
    if (text.size() < name_len + state_len + 1) return bad("cut short");
    const std::string name(text.substr(0, name_len));
    ASSIGN_OR_RETURN(TemplateMiner miner,
                     TemplateMiner::Deserialize(text.substr(name_len, state_len), options_.miner));
    text.remove_prefix(name_len + state_len + 1);
    if (kind == "miner") {
      miners_[name] =
          std::make_unique<DatasetMiner>(DatasetMiner{name, SaltOf(name, false), std::move(miner)});
    } else if (kind == "overflow") {
      overflow_ = std::make_unique<DatasetMiner>(
          DatasetMiner{std::string(kOverflowName), SaltOf(kOverflowName, true), std::move(miner)});
    } else {
      return bad("unknown kind '" + std::string(kind) + "'");
    }
  }
  return Status::Ok();
}

Status TemplateIndex::Save() {
  std::lock_guard flush_lock(flush_mu_);
  std::string text;
  {
    std::lock_guard lock(mu_);
    text = SerializeLocked();
  }
  return WriteFileAtomically(state_path_, text, "the template state");
}

Status TemplateIndex::Maintain() {
  RETURN_IF_ERROR(Flush());
  return Save();
}

std::optional<std::string> TemplateIndex::Text(std::string_view id) {
  const std::optional<TemplateId> parsed = ParseTemplateId(id);
  if (!parsed) return std::nullopt;
  std::lock_guard lock(mu_);
  // The id is a miner's id XOR its salt: ask each miner for its share of it.
  for (const auto& [name, m] : miners_) {
    if (auto text = m->miner.Text(*parsed ^ m->salt)) return text;
  }
  if (overflow_) return overflow_->miner.Text(*parsed ^ overflow_->salt);
  return std::nullopt;
}

Result<TemplatePage> TemplateIndex::List(const TemplateQuery& query) {
  RETURN_IF_ERROR(Flush());
  std::string_view order;
  if (query.sort == "count") {
    order = "count DESC, id";
  } else if (query.sort == "first_seen") {
    order = "first_seen DESC, id";
  } else if (query.sort == "last_seen") {
    order = "last_seen DESC, id";
  } else {
    return InvalidArgument("sort: one of count, first_seen, last_seen");
  }
  // ?1 dataset ('' for all), ?2 text ('' for all): the same filter for the page and the total.
  const std::string where =
      "WHERE (?1 = '' OR dataset = ?1) AND (?2 = '' OR instr(lower(template), lower(?2)) > 0)";
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir_));
  ASSIGN_OR_RETURN(sqlite::Stmt page,
                   db.Prepare(fmt::format("SELECT {} FROM log_templates {} ORDER BY {} LIMIT ?3 "
                                          "OFFSET ?4",
                                          kColumns, where, order)));
  page.BindTextRef(1, query.dataset);
  page.BindTextRef(2, query.text);
  page.BindInt(3, static_cast<int64_t>(query.limit));
  page.BindInt(4, static_cast<int64_t>(query.offset));
  TemplatePage out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, page.Step());
    if (!row) break;
    out.items.push_back(RowAt(page));
  }
  ASSIGN_OR_RETURN(sqlite::Stmt total, db.Prepare("SELECT count(*) FROM log_templates " + where));
  total.BindTextRef(1, query.dataset);
  total.BindTextRef(2, query.text);
  ASSIGN_OR_RETURN(const bool has_total, total.Step());
  out.total = has_total ? static_cast<uint64_t>(total.Int(0)) : 0;
  return out;
}

Result<TemplateRow> TemplateIndex::Get(std::string_view id) {
  if (!ParseTemplateId(id).has_value()) {
    return InvalidArgument("template id: 16 lower-case hex digits, e.g. 3f2a9c0d11e4b765");
  }
  RETURN_IF_ERROR(Flush());
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir_));
  ASSIGN_OR_RETURN(sqlite::Stmt s,
                   db.Prepare(fmt::format("SELECT {} FROM log_templates WHERE id = ?1", kColumns)));
  s.BindTextRef(1, id);
  ASSIGN_OR_RETURN(const bool found, s.Step());
  if (!found) return NotFound("no log template " + std::string(id));
  return RowAt(s);
}

}  // namespace pantau::anomaly
