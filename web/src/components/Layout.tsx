import type { ReactNode } from "react";
import { api, User } from "../api";
import { useI18n } from "../i18n";
import { navigate, useLocation } from "../router";

function NavLink({ to, children, testId }: { to: string; children: ReactNode; testId: string }) {
  const { path } = useLocation();
  return (
    <a
      href={to}
      data-testid={testId}
      className={path === to || (to !== "/" && path.startsWith(`${to}/`)) ? "active" : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function Layout({ user, onLogout, children }: { user: User; onLogout: () => void; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          {t("app.name")} <small>{t("app.tagline")}</small>
        </span>
        <nav>
          <NavLink to="/" testId="nav-dashboard">
            {t("nav.dashboard")}
          </NavLink>
          <NavLink to="/search" testId="nav-search">
            {t("nav.search")}
          </NavLink>
          <NavLink to="/alerts" testId="nav-alerts">
            {t("nav.alerts")}
          </NavLink>
          <NavLink to="/templates" testId="nav-templates">
            {t("nav.templates")}
          </NavLink>
          <NavLink to="/cases" testId="nav-cases">
            {t("nav.cases")}
          </NavLink>
          <NavLink to="/systems" testId="nav-systems">
            {t("nav.systems")}
          </NavLink>
          {user.role === "admin" && (
            <NavLink to="/admin" testId="nav-admin">
              {t("nav.admin")}
            </NavLink>
          )}
          <NavLink to="/warroom" testId="nav-warroom">
            {t("nav.warroom")}
          </NavLink>
        </nav>
        <span className="user">
          <button type="button" data-testid="lang-switch" onClick={() => setLang(lang === "id" ? "en" : "id")}>
            {t("lang.switch")}
          </button>
          <span data-testid="whoami">
            {user.name} ({t(`role.${user.role}`)})
          </span>
          <button
            type="button"
            data-testid="logout"
            onClick={() => {
              api("/auth/logout", { method: "POST" }).finally(onLogout);
            }}
          >
            {t("nav.logout")}
          </button>
        </span>
      </header>
      <main>{children}</main>
    </div>
  );
}
