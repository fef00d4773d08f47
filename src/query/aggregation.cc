#include "query/aggregation.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/time.h"
#include "store/sqlite/schema.h"

namespace pantau::query {
namespace {

// Values compare as SQLite orders them: NULL, then numbers (by value), then text.
int Rank(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return 0;
  if (std::holds_alternative<std::string>(v)) return 2;
  return 1;
}

double Number(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return 0;
}

bool Less(const Value& a, const Value& b) {
  const int ra = Rank(a), rb = Rank(b);
  if (ra != rb) return ra < rb;
  if (ra == 1) return Number(a) < Number(b);
  if (ra == 2) return std::get<std::string>(a) < std::get<std::string>(b);
  return false;
}

// A key that tells values apart by type as well as text.
std::string KeyOf(const Value& v) {
  std::string k;
  switch (Rank(v)) {
    case 0:
      return "n";
    case 1:
      k = std::holds_alternative<double>(v) ? "d" : "i";
      AppendJsonValue(k, v);
      return k;
    default:
      return "s" + std::get<std::string>(v);
  }
}

// Where each piece of a partition's grouped row is, for one aggregating stage.
struct Layout {
  std::vector<std::string> key_names;
  std::vector<std::string> dc_fields;  // distinct fields, each a column after the keys
  std::vector<size_t> agg_column;      // per aggregate: its first partial column
  size_t count_column = 0;
};

// The SQL of one field's value: its column, or the fields JSON at a bound path.
void FieldSql(const std::string& field, SqlGroupedRead& read, std::string& sql) {
  if (auto column = sqlite::ColumnFor(field)) {
    sql += *column;
  } else {
    sql += sqlite::kJsonFieldSql;
    read.needs_body = true;
    read.column_params.push_back("$.\"" + field + "\"");
  }
}

Result<std::pair<SqlGroupedRead, Layout>> Plan(const Stage& s) {
  SqlGroupedRead read;
  Layout layout;
  auto add = [&](auto&& build) {
    std::string sql;
    build(sql);
    read.columns.push_back(std::move(sql));
  };
  if (s.kind == Stage::Kind::kTimechart) {
    // The bucket: event time floored to the span (a floor for times before 1970 too).
    const int64_t span = s.span_s * kNsPerSecond;
    add([&](std::string& sql) { sql += "(e.ts - (((e.ts % ?) + ?) % ?))"; });
    read.column_params.insert(read.column_params.end(), {span, span, span});
    layout.key_names.push_back("@timestamp");
  }
  for (const auto& field : s.by) {
    add([&](std::string& sql) { FieldSql(field, read, sql); });
    layout.key_names.push_back(field);
  }
  for (const auto& a : s.aggregates) {
    if (a.fn == Aggregate::Fn::kDistinctCount &&
        std::find(layout.dc_fields.begin(), layout.dc_fields.end(), a.field) ==
            layout.dc_fields.end()) {
      layout.dc_fields.push_back(a.field);
      add([&](std::string& sql) { FieldSql(a.field, read, sql); });
    }
  }
  layout.count_column = read.columns.size();
  add([](std::string& sql) { sql += "count(*)"; });
  for (const auto& a : s.aggregates) {
    layout.agg_column.push_back(read.columns.size());
    auto numeric = [&](const char* fn) {
      add([&](std::string& sql) {
        sql += std::string(fn) + "(CASE WHEN typeof(";
        FieldSql(a.field, read, sql);
        sql += ") IN ('integer', 'real') THEN ";
        FieldSql(a.field, read, sql);
        sql += " END)";
      });
    };
    switch (a.fn) {
      case Aggregate::Fn::kSum:
      case Aggregate::Fn::kAvg:
        numeric("sum");
        numeric("count");
        break;
      case Aggregate::Fn::kMin:
        add([&](std::string& sql) {
          sql += "min(";
          FieldSql(a.field, read, sql);
          sql += ")";
        });
        break;
      case Aggregate::Fn::kMax:
        add([&](std::string& sql) {
          sql += "max(";
          FieldSql(a.field, read, sql);
          sql += ")";
        });
        break;
      default:
        break;
    }
  }
  const size_t group_columns = layout.key_names.size() + layout.dc_fields.size();
  for (size_t i = 1; i <= group_columns; ++i) {
    read.group_by += (i > 1 ? ", " : "") + std::to_string(i);
  }
  return std::make_pair(std::move(read), std::move(layout));
}

struct Group {
  std::vector<Value> keys;
  int64_t count = 0;
  std::vector<double> sums;
  std::vector<int64_t> numbers;
  std::vector<Value> mins, maxs;
  std::vector<std::set<std::string>> distinct;  // per dc field
};

Table Merge(const Stage& s, const Layout& layout, const std::vector<std::vector<Value>>& rows) {
  const size_t nk = layout.key_names.size();
  const size_t na = s.aggregates.size();
  // Hashed, not ordered: a high-cardinality `by` (millions of source IPs) makes millions of
  // groups, and the rows are sorted once at the end anyway.
  std::unordered_map<std::string, size_t> index;
  index.reserve(rows.size());
  std::vector<Group> groups;
  std::string key;
  for (const auto& row : rows) {
    key.clear();
    for (size_t i = 0; i < nk; ++i) {
      key += KeyOf(row[i]);
      key += '\x1f';
    }
    auto [it, added] = index.try_emplace(key, groups.size());
    if (added) {
      Group& fresh = groups.emplace_back();
      fresh.keys.assign(row.begin(), row.begin() + nk);
      fresh.sums.assign(na, 0);
      fresh.numbers.assign(na, 0);
      fresh.mins.assign(na, Value{});
      fresh.maxs.assign(na, Value{});
      fresh.distinct.resize(layout.dc_fields.size());
    }
    Group& g = groups[it->second];
    g.count += static_cast<int64_t>(Number(row[layout.count_column]));
    for (size_t d = 0; d < layout.dc_fields.size(); ++d) {
      const Value& v = row[nk + d];
      if (!std::holds_alternative<std::monostate>(v)) g.distinct[d].insert(KeyOf(v));
    }
    for (size_t a = 0; a < na; ++a) {
      const size_t c = layout.agg_column[a];
      switch (s.aggregates[a].fn) {
        case Aggregate::Fn::kSum:
        case Aggregate::Fn::kAvg:
          g.sums[a] += Number(row[c]);
          g.numbers[a] += static_cast<int64_t>(Number(row[c + 1]));
          break;
        case Aggregate::Fn::kMin:
          if (Rank(row[c]) != 0 && (Rank(g.mins[a]) == 0 || Less(row[c], g.mins[a]))) {
            g.mins[a] = row[c];
          }
          break;
        case Aggregate::Fn::kMax:
          if (Rank(row[c]) != 0 && (Rank(g.maxs[a]) == 0 || Less(g.maxs[a], row[c]))) {
            g.maxs[a] = row[c];
          }
          break;
        default:
          break;
      }
    }
  }
  Table t;
  t.columns = layout.key_names;
  for (const auto& a : s.aggregates) t.columns.push_back(a.Name());
  t.rows.reserve(groups.size());
  for (auto& g : groups) {
    std::vector<Value> out = std::move(g.keys);
    if (s.kind == Stage::Kind::kTimechart) {
      out[0] = FormatRfc3339(static_cast<TimeNs>(Number(out[0])));
    }
    for (size_t a = 0; a < na; ++a) {
      const Aggregate& agg = s.aggregates[a];
      switch (agg.fn) {
        case Aggregate::Fn::kCount:
          out.push_back(g.count);
          break;
        case Aggregate::Fn::kDistinctCount: {
          const size_t d = std::find(layout.dc_fields.begin(), layout.dc_fields.end(), agg.field) -
                           layout.dc_fields.begin();
          out.push_back(static_cast<int64_t>(g.distinct[d].size()));
          break;
        }
        case Aggregate::Fn::kSum:
          out.push_back(g.numbers[a] ? Value(g.sums[a]) : Value{});
          break;
        case Aggregate::Fn::kAvg:
          out.push_back(g.numbers[a] ? Value(g.sums[a] / g.numbers[a]) : Value{});
          break;
        case Aggregate::Fn::kMin:
          out.push_back(g.mins[a]);
          break;
        case Aggregate::Fn::kMax:
          out.push_back(g.maxs[a]);
          break;
      }
    }
    t.rows.push_back(std::move(out));
  }
  // Rows in key order (time order for timechart), as the first sort a user would want.
  std::sort(t.rows.begin(), t.rows.end(), [nk](const auto& a, const auto& b) {
    for (size_t i = 0; i < nk; ++i) {
      if (Less(a[i], b[i])) return true;
      if (Less(b[i], a[i])) return false;
    }
    return false;
  });
  return t;
}

Status SortRows(const Stage& s, Table& t) {
  std::vector<std::pair<size_t, bool>> keys;
  for (const auto& [column, descending] : s.sort) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), column);
    if (it == t.columns.end()) {
      std::string known;
      for (const auto& c : t.columns) known += (known.empty() ? "" : ", ") + c;
      return InvalidArgument("sort: no column '" + column + "' (columns: " + known + ")");
    }
    keys.emplace_back(it - t.columns.begin(), descending);
  }
  std::stable_sort(t.rows.begin(), t.rows.end(), [&](const auto& a, const auto& b) {
    for (const auto& [i, descending] : keys) {
      if (Less(a[i], b[i])) return !descending;
      if (Less(b[i], a[i])) return descending;
    }
    return false;
  });
  return Status::Ok();
}

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

