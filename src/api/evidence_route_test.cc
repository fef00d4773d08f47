#include "api/evidence_route.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(EvidenceRouteTest, DownloadsNameTheFileAsAnAttachmentOnly) {
  EXPECT_EQ(EvidenceContentDisposition("access.log"), "attachment; filename*=UTF-8''access.log");
  // Every byte that could end the header, quote or re-parameterise it is encoded.
  EXPECT_EQ(EvidenceContentDisposition("../../etc/passwd"),
            "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(EvidenceContentDisposition("a b\";x=\\y'.html"),
            "attachment; filename*=UTF-8''a%20b%22%3Bx%3D%5Cy%27.html");
  EXPECT_EQ(EvidenceContentDisposition("laporan café.pdf"),
            "attachment; filename*=UTF-8''laporan%20caf%C3%A9.pdf");
  EXPECT_EQ(EvidenceContentDisposition("100%.txt"), "attachment; filename*=UTF-8''100%25.txt");
}

TEST(EvidenceRouteTest, TextIsSentWithItsCharset) {
  EXPECT_EQ(EvidenceContentType("text/plain"), "text/plain; charset=utf-8");
  EXPECT_EQ(EvidenceContentType("application/json"), "application/json");
  EXPECT_EQ(EvidenceContentType("application/octet-stream"), "application/octet-stream");
}

}  // namespace
}  // namespace pantau
