import { useCallback, useEffect, useMemo, useState } from "react";
import { api, ApiError, setUnauthenticatedHandler, User } from "./api";
import { I18n, Lang, savedLang, translator } from "./i18n";
import { navigate, useLocation } from "./router";
import { Layout } from "./components/Layout";
import { LoginPage } from "./pages/Login";
import { EnrolPage } from "./pages/Enrol";
import { DashboardPage } from "./pages/Dashboard";
import { SearchPage } from "./pages/Search";
import { AlertsPage } from "./pages/Alerts";
import { AdminPage } from "./pages/Admin";
import { WarRoomPage } from "./pages/WarRoom";
import { CasePage, CasesPage } from "./pages/Cases";
import { SystemsPage } from "./pages/Systems";
import { SiteMonitorPage } from "./pages/SiteMonitor";
import { TemplatesPage } from "./pages/Templates";

export function App() {
  const [lang, setLangState] = useState<Lang>(savedLang());
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const { path } = useLocation();

  const setLang = useCallback((l: Lang) => {
    localStorage.setItem("pantau.lang", l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const i18n = useMemo(() => ({ lang, t: translator(lang), setLang }), [lang, setLang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    setUnauthenticatedHandler(() => setUser(null));
    api<User>("/auth/me", { quietUnauthenticated: true })
      .then(setUser)
      .catch((e) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
        setUser(null);
      });
  }, []);

  let page;
  if (user === undefined) {
    page = <div className="center">…</div>;
  } else if (user === null) {
    page = (
      <LoginPage
        onLogin={(u) => {
          setUser(u);
          if (path === "/login") navigate("/");
        }}
      />
    );
  } else if (user.must_enrol_totp) {
    page = <EnrolPage onDone={() => setUser({ ...user, must_enrol_totp: false })} />;
  } else if (path === "/warroom") {
    page = <WarRoomPage />;
  } else {
    const content =
      path === "/cases" ? (
        <CasesPage user={user} />
      ) : path.startsWith("/cases/") ? (
        <CasePage id={decodeURIComponent(path.slice("/cases/".length))} user={user} />
      ) : path === "/search" ? (
        <SearchPage user={user} />
      ) : path === "/templates" ? (
        <TemplatesPage />
      ) : path === "/alerts" ? (
        <AlertsPage user={user} />
      ) : path === "/systems" ? (
        <SystemsPage user={user} />
      ) : /^\/systems\/[^/]+\/monitor$/.test(path) ? (
        <SiteMonitorPage id={decodeURIComponent(path.split("/")[2])} user={user} />
      ) : path === "/admin" && user.role === "admin" ? (
        <AdminPage user={user} />
      ) : (
        <DashboardPage />
      );
    page = (
      <Layout user={user} onLogout={() => setUser(null)}>
        {content}
      </Layout>
    );
  }
  return <I18n.Provider value={i18n}>{page}</I18n.Provider>;
}
