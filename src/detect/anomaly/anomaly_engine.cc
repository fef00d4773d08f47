#include "detect/anomaly/anomaly_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/hash.h"
#include "core/time.h"
#include "detect/anomaly/anomaly_state.h"
#include "detect/anomaly/baseline.h"
#include "fmt/format.h"

namespace pantau::anomaly {
namespace {

constexpr size_t kMaxSourceBytes = 128;
constexpr size_t kMaxValueBytes = 256;
constexpr size_t kMaxPending = 10'000;  // series anomalies waiting for Tick
// A watermark jump closes at most this many buckets one by one; older ones are skipped.
constexpr int64_t kMaxCloseDays = 8;
// The band's low edge, drawn and told: median - 3 sigma. Nothing alerts on it (silence has its
// own rule), so it is not configurable.
constexpr double kLowSigmas = 3;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Cuts at a UTF-8 character boundary.
std::string_view Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<uint64_t> ParseTemplateHex(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = 0;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

std::optional<int64_t> IntField(const Event& e, std::string_view name) {
  const Value* v = e.fields.Find(name);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return *i;
  if (const auto* s = std::get_if<std::string>(v)) {
    int64_t n = 0;
    if (s->empty() || s->size() > 9) return std::nullopt;
    for (char c : *s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

struct SourceRef {
  std::string source;
  bool is_host = true;
};

SourceRef SourceOf(const Event& e) {
  for (std::string_view name : {"host.name", "observer.name", "observer.hostname"}) {
    std::string_view v = e.fields.GetString(name);
    if (!v.empty()) return {std::string(Cut(v, kMaxSourceBytes)), true};
  }
  std::string_view peer = e.fields.GetString("log.source.address");
  if (!peer.empty()) return {std::string(Cut(peer, kMaxSourceBytes)), false};
  return {"dataset:" + std::string(Cut(e.dataset, kMaxSourceBytes)), false};
}

// "4,210" (en) or "4.210" (id).
std::string Thousands(double v, char sep) {
  const int64_t n = static_cast<int64_t>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Quote(std::string_view s) { return "\"" + std::string(Cut(s, 160)) + "\""; }

struct LocalTimeText {
  std::string en;  // "2026-11-27 14:00 UTC+8"
  std::string id;  // "2026-11-27 14.00 UTC+8"
};
LocalTimeText FormatLocal(TimeNs t, int offset_minutes) {
  const std::string s = FormatRfc3339(t + int64_t{offset_minutes} * kNsPerMinute);
  std::string zone = "UTC";
  if (offset_minutes != 0) {
    zone += offset_minutes > 0 ? "+" : "-";
    const int a = std::abs(offset_minutes);
    zone += std::to_string(a / 60);
    if (a % 60 != 0) zone += fmt::format(":{:02}", a % 60);
  }
  const std::string day = s.substr(0, 10), hh = s.substr(11, 2), mm = s.substr(14, 2);
  return {day + " " + hh + ":" + mm + " " + zone, day + " " + hh + "." + mm + " " + zone};
}

// Drops the least recently seen eighth of `map` when it holds more than `cap`.
template <typename Map, typename LastSeen>
void EvictOldest(Map& map, size_t cap, LastSeen last_seen, uint64_t& evicted) {
  if (map.size() <= cap) return;
  std::vector<std::pair<TimeNs, uint64_t>> order;
  order.reserve(map.size());
  for (const auto& [k, v] : map) order.emplace_back(last_seen(v), k);
  const size_t drop = map.size() - cap + cap / 8;
  std::nth_element(order.begin(), order.begin() + static_cast<ptrdiff_t>(drop - 1), order.end());
  for (size_t i = 0; i < drop; ++i) map.erase(order[i].second);
  evicted += drop;
}

}  // namespace

namespace {

// The engine's work with the lock held; a separate class keeps the header small.
class Detectors {
 public:
  Detectors(const AnomalyConfig& config, AnomalyEngine::State& s,
            const CountryLookup* countries = nullptr)
      : c_(config), s_(s), countries_(countries) {}

  int64_t BucketOf(TimeNs t) const {
    int64_t b = t / c_.bucket;
    if (t % c_.bucket < 0) --b;
    return b;
  }

  // The per-source switches: globally excluded, the detector excluded or disabled for it.
  bool Enabled(std::string_view detector, bool detector_on,
               const std::vector<std::string>& excluded, std::string_view source) const {
    if (!c_.enabled || !detector_on || SourceMatches(excluded, source)) return false;
    if (SourceMatches(c_.exclude_sources, source)) return false;
    auto it = c_.sources.find(source);
    if (it == c_.sources.end()) return true;
    const auto& off = it->second.disabled;
    return std::find(off.begin(), off.end(), detector) == off.end();
  }
  double Sensitivity(std::string_view source) const {
    auto it = c_.sources.find(source);
    return it == c_.sources.end() ? 1.0 : it->second.sensitivity;
  }
  TimeNs Learning(std::string_view source, TimeNs fallback) const {
    auto it = c_.sources.find(source);
    if (it == c_.sources.end() || !it->second.learning) return fallback;
    return *it->second.learning;
  }

  // Records that `source` sent at t; returns its first time.
  TimeNs NoteSource(const SourceRef& src, TimeNs t) {
    const uint64_t h = Fnv1a64(src.source);
    auto it = s_.sources.find(h);
    if (it == s_.sources.end()) {
      EvictOldest(
          s_.sources, c_.max_sources - 1, [](const SourceSeen& x) { return x.last_seen; },
          s_.stats.evicted_keys);
      it = s_.sources.emplace(h, SourceSeen{src.source, t, t}).first;
    }
    it->second.first_seen = std::min(it->second.first_seen, t);
    it->second.last_seen = std::max(it->second.last_seen, t);
    return it->second.first_seen;
  }

  void AdvanceWatermark(TimeNs t, TimeNs now) {
    if (s_.next_close == kNoBucket) {
      s_.watermark = t;
      s_.watermark_arrival = now;
      s_.next_close = BucketOf(t);
      s_.skip_gap = false;
      return;
    }
    if (t <= s_.watermark) return;
    if (s_.skip_gap && BucketOf(t) > s_.next_close + 1) {
      // The first event after a restart: the buckets of the downtime were not watched.
      s_.next_close = BucketOf(t);
      for (auto* map : {&s_.volume, &s_.ratio}) {
        for (auto& [k, series] : *map) series.open.clear();
      }
    }
    s_.skip_gap = false;
    s_.watermark = t;
    s_.watermark_arrival = now;
    CloseUpTo(t);
  }

  // Closes every bucket whose end plus late_grace is at or before `watermark`.
  void CloseUpTo(TimeNs watermark) {
    if (s_.next_close == kNoBucket) return;
    const int64_t end = BucketOf(watermark - c_.late_grace);  // buckets before it may close
    const int64_t max_buckets = kMaxCloseDays * kNsPerDay / c_.bucket;
    if (end - s_.next_close > max_buckets) s_.next_close = end - max_buckets;
    while (s_.next_close < end) CloseBucket(s_.next_close++);
  }

  // Counting, per event.
  void Count(const Event& e, const SourceRef& src, TimeNs t) {
    int64_t bucket = BucketOf(t);
    if (bucket < s_.next_close) {
      // Late: most often a device whose clock is behind. Counted in the oldest open bucket, so
      // that its volume stays right and it is not taken for silent.
      ++s_.stats.late_events;
      bucket = s_.next_close;
    }
    if (Enabled(kVolume, c_.volume.enabled, c_.volume.exclude_sources, src.source)) {
      AddVolume(src, "", bucket, t);
      if (c_.volume.per_template) {
        std::string_view tid = e.fields.GetString("log.template_id");
        if (ParseTemplateHex(tid)) AddVolume(src, "template=" + std::string(tid), bucket, t);
      }
      if (c_.volume.per_outcome) {
        std::string_view outcome = e.fields.GetString("event.outcome");
        // Only ECS's three values: the field is attacker-controlled in JSON input.
        if (outcome == "success" || outcome == "failure" || outcome == "unknown") {
          AddVolume(src, "outcome=" + std::string(outcome), bucket, t);
        }
      }
    }
    if (Enabled(kRatio, c_.ratio.enabled, c_.ratio.exclude_sources, src.source)) {
      std::string_view outcome = e.fields.GetString("event.outcome");
      if (e.fields.GetString("event.category") == "authentication" &&
          (outcome == "success" || outcome == "failure")) {
        AddRatio(src, "login", bucket, t, outcome == "failure");
      }
      if (auto status = IntField(e, "http.response.status_code");
          status && *status >= 100 && *status <= 599) {
        AddRatio(src, "http_4xx", bucket, t, *status >= 400 && *status < 500);
        AddRatio(src, "http_5xx", bucket, t, *status >= 500);
      }
    }
  }

  // new_template, per event.
  void NewTemplate(const Event& e, size_t index, const SourceRef& src, TimeNs t,
                   TimeNs source_first, std::vector<Anomaly>& out) {
    if (!Enabled(kNewTemplate, c_.new_template.enabled, c_.new_template.exclude_sources,
                 src.source)) {
      return;
    }
    std::string_view tid = e.fields.GetString("log.template_id");
    auto id = ParseTemplateHex(tid);
    if (!id) return;
    s_.scratch.assign("new_template|").append(src.source);
    KnownSet& set =
        GetKnown(s_.templates, c_.new_template.max_sources, "new_template", src.source, t);
    if (!Remember(set, *id, t, c_.new_template.max_templates_per_source)) return;
    if (t < source_first + Learning(src.source, c_.new_template.learning)) return;
    Anomaly a = Base(kNewTemplate, "new_template", set.key, src.source, std::string(tid), t);
    a.event_index = index;
    a.severity = Severity::kLow;
    a.score = 1;
    const std::string noun_en = src.is_host ? "host" : "source";
    const std::string noun_id = src.is_host ? "host" : "sumber";
    const std::string msg = Quote(e.message);
    a.explanation_en =
        fmt::format("{} {} logged a kind of message never seen from it before (template {}): {}",
                    noun_en, src.source, tid, msg);
    a.explanation_id = fmt::format(
        "{} {} mencatat jenis pesan yang belum pernah terlihat darinya (template {}): {}", noun_id,
        src.source, tid, msg);
    Emit(set, std::move(a), c_.new_template.max_alerts_per_hour, out);
  }

  // new_value, per event.
  void NewValues(const Event& e, size_t index, const SourceRef& src, TimeNs t, TimeNs source_first,
                 std::vector<Anomaly>& out) {
    const auto& nv = c_.new_value;
    if (!Enabled(kNewValue, nv.enabled, nv.exclude_sources, src.source)) return;
    const std::string_view outcome = e.fields.GetString("event.outcome");
    const std::string_view user = Cut(e.fields.GetString("user.name"), kMaxValueBytes);
    const std::string_view action = e.fields.GetString("event.action");
    const std::string noun_en = src.is_host ? "host" : "source";
    const std::string noun_id = src.is_host ? "host" : "sumber";

    if (nv.login_ip && outcome == "success" && !user.empty() &&
        e.fields.GetString("event.category") == "authentication") {
      std::string_view ip = Cut(e.fields.GetString("source.ip"), 64);
      if (!ip.empty()) LoginIp(user, ip, index, src, t, out);
    }

    if (nv.process) {
      std::string_view process = e.fields.GetString("process.executable");
      if (process.empty()) process = e.fields.GetString("process.name");
      process = Cut(process, kMaxValueBytes);
      if (!process.empty()) {
        NewValue("process", src.source, source_first, process, index, src, t, Severity::kMedium,
                 fmt::format("{} {} ran or logged a process never seen on it before: {}", noun_en,
                             src.source, Quote(process)),
                 fmt::format("{} {} menjalankan atau mencatat proses yang belum pernah terlihat di "
                             "sana: {}",
                             noun_id, src.source, Quote(process)),
                 out);
      }
    }

    if (nv.admin_user) {
      std::string account, how_en, how_id;
      const std::string_view effective = e.fields.GetString("user.effective.name");
      if ((action == "sudo" || action == "su") && outcome == "success" && effective == "root" &&
          !user.empty()) {
        account = user;
        how_en = std::string(action) + " to root";
        how_id = std::string(action) + " ke root";
      } else if (action == "user_added_to_group" && !user.empty() &&
                 AdminGroup(e.fields.GetString("group.name"))) {
        account = user;
        how_en = "added to group " + std::string(Cut(e.fields.GetString("group.name"), 64));
        how_id = "ditambahkan ke grup " + std::string(Cut(e.fields.GetString("group.name"), 64));
      } else if (auto code = IntField(e, "event.code")) {
        // Windows: 4728/4732/4756 a member added to a security group (TargetUserName is the
        // group, MemberName the account); 4672 a logon with administrator privileges.
        if ((*code == 4728 || *code == 4732 || *code == 4756) &&
            AdminGroup(e.fields.GetString("TargetUserName"))) {
          std::string_view member = e.fields.GetString("MemberName");
          if (member.empty() || member == "-") member = e.fields.GetString("MemberSid");
          account = Cut(member, kMaxValueBytes);
          how_en = "added to group " + std::string(Cut(e.fields.GetString("TargetUserName"), 64));
          how_id =
              "ditambahkan ke grup " + std::string(Cut(e.fields.GetString("TargetUserName"), 64));
        } else if (*code == 4672 && !user.empty()) {
          account = user;
          how_en = "logon with administrator privileges, event 4672";
          how_id = "logon dengan hak administrator, event 4672";
        }
      }
      if (!account.empty()) {
        NewValue("admin_user", src.source, source_first, account, index, src, t, Severity::kHigh,
                 fmt::format("account {} acted as administrator on {} {} for the first time ({})",
                             Quote(account), noun_en, src.source, how_en),
                 fmt::format("akun {} bertindak sebagai administrator di {} {} untuk pertama "
                             "kalinya ({})",
                             Quote(account), noun_id, src.source, how_id),
                 out);
      }
    }

    if (nv.admin_user_agent) {
      std::string_view path = e.fields.GetString("url.path");
      if (path.empty()) path = e.fields.GetString("url.original");
      std::string_view agent = Cut(e.fields.GetString("user_agent.original"), kMaxValueBytes);
      if (!agent.empty() && AdminPath(path)) {
        NewValue("admin_user_agent", src.source, source_first, agent, index, src, t,
                 Severity::kMedium,
                 fmt::format("a user agent never seen on the admin pages of {} {} requested {}: {}",
                             noun_en, src.source, Quote(Cut(path, 120)), Quote(agent)),
                 fmt::format("user agent yang belum pernah terlihat di halaman admin {} {} meminta "
                             "{}: {}",
                             noun_id, src.source, Quote(Cut(path, 120)), Quote(agent)),
                 out);
      }
    }
  }

  std::vector<Anomaly> TakePending() { return std::exchange(s_.pending, {}); }

  Status MarkExpected(std::string_view key, std::string_view value, TimeNs time) {
    const uint64_t h = Fnv1a64(key);
    if (auto it = s_.templates.find(h); it != s_.templates.end()) {
      auto id = ParseTemplateHex(value);
      if (!id) return InvalidArgument("not a template id (16 hex digits): " + std::string(value));
      it->second.values[*id] = std::max(time, it->second.last_seen);
      return Status::Ok();
    }
    if (auto it = s_.values.find(h); it != s_.values.end()) {
      KnownSet& set = it->second;
      const TimeNs seen = std::max(time, set.last_seen);
      if (set.kind == "login_ip") {
        set.values[Fnv1a64("ip:" + std::string(value))] = seen;
        if (auto net = Net16(value)) set.values[Fnv1a64(*net)] = seen;
        if (const std::string country = CountryOf(value); !country.empty()) {
          set.values[Fnv1a64("cc:" + country)] = seen;
          set.values[kAnyCountry] = seen;
        }
      } else {
        set.values[Fnv1a64(value)] = seen;
      }
      return Status::Ok();
    }
    for (auto* map : {&s_.volume, &s_.ratio}) {
      auto it = map->find(h);
      if (it == map->end()) continue;
      Series& series = it->second;
      char* end = nullptr;
      const std::string text(value);
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0) {
        return InvalidArgument("not a series value (a number >= 0): " + text);
      }
      const int slot = SlotOf(series, time);
      if (series.kind == "volume" && v == 0) {
        series.silence_ok |= uint64_t{1} << slot;
        series.in_silence = false;
      } else {
        series.accepted_high.resize(series.slots.size(), 0);
        // The marked value plus a margin, so that the same event next time (never exactly the
        // same count) stays inside the band.
        const double accepted = series.kind == kRatio ? std::min(1.0, v + 0.05) : v * 1.5;
        series.accepted_high[slot] =
            std::max(series.accepted_high[slot], static_cast<float>(accepted));
      }
      return Status::Ok();
    }
    return NotFound("no anomaly baseline has the key " + std::string(key));
  }

  int SlotOf(const Series& series, TimeNs t) const {
    if (series.slots.size() == 1) return 0;
    return SeasonalSlot(t, c_.utc_offset_minutes, c_.split_weekend);
  }

 private:
  // Marks a login_ip set that has learned at least one country. A set learned before countries
  // were turned on has none, and its first country is learned without an alert: otherwise every
  // user's next new address after an upgrade would be "a country never seen".
  static constexpr uint64_t kAnyCountry = 0x63633a2a00000000;  // "cc:*", not a hash of a value

  std::string CountryOf(std::string_view ip) const {
    return countries_ != nullptr ? countries_->CountryOf(ip) : std::string();
  }

  static std::optional<std::string> Net16(std::string_view ip) {
    // IPv4 only: a.b of a.b.c.d. IPv6 networks are not grouped (documented).
    size_t dots = 0, second = std::string_view::npos;
    for (size_t i = 0; i < ip.size(); ++i) {
      if (ip[i] == '.') {
        if (++dots == 2) second = i;
      } else if (ip[i] < '0' || ip[i] > '9') {
        return std::nullopt;
      }
    }
    if (dots != 3) return std::nullopt;
    return "net:" + std::string(ip.substr(0, second));
  }

  bool AdminGroup(std::string_view group) const {
    for (const std::string& g : c_.new_value.admin_groups) {
      if (EqualsIgnoreCase(group, g)) return true;
    }
    return false;
  }

  bool AdminPath(std::string_view path) const {
    for (const std::string& p : c_.new_value.admin_paths) {
      if (path.size() < p.size() || !EqualsIgnoreCase(path.substr(0, p.size()), p)) continue;
      if (path.size() == p.size()) return true;
      const char next = path[p.size()];
      if (next == '/' || next == '?' || next == '.' || next == '#') return true;
    }
    return false;
  }

  // The known set of s_.scratch's key, made (with `entity`) when new.
  KnownSet& GetKnown(std::unordered_map<uint64_t, KnownSet>& map, size_t cap, std::string_view kind,
                     std::string_view entity, TimeNs t) {
    const uint64_t h = Fnv1a64(s_.scratch);
    auto it = map.find(h);
    if (it == map.end()) {
      EvictOldest(
          map, cap - 1, [](const KnownSet& k) { return k.last_seen; }, s_.stats.evicted_keys);
      KnownSet set;
      set.key = s_.scratch;
      set.kind = kind;
      set.entity = entity;
      set.first_seen = t;
      set.last_seen = t;
      it = map.emplace(h, std::move(set)).first;
    }
    it->second.last_seen = std::max(it->second.last_seen, t);
    return it->second;
  }

  // Adds `value` to `set`; true when it was new.
  bool Remember(KnownSet& set, uint64_t value, TimeNs t, size_t cap) {
    auto [it, inserted] = set.values.try_emplace(value, t);
    if (!inserted) {
      it->second = std::max(it->second, t);
      return false;
    }
    if (set.values.size() > cap) {
      EvictOldest(
          set.values, cap, [](TimeNs last) { return last; }, s_.stats.evicted_keys);
    }
    return true;
  }

  void LoginIp(std::string_view user, std::string_view ip, size_t index, const SourceRef& src,
               TimeNs t, std::vector<Anomaly>& out) {
    const auto& nv = c_.new_value;
    s_.scratch.assign("new_value|login_ip|").append(user);
    KnownSet& set = GetKnown(s_.values, nv.max_entities, "login_ip", user, t);
    const std::string ip_key = "ip:" + std::string(ip);
    const bool new_ip = Remember(set, Fnv1a64(ip_key), t, nv.max_values_per_entity);
    const auto net = Net16(ip);
    const bool new_net = net && Remember(set, Fnv1a64(*net), t, nv.max_values_per_entity);
    // Countries are learned like /16s; a new one counts only once the set knows some country.
    const std::string country = CountryOf(ip);
    bool new_country = false;
    if (!country.empty()) {
      const bool knew_countries = set.values.contains(kAnyCountry);
      Remember(set, kAnyCountry, t, nv.max_values_per_entity);
      new_country =
          Remember(set, Fnv1a64("cc:" + country), t, nv.max_values_per_entity) && knew_countries;
    }
    if (!new_ip || t < set.first_seen + Learning(src.source, nv.learning)) return;
    Anomaly a = Base(kNewValue, "login_ip", set.key, src.source, std::string(ip), t);
    a.event_index = index;
    a.country = country;
    a.severity = new_net || new_country ? Severity::kHigh : Severity::kMedium;
    a.score = new_country ? 3 : new_net ? 2 : 1;
    const std::string on_en = (src.is_host ? " on host " : " on source ") + src.source;
    const std::string on_id = (src.is_host ? " di host " : " di sumber ") + src.source;
    std::string net_en, net_id;
    if (new_net) {
      const std::string prefix = net->substr(4);
      net_en = fmt::format(", in a network never seen for this user either ({}.0.0/16)", prefix);
      net_id = fmt::format(", dari jaringan yang juga belum pernah terlihat ({}.0.0/16)", prefix);
    }
    if (new_country) {
      a.explanation_en = fmt::format(
          "user {} logged in{} from {} ({}), a country never seen for "
          "this user{}",
          Quote(user), on_en, ip, country, net_en);
      a.explanation_id = fmt::format(
          "pengguna {} login{} dari {} ({}), negara yang belum pernah "
          "terlihat untuk pengguna ini{}",
          Quote(user), on_id, ip, country, net_id);
    } else {
      a.explanation_en =
          fmt::format("user {} logged in{} from {}, an address never seen for this user{}",
                      Quote(user), on_en, ip, net_en);
      a.explanation_id = fmt::format(
          "pengguna {} login{} dari {}, alamat yang belum pernah terlihat untuk pengguna ini{}",
          Quote(user), on_id, ip, net_id);
    }
    Emit(set, std::move(a), nv.max_alerts_per_hour, out);
  }

  // A new value of a source's `kind`; learning runs from the source's first event.
  void NewValue(std::string_view kind, std::string_view entity, TimeNs source_first,
                std::string_view value, size_t index, const SourceRef& src, TimeNs t,
                Severity severity, std::string en, std::string id, std::vector<Anomaly>& out) {
    const auto& nv = c_.new_value;
    s_.scratch.assign("new_value|").append(kind).append("|").append(entity);
    KnownSet& set = GetKnown(s_.values, nv.max_entities, kind, entity, t);
    if (!Remember(set, Fnv1a64(value), t, nv.max_values_per_entity)) return;
    if (t < source_first + Learning(src.source, nv.learning)) return;
    Anomaly a = Base(kNewValue, kind, set.key, src.source, std::string(value), t);
    a.event_index = index;
    a.severity = severity;
    a.score = 1;
    a.explanation_en = std::move(en);
    a.explanation_id = std::move(id);
    Emit(set, std::move(a), nv.max_alerts_per_hour, out);
  }

  static Anomaly Base(std::string_view detector, std::string_view kind, std::string_view key,
                      std::string_view source, std::string value, TimeNs t) {
    Anomaly a;
    a.detector = detector;
    a.kind = kind;
    a.key = key;
    a.source = source;
    a.value = std::move(value);
    a.time = t;
    return a;
  }

  // Emits within the per-entity hourly limit; past it one "flood" anomaly says so.
  void Emit(KnownSet& set, Anomaly a, int per_hour, std::vector<Anomaly>& out) {
    // The window follows the watermark, not the event's own time, which a hostile sender could
    // move back and forth to reset it.
    if (s_.watermark >= set.window_start + kNsPerHour) {
      set.window_start = s_.watermark;
      set.alerts_in_window = 0;
      set.flood_reported = false;
    }
    if (set.alerts_in_window < per_hour) {
      ++set.alerts_in_window;
      out.push_back(std::move(a));
      return;
    }
    ++s_.stats.suppressed;
    if (set.flood_reported) return;
    set.flood_reported = true;
    a.kind = "flood";
    a.value.clear();
    a.severity = Severity::kMedium;
    a.explanation_en = fmt::format(
        "more than {} new values for {} ({}) within an hour; further ones in this hour are not "
        "reported one by one",
        per_hour, set.entity, set.kind);
    a.explanation_id = fmt::format(
        "lebih dari {} nilai baru untuk {} ({}) dalam satu jam; selebihnya dalam jam ini tidak "
        "dilaporkan satu per satu",
        per_hour, set.entity, set.kind);
    out.push_back(std::move(a));
  }

  Series& GetSeries(std::unordered_map<uint64_t, Series>& map, size_t cap, std::string_view kind,
                    const SourceRef& src, std::string_view what, int64_t bucket, TimeNs t) {
    s_.scratch.assign(kind).append("|").append(src.source);
    if (!what.empty()) s_.scratch.append("|").append(what);
    const uint64_t h = Fnv1a64(s_.scratch);
    auto it = map.find(h);
    if (it == map.end()) {
      EvictOldest(
          map, cap - 1, [](const Series& x) { return x.last_seen; }, s_.stats.evicted_keys);
      Series series;
      series.key = s_.scratch;
      series.kind = kind;
      series.source = src.source;
      series.source_is_host = src.is_host;
      series.what = what;
      series.first_bucket = bucket;
      series.slots.resize(kind == kRatio ? 1 : kSeasonalSlots);
      it = map.emplace(h, std::move(series)).first;
    }
    it->second.last_seen = std::max(it->second.last_seen, t);
    return it->second;
  }

  static OpenBucket& OpenFor(Series& series, int64_t bucket) {
    for (OpenBucket& o : series.open) {
      if (o.bucket == bucket) return o;
    }
    series.open.push_back({bucket, 0, 0});
    return series.open.back();
  }

  void AddVolume(const SourceRef& src, std::string_view what, int64_t bucket, TimeNs t) {
    Series& s = GetSeries(s_.volume, c_.volume.max_series, kVolume, src, what, bucket, t);
    OpenFor(s, bucket).count += 1;
  }

  void AddRatio(const SourceRef& src, std::string_view what, int64_t bucket, TimeNs t,
                bool failed) {
    Series& s = GetSeries(s_.ratio, c_.ratio.max_series, kRatio, src, what, bucket, t);
    OpenBucket& o = OpenFor(s, bucket);
    o.total += 1;
    if (failed) o.count += 1;
  }

  static OpenBucket TakeOpen(Series& series, int64_t bucket) {
    OpenBucket found{bucket, 0, 0};
    auto& open = series.open;
    for (size_t i = 0; i < open.size();) {
      if (open[i].bucket <= bucket) {
        if (open[i].bucket == bucket) found = open[i];
        open[i] = open.back();
        open.pop_back();
      } else {
        ++i;
      }
    }
    return found;
  }

  static void PushRecent(Series& series, SeriesPoint p) {
    series.recent.push_back(p);
    while (series.recent.size() > kRecentPoints) series.recent.pop_front();
  }

  void CloseBucket(int64_t bucket) {
    for (auto& [h, series] : s_.volume) {
      if (bucket >= series.first_bucket) CloseVolume(series, bucket);
    }
    for (auto& [h, series] : s_.ratio) {
      if (bucket >= series.first_bucket) CloseRatio(series, bucket);
    }
  }

  void CloseVolume(Series& series, int64_t bucket) {
    const auto& v = c_.volume;
    const TimeNs start = bucket * c_.bucket;
    const double count = TakeOpen(series, bucket).count;
    const int slot = SlotOf(series, start);
    ValueRing& ring = series.slots[slot];
    SeriesPoint point{start, count, kNaN, kNaN};
    bool spike = false;
    bool silence = false;
    if (ring.size() >= static_cast<size_t>(v.min_history)) {
      const double sensitivity = Sensitivity(series.source);
      const RobustStats st = ComputeRobustStats(ring.values(), 1.0, true);
      double high = std::max({st.median + v.spike_sigmas / sensitivity * st.sigma,
                              st.median * v.spike_min_ratio, v.spike_min_events - 1});
      if (slot < static_cast<int>(series.accepted_high.size())) {
        high = std::max(high, static_cast<double>(series.accepted_high[slot]));
      }
      const double low = std::max(0.0, st.median - kLowSigmas * st.sigma);
      point.low = std::floor(low);
      point.high = std::ceil(high);
      spike = count > point.high;
      if (spike) {
        const double score = (count - st.median) / st.sigma;
        Anomaly a = SeriesAnomaly(series, "spike", count, start);
        a.score = score;
        a.severity = count > 10 * point.high ? Severity::kHigh : Severity::kMedium;
        const auto [what_en, what_id] = WhatText(series);
        const LocalTimeText when = FormatLocal(start, c_.utc_offset_minutes);
        a.explanation_en = fmt::format(
            "{} {} logged {} {} in the {} minutes from {}; its usual range for this hour is "
            "{}-{}",
            series.source_is_host ? "host" : "source", series.source, Thousands(count, ','),
            what_en, c_.bucket / kNsPerMinute, when.en, Thousands(point.low, ','),
            Thousands(point.high, ','));
        a.explanation_id = fmt::format(
            "{} {} mencatat {} {} dalam {} menit sejak {}; rentang biasanya untuk jam ini "
            "{}-{}",
            series.source_is_host ? "host" : "sumber", series.source, Thousands(count, '.'),
            what_id, c_.bucket / kNsPerMinute, when.id, Thousands(point.low, '.'),
            Thousands(point.high, '.'));
        Finish(series, std::move(a), point);
      }
      if (series.what.empty() && count == 0) {
        silence = CheckSilence(series, bucket, st.median * sensitivity, point);
      }
    }
    if (count > 0 || std::isnan(point.high)) {
      series.silent_since = kNoBucket;
      series.in_silence = false;
    }
    // A spike enters the history at the band's edge, so that a long flood raises the baseline
    // slowly instead of teaching it at once (MarkExpected accepts it at once).
    ring.Push(static_cast<float>(spike ? point.high : count),
              static_cast<size_t>(v.history_per_slot));
    if (!spike && !silence) PushRecent(series, point);
  }

  // A run of empty buckets of a source is a silence once the events it usually sends in that
  // time add up to silence_min_expected: then zero events has a Poisson probability of at most
  // e^-20. A busy source is silent after one bucket, a quiet one after several. One anomaly per
  // run. True when this bucket raised it.
  bool CheckSilence(Series& series, int64_t bucket, double median, const SeriesPoint& point) {
    if (series.silent_since == kNoBucket) {
      series.silent_since = bucket;
      series.silent_expected = series.silent_low = series.silent_high = 0;
    }
    series.silent_expected += median;
    series.silent_low += point.low;
    series.silent_high += point.high;
    const TimeNs since = series.silent_since * c_.bucket;
    const int since_slot = SlotOf(series, since);
    if (series.in_silence || series.silent_expected < c_.volume.silence_min_expected ||
        (series.silence_ok & (uint64_t{1} << since_slot)) != 0) {
      return false;
    }
    series.in_silence = true;
    Anomaly a = SeriesAnomaly(series, "silence", 0, since);
    a.score = series.silent_expected;
    a.severity = Severity::kHigh;
    const LocalTimeText when = FormatLocal(since, c_.utc_offset_minutes);
    const int64_t minutes = (bucket - series.silent_since + 1) * (c_.bucket / kNsPerMinute);
    a.explanation_en = fmt::format(
        "{} {} sent no events in the {} minutes from {}; it usually sends {}-{} in that time",
        series.source_is_host ? "host" : "source", series.source, minutes, when.en,
        Thousands(series.silent_low, ','), Thousands(series.silent_high, ','));
    a.explanation_id = fmt::format(
        "{} {} tidak mengirim event apa pun dalam {} menit sejak {}; biasanya {}-{} dalam waktu "
        "itu",
        series.source_is_host ? "host" : "sumber", series.source, minutes, when.id,
        Thousands(series.silent_low, '.'), Thousands(series.silent_high, '.'));
    Finish(series, std::move(a), point);
    return true;
  }

  void CloseRatio(Series& series, int64_t bucket) {
    const auto& r = c_.ratio;
    const TimeNs start = bucket * c_.bucket;
    const OpenBucket o = TakeOpen(series, bucket);
    if (o.total < r.min_total) return;  // too few to say anything; not part of the band
    const double share = o.count / o.total;
    ValueRing& ring = series.slots[0];
    SeriesPoint point{start, share, kNaN, kNaN};
    bool alert = false;
    if (ring.size() >= static_cast<size_t>(r.min_history)) {
      const double sensitivity = Sensitivity(series.source);
      const RobustStats st = ComputeRobustStats(ring.values(), 0.02, false);
      // Never below the binomial noise of a share of o.total events.
      const double sigma =
          std::max(st.sigma, std::sqrt(std::max(st.median * (1 - st.median), 0.01) / o.total));
      double high = std::min(
          1.0, std::max(st.median + r.sigmas / sensitivity * sigma, st.median + r.min_delta));
      if (!series.accepted_high.empty()) {
        high = std::max(high, static_cast<double>(series.accepted_high[0]));
      }
      point.low = std::max(0.0, st.median - kLowSigmas * sigma);
      point.high = high;
      alert = share > high && o.count >= r.min_failures;
      if (alert) {
        Anomaly a = SeriesAnomaly(series, "spike", share, start);
        a.value = fmt::format("{:.4f}", share);
        a.score = (share - st.median) / sigma;
        a.severity = share >= 0.9 ? Severity::kHigh : Severity::kMedium;
        const LocalTimeText when = FormatLocal(start, c_.utc_offset_minutes);
        std::string what_en, what_id;
        if (series.what == "login") {
          what_en = fmt::format("of {} logins failed", Thousands(o.total, ','));
          what_id = fmt::format("dari {} login gagal", Thousands(o.total, '.'));
        } else {
          const bool client = series.what == "http_4xx";
          what_en = fmt::format("of {} responses were {}", Thousands(o.total, ','),
                                client ? "client errors (4xx)" : "server errors (5xx)");
          what_id = fmt::format("dari {} respons adalah {}", Thousands(o.total, '.'),
                                client ? "galat klien (4xx)" : "galat server (5xx)");
        }
        const int pct = static_cast<int>(std::lround(share * 100));
        const int low_pct = static_cast<int>(std::lround(point.low * 100));
        const int high_pct = static_cast<int>(std::lround(point.high * 100));
        a.explanation_en =
            fmt::format("on {} {}, {}% {} in the {} minutes from {}; the usual share is {}-{}%",
                        series.source_is_host ? "host" : "source", series.source, pct, what_en,
                        c_.bucket / kNsPerMinute, when.en, low_pct, high_pct);
        a.explanation_id =
            fmt::format("di {} {}, {}% {} dalam {} menit sejak {}; porsi biasanya {}-{}%",
                        series.source_is_host ? "host" : "sumber", series.source, pct, what_id,
                        c_.bucket / kNsPerMinute, when.id, low_pct, high_pct);
        Finish(series, std::move(a), point);
      }
    }
    ring.Push(static_cast<float>(alert ? point.high : share), static_cast<size_t>(r.history));
    if (!alert) PushRecent(series, point);
  }

  std::pair<std::string, std::string> WhatText(const Series& series) const {
    if (series.what.empty()) return {"events", "event"};
    const size_t eq = series.what.find('=');
    const std::string name = series.what.substr(0, eq), val = series.what.substr(eq + 1);
    if (name == "template") return {"events of template " + val, "event template " + val};
    return {"events with outcome " + val, "event dengan hasil " + val};
  }

  // The value is the count, or the share for ratios (set by the caller).
  static Anomaly SeriesAnomaly(const Series& series, std::string_view kind, double value,
                               TimeNs start) {
    return Base(series.kind, kind, series.key, series.source,
                std::to_string(static_cast<int64_t>(std::llround(value))), start);
  }

  void Finish(Series& series, Anomaly a, const SeriesPoint& point) {
    PushRecent(series, point);
    if (s_.pending.size() >= kMaxPending) {  // nobody ticks: keep memory bounded
      ++s_.stats.suppressed;
      return;
    }
    a.series.assign(series.recent.begin(), series.recent.end());
    s_.pending.push_back(std::move(a));
  }

  const AnomalyConfig& c_;
  AnomalyEngine::State& s_;
  const CountryLookup* countries_;  // nullptr: no countries
};

}  // namespace

AnomalyEngine::AnomalyEngine(AnomalyConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), state_(std::make_unique<State>()) {}

AnomalyEngine::~AnomalyEngine() = default;

std::vector<Anomaly> AnomalyEngine::Observe(std::span<const Event> batch) {
  std::vector<Anomaly> out;
  if (!config_.enabled) return out;
  const TimeNs now = clock_.Now();
  std::lock_guard lock(mu_);
  Detectors d(config_, *state_, countries_.get());
  for (size_t i = 0; i < batch.size(); ++i) {
    const Event& e = batch[i];
    ++state_->stats.events;
    const TimeNs t = std::min(e.timestamp, now + config_.max_future);
    d.AdvanceWatermark(t, now);
    const SourceRef src = SourceOf(e);
    if (SourceMatches(config_.exclude_sources, src.source)) continue;
    // A source's first event starts its learning; an event stamped long before the stream's
    // watermark (hostile or broken) must not move that start back and end the learning early.
    const TimeNs source_first =
        d.NoteSource(src, std::max(t, state_->watermark - config_.late_grace));
    d.NewTemplate(e, i, src, t, source_first, out);
    d.NewValues(e, i, src, t, source_first, out);
    d.Count(e, src, t);
  }
  return out;
}

std::vector<Anomaly> AnomalyEngine::Tick(TimeNs now) {
  std::lock_guard lock(mu_);
  Detectors d(config_, *state_);
  State& s = *state_;
  if (s.next_close != kNoBucket && now > s.watermark_arrival) {
    // Nothing arrived since watermark_arrival: event time goes on with the clock.
    d.CloseUpTo(s.watermark + (now - s.watermark_arrival));
  }
  return d.TakePending();
}

Status AnomalyEngine::MarkExpected(std::string_view key, std::string_view value, TimeNs time) {
  std::lock_guard lock(mu_);
  Detectors d(config_, *state_, countries_.get());
  return d.MarkExpected(key, value, time);
}

void AnomalyEngine::SetCountryLookup(std::shared_ptr<const CountryLookup> countries) {
  std::lock_guard lock(mu_);
  countries_ = std::move(countries);
}

AnomalyEngineStats AnomalyEngine::stats() const {
  std::lock_guard lock(mu_);
  AnomalyEngineStats out = state_->stats;
  out.known_sets = state_->templates.size() + state_->values.size();
  out.known_values = 0;
  for (const auto* map : {&state_->templates, &state_->values}) {
    for (const auto& [h, k] : *map) out.known_values += k.values.size();
  }
  out.series = state_->volume.size() + state_->ratio.size();
  return out;
}

}  // namespace pantau::anomaly
