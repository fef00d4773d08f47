// Files named on a command line: each path a file, or a folder read recursively.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

// Appends the files of `paths` to `out`: a file as named, a folder's regular files (all depths)
// for which `keep` says yes, in name order. NotFound names a path that is neither.
Status CollectFiles(const std::vector<std::string>& paths,
                    const std::function<bool(const std::string& path)>& keep,
                    std::vector<std::string>& out);

// The whole of a file; NotFound names it when it cannot be read.
Result<std::string> ReadFileText(const std::string& path);

// Writes `text` to `path` through `path`.tmp and a rename, so that a crash leaves the old file or
// the new one, never half of one. `what` names the file in errors ("the template state").
Status WriteFileAtomically(const std::string& path, std::string_view text, std::string_view what);

}  // namespace pantau
