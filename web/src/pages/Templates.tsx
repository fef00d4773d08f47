// Log templates: the shapes of log messages the ingest miners found (GET /api/v1/templates), with
// how often each was seen and when, and a link that searches its events (log.template_id:ID).
// Template text and examples are log content, written by whoever sent the log: shown as text only.
import { useState } from "react";
import { api, params, Page } from "../api";
import { SafeText } from "../components/SafeText";
import { usePoll } from "../hooks";
import { formatNumber, formatTime, useI18n } from "../i18n";
import { navigate } from "../router";

export interface LogTemplate {
  id: string;
  dataset: string;
  template: string;
  count: number;
  first_seen: string;
  last_seen: string;
  example: string;
  query: string;
}

const PAGE_SIZE = 100;

export function TemplatesPage() {
  const { t, lang } = useI18n();
  const [input, setInput] = useState("");
  const [q, setQ] = useState("");
  const [dataset, setDataset] = useState("");
  const [sort, setSort] = useState("count");
  const [offset, setOffset] = useState(0);
  const list = usePoll(
    (signal) =>
      api<Page<LogTemplate> & { offset: number }>(
        `/templates${params({ q, dataset, sort, limit: PAGE_SIZE, offset })}`,
        { signal },
      ),
    [q, dataset, sort, offset],
    30000,
  );
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  // The search over the template's whole life: from its first event until now.
  const searchHref = (tpl: LogTemplate) => `/search${params({ q: tpl.query, from: tpl.first_seen, to: "now" })}`;
  return (
    <div className="page templates" data-testid="templates-page">
      <div className="toolbar">
        <h1>{t("tpl.title")}</h1>
      </div>
      <p className="muted">{t("tpl.explain")}</p>
      <form
        className="panel inline"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setQ(input.trim());
        }}
      >
        <input
          type="search"
          value={input}
          placeholder={t("tpl.filter")}
          aria-label={t("tpl.filter")}
          onChange={(e) => setInput(e.target.value)}
          data-testid="templates-q"
        />
        <input
          value={dataset}
          placeholder="dataset"
          aria-label="dataset"
          onChange={(e) => {
            setOffset(0);
            setDataset(e.target.value.trim());
          }}
          data-testid="templates-dataset"
        />
        <label>
          {t("tpl.sort")}{" "}
          <select
            value={sort}
            onChange={(e) => {
              setOffset(0);
              setSort(e.target.value);
            }}
            data-testid="templates-sort"
          >
            <option value="count">{t("tpl.count")}</option>
            <option value="first_seen">{t("tpl.first_seen")}</option>
            <option value="last_seen">{t("tpl.last_seen")}</option>
          </select>
        </label>
        <button type="submit">{t("common.apply")}</button>
      </form>
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      <section className="panel">
        {list.data && items.length === 0 && <p className="muted">{t("tpl.empty")}</p>}
        <table className="events" data-testid="templates-table">
          <thead>
            <tr>
              <th>{t("tpl.template")}</th>
              <th>dataset</th>
              <th>{t("tpl.count")}</th>
              <th>{t("tpl.first_seen")}</th>
              <th>{t("tpl.last_seen")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((tpl) => (
              <tr key={tpl.id} data-testid="template-row">
                <td className="message">
                  <code>
                    <SafeText text={tpl.template} />
                  </code>
                  <div className="muted small" title={t("tpl.example")}>
                    <SafeText text={tpl.example} />
                  </div>
                </td>
                <td>
                  <SafeText text={tpl.dataset} />
                </td>
                <td className="num">{formatNumber(lang, tpl.count)}</td>
                <td className="nowrap">{formatTime(lang, tpl.first_seen)}</td>
                <td className="nowrap">{formatTime(lang, tpl.last_seen)}</td>
                <td className="nowrap">
                  <a
                    href={searchHref(tpl)}
                    data-testid="template-search"
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(searchHref(tpl));
                    }}
                  >
                    {t("tpl.search")}
                  </a>{" "}
                  <small className="muted">{tpl.id}</small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {total > PAGE_SIZE && (
          <div className="toolbar">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              {t("tpl.prev")}
            </button>
            <span data-testid="templates-range">
              {t("tpl.range", { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}
            </span>
            <button
              type="button"
              disabled={offset + PAGE_SIZE >= total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              {t("tpl.next")}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
