#include "detect/sigma/field_scanner.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

namespace pantau::sigma {
namespace {

unsigned RegexFlags(std::string_view sigma_flags) {
  unsigned flags = HS_FLAG_SINGLEMATCH;
  if (sigma_flags.find('i') != std::string_view::npos) flags |= HS_FLAG_CASELESS;
  if (sigma_flags.find('m') != std::string_view::npos) flags |= HS_FLAG_MULTILINE;
  if (sigma_flags.find('s') != std::string_view::npos) flags |= HS_FLAG_DOTALL;
  return flags;
}

// Whether Hyperscan takes the expression; tried alone, so that one it refuses does not fail
// the database of its field.
bool Compiles(const std::string& expression, unsigned flags) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  const bool ok =
      hs_compile(expression.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS;
  hs_free_database(db);
  hs_free_compile_error(error);
  return ok;
}

}  // namespace

FieldScanner::FieldScanner() = default;

FieldScanner::~FieldScanner() {
  for (Field& f : fields_) hs_free_database(f.db);
  for (Field& f : keywords_) hs_free_database(f.db);
}

FieldScanner::FieldScanner(FieldScanner&& o) noexcept
    : fields_(std::move(o.fields_)),
      keywords_(std::move(o.keywords_)),
      by_name_(std::move(o.by_name_)),
      pattern_count_(o.pattern_count_),
      generation_(o.generation_),
      dataset_slot_(o.dataset_slot_) {
  o.fields_.clear();
  o.keywords_.clear();
}

FieldScanner& FieldScanner::operator=(FieldScanner&& o) noexcept {
  if (this != &o) {
    for (Field& f : fields_) hs_free_database(f.db);
    for (Field& f : keywords_) hs_free_database(f.db);
    fields_ = std::move(o.fields_);
    keywords_ = std::move(o.keywords_);
    by_name_ = std::move(o.by_name_);
    pattern_count_ = o.pattern_count_;
    generation_ = o.generation_;
    dataset_slot_ = o.dataset_slot_;
    o.fields_.clear();
    o.keywords_.clear();
  }
  return *this;
}

FieldScanner::Scratch::~Scratch() { hs_free_scratch(hs_); }

Status FieldScanner::Build(const std::vector<Matcher*>& matchers,
                           const std::vector<uint32_t>& keyword_sets) {
  static std::atomic<uint64_t> generations{0};
  generation_ = ++generations;
  std::map<std::string, Pending> pending;
  std::map<std::pair<std::string, int>, uint32_t> special;  // (field, kind) -> id
  // Keyword patterns by set. Ids are shared across sets: a keyword that two log sources' rules
  // name is one pattern scanned in both databases.
  const uint32_t sets =
      keyword_sets.empty() ? 0 : *std::max_element(keyword_sets.begin(), keyword_sets.end()) + 1;
  std::vector<Pending> keyword_pending(sets);
  std::map<std::pair<std::string, unsigned>, uint32_t> keyword_ids;
  uint32_t next = 0;
  for (size_t i = 0; i < matchers.size(); ++i) {
    Matcher* m = matchers[i];
    for (Predicate& p : m->mutable_predicates()) {
      if (p.kind == Predicate::Kind::kKeywords) {
        AddKeywords(p, keyword_pending[keyword_sets[i]], keyword_ids, next);
        continue;
      }
      if (p.field.empty()) continue;
      Pending& f = pending[p.field];  // every field a predicate reads gets a slot
      for (const ValueTest& t : p.tests) {
        if (t.kind == ValueTest::Kind::kFieldRef) pending[t.field];  // and every field it names
      }
      if (p.kind != Predicate::Kind::kValues) continue;
      bool all_patterns = !p.tests.empty();
      for (ValueTest& t : p.tests) {
        if (t.kind == ValueTest::Kind::kRegex) {
          // Hyperscan runs the regular expression too when it can (it then needs no RE2);
          // one it cannot compile stays with RE2.
          const unsigned flags = RegexFlags(t.regex_flags);
          if (!Compiles(t.regex_source, flags)) {
            all_patterns = false;
            continue;
          }
          auto [it, fresh] = f.ids.emplace(std::make_pair(t.regex_source, flags), next);
          if (fresh) ++next;
          t.regex_id = it->second;
          continue;
        }
        if (t.kind != ValueTest::Kind::kPatterns) {
          all_patterns = false;
          continue;
        }
        for (Pattern& pat : t.patterns) {
          if (pat.kind() == Pattern::Kind::kAny || pat.MatchesOnlyEmpty()) {
            const int kind = pat.kind() == Pattern::Kind::kAny ? 0 : 1;
            auto [it, fresh] = special.emplace(std::make_pair(p.field, kind), next);
            if (fresh) {
              (kind == 0 ? f.any_ids : f.empty_ids).push_back(next);
              ++next;
            }
            pat.id = it->second;
            continue;
          }
          unsigned flags = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
          if (!pat.cased()) flags |= HS_FLAG_CASELESS;
          auto [it, fresh] = f.ids.emplace(std::make_pair(pat.ToHyperscan(), flags), next);
          if (fresh) ++next;
          pat.id = it->second;
        }
      }
      p.scanned = all_patterns;
    }
  }
  pattern_count_ = next;
  keywords_.resize(sets);
  for (uint32_t k = 0; k < sets; ++k)
    RETURN_IF_ERROR(Compile("", keyword_pending[k], keywords_[k]));
  for (auto& [name, f] : pending) {
    Field field;
    RETURN_IF_ERROR(Compile(name, f, field));
    by_name_.emplace(name, fields_.size());
    fields_.push_back(std::move(field));
  }
  if (auto it = by_name_.find(std::string_view("dataset")); it != by_name_.end()) {
    dataset_slot_ = static_cast<int32_t>(it->second);
  }
  for (Matcher* m : matchers) {
    for (Predicate& p : m->mutable_predicates()) {
      if (auto it = by_name_.find(p.field); it != by_name_.end()) {
        p.slot = static_cast<int32_t>(it->second);
      }
      if (p.scanned && !p.all) {
        for (const ValueTest& t : p.tests) {
          if (t.kind == ValueTest::Kind::kRegex) p.any_ids.push_back(t.regex_id);
          for (const Pattern& pat : t.patterns) p.any_ids.push_back(pat.id);
        }
      }
      for (ValueTest& t : p.tests) {
        if (t.kind != ValueTest::Kind::kFieldRef) continue;
        if (auto it = by_name_.find(t.field); it != by_name_.end()) {
          t.field_slot = static_cast<int32_t>(it->second);
        }
      }
    }
  }
  return Status::Ok();
}

Status FieldScanner::Compile(const std::string& name, Pending& f, Field& field) {
  {
    field.name = name;
    field.any_ids = std::move(f.any_ids);
    field.empty_ids = std::move(f.empty_ids);
    if (!f.ids.empty()) {
      std::vector<const char*> exprs;
      std::vector<unsigned> flags, hs_ids;
      for (const auto& [key, id] : f.ids) {
        exprs.push_back(key.first.c_str());
        flags.push_back(key.second);
        hs_ids.push_back(static_cast<unsigned>(field.ids.size()));
        field.ids.push_back(id);
      }
      hs_compile_error_t* error = nullptr;
      if (hs_compile_multi(exprs.data(), flags.data(), hs_ids.data(),
                           static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &field.db,
                           &error) != HS_SUCCESS) {
        const std::string why = error != nullptr && error->message ? error->message : "unknown";
        const std::string expr =
            error != nullptr && error->expression >= 0 ? exprs[error->expression] : "";
        hs_free_compile_error(error);
        return Internal(fmt::format("Hyperscan cannot compile the patterns of field '{}': {} ({})",
                                    name.empty() ? "(keywords)" : name, why, expr));
      }
    }
  }
  return Status::Ok();
}

void FieldScanner::AddKeywords(Predicate& p, Pending& f,
                               std::map<std::pair<std::string, unsigned>, uint32_t>& ids,
                               uint32_t& next) {
  // A star must not reach across the NUL between two texts; a pattern that is anchored, or
  // whose expression names a NUL (a NUL byte, or the class of `?`), stays with direct matching.
  static constexpr std::string_view kStar = "[^\\x00]*";
  for (const ValueTest& t : p.tests) {
    if (t.kind != ValueTest::Kind::kPatterns) return;
    for (const Pattern& pat : t.patterns) {
      if (!pat.Unanchored() || pat.ToHyperscan().find("\\x00") != std::string::npos) return;
    }
  }
  for (ValueTest& t : p.tests) {
    for (Pattern& pat : t.patterns) {
      if (pat.kind() == Pattern::Kind::kAny) {
        f.any_ids.push_back(next);
        pat.id = next++;
        continue;
      }
      unsigned flags = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH;
      if (!pat.cased()) flags |= HS_FLAG_CASELESS;
      auto key = std::make_pair(pat.ToHyperscan(kStar), flags);
      auto [it, fresh] = ids.emplace(key, next);
      if (fresh) ++next;
      pat.id = it->second;
      f.ids.emplace(std::move(key), pat.id);
    }
  }
  p.scanned = true;
}

namespace {

struct ScanContext {
  const std::vector<uint32_t>* ids;
  std::vector<uint64_t>* fired;
  std::vector<uint32_t>* hits;
};

void Fire(uint32_t id, std::vector<uint64_t>& fired, std::vector<uint32_t>& hits) {
  uint64_t& word = fired[id >> 6];
  const uint64_t bit = uint64_t{1} << (id & 63);
  if ((word & bit) == 0) {
    word |= bit;
    hits.push_back(id);
  }
}

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
            unsigned int /*flags*/, void* context) {
  auto* c = static_cast<ScanContext*>(context);
  Fire((*c->ids)[id], *c->fired, *c->hits);
  return 0;
}

}  // namespace

