// The built-in log source map (src/detect/sigma/logsources.yaml), carried by the binary.
#pragma once

#include <string_view>

namespace pantau::sigma {

std::string_view LogSourcesYaml();

}  // namespace pantau::sigma
