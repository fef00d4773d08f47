// The built-in attack reference library (src/cases/attack_library.yaml), carried by the binary.
#pragma once

#include <string_view>

namespace pantau {

std::string_view BuiltinAttackLibraryYaml();

}  // namespace pantau