// Values remembered per field and thread (see Scratch), and the longest remembered: long values
// (scripts, encoded blobs) seldom repeat and would only take memory.
constexpr size_t kRemembered = 1024;
constexpr size_t kMaxRememberedValue = 512;
// A field's memory rests for kMemoryRest values when fewer than 1 in kMinHitShare of the last
// kMemoryWindow lookups hit.
constexpr uint32_t kMemoryWindow = 256;
constexpr uint32_t kMinHitShare = 8;
constexpr uint32_t kMemoryRest = 4096;

void FieldScanner::Scan(const EventView& view, Scratch& scratch, std::vector<uint64_t>& fired,
                        std::vector<uint32_t>& hits, std::vector<const Value*>& slots) const {
  slots.assign(fields_.size(), nullptr);
  if (scratch.prepared_for_ != generation_) {
    // Only memory can run out here, and a scan without scratch would silently miss matches.
    auto grow = [&](const hs_database_t* db) {
      if (db != nullptr && hs_alloc_scratch(db, &scratch.hs_) != HS_SUCCESS) {
        std::fprintf(stderr, "pantau: out of memory for Hyperscan scratch space\n");
        std::abort();
      }
    };
    for (const Field& f : fields_) grow(f.db);
    for (const Field& f : keywords_) grow(f.db);
    scratch.prepared_for_ = generation_;
    scratch.memory_.assign(fields_.size(), {});  // pattern ids and slots are the scanner's
    scratch.slot_at_.clear();
  }
  auto scan = [&](size_t slot, const Value& v) {
    slots[slot] = &v;
    const Field& f = fields_[slot];
    if (std::holds_alternative<std::monostate>(v)) return;
    for (uint32_t id : f.any_ids) Fire(id, fired, hits);
    if (f.db == nullptr && f.empty_ids.empty()) return;
    const std::string_view text = view.ValueText(v);
    if (text.empty()) {
      for (uint32_t id : f.empty_ids) Fire(id, fired, hits);
    }
    if (f.db == nullptr) return;
    Scratch::Remembered* memory = nullptr;
    uint64_t hash = 0;
    Scratch::FieldMemory& field_memory = scratch.memory_[slot];
    if (field_memory.resting > 0) {
      --field_memory.resting;
    } else if (text.size() <= kMaxRememberedValue) {
      auto& entries = field_memory.entries;
      if (entries.empty()) entries.resize(kRemembered);
      hash = std::hash<std::string_view>{}(text);
      memory = &entries[hash & (kRemembered - 1)];
      const bool hit = memory->hash == hash && memory->text == text;
      field_memory.hits += hit ? 1 : 0;
      if (++field_memory.lookups == kMemoryWindow) {
        if (field_memory.hits * kMinHitShare < kMemoryWindow) field_memory.resting = kMemoryRest;
        field_memory.lookups = field_memory.hits = 0;
      }
      if (hit) {
        for (uint32_t id : memory->ids) Fire(id, fired, hits);
        return;
      }
    }
    const size_t first = hits.size();
    ScanContext c{&f.ids, &fired, &hits};
    // hs_scan can only fail on a scratch too small for the database or in use on another
    // thread: the scratch was sized for every database of this scanner and is this thread's.
    hs_scan(f.db, text.data(), static_cast<unsigned>(text.size()), 0, scratch.hs_, OnMatch, &c);
    if (memory != nullptr) {
      // Pattern ids are per field and a field is scanned once per event, so what this scan
      // matched is exactly what it added to `hits`.
      memory->hash = hash;
      memory->text.assign(text);
      memory->ids.assign(hits.begin() + static_cast<ptrdiff_t>(first), hits.end());
    }
  };
  const Fields& fields = view.event().fields;
  // Start loading the event's field array, then the first bytes of each name and text. Events
  // often reach the matcher cold (decoded on another thread, queued, or one of many held in
  // memory), and the walk below would otherwise take each cache miss in turn, behind the work on
  // the field before; requested together, the misses overlap (all Windows rules, 100,000 events
  // in memory: about 265K -> 340K events per CPU second). Texts past two cache lines are left to
  // the hardware, which follows a sequential read by itself. Written in place: GCC takes a function
  // that only prefetches for one without effects and drops the call.
  {
    const auto* begin = reinterpret_cast<const char*>(fields.items().data());
    const char* end = begin + fields.size() * sizeof(pantau::Field);
    for (const char* p = begin; p < end; p += 64) __builtin_prefetch(p);
  }
  for (const pantau::Field& ef : fields.items()) {
    __builtin_prefetch(ef.name.data());
    if (const auto* s = std::get_if<std::string>(&ef.value)) {
      __builtin_prefetch(s->data());
      if (s->size() > 64) __builtin_prefetch(s->data() + 64);
    }
  }
  // Walk the smaller side: the event's fields, or the scanned field names.
  if (fields.size() < fields_.size()) {
    auto& slot_at = scratch.slot_at_;
    if (slot_at.size() < fields.size()) slot_at.resize(fields.size(), {std::string(), -1});
    for (size_t i = 0; i < fields.size(); ++i) {
      const pantau::Field& ef = fields.items()[i];
      auto& [name, at] = slot_at[i];
      if (name != ef.name) {
        const auto it = by_name_.find(std::string_view(ef.name));
        name = ef.name;
        at = it == by_name_.end() ? -1 : static_cast<int32_t>(it->second);
      }
      if (at >= 0) scan(static_cast<size_t>(at), ef.value);
    }
    // The event's dataset, unless a field of that name stood in for it (the walk above would
    // have found it: `dataset` has a slot).
    if (dataset_slot_ >= 0 && slots[dataset_slot_] == nullptr) {
      scan(static_cast<size_t>(dataset_slot_), view.Dataset());
    }
  } else {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (const Value* v = view.Find(fields_[i].name)) scan(i, *v);
    }
  }
}

void FieldScanner::ScanKeywords(const EventView& view, Scratch& scratch,
                                const std::vector<uint32_t>& sets, std::vector<uint64_t>& fired,
                                std::vector<uint32_t>& hits) const {
  std::string& joined = scratch.joined_;
  joined.clear();
  for (uint32_t k : sets) {
    const Field& keywords = keywords_[k];
    for (uint32_t id : keywords.any_ids) Fire(id, fired, hits);
    if (keywords.db == nullptr) continue;
    if (joined.empty()) {
      // A message that only repeats the fields' text would be scanned twice.
      const Event& e = view.event();
      joined.assign((e.flags & kMessageFromFields) != 0 ? std::string_view() : e.message);
      for (const pantau::Field& ef : e.fields.items()) {
        if (const auto* s = std::get_if<std::string>(&ef.value)) {
          joined += '\0';
          joined += *s;
        }
      }
    }
    ScanContext c{&keywords.ids, &fired, &hits};
    hs_scan(keywords.db, joined.data(), static_cast<unsigned>(joined.size()), 0, scratch.hs_,
            OnMatch, &c);
  }
}

}  // namespace pantau::sigma
