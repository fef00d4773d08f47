// The text of src/docs/templates/<file>.md, compiled in (default_templates_text.cc.in).
//
// Thread-safety: constant data; safe from any thread.
#pragma once

#include <string_view>

namespace pantau {

// `file` is "letter.id" and the like; empty for an unknown one.
std::string_view BuiltinTemplateText(std::string_view file);

}  // namespace pantau
