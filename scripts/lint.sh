#!/usr/bin/env bash
# Style gates run by `make test`: clang-format (no diff allowed) and clang-tidy (.clang-tidy, every
# warning an error) over the project's C++ sources, using the build's compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build/ci}

mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 2>/dev/null || find src bench -name '*.cc' -o -name '*.h')
[ ${#files[@]} -gt 0 ] || exit 0

echo "lint: clang-format on ${#files[@]} files"
clang-format --dry-run --Werror "${files[@]}"

mapfile -t sources < <(printf '%s\n' "${files[@]}" | grep '^src/.*\.cc$' | grep -v '_test\.cc$')
echo "lint: clang-tidy on ${#sources[@]} files"
printf '%s\n' "${sources[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option 2> >(grep -v 'warnings generated' >&2) ||
  { echo "lint: clang-tidy found problems (run: clang-tidy -p $build FILE)"; exit 1; }
echo "lint: ok"
