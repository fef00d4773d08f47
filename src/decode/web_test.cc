#include "decode/web.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::T;
using testing_support::TestContext;
using testing_support::Text;

struct Case {
  std::string_view request;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

TEST(WebAccessTest, RequestLines) {
  const Case cases[] = {
      {"GET /a/b?c=d&e=f HTTP/1.1",
       {{"http.request.method", "GET"},
        {"url.original", "/a/b?c=d&e=f"},
        {"url.path", "/a/b"},
        {"url.query", "c=d&e=f"},
        {"http.version", "1.1"},
        {"http.request.line", "<absent>"}}},
      {"GET /", {{"http.request.method", "GET"}, {"url.path", "/"}, {"http.version", "<absent>"}}},
      {"GET /?", {{"url.path", "/"}, {"url.query", ""}}},
      {"GET /#x?y HTTP/1.0", {{"url.path", "/"}, {"url.query", "<absent>"}}},
      {"CONNECT example.com:443 HTTP/1.1", {{"url.original", "example.com:443"}}},
      {"GET https://user@h.example:8443/p?q HTTP/1.1",
       {{"url.domain", "h.example"}, {"url.path", "/p"}, {"url.query", "q"}}},
      {"GET http://h.example HTTP/1.1", {{"url.domain", "h.example"}, {"url.path", "<absent>"}}},
      {R"(\x16\x03\x01)",
       {{"http.request.line", R"(\x16\x03\x01)"}, {"http.request.method", "<absent>"}}},
      {"get / HTTP/1.1", {{"http.request.line", "get / HTTP/1.1"}}},
      {"GET / FOO/1.0", {{"http.request.line", "GET / FOO/1.0"}}},
      {"-", {{"http.request.line", "<absent>"}, {"url.original", "<absent>"}}},
      {"", {{"http.request.line", "<absent>"}}},
      {R"(GET /\"q\" HTTP/1.1)", {{"url.original", "/\"q\""}}},
  };
  for (const auto& c : cases) {
    const std::string line =
        "1.2.3.4 - - [27/Nov/2026:10:00:00 +0700] \"" + std::string(c.request) + "\" 200 5";
    auto r = DecodeWebAccess(line, TestContext());
    ASSERT_TRUE(r.ok()) << line << ": " << r.status().message();
    EXPECT_EQ(r->dataset, "web.access");
    for (const auto& [name, want] : c.fields)
      EXPECT_EQ(Text(*r, name), want) << line << " " << name;
  }
}

TEST(WebAccessTest, CommonAndCombined) {
  auto r = DecodeWebAccess(
      R"(::1 - bob [27/Nov/2026:10:00:00 -0700] "GET / HTTP/1.1" 404 - "http://r/" "UA x")",
      TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2026-11-27T17:00:00Z"));
  EXPECT_EQ(Text(*r, "source.ip"), "::1");
  EXPECT_EQ(Text(*r, "user.name"), "bob");
  EXPECT_EQ(Text(*r, "http.response.status_code"), "404(int)");
  EXPECT_EQ(Text(*r, "event.outcome"), "failure");
  EXPECT_EQ(Text(*r, "http.response.body.bytes"), "<absent>");
  EXPECT_EQ(Text(*r, "http.request.referrer"), "http://r/");
  EXPECT_EQ(Text(*r, "user_agent.original"), "UA x");
  r = DecodeWebAccess(R"(h.example - - [27/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 7)",
                      TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(*r, "source.domain"), "h.example");
  EXPECT_EQ(Text(*r, "user_agent.original"), "<absent>");
  EXPECT_EQ(Text(*r, "http.response.body.bytes"), "7(int)");
}

TEST(WebAccessTest, Errors) {
  struct Bad {
    std::string_view line;
    std::string_view error;
  } cases[] = {
      {"1.2.3.4", "web: expected the client address at byte 0"},
      {"1.2.3.4 -", "web: expected the identd name at byte 9"},
      {"1.2.3.4 - - [27/Nov/2026:10:00:00 +0700", "web: expected ']' after the time at byte 13"},
      {"1.2.3.4 - - [27/Nov/2026:10:00:00 +0700]", "web: expected the quoted request at byte 40"},
      {"1.2.3.4 - - [27/Foo/2026:10:00:00 +0700] \"GET /\" 200 1", "web: bad time at byte 13"},
      {"1.2.3.4 - - [27/Nov/2026:10:00:00 +9900] \"GET /\" 200 1", "web: bad time at byte 13"},
  };
  for (const auto& c : cases) {
    auto r = DecodeWebAccess(c.line, TestContext());
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().message(), c.error);
  }
}

TEST(WebErrorTest, ApacheAndNginx) {
  auto r = DecodeWebError(
      "[Thu Nov 27 10:00:00.5 2026] [ssl:warn] [pid 7:tid 8] [client 1.2.3.4:5] AH01909: x",
      TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dataset, "web.error");
  EXPECT_EQ(r->timestamp, T("2026-11-27T10:00:00.5Z"));
  EXPECT_EQ(Text(*r, "log.level"), "warn");
  EXPECT_EQ(Text(*r, "apache.error.module"), "ssl");
  EXPECT_EQ(Text(*r, "process.pid"), "7(int)");
  EXPECT_EQ(Text(*r, "process.thread.id"), "8(int)");
  EXPECT_EQ(Text(*r, "source.port"), "5(int)");
  EXPECT_EQ(Text(*r, "error.code"), "AH01909");
  EXPECT_EQ(r->message, "AH01909: x");

  r = DecodeWebError("[Sun Dec 04 04:47:44 2005] [notice] jk2_init() Found child", TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2005-12-04T04:47:44Z"));
  EXPECT_EQ(r->message, "jk2_init() Found child");

  r = DecodeWebError(
      "2026/11/27 10:00:03 [crit] 12#34: *1 SSL_do_handshake() failed, client: "
      "1.2.3.4, server: 0.0.0.0:443",
      TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(*r, "log.level"), "crit");
  EXPECT_EQ(Text(*r, "process.pid"), "12(int)");
  EXPECT_EQ(Text(*r, "source.ip"), "1.2.3.4");
  EXPECT_EQ(r->message, "*1 SSL_do_handshake() failed, client: 1.2.3.4, server: 0.0.0.0:443");

  EXPECT_FALSE(DecodeWebError("[Sun Dec 04 04:47:44 2005]", TestContext()).ok());
  EXPECT_FALSE(DecodeWebError("[Sun Dec 04 04:47:44 20x5] [notice] x", TestContext()).ok());
  EXPECT_FALSE(DecodeWebError("[x]", TestContext()).ok());
  EXPECT_FALSE(DecodeWebError("2026/13/27 10:00:03 [crit] x", TestContext()).ok());
}

}  // namespace
}  // namespace pantau
