#include "decode/json.h"

#include <gtest/gtest.h>

#include <string>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::T;
using testing_support::TestContext;
using testing_support::Text;

Event MustDecode(std::string_view line) { return testing_support::MustDecode(DecodeJson, line); }

TEST(JsonTest, FlattensAndKeepsTypes) {
  Event e = MustDecode(
      R"({"a":{"b":{"c":1}},"s":"x","d":1.5,"t":true,"n":null,"arr":[1, {"k":"v"}],"e":{}})");
  EXPECT_EQ(Text(e, "a.b.c"), "1(int)");
  EXPECT_EQ(Text(e, "s"), "x");
  EXPECT_EQ(Text(e, "d"), "1.500000(double)");
  EXPECT_EQ(Text(e, "t"), "true");
  EXPECT_EQ(Text(e, "n"), "null");
  EXPECT_EQ(Text(e, "arr"), R"([1,{"k":"v"}])");
  EXPECT_EQ(Text(e, "e"), "{}");
  EXPECT_EQ(e.dataset, "json");
  EXPECT_EQ(e.message, e.raw);
}

TEST(JsonTest, TimeFields) {
  struct Case {
    std::string_view line;
    std::string_view want;  // empty: receipt time
  } cases[] = {
      {R"({"@timestamp":"2026-11-27T10:00:00+07:00"})", "2026-11-27T03:00:00Z"},
      {R"({"timestamp":"2026-11-27T03:00:00.250Z"})", "2026-11-27T03:00:00.250Z"},
      {R"({"time":1795748400})", "2026-11-27T03:00:00Z"},
      {R"({"time":1795748400123})", "2026-11-27T03:00:00.123Z"},
      {R"({"ts":1795748400.5})", "2026-11-27T03:00:00.5Z"},
      {R"({"@timestamp":"bad","ts":1795748400})", "2026-11-27T03:00:00Z"},
      {R"({"time":true})", ""},
      {R"({"time":-1})", ""},
      {R"({"time":{"nested":1}})", ""},
  };
  for (const auto& c : cases) {
    Event e = MustDecode(c.line);
    if (c.want.empty()) {
      EXPECT_TRUE(e.flags & kTimeFromReceipt) << c.line;
    } else {
      EXPECT_EQ(e.timestamp, T(c.want)) << c.line;
      EXPECT_FALSE(e.flags & kTimeFromReceipt) << c.line;
    }
  }
}

TEST(JsonTest, DatasetAndMessage) {
  EXPECT_EQ(MustDecode(R"({"dataset":"app.audit"})").dataset, "app.audit");
  EXPECT_EQ(MustDecode(R"({"event":{"dataset":"nginx.access"}})").dataset, "nginx.access");
  EXPECT_EQ(MustDecode(R"({"event.dataset":"x.y"})").dataset, "x.y");
  EXPECT_EQ(MustDecode(R"({"dataset":"<script>"})").dataset, "json");
  EXPECT_EQ(MustDecode(R"({"dataset":""})").dataset, "json");
  EXPECT_EQ(MustDecode(R"({"message":"m","msg":"x"})").message, "m");
  EXPECT_EQ(MustDecode(R"({"msg":"x","log":"y"})").message, "x");
  EXPECT_EQ(MustDecode(R"({"log":"y"})").message, "y");
}

TEST(JsonTest, Errors) {
  for (std::string_view bad :
       {"", "x", "[1]", "{", "{\"a\":}", "{\"a\":1} x", "{\"a\":\"\xff\"}", "{\"a\":1e999}"}) {
    auto r = DecodeJson(bad, TestContext());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().substr(0, 6), "json: ") << bad;
  }
}

TEST(JsonTest, DeepNestingAndHugeLines) {
  std::string deep(100000, '[');
  EXPECT_FALSE(DecodeJson("{\"a\":" + deep, TestContext()).ok());
  std::string nested;
  for (int i = 0; i < 500; ++i) nested += "{\"k\":";
  nested += "1";
  nested += std::string(500, '}');
  Event e = MustDecode(nested);
  EXPECT_EQ(e.fields.size(), 2u);  // the value and input.type
  std::string big = "{\"a\":\"" + std::string(3 << 20, 'x') + "\"}";
  e = MustDecode(big);
  EXPECT_EQ(Text(e, "a").size(), size_t{3} << 20);
  std::string many = "{";
  for (int i = 0; i < 3000; ++i)
    many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  many += "\"end\":1}";
  e = MustDecode(many);
  EXPECT_LT(e.fields.size(), 1100u);
}

TEST(SuricataTest, DetectedByContent) {
  // An EVE record needs event_type, timestamp and a flow_id, src_ip or in_iface (or stats).
  EXPECT_EQ(
      MustDecode(R"({"timestamp":"2026-11-27T10:00:00Z","event_type":"flow","flow_id":1})").dataset,
      "suricata.flow");
  EXPECT_EQ(MustDecode(R"({"timestamp":"2026-11-27T10:00:00Z","event_type":"stats"})").dataset,
            "suricata.stats");
  EXPECT_EQ(MustDecode(R"({"timestamp":"2026-11-27T10:00:00Z","event_type":"login"})").dataset,
            "json");
  EXPECT_EQ(MustDecode(R"({"event_type":"alert","src_ip":"1.2.3.4"})").dataset, "json");
}

TEST(SuricataTest, ForcedNeedsEventType) {
  auto r = DecodeSuricata(R"({"event_type":"alert","alert":{"signature":"S","signature_id":5}})",
                          TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dataset, "suricata.alert");
  EXPECT_EQ(Text(*r, "rule.id"), "5");
  EXPECT_EQ(Text(*r, "rule.name"), "S");
  EXPECT_EQ(Text(*r, "event.kind"), "alert");
  EXPECT_EQ(r->message, "S");
  r = DecodeSuricata(R"({"event_type":"DROP TABLE"})", TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dataset, "suricata");
  r = DecodeSuricata(R"({"a":1})", TestContext());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "suricata: no event_type field");
}

TEST(SuricataTest, EcsFields) {
  auto r = DecodeSuricata(
      R"({"timestamp":"2026-11-27T10:00:00.123456+0700","event_type":"dns","src_ip":"::1",)"
      R"("src_port":1,"dest_ip":"::2","dest_port":53,"proto":"UDP","app_proto":"dns",)"
      R"("dns":{"queries":[{"rrname":"a.example","rrtype":"AAAA"}],"rcode":"NOERROR"}})",
      TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2026-11-27T03:00:00.123456Z"));
  EXPECT_EQ(Text(*r, "source.ip"), "::1");
  EXPECT_EQ(Text(*r, "destination.port"), "53(int)");
  EXPECT_EQ(Text(*r, "network.transport"), "udp");
  EXPECT_EQ(Text(*r, "network.protocol"), "dns");
  EXPECT_EQ(Text(*r, "dns.question.name"), "a.example");
  EXPECT_EQ(Text(*r, "dns.question.type"), "AAAA");
  EXPECT_EQ(Text(*r, "dns.response_code"), "NOERROR");
  // queries that are no array of objects are kept and not mapped
  r = DecodeSuricata(R"({"event_type":"dns","dns":{"queries":"x"}})", TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(*r, "dns.question.name"), "<absent>");
  r = DecodeSuricata(R"({"event_type":"dns","dns":{"queries":[]}})", TestContext());
  ASSERT_TRUE(r.ok());
}

}  // namespace
}  // namespace pantau
