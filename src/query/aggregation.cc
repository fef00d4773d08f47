#include "query/aggregation.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <span>
#include <unordered_set>

#include "core/time.h"
#include "query/group_index.h"
#include "store/sqlite/schema.h"

namespace pantau::query {
namespace {

// A value of a group key or a result column, text by reference: what rows are compared by,
// without copying. Values order as SQLite orders them: NULL, then numbers (by value), then text.
struct Cell {
  ValueKind kind = ValueKind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view text;

  int Rank() const { return kind == ValueKind::kNull ? 0 : kind == ValueKind::kText ? 2 : 1; }
  double Number() const { return kind == ValueKind::kInt ? static_cast<double>(i) : d; }
};

int Compare(const Cell& a, const Cell& b) {
  const int ra = a.Rank(), rb = b.Rank();
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 1) {
    const double x = a.Number(), y = b.Number();
    return x < y ? -1 : y < x ? 1 : 0;
  }
  if (ra == 2) {
    const int c = a.text.compare(b.text);
    return (c > 0) - (c < 0);
  }
  return 0;
}

Cell CellOf(const Value& v) {
  Cell c;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    c.kind = ValueKind::kInt;
    c.i = *i;
  } else if (const auto* b = std::get_if<bool>(&v)) {
    c.kind = ValueKind::kInt;
    c.i = *b ? 1 : 0;
  } else if (const auto* d = std::get_if<double>(&v)) {
    c.kind = ValueKind::kReal;
    c.d = *d;
  } else if (const auto* t = std::get_if<std::string>(&v)) {
    c.kind = ValueKind::kText;
    c.text = *t;
  }
  return c;
}

Cell CellOf(const ScanRow& row, int column) {
  Cell c;
  c.kind = row.KindAt(column);
  if (c.kind == ValueKind::kInt) c.i = row.Int(column);
  if (c.kind == ValueKind::kReal) c.d = row.Real(column);
  if (c.kind == ValueKind::kText) c.text = row.Text(column);
  return c;
}

Value ValueOf(const Cell& c) {
  switch (c.kind) {
    case ValueKind::kInt:
      return c.i;
    case ValueKind::kReal:
      return c.d;
    case ValueKind::kText:
      return std::string(c.text);
    default:
      return Value{};
  }
}

