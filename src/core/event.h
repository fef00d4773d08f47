// Event: one log record as Pantau keeps it — when it happened, where it came from, the raw bytes
// as received, and named fields. Normalised fields use Elastic Common Schema names
// (source.ip, user.name, event.outcome); the source's own names are kept beside them (srcip,
// EventID), because Sigma rules are written against those.
//
// Thread-safety: plain values; one owner at a time, moved along the pipeline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.h"

namespace pantau {

// A field's value. Decoders store numbers as numbers where the source means a number (ports,
// status codes, byte counts), so range queries work.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;
// The type of a value as a store reads it (a store has no booleans: they are integers there).
enum class ValueKind { kNull, kInt, kReal, kText };

struct Field {
  std::string name;
  Value value;
};

// An ordered set of named fields; names are unique. Small sets are searched linearly; past
// kIndexFrom fields a hash index of positions keeps Set and Find O(1), since FortiGate and Suricata
// lines carry 50 to 100 fields and hostile lines up to the decoders' cap.
class Fields {
 public:
  void Reserve(size_t n) { items_.reserve(n); }
  // Sets `name`, replacing an earlier value of the same name.
  void Set(std::string_view name, Value value);
  // Sets `name` only when it is not set yet.
  void SetIfAbsent(std::string_view name, Value value);
  const Value* Find(std::string_view name) const;
  // The value as text when it is a string, empty otherwise.
  std::string_view GetString(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  const std::vector<Field>& items() const { return items_; }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  static constexpr size_t kIndexFrom = 16;
  // Position of `name` in items_, or -1.
  ptrdiff_t IndexOf(std::string_view name) const;
  void Append(std::string_view name, Value value);
  void Rehash();

  std::vector<Field> items_;
  // Open addressing over positions in items_ (+1; 0 is empty), a power of two at least twice
  // items_.size(); empty while the set is small.
  std::vector<uint32_t> index_;
};

// Bits of Event::flags.
enum EventFlag : uint32_t {
  kDecodeError = 1u << 0,      // no decoder understood the line; it is kept raw
  kTruncated = 1u << 1,        // the line was longer than the limit and was cut
  kInvalidUtf8 = 1u << 2,      // the raw bytes are not valid UTF-8 (kept byte-exact)
  kTimeFromReceipt = 1u << 3,  // the record carried no usable time; received time is used
  // The message only repeats text of the fields (Windows events): full-text search reads it,
  // keyword detection need not. Internal: not listed in the API's "flags".
  kMessageFromFields = 1u << 4,
};

struct Event {
  TimeNs timestamp = 0;  // when it happened
  TimeNs received = 0;   // when Pantau accepted it
  std::string dataset;   // "linux.auth", "fortigate.traffic", "unknown" ...
  std::string message;   // the human-readable text, searched as full text
  std::string raw;       // the bytes as received
  Fields fields;
  uint32_t flags = 0;
  std::string error;  // why decoding failed, when kDecodeError is set
};

// Appends `s` to `out` as a JSON string literal. Bytes that are not valid UTF-8 are written as
// the visible text \xNN, so hostile bytes stay visible and never break the document.
void AppendJsonString(std::string& out, std::string_view s);
void AppendJsonValue(std::string& out, const Value& v);
// `,"name":"value"`, for an object being written member by member after its first.
void AppendJsonMember(std::string& out, std::string_view name, std::string_view value);
// The same, with null for an empty value.
void AppendJsonMemberOrNull(std::string& out, std::string_view name, std::string_view value);
// {"name": value, ...} in field order.
std::string FieldsToJson(const Fields& fields);
// The event as the API shows it: {"@timestamp", "dataset", "message", "raw", "fields"}, plus
// "flags" and "error" when set. `id` is included when not empty.
std::string EventToJson(const Event& e, std::string_view id = {});
// Appends ,"flags":["decode_error",...] when any flag is set.
void AppendFlagsJson(std::string& out, uint32_t flags);

// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace pantau
