#include "core/event.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(FieldsTest, SetReplacesAndKeepsOrder) {
  Fields f;
  f.Set("b", int64_t{1});
  f.Set("a", std::string("x"));
  f.Set("b", int64_t{2});
  f.SetIfAbsent("a", std::string("y"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f.items()[0].name, "b");
  EXPECT_EQ(std::get<int64_t>(*f.Find("b")), 2);
  EXPECT_EQ(f.GetString("a"), "x");
  EXPECT_EQ(f.GetString("b"), "");
  EXPECT_EQ(f.Find("c"), nullptr);
}

TEST(FieldsTest, ManyFieldsUseTheIndex) {
  Fields f;
  for (int i = 0; i < 1000; ++i) f.Set("f" + std::to_string(i), int64_t{i});
  for (int i = 0; i < 1000; i += 7) f.Set("f" + std::to_string(i), int64_t{-i});
  f.SetIfAbsent("f3", int64_t{99});
  ASSERT_EQ(f.size(), 1000u);
  EXPECT_EQ(std::get<int64_t>(*f.Find("f3")), 3);
  EXPECT_EQ(std::get<int64_t>(*f.Find("f14")), -14);
  EXPECT_EQ(f.Find("f1000"), nullptr);
  EXPECT_EQ(f.items()[999].name, "f999");
  Fields copy = f;  // the index is copied along with the fields
  copy.Set("f1", int64_t{7});
  EXPECT_EQ(std::get<int64_t>(*copy.Find("f1")), 7);
  EXPECT_EQ(std::get<int64_t>(*f.Find("f1")), 1);
}

TEST(JsonTest, EscapesControlAndInvalidUtf8) {
  std::string out;
  AppendJsonString(out, std::string("a\"b\\c\n\x01<\xff>\xc3\xa9", 12));
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001<\\xff>é")");
  EXPECT_TRUE(IsValidUtf8("héllo"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
}

TEST(JsonTest, EventToJson) {
  Event e;
  e.timestamp = 0;
  e.dataset = "linux.auth";
  e.message = "m";
  e.raw = "r";
  e.fields.Set("source.port", int64_t{22});
  e.fields.Set("ok", true);
  e.fields.Set("ratio", 0.5);
  e.fields.Set("none", Value{});
  e.flags = kDecodeError;
  e.error = "no decoder";
  EXPECT_EQ(EventToJson(e, "1"),
            R"({"id":"1","@timestamp":"1970-01-01T00:00:00Z","dataset":"linux.auth",)"
            R"("message":"m","raw":"r","fields":{"source.port":22,"ok":true,"ratio":0.5,)"
            R"("none":null},"flags":["decode_error"],"error":"no decoder"})");
}

}  // namespace
}  // namespace pantau