// Group keys as bytes: a tag per value, then its bytes; equal bytes, equal keys (1 and 1.0 are
// two groups, as they are two values).
template <typename T>
void AppendBytes(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void AppendKey(std::string& key, const Cell& c) {
  switch (c.kind) {
    case ValueKind::kNull:
      key.push_back('n');
      break;
    case ValueKind::kInt:
      key.push_back('i');
      AppendBytes(key, c.i);
      break;
    case ValueKind::kReal:
      key.push_back('d');
      AppendBytes(key, c.d);
      break;
    case ValueKind::kText:
      key.push_back('s');
      AppendBytes(key, static_cast<uint32_t>(c.text.size()));
      key.append(c.text);
      break;
  }
}

// Reads the value at the front of `key` and moves past it.
Cell TakeKey(std::string_view& key) {
  Cell c;
  const char tag = key.front();
  key.remove_prefix(1);
  if (tag == 'i' || tag == 'd') {
    c.kind = tag == 'i' ? ValueKind::kInt : ValueKind::kReal;
    std::memcpy(tag == 'i' ? static_cast<void*>(&c.i) : static_cast<void*>(&c.d), key.data(), 8);
    key.remove_prefix(8);
  } else if (tag == 's') {
    uint32_t n = 0;
    std::memcpy(&n, key.data(), sizeof n);
    c.kind = ValueKind::kText;
    c.text = key.substr(sizeof n, n);
    key.remove_prefix(sizeof n + n);
  }
  return c;
}

// Keys past this many bytes in all stop an aggregation: grouping by a field that is unique per
// event over a long range would otherwise take the server's memory.
constexpr size_t kMaxKeyBytes = size_t{1} << 30;

// A row of NULLs.
class NullRow final : public ScanRow {
 public:
  ValueKind KindAt(int) const override { return ValueKind::kNull; }
  int64_t Int(int) const override { return 0; }
  double Real(int) const override { return 0; }
  std::string_view Text(int) const override { return {}; }
};

// One aggregating stage (stats, top, timechart) over scanned rows, then the sort and head
// stages after it over the groups, so that `| sort -count | head 10` over millions of groups
// turns ten of them into rows, not all.
class Grouper {
 public:
  explicit Grouper(const Stage& stage) : stage_(stage) {
    if (stage.kind == Stage::Kind::kTimechart) {
      // The bucket: event time floored to the span (a floor for times before 1970 too).
      const int64_t span = stage.span_s * kNsPerSecond;
      scan_.columns.push_back("(e.ts - (((e.ts % ?) + ?) % ?))");
      scan_.column_params.insert(scan_.column_params.end(), {span, span, span});
      names_.push_back("@timestamp");
    }
    for (const auto& field : stage.by) {
      AddColumn(field);
      names_.push_back(field);
    }
    keys_ = static_cast<int>(scan_.columns.size());
    for (const auto& a : stage.aggregates) {
      Agg agg;
      agg.fn = a.fn;
      if (a.fn != Aggregate::Fn::kCount) {
        const auto known = std::find(fields_.begin(), fields_.end(), a.field);
        agg.column = keys_ + static_cast<int>(known - fields_.begin());
        if (known == fields_.end()) {
          fields_.push_back(a.field);
          AddColumn(a.field);
        }
      }
      aggs_.push_back(std::move(agg));
      names_.push_back(a.Name());
    }
  }

  const SqlScan& scan() const { return scan_; }

  // Adds a scanned row, counted `weight` times (several events at once: per-minute counts).
  // Rows are copied into a batch first: looking up a batch's groups after their slots were
  // prefetched overlaps the cache misses that otherwise take most of the time.
  Status Add(const ScanRow& row, int64_t weight = 1) {
    Pending& p = pending_.emplace_back();
    p.start = batch_.size();
    for (int c = 0; c < keys_; ++c) AppendKey(batch_, CellOf(row, c));
    p.key_end = batch_.size();
    for (size_t f = 0; f < fields_.size(); ++f) {
      AppendKey(batch_, CellOf(row, keys_ + static_cast<int>(f)));
    }
    p.weight = weight;
    p.fingerprint = GroupIndex::Hash(std::string_view(batch_).substr(p.start, p.key_end - p.start));
    groups_.Prefetch(p.fingerprint);
    return pending_.size() == kBatch ? Flush() : Status::Ok();
  }

  // The groups as a table, after the stages that follow (sort, head).
  Result<Table> Finish(std::span<const Stage> later) {
    if (keys_ == 0 && pending_.empty() && groups_.size() == 0) {
      // No events: still one row (count 0), as a total without groups always has.
      RETURN_IF_ERROR(Add(NullRow(), 0));
    }
    RETURN_IF_ERROR(Flush());
    std::vector<uint32_t> order(groups_.size());
    for (uint32_t g = 0; g < order.size(); ++g) order[g] = g;
    std::vector<std::pair<size_t, bool>> pending;  // sort columns, most significant first
    bool ordered = false;  // `order` is in final order, as far as the stages so far go
    const auto apply = [&](size_t limit) {
      const auto less = [&](uint32_t a, uint32_t b) {
        for (const auto& [column, descending] : pending) {
          const int c = Compare(Column(a, column), Column(b, column));
          if (c != 0) return descending ? c > 0 : c < 0;
        }
        if (ordered) return false;
        const int c = CompareKeys(a, b);
        return c != 0 ? c < 0 : a < b;
      };
      if (ordered) {
        std::stable_sort(order.begin(), order.end(), less);
      } else if (limit < order.size()) {
        std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(limit), order.end(),
                          less);
      } else {
        std::sort(order.begin(), order.end(), less);
      }
      if (order.size() > limit) order.resize(limit);
      pending.clear();
      ordered = true;
    };
    if (stage_.kind == Stage::Kind::kTop) {
      // Most frequent first, with each value's share of all matching events that have the field.
      std::erase_if(order, [&](uint32_t g) { return groups_.Key(g).front() == 'n'; });
      for (uint32_t g : order) top_total_ += counts_[g];
      names_.push_back("percent");
      pending.emplace_back(keys_, true);
      apply(stage_.limit);
    }
    for (const Stage& s : later) {
      if (s.kind == Stage::Kind::kSort) {
        std::vector<std::pair<size_t, bool>> keys;
        for (const auto& [name, descending] : s.sort) {
          const auto it = std::find(names_.begin(), names_.end(), name);
          if (it == names_.end()) {
            std::string known;
            for (const auto& c : names_) known += (known.empty() ? "" : ", ") + c;
            return InvalidArgument("sort: no column '" + name + "' (columns: " + known + ")");
          }
          keys.emplace_back(it - names_.begin(), descending);
        }
        pending.insert(pending.begin(), keys.begin(), keys.end());
      }
      if (s.kind == Stage::Kind::kHead) apply(s.limit);
    }
    if (!ordered || !pending.empty()) apply(order.size());
    Table t;
    t.columns = names_;
    t.rows.reserve(order.size());
    for (uint32_t g : order) {
      std::vector<Value> row;
      row.reserve(names_.size());
      for (size_t c = 0; c < names_.size(); ++c) row.push_back(ValueOf(Column(g, c)));
      if (stage_.kind == Stage::Kind::kTimechart) {
        row[0] = FormatRfc3339(static_cast<TimeNs>(std::get<int64_t>(row[0])));
      }
      t.rows.push_back(std::move(row));
    }
    return t;
  }

 private:
  // One aggregate's state, per group.
  struct Agg {
    Aggregate::Fn fn = Aggregate::Fn::kCount;
    int column = -1;                       // its field's scan column; -1 for count
    std::vector<double> sums;              // sum, avg
    std::vector<int64_t> numbers;          // sum, avg: numeric values seen; dc: distinct values
    std::vector<Value> best;               // min, max
    std::unordered_set<std::string> seen;  // dc: group number and value key

    void Grow() {
      if (fn == Aggregate::Fn::kSum || fn == Aggregate::Fn::kAvg) sums.push_back(0);
      if (fn == Aggregate::Fn::kMin || fn == Aggregate::Fn::kMax) best.emplace_back();
      numbers.push_back(0);
    }
    void Add(uint32_t g, const Cell& v, std::string& key) {
      if (v.kind == ValueKind::kNull) return;
      switch (fn) {
        case Aggregate::Fn::kSum:
        case Aggregate::Fn::kAvg:
          if (v.kind != ValueKind::kText) {
            sums[g] += v.Number();
            ++numbers[g];
          }
          break;
        case Aggregate::Fn::kMin:
        case Aggregate::Fn::kMax: {
          const Cell current = CellOf(best[g]);
          const int c = Compare(v, current);
          if (current.kind == ValueKind::kNull || (fn == Aggregate::Fn::kMin ? c < 0 : c > 0)) {
            best[g] = ValueOf(v);
          }
          break;
        }
        case Aggregate::Fn::kDistinctCount:
          key.clear();
          AppendBytes(key, g);
          AppendKey(key, v);
          if (seen.insert(key).second) ++numbers[g];
          break;
        case Aggregate::Fn::kCount:
          break;
      }
    }
  };

  // A row waiting in the batch: batch_[start, key_end) is its key, then its aggregated values.
  struct Pending {
    size_t start = 0, key_end = 0;
    int64_t weight = 1;
    uint32_t fingerprint = 0;
  };
  static constexpr size_t kBatch = 32;

  Status Flush() {
    const std::string_view batch = batch_;
    for (size_t r = 0; r < pending_.size(); ++r) {
      const Pending& p = pending_[r];
      const size_t end = r + 1 < pending_.size() ? pending_[r + 1].start : batch.size();
      const auto [g, added] =
          groups_.Insert(batch.substr(p.start, p.key_end - p.start), p.fingerprint);
      if (added) {
        if (groups_.key_bytes() > kMaxKeyBytes) {
          return InvalidArgument("the aggregation has " + std::to_string(groups_.size()) +
                                 " groups and holds more than 1 GiB of their values; group by "
                                 "fewer or narrower fields, or narrow the time range");
        }
        counts_.push_back(0);
        for (Agg& a : aggs_) a.Grow();
      }
      counts_[g] += p.weight;
      if (fields_.empty()) continue;
      std::string_view values = batch.substr(p.key_end, end - p.key_end);
      values_.clear();
      while (!values.empty()) values_.push_back(TakeKey(values));
      for (Agg& a : aggs_) {
        if (a.column >= 0) a.Add(g, values_[a.column - keys_], dc_key_);
      }
    }
    pending_.clear();
    batch_.clear();
    return Status::Ok();
  }

  // A field's value as a scan column: its column, or the fields JSON at a bound path.
  void AddColumn(const std::string& field) {
    if (auto column = sqlite::ColumnFor(field)) {
      scan_.columns.emplace_back(*column);
    } else {
      scan_.columns.emplace_back(sqlite::kJsonFieldSql);
      scan_.needs_body = true;
      scan_.column_params.push_back("$.\"" + field + "\"");
    }
  }

  // Column `c` of group g's row: its keys, then one per aggregate (then percent, for top).
  Cell Column(uint32_t g, size_t c) const {
    if (c < static_cast<size_t>(keys_)) {
      std::string_view key = groups_.Key(g);
      for (size_t skip = 0; skip < c; ++skip) TakeKey(key);
      return TakeKey(key);
    }
    Cell out;
    out.kind = ValueKind::kInt;
    if (c - keys_ == aggs_.size()) {  // percent
      out.kind = ValueKind::kReal;
      out.d = top_total_ ? 100.0 * static_cast<double>(counts_[g]) / top_total_ : 0.0;
      return out;
    }
    const Agg& a = aggs_[c - keys_];
    switch (a.fn) {
      case Aggregate::Fn::kCount:
        out.i = counts_[g];
        break;
      case Aggregate::Fn::kDistinctCount:
        out.i = a.numbers[g];
        break;
      case Aggregate::Fn::kSum:
      case Aggregate::Fn::kAvg:
        out.kind = a.numbers[g] ? ValueKind::kReal : ValueKind::kNull;
        out.d = a.fn == Aggregate::Fn::kSum ? a.sums[g] : a.sums[g] / a.numbers[g];
        break;
      case Aggregate::Fn::kMin:
      case Aggregate::Fn::kMax:
        out = CellOf(a.best[g]);
        break;
    }
    return out;
  }

  int CompareKeys(uint32_t a, uint32_t b) const {
    std::string_view x = groups_.Key(a), y = groups_.Key(b);
    for (int c = 0; c < keys_; ++c) {
      const int order = Compare(TakeKey(x), TakeKey(y));
      if (order != 0) return order;
    }
    return 0;
  }

  const Stage& stage_;
  SqlScan scan_;
  std::vector<std::string> names_;   // result columns
  std::vector<std::string> fields_;  // fields aggregated, each a scan column after the keys
  int keys_ = 0;
  std::vector<Agg> aggs_;
  GroupIndex groups_;
  std::vector<int64_t> counts_;
  int64_t top_total_ = 0;
  std::vector<Pending> pending_;
  std::string batch_, dc_key_;  // reused buffers
  std::vector<Cell> values_;
};

