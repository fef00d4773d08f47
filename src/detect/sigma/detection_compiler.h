// Compiles the detection part of Sigma YAML (search identifiers with their field maps, value
// modifiers and keyword lists, and the condition) into a Matcher. Internal to detect/sigma; the
// rule loader and the log source map use it.
//
// An error says what is wrong ("CommandLine|contians: unknown modifier 'contians'") and sets
// the context's error_line to the 1-based YAML line it was found on.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "detect/sigma/matcher.h"

namespace pantau::sigma {

// Values of the placeholders the `expand` modifier replaces, by name without the percent signs.
using Placeholders = std::map<std::string, std::vector<std::string>, std::less<>>;
// Sigma field name -> Pantau field name.
using FieldRenames = std::map<std::string, std::string, std::less<>>;

struct CompileContext {
  const FieldRenames* renames = nullptr;
  const Placeholders* placeholders = nullptr;
  int* error_line = nullptr;  // set on error, when not null
};

// One search identifier's value (a map, a list of maps, or a keyword list) into nodes of `m`;
// returns its node.
Result<uint32_t> CompileSearch(const YAML::Node& value, const CompileContext& ctx, Matcher& m);

// A whole `detection` section: every identifier, then the condition (a list means OR).
Status CompileDetection(const YAML::Node& detection, const CompileContext& ctx, Matcher& m);

}  // namespace pantau::sigma
