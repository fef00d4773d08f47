// The sample files of the assessment tests (src/assess/testdata), read whole.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace pantau {

inline std::string ReadSample(const std::string& name) {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/src/assess/testdata/" + name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace pantau
