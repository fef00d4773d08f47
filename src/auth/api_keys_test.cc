#include "auth/api_keys.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace pantau {
namespace {

TEST(ApiKeysTest, CreateAuthenticateDisable) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("pantau_keys_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ManualClock clock(1);
  auto keys = ApiKeys::Open(dir.string(), clock);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  auto k = (*keys)->Create("rsyslog-dmz", {"ingest"}, "admin");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->secret.substr(0, 3), "pk_");

  auto ok = (*keys)->Authenticate(k->secret, kScopeIngest);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->name, "rsyslog-dmz");
  EXPECT_EQ((*keys)->Authenticate(k->secret, "admin").status().code(),
            StatusCode::kPermissionDenied);
  std::string forged = k->secret;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ((*keys)->Authenticate(forged, kScopeIngest).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ((*keys)->Authenticate("nonsense", kScopeIngest).status().code(),
            StatusCode::kUnauthenticated);
  // Verify checks the key alone, whatever it may do.
  ASSERT_TRUE((*keys)->Verify(k->secret).ok());
  EXPECT_EQ((*keys)->Verify(forged).status().code(), StatusCode::kUnauthenticated);

  EXPECT_EQ((*keys)->Create("rsyslog-dmz", {"ingest"}, "admin").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ((*keys)->Create("x", {"root"}, "admin").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*keys)->Create("x", {}, "admin").status().code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE((*keys)->Disable("rsyslog-dmz", "admin").ok());
  EXPECT_EQ((*keys)->Authenticate(k->secret, kScopeIngest).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ((*keys)->Verify(k->secret).status().code(), StatusCode::kUnauthenticated);
  auto list = (*keys)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].disabled);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pantau
