#include "notify/notify_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cases/workflow.h"

namespace pantau {
namespace {

class NotifyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_notify_service_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "password") << "rahasia\n";
    std::ofstream(dir_ / "token") << "123:abc\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<NotifyService>> Open(const std::string& notify_yaml) {
    Config c;
    c.data_dir = (dir_ / "data").string();
    RETURN_IF_ERROR(LoadConfigText(notify_yaml, "t.yaml", c));
    return OpenNotify(c, clock_);
  }
  std::string Path(std::string_view name) { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  ManualClock clock_{1'772'323'200LL * kNsPerSecond};
};

TEST_F(NotifyServiceTest, FromTheConfig) {
  auto s = Open(
      "notify:\n  smtp:\n    url: smtp://127.0.0.1:2525\n"
      "    from: CSIRT Kukar <csirt@kukarkab.go.id>\n    username: pantau\n"
      "    password_file: " +
      Path("password") + "\n" +
      "  webhooks:\n    - url: https://hooks.example.org/x\n"
      "    - kind: telegram\n      chat_id: '-100'\n      token_file: " +
      Path("token") + "\n      events: [approve]\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_NE((*s)->smtp, nullptr);
  EXPECT_EQ((*s)->smtp->starttls(), StartTls::kIfAvailable);
  ASSERT_EQ((*s)->dispatcher->webhooks().size(), 2u);
  EXPECT_EQ((*s)->dispatcher->webhooks()[1].PostUrl(),
            "https://api.telegram.org/bot123:abc/sendMessage");

  auto off = Open("");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ((*off)->smtp, nullptr);
  EXPECT_EQ((*off)->dispatcher->EnqueueMail(0, {}, "x").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(NotifyServiceTest, BadFilesAndAddressesAreNamed) {
  auto s = Open(
      "notify:\n  webhooks:\n    - kind: telegram\n      chat_id: '1'\n"
      "      token_file: /nonexistent/token\n");
  EXPECT_EQ(s.status().message(), "notify.webhooks[0].token_file: cannot read /nonexistent/token");
  s = Open("notify:\n  smtp:\n    url: smtp://127.0.0.1\n    from: CSIRT <csirt@kukar>\n");
  EXPECT_NE(s.status().message().find("notify.smtp.from.address: 'csirt@kukar' is not an email "
                                      "address"),
            std::string::npos)
      << s.status().message();
  s = Open(
      "notify:\n  smtp:\n    url: smtp://mail.kukarkab.go.id\n    from: a@b.id\n"
      "    starttls: none\n    username: u\n    password_file: " +
      Path("password") + "\n");
  EXPECT_NE(s.status().message().find("could travel in clear"), std::string::npos)
      << s.status().message();
}

// config.cc keeps its own list of the workflow's actions (core cannot include cases/): it must
// take every one of them.
TEST_F(NotifyServiceTest, EveryWorkflowActionIsAnEventName) {
  std::string events;
  for (int i = 0; i < kCaseActionCount; ++i) {
    events += (i ? ", " : "") + std::string(CaseActionName(static_cast<CaseAction>(i)));
  }
  Config c;
  const Status s = LoadConfigText(
      "notify:\n  webhooks:\n    - url: https://x.org\n      events: [" + events + "]\n", "t.yaml",
      c);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace pantau