// `| timechart span=N count` over every event: answered from the per-minute counts the store
// keeps, without reading events. REQUIRES: the span is whole minutes.
Result<Table> TimechartFromMinuteCounts(const EventStore& store, const ReadRequest& request,
                                        const Stage& s) {
  ASSIGN_OR_RETURN(auto minutes, store.MinuteCounts(request.from, request.to));
  const TimeNs span = s.span_s * kNsPerSecond;
  std::map<TimeNs, int64_t> buckets;
  for (const auto& [start, n] : minutes) {
    const TimeNs floor = start - (((start % span) + span) % span);
    buckets[floor] += n;
  }
  Table t;
  t.columns = {"@timestamp", "count"};
  for (const auto& [start, n] : buckets) t.rows.push_back({FormatRfc3339(start), n});
  return t;
}

Result<Table> RunStages(const EventStore& store, const ReadRequest& request,
                        const std::vector<Stage>& stages) {
  Stage first = stages.front();
  const bool from_counts =
      first.kind == Stage::Kind::kTimechart && first.by.empty() && first.aggregates.size() == 1 &&
      first.aggregates[0].fn == Aggregate::Fn::kCount && request.filter.where.empty() &&
      first.span_s % 60 == 0 && EventStore::OnWholeMinutes(request.from, request.to);
  const bool top = first.kind == Stage::Kind::kTop;
  if (top) first.aggregates = {Aggregate{}};  // count by the field
  Table t;
  if (from_counts) {
    ASSIGN_OR_RETURN(t, TimechartFromMinuteCounts(store, request, first));
  } else {
    ASSIGN_OR_RETURN(auto plan, Plan(first));
    ASSIGN_OR_RETURN(auto rows, store.ReadGrouped(request, plan.first));
    t = Merge(first, plan.second, rows);
  }
  if (top) {
    // Most frequent first, with each value's share of all matching events that have the field.
    int64_t total = 0;
    for (const auto& r : t.rows) {
      if (!std::holds_alternative<std::monostate>(r[0])) total += std::get<int64_t>(r[1]);
    }
    std::erase_if(t.rows,
                  [](const auto& r) { return std::holds_alternative<std::monostate>(r[0]); });
    std::stable_sort(t.rows.begin(), t.rows.end(), [](const auto& a, const auto& b) {
      return std::get<int64_t>(a[1]) > std::get<int64_t>(b[1]);
    });
    if (t.rows.size() > first.limit) t.rows.resize(first.limit);
    t.columns.push_back("percent");
    for (auto& r : t.rows) {
      r.push_back(total ? 100.0 * static_cast<double>(std::get<int64_t>(r[1])) / total : 0.0);
    }
  }
  for (size_t i = 1; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    if (s.kind == Stage::Kind::kSort) RETURN_IF_ERROR(SortRows(s, t));
    if (s.kind == Stage::Kind::kHead && t.rows.size() > s.limit) t.rows.resize(s.limit);
  }
  return t;
}

}  // namespace pantau::query
