// WebhookSender against an HTTP server on 127.0.0.1 (cpp-httplib, port chosen by the system).
#include "notify/webhook_sender.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace pantau {
namespace {

constexpr std::string_view kToken = "123456:ABC-def_ghi";

Notification Approved() {
  Notification n;
  n.event = "approve";
  n.case_number = "INS-2026-0042";
  n.state = "approved";
  n.title = "Judi online di portal \"Disdik\"";
  n.url = "https://pantau.kukarkab.go.id/cases/42";
  n.extra = {{"actor", "kadis"}};
  return n;
}

TEST(Webhook, BodiesAndTargets) {
  EXPECT_EQ(GenericWebhookBody(Approved()),
            R"({"event":"approve","case":"INS-2026-0042","state":"approved",)"
            R"("title":"Judi online di portal \"Disdik\"",)"
            R"("url":"https://pantau.kukarkab.go.id/cases/42","actor":"kadis"})");
  Webhook tg;
  tg.kind = WebhookKind::kTelegram;
  tg.chat_id = "-100123";
  tg.token = std::string(kToken);
  EXPECT_EQ(tg.Target(), "telegram:-100123");
  EXPECT_EQ(tg.PostUrl(), "https://api.telegram.org/bot123456:ABC-def_ghi/sendMessage");
  const auto body = nlohmann::json::parse(tg.Body(Approved()));
  EXPECT_EQ(body["chat_id"], "-100123");
  EXPECT_EQ(body["text"],
            "[Pantau] INS-2026-0042: approve -> approved\nJudi online di portal \"Disdik\"\n"
            "actor: kadis\nhttps://pantau.kukarkab.go.id/cases/42");
  tg.url = "http://127.0.0.1:9/";
  EXPECT_EQ(tg.PostUrl(), "http://127.0.0.1:9/bot123456:ABC-def_ghi/sendMessage");

  Webhook g{.url = "https://hooks.example.org/pantau", .events = {"submit", "approve"}};
  EXPECT_EQ(g.Target(), "https://hooks.example.org/pantau");
  EXPECT_TRUE(g.Wants("approve"));
  EXPECT_FALSE(g.Wants("close"));
  EXPECT_TRUE(Webhook{}.Wants("close"));
}

TEST(Webhook, BadSettingsAreRefused) {
  EXPECT_TRUE(CheckWebhook({.url = "https://x.org/h"}, "w").ok());
  EXPECT_FALSE(CheckWebhook({.url = "ftp://x.org/h"}, "w").ok());
  EXPECT_FALSE(CheckWebhook({.url = ""}, "w").ok());
  Webhook tg{.kind = WebhookKind::kTelegram, .chat_id = "1", .token = "1:a"};
  EXPECT_TRUE(CheckWebhook(tg, "w").ok());
  tg.token = "1:a/../x";
  EXPECT_NE(CheckWebhook(tg, "notify.webhooks[0]").message().find("notify.webhooks[0].token_file"),
            std::string::npos);
  tg.token.clear();
  EXPECT_FALSE(CheckWebhook(tg, "w").ok());
  tg.token = "1:a";
  tg.chat_id.clear();
  EXPECT_FALSE(CheckWebhook(tg, "w").ok());
}

// An HTTP server on 127.0.0.1 that keeps what it is sent and answers with `status`.
class LoopbackHttp {
 public:
  LoopbackHttp() {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
      bodies_.push_back(req.body);
      content_types_.push_back(req.get_header_value("Content-Type"));
      res.status = status_;
      res.set_content(
          status_ == 200 ? R"({"ok":true})" : "{\"ok\":false,\"description\":\"Bad\nRequest\"}",
          "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket listens from bind on; wait (bounded) for the accept loop so stop() finds it.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~LoopbackHttp() {
    server_.stop();
    thread_.join();
  }
  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  void set_status(int s) {
    std::lock_guard lock(mu_);
    status_ = s;
  }

  std::mutex mu_;
  std::vector<std::string> paths_, bodies_, content_types_;

 private:
  httplib::Server server_;
  int port_ = 0;
  int status_ = 200;
  std::thread thread_;
};

TEST(WebhookSender, PostsGenericAndTelegramAndChecksTheStatus) {
  LoopbackHttp http;
  WebhookSender sender(WebhookOptions{.connect_timeout = std::chrono::seconds(2),
                                      .total_timeout = std::chrono::seconds(5)});
  const Webhook generic{.url = http.Url("/hooks/pantau")};
  auto r = sender.Post(generic.PostUrl(), generic.Body(Approved()), generic.Target());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, R"(HTTP 200: {"ok":true})");

  const Webhook tg{.kind = WebhookKind::kTelegram,
                   .url = http.Url(""),
                   .chat_id = "-100123",
                   .token = std::string(kToken)};
  r = sender.Post(tg.PostUrl(), tg.Body(Approved()), tg.Target());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  {
    std::lock_guard lock(http.mu_);
    ASSERT_EQ(http.paths_.size(), 2u);
    EXPECT_EQ(http.paths_[0], "/hooks/pantau");
    EXPECT_EQ(http.bodies_[0], GenericWebhookBody(Approved()));
    EXPECT_EQ(http.content_types_[0], "application/json; charset=utf-8");
    EXPECT_EQ(http.paths_[1], "/bot123456:ABC-def_ghi/sendMessage");
    EXPECT_EQ(nlohmann::json::parse(http.bodies_[1])["chat_id"], "-100123");
  }

  http.set_status(400);
  r = sender.Post(tg.PostUrl(), tg.Body(Approved()), tg.Target());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      r.status().message(),
      R"(webhook telegram:-100123: the server answered HTTP 400: {"ok":false,"description":"Bad Request"})");
  http.set_status(503);
  r = sender.Post(generic.PostUrl(), generic.Body(Approved()), generic.Target());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 503"), std::string::npos);
}

TEST(WebhookSender, NothingListeningNeverShowsTheToken) {
  WebhookSender sender(WebhookOptions{.connect_timeout = std::chrono::seconds(2),
                                      .total_timeout = std::chrono::seconds(3)});
  // A port nothing listens on: bound without listen, then closed.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  const int port = ntohs(a.sin_port);
  const Webhook tg{.kind = WebhookKind::kTelegram,
                   .url = "http://127.0.0.1:" + std::to_string(port),
                   .chat_id = "5",
                   .token = std::string(kToken)};
  auto r = sender.Post(tg.PostUrl(), tg.Body(Approved()), tg.Target());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message().find(kToken), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("webhook telegram:5: cannot connect"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace pantau
