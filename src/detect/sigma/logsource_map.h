// Which events a Sigma rule's logsource selects, and the field renames it implies: data, read
// from the built-in logsources.yaml and from users' files of the same shape (see that file).
//
// Thread-safety: immutable once loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "detect/sigma/detection_compiler.h"
#include "detect/sigma/matcher.h"

namespace pantau::sigma {

struct LogSource {
  std::string product, category, service;
  bool operator==(const LogSource&) const = default;
  // "product=windows category=process_creation", for messages and grouping.
  std::string Key() const;
};

class LogSourceMap {
 public:
  // The built-in map.
  static LogSourceMap Builtin();
  // Adds the entries of a YAML text (`source` names it in errors).
  Status Add(std::string_view yaml, std::string_view source);

  struct Selection {
    Matcher where;  // which events; matches everything when no entry applies and no fallback
    FieldRenames renames;
  };
  // The events and renames for a rule's logsource.
  Result<Selection> Select(const LogSource& ls) const;

 private:
  struct Entry {
    LogSource logsource;  // empty members match any rule
    std::shared_ptr<YAML::Node> where;
    FieldRenames renames;
  };
  std::vector<Entry> entries_;
};

}  // namespace pantau::sigma
