#include "api/export.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(CsvTest, QuotesAndDefusesFormulas) {
  StoredEvent e;
  e.id = "20261127-1";
  e.timestamp = 0;
  e.dataset = "web.access";
  e.message = "GET /a,b \"x\"";
  e.fields_json =
      R"json({"user.name":"=HYPERLINK(\"http://evil\")","source.port":22,"n":null})json";
  const std::vector<std::string> cols = {"@timestamp",  "id", "message", "user.name",
                                         "source.port", "n",  "absent"};
  EXPECT_EQ(CsvHeader(cols), "@timestamp,id,message,user.name,source.port,n,absent\r\n");
  EXPECT_EQ(CsvRow(e, cols),
            "1970-01-01T00:00:00Z,20261127-1,\"GET /a,b \"\"x\"\"\","
            "\"'=HYPERLINK(\"\"http://evil\"\")\",22,,\r\n");
}

TEST(CsvTest, Columns) {
  EXPECT_EQ(ParseCsvColumns("").value(), DefaultCsvColumns());
  EXPECT_EQ(ParseCsvColumns("a,source.ip").value(), (std::vector<std::string>{"a", "source.ip"}));
  EXPECT_EQ(ParseCsvColumns("a,b\"c").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pantau
