#include "auth/roles.h"

#include <gtest/gtest.h>

#include "auth/api_keys.h"

namespace pantau {
namespace {

// The whole table, one row per permission: which roles have it and which key scope grants it.
struct Row {
  Permission permission;
  bool analyst, coordinator, head, admin;
  std::string_view scope;
};

constexpr Row kTable[] = {
    {Permission::kOwnAccount, true, true, true, true, kScopeSearch},
    {Permission::kReadEvents, true, true, true, true, kScopeSearch},
    {Permission::kTriageAlerts, true, true, false, false, kScopeTriage},
    {Permission::kIngest, false, false, false, false, kScopeIngest},
    {Permission::kManageAccounts, false, false, false, true, ""},
    {Permission::kWorkCases, true, true, true, false, ""},
    {Permission::kManageSettings, false, false, false, true, ""},
    {Permission::kRunAssessments, true, true, false, false, ""},
    {Permission::kReadPublicStatus, true, true, true, true, "status"},
};

TEST(RolesTest, TheTable) {
  for (const Row& row : kTable) {
    SCOPED_TRACE(static_cast<int>(row.permission));
    EXPECT_EQ(RoleAllows(Role::kAnalyst, row.permission), row.analyst);
    EXPECT_EQ(RoleAllows(Role::kCoordinator, row.permission), row.coordinator);
    EXPECT_EQ(RoleAllows(Role::kHead, row.permission), row.head);
    EXPECT_EQ(RoleAllows(Role::kAdmin, row.permission), row.admin);
    EXPECT_EQ(ScopeFor(row.permission), row.scope);
  }
}

TEST(RolesTest, Names) {
  for (Role r : {Role::kAnalyst, Role::kCoordinator, Role::kHead, Role::kAdmin}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(ParseRole("Admin").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pantau
