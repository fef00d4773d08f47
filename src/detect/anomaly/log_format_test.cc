#include "detect/anomaly/log_format.h"

#include <gtest/gtest.h>

namespace pantau::anomaly {
namespace {

TEST(LogFormat, SeparatesHeaderFromMessage) {
  struct Case {
    std::string format, line, content;
  };
  const std::vector<Case> cases = {
      {"openssh", "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
       "Invalid user webmaster from 173.234.31.186"},
      {"linux", "Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown",
       "check pass; user unknown"},
      {"linux", "Jun  9 06:06:20 combo kernel: Linux version 2.6.5", "Linux version 2.6.5"},
      {"apache", "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf",
       "workerEnv.init() ok /etc/httpd/conf"},
      {"raw", "anything at all", "anything at all"},
      {"<Level>: <Content>", "INFO: started", "started"},
  };
  for (const Case& c : cases) {
    auto f = LogFormat::Make(c.format);
    ASSERT_TRUE(f.ok()) << c.format;
    EXPECT_EQ(f->Content(c.line), c.content) << c.format;
  }
  auto f = LogFormat::Make("openssh");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->Content("no header here").has_value());
}

TEST(LogFormat, RejectsBadFormats) {
  EXPECT_FALSE(LogFormat::Make("nosuchformat").ok());
  EXPECT_FALSE(LogFormat::Make("<Date> <Time>").ok());  // no <Content>
  EXPECT_FALSE(LogFormat::Make("<Date <Content>").ok());
  EXPECT_FALSE(LogFormat::Make("<Content> <Content>").ok());
}

}  // namespace
}  // namespace pantau::anomaly
