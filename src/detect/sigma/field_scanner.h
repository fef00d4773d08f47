// One Hyperscan database per field over the string patterns of every rule of a rule set, so
// that an event's field is scanned once for all rules instead of once per pattern. Identical
// patterns on the same field share one id. Patterns Hyperscan cannot express (`*` alone, the
// empty value) are decided without it.
//
// Thread-safety: immutable after Build; each thread scans with its own Scratch.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "detect/sigma/matcher.h"

struct hs_database;
struct hs_scratch;

namespace pantau::sigma {

class FieldScanner {
 public:
  FieldScanner();
  ~FieldScanner();
  FieldScanner(FieldScanner&&) noexcept;
  FieldScanner& operator=(FieldScanner&&) noexcept;

  // Gives every field pattern of `matchers` an id and compiles the databases; marks predicates
  // whose tests are all scanned. Keywords, which may be anywhere in the event, are scanned in
  // one pass over the message and every text field joined with NUL bytes; keyword patterns
  // that could match across such a join (anchored, or holding a NUL) are left to direct
  // matching. The keywords of matchers[i] go into keyword database keyword_sets[i] (a rule
  // set keeps one per log source), so that an event is scanned only for the keywords of the
  // log sources that select it: all keywords in one database made this pass cost as much as
  // every other step together.
  Status Build(const std::vector<Matcher*>& matchers, const std::vector<uint32_t>& keyword_sets);

  size_t pattern_count() const { return pattern_count_; }
  // Unique per Build in the process, so per-thread state can tell scanners apart.
  uint64_t generation() const { return generation_; }
  size_t field_count() const { return fields_.size(); }

  // Per-thread scan state. Prepare() before the first scan with a scanner.
  class Scratch {
   public:
    Scratch() = default;
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class FieldScanner;
    // The patterns a recent value of a field fired: logs repeat values (the same process
    // paths, command lines, account names) far more often than not, and a repeat then costs a
    // hash and a comparison instead of a Hyperscan scan. Direct-mapped, per field, per thread.
    struct Remembered {
      uint64_t hash = 0;
      std::string text;
      std::vector<uint32_t> ids;
    };
    // A field whose values seldom repeat (URLs with query strings, times) would pay the hash
    // and the copy on every value for nothing: after each window of lookups with too few hits,
    // its memory rests for a while and the field is scanned directly.
    struct FieldMemory {
      std::vector<Remembered> entries;  // kRemembered of them, made on first use
      uint32_t lookups = 0, hits = 0;   // in the current window
      uint32_t resting = 0;             // values still to scan without the memory
    };
    hs_scratch* hs_ = nullptr;
    std::string joined_;               // the event's texts for the keyword pass
    uint64_t prepared_for_ = 0;        // the generation it was sized for
    std::vector<FieldMemory> memory_;  // per field of the scanner
    // The slot of the field name at each position of the last events: events of one source
    // list the same names in the same order, and a comparison is cheaper than a hash lookup.
    std::vector<std::pair<std::string, int32_t>> slot_at_;
  };

  // Scans every field of the event that some pattern names. Sets the bits of the patterns that
  // matched in `fired` (sized for pattern_count(), all zero on entry) and lists them in `hits`;
  // sets `slots` to the value of each field a predicate reads (null when absent).
  void Scan(const EventView& view, Scratch& scratch, std::vector<uint64_t>& fired,
            std::vector<uint32_t>& hits, std::vector<const Value*>& slots) const;
  // The keyword pass over the message and every text field, after Scan, with the keyword
  // databases `sets`; callers skip it when no keyword rule can apply to the event.
  void ScanKeywords(const EventView& view, Scratch& scratch, const std::vector<uint32_t>& sets,
                    std::vector<uint64_t>& fired, std::vector<uint32_t>& hits) const;

 private:
  struct Field {
    std::string name;
    hs_database* db = nullptr;
    std::vector<uint32_t> ids;        // Hyperscan pattern index -> pattern id
    std::vector<uint32_t> any_ids;    // `*`: any value
    std::vector<uint32_t> empty_ids;  // '': the empty value
  };
  // Patterns of one field while building: expression + flags -> id, so identical patterns of
  // many rules share one.
  struct Pending {
    std::map<std::pair<std::string, unsigned>, uint32_t> ids;
    std::vector<uint32_t> any_ids, empty_ids;
  };
  static Status Compile(const std::string& name, Pending& pending, Field& field);
  // `ids`: the ids of keyword patterns across all sets.
  static void AddKeywords(Predicate& p, Pending& pending,
                          std::map<std::pair<std::string, unsigned>, uint32_t>& ids,
                          uint32_t& next);

  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::vector<Field> fields_;
  std::vector<Field> keywords_;  // by keyword set; name ""
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> by_name_;
  size_t pattern_count_ = 0;
  uint64_t generation_ = 0;
  int32_t dataset_slot_ = -1;  // the slot of the pseudo-field `dataset`, when rules read it
};

}  // namespace pantau::sigma
