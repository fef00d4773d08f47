// Who may do what. People have one role (DESIGN.md "Users and what they do"); machines have API
// keys with scopes. Every route names the permission it needs, and this table decides.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"

namespace pantau {

enum class Role { kAnalyst, kCoordinator, kHead, kAdmin };
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

enum class Permission {
  kOwnAccount,    // one's own session and second factor: always, even before enrolling one
  kReadEvents,    // search events, read alerts
  kTriageAlerts,  // change alerts
  kIngest,        // send events (machines only)
  // users and API keys (admins only); no API key scope grants it: a machine that could make
  // keys or people would outlive any revocation
  kManageAccounts,
  // open, change and move cases (analysts, coordinators, heads); which workflow action a role
  // may take is the workflow table's to decide (cases/workflow.h). People only: every step is
  // signed by a person
  kWorkCases,
  // settings such as the cases' time standards, the attack library and the registry of
  // electronic systems (admins only); no API key scope grants it
  kManageSettings,
  // start and cancel vulnerability assessments of registered systems from a case, and set their
  // findings' status (analysts and coordinators: the SOP's step 5 is theirs). People only: no
  // scan starts without a person's explicit action
  kRunAssessments,
  // the public status export of monitored systems (every role, and keys with the status scope,
  // which grants nothing else)
  kReadPublicStatus,
};

// Whether a person with `role` has the permission.
bool RoleAllows(Role role, Permission permission);
// The API key scope that grants the permission; empty when no key may have it.
std::string_view ScopeFor(Permission permission);

}  // namespace pantau
