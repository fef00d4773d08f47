#include "auth/roles.h"

#include "auth/api_keys.h"

namespace pantau {
namespace {

constexpr std::string_view kRoleNames[] = {"analyst", "coordinator", "head", "admin"};

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

Result<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < std::size(kRoleNames); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return InvalidArgument("role '" + std::string(name) +
                         "' is not one of analyst, coordinator, head, admin");
}

bool RoleAllows(Role role, Permission permission) {
  switch (permission) {
    case Permission::kOwnAccount:
      return true;
    case Permission::kReadEvents:
      return true;  // every role reads the Security Log Analysis list
    case Permission::kTriageAlerts:
      // SOP steps 3-4: the analysts triage, their coordinator too; heads approve, admins run
      // the system.
      return role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kIngest:
      return false;  // machines send events, with API keys
    case Permission::kManageAccounts:
      return role == Role::kAdmin;
    case Permission::kWorkCases:
      // SOP steps 3-10: the response team, its coordinator and its head; admins run the system
      // and do not see incidents.
      return role == Role::kAnalyst || role == Role::kCoordinator || role == Role::kHead;
    case Permission::kManageSettings:
      return role == Role::kAdmin;
    case Permission::kRunAssessments:
      return role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kReadPublicStatus:
      return true;
  }
  return false;
}

std::string_view ScopeFor(Permission permission) {
  switch (permission) {
    case Permission::kOwnAccount:
    case Permission::kReadEvents:
      return kScopeSearch;
    case Permission::kTriageAlerts:
      return kScopeTriage;
    case Permission::kIngest:
      return kScopeIngest;
    case Permission::kManageAccounts:
    case Permission::kWorkCases:
    case Permission::kManageSettings:
    case Permission::kRunAssessments:
      return {};
    case Permission::kReadPublicStatus:
      return kScopeStatus;
  }
  return kScopeSearch;
}

}  // namespace pantau