// Per-minute counts as scan rows: the minute's bucket, counted n times.
class BucketRow final : public ScanRow {
 public:
  int64_t bucket = 0;
  ValueKind KindAt(int) const override { return ValueKind::kInt; }
  int64_t Int(int) const override { return bucket; }
  double Real(int) const override { return static_cast<double>(bucket); }
  std::string_view Text(int) const override { return {}; }
};

}  // namespace

std::string RowToJson(const Table& table, size_t row) {
  std::string out = "{";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    AppendJsonString(out, table.columns[c]);
    out.push_back(':');
    AppendJsonValue(out, table.rows[row][c]);
  }
  out.push_back('}');
  return out;
}

std::string TableToJson(const Table& table) {
  std::string out = "{\"columns\":[";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    AppendJsonString(out, table.columns[c]);
  }
  out += "],\"rows\":[";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (r > 0) out.push_back(',');
    out.push_back('[');
    for (size_t c = 0; c < table.rows[r].size(); ++c) {
      if (c > 0) out.push_back(',');
      AppendJsonValue(out, table.rows[r][c]);
    }
    out.push_back(']');
  }
  out += "],\"total\":" + std::to_string(table.rows.size()) + "}";
  return out;
}

Result<Table> RunStages(const EventStore& store, const ReadRequest& request,
                        const std::vector<Stage>& stages) {
  Stage first = stages.front();
  if (first.kind == Stage::Kind::kTop) first.aggregates = {Aggregate{}};  // count by the field
  Grouper grouper(first);
  const bool from_counts =
      first.kind == Stage::Kind::kTimechart && first.by.empty() && first.aggregates.size() == 1 &&
      first.aggregates[0].fn == Aggregate::Fn::kCount && request.filter.where.empty() &&
      first.span_s % 60 == 0 && EventStore::OnWholeMinutes(request.from, request.to);
  const bool counts_only =
      first.kind == Stage::Kind::kStats && first.by.empty() &&
      std::all_of(first.aggregates.begin(), first.aggregates.end(),
                  [](const Aggregate& a) { return a.fn == Aggregate::Fn::kCount; });
  if (counts_only) {
    // `| stats count`: the store counts without handing over rows.
    ASSIGN_OR_RETURN(const int64_t n, store.Count(request));
    BucketRow row;
    RETURN_IF_ERROR(grouper.Add(row, n));
  } else if (from_counts) {
    // `| timechart span=N count` over every event: the per-minute counts the store keeps answer
    // without reading events.
    ASSIGN_OR_RETURN(auto minutes, store.MinuteCounts(request.from, request.to));
    const TimeNs span = first.span_s * kNsPerSecond;
    BucketRow row;
    for (const auto& [start, n] : minutes) {
      row.bucket = start - (((start % span) + span) % span);
      RETURN_IF_ERROR(grouper.Add(row, n));
    }
  } else {
    RETURN_IF_ERROR(
        store.Scan(request, grouper.scan(), [&](const ScanRow& row) { return grouper.Add(row); }));
  }
  return grouper.Finish(std::span(stages).subspan(1));
}

}  // namespace pantau::query
