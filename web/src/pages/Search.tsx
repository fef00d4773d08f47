// Security Log Analysis (SOP step 3): a Discover-style page over GET /api/v1/events.
import { FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, canWorkCases, EventItem, FieldSummary, Histogram, Page, params, SavedSearch, Table, User } from "../api";
import { openCaseFromEvent } from "./Cases";
import { Chart, ChartOption } from "../components/Chart";
import { displayValue, SafeText } from "../components/SafeText";
import { TimePicker } from "../components/TimePicker";
import { formatNumber, formatTime, useI18n } from "../i18n";
import { replaceQuery, useLocation } from "../router";
import { isoOf, TimeRange } from "../time";
import { addFilter, filterPart, hasStages } from "../query";
import { timeAxis } from "../charts";
import { SyntaxHelp } from "./SyntaxHelp";

const DEFAULT_COLUMNS = ["host.name", "message"];
const PAGE = 50;

interface Results {
  events?: Page<EventItem>;
  table?: Table;
  histogram?: Histogram;
}

export function SearchPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { query } = useLocation();
  const [input, setInput] = useState(query.get("q") ?? "");
  const [q, setQ] = useState(query.get("q") ?? "");
  const [range, setRange] = useState<TimeRange>({
    from: query.get("from") ?? "now-24h",
    to: query.get("to") ?? "now",
  });
  const [columns, setColumns] = useState<string[]>(
    (query.get("columns") ?? "").split(",").filter(Boolean).length > 0
      ? query.get("columns")!.split(",").filter(Boolean)
      : DEFAULT_COLUMNS,
  );
  const [results, setResults] = useState<Results>({});
  const [fields, setFields] = useState<FieldSummary | null>(null);
  const [openField, setOpenField] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [error, setError] = useState("");
  const [running, setRunning] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [showHelp, setShowHelp] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [focusEvent, setFocusEvent] = useState<EventItem | null>(null);
  const controller = useRef<AbortController | null>(null);

  // One event named in the address (?event=ID), e.g. from an alert.
  const eventId = query.get("event");
  useEffect(() => {
    if (!eventId) {
      setFocusEvent(null);
      return;
    }
    api<EventItem>(`/events/${encodeURIComponent(eventId)}`)
      .then(setFocusEvent)
      .catch((e) => setError(e.message));
  }, [eventId]);

  useEffect(() => {
    replaceQuery({ q, from: range.from, to: range.to, columns: columns.join(","), event: eventId ?? "" });
  }, [q, range, columns, eventId]);

  // Runs the search whenever the query, the range or the explicit "search" button asks.
  useEffect(() => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    const window = { from: range.from, to: range.to };
    const started = Date.now();
    setRunning(started);
    setError("");
    const stages = hasStages(q);
    const filter = filterPart(q);
    const work: Promise<unknown>[] = [];
    if (stages) {
      work.push(
        api<Table>(`/events${params({ q, ...window })}`, { signal: c.signal }).then((table) => ({ table })),
      );
    } else {
      work.push(
        api<Page<EventItem>>(`/events${params({ q, ...window, limit: PAGE })}`, { signal: c.signal }).then(
          (events) => ({ events }),
        ),
      );
    }
    work.push(
      api<Histogram>(`/events/histogram${params({ q: filter, ...window, buckets: 60 })}`, {
        signal: c.signal,
      }).then((histogram) => ({ histogram })),
    );
    Promise.all(work)
      .then((parts) => {
        if (c.signal.aborted) return;
        // Opened events stay open when they are among the new results.
        setResults(Object.assign({}, ...parts) as Results);
      })
      .catch((e) => {
        if (c.signal.aborted) return;
        setResults({});
        setError(e instanceof ApiError ? `${e.message}` : String(e));
      })
      .finally(() => {
        if (controller.current === c) setRunning(null);
      });
    api<FieldSummary>(`/events/fields${params({ q: filter, ...window })}`, { signal: c.signal })
      .then((f) => !c.signal.aborted && setFields(f))
      .catch(() => !c.signal.aborted && setFields(null));
    return () => c.abort();
  }, [q, range.from, range.to, generation]);

  // A clock for the running search, so that a long one shows it is alive.
  useEffect(() => {
    if (running === null) return;
    setElapsed(0);
    const id = setInterval(() => setElapsed(Math.round((Date.now() - running) / 1000)), 500);
    return () => clearInterval(id);
  }, [running]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setQ(input.trim());
    setGeneration((g) => g + 1);
  }

  function cancel() {
    controller.current?.abort();
    setRunning(null);
    setError(t("search.cancelled"));
  }

  function filterBy(field: string, value: unknown, exclude: boolean) {
    const next = addFilter(q, field, value, exclude);
    setInput(next);
    setQ(next);
  }

  const openCase = canWorkCases(user)
    ? (ev: EventItem) => openCaseFromEvent(ev).catch((e) => setError(e instanceof Error ? e.message : String(e)))
    : undefined;

  function toggleColumn(field: string) {
    setColumns((cols) => (cols.includes(field) ? cols.filter((c) => c !== field) : [...cols, field]));
  }

  async function loadMore() {
    const page = results.events;
    if (!page?.next_cursor) return;
    try {
      const more = await api<Page<EventItem>>(
        `/events${params({ q, from: range.from, to: range.to, limit: PAGE, cursor: page.next_cursor })}`,
      );
      setResults((r) => ({ ...r, events: { ...more, items: [...(r.events?.items ?? []), ...more.items] } }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  // Built again only when the histogram changes: a new option resets the chart and its brush.
  const histogramOption = useMemo<ChartOption>(() => ({
    grid: { left: 50, right: 16, top: 10, bottom: 28 },
    xAxis: timeAxis(range),
    yAxis: { type: "value", minInterval: 1 },
    brush: { xAxisIndex: 0, brushType: "lineX", brushMode: "single", throttleType: "debounce" },
    toolbox: { show: false },
    series: [
      {
        type: "bar",
        color: "#00695c",
        barMaxWidth: 20,
        data: (results.histogram?.buckets ?? []).map((b) => [
          Date.parse(b.start) + (results.histogram!.interval_s * 1000) / 2,
          b.count,
        ]),
      },
    ],
  }), [results.histogram, range.from, range.to]);

  const exportHref = (format: "csv" | "ndjson") =>
    `/api/v1/events/export${params({ q, from: range.from, to: range.to, format, fields: format === "csv" ? ["@timestamp", "dataset", ...columns].join(",") : "" })}`;

  return (
    <div className="page search">
      <form className="query-bar" onSubmit={submit}>
        <input
          className="query-input"
          data-testid="query"
          aria-label={t("search.run")}
          spellCheck={false}
          placeholder={t("search.placeholder")}
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <TimePicker value={range} onChange={setRange} />
        <button type="submit" data-testid="run-search">
          {t("search.run")}
        </button>
        <button type="button" className="link" onClick={() => setShowHelp((s) => !s)}>
          {t("search.help")}
        </button>
      </form>
      {showHelp && <SyntaxHelp onClose={() => setShowHelp(false)} />}
      <SavedSearches
        q={q}
        range={range}
        onPick={(s) => {
          setInput(s.q);
          setQ(s.q);
          setRange({ from: s.from || "now-24h", to: s.to || "now" });
        }}
      />
      {running !== null && (
        <p className="running" data-testid="running">
          {t("search.running")} — {t("common.elapsed", { s: elapsed })}{" "}
          <button type="button" onClick={cancel} data-testid="cancel-search">
            {t("common.cancel")}
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="search-error">
          {error}
        </p>
      )}
      {focusEvent && (
        <section className="panel focus-event" data-testid="focus-event">
          <h2>
            {t("search.event")} <code>{focusEvent.id}</code>
          </h2>
          <EventDetail
            event={focusEvent}
            columns={columns}
            onFilter={filterBy}
            onToggleColumn={toggleColumn}
            onOpenCase={openCase}
          />
        </section>
      )}
      <div className="search-body">
        <aside className="fields" data-testid="fields">
          <h2>{t("search.fields")}</h2>
          <ul>
            {(fields?.fields ?? []).map((f) => (
              <li key={f.name}>
                <button type="button" className="field-name" onClick={() => setOpenField(openField === f.name ? null : f.name)}>
                  <SafeText text={f.name} /> <span className="muted">{f.count}</span>
                </button>
                <button
                  type="button"
                  className="icon"
                  title={columns.includes(f.name) ? t("search.remove_column") : t("search.add_column")}
                  onClick={() => toggleColumn(f.name)}
                >
                  {columns.includes(f.name) ? "−" : "+"}
                </button>
                {openField === f.name && (
                  <ul className="top-values">
                    {f.top.map((v, i) => (
                      <li key={i}>
                        <SafeText text={displayValue(v.value)} className="value" />
                        <span className="muted">{v.count}</span>
                        <button type="button" className="icon" title={t("search.filter_for")} onClick={() => filterBy(f.name, v.value, false)}>
                          ⊕
                        </button>
                        <button type="button" className="icon" title={t("search.filter_out")} onClick={() => filterBy(f.name, v.value, true)}>
                          ⊖
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </aside>
        <section className="results">
          <div className="results-head">
            <strong data-testid="hits">
              {results.events
                ? t("search.hits", { n: formatNumber(lang, results.events.total) })
                : results.table
                  ? `${results.table.total}`
                  : ""}
            </strong>
            <span className="muted">{t("search.brush_hint")}</span>
            <span className="export">
              {t("search.export")}: <a href={exportHref("csv")} data-testid="export-csv">CSV</a>{" "}
              <a href={exportHref("ndjson")}>NDJSON</a>
            </span>
          </div>
          <Chart
            option={histogramOption}
            height={140}
            testId="histogram"
            onBrush={(start, end) => setRange({ from: isoOf(start), to: isoOf(end) })}
          />
          {results.table && <AggregateTable table={results.table} />}
          {results.events && (
            <table className="events" data-testid="events">
              <thead>
                <tr>
                  <th />
                  <th>@timestamp</th>
                  <th>dataset</th>
                  {columns.map((c) => (
                    <th key={c}>
                      <SafeText text={c} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {results.events.items.map((ev) => {
                  const open = expanded.has(ev.id);
                  return (
                    <EventRows
                      key={ev.id}
                      event={ev}
                      open={open}
                      columns={columns}
                      lang={lang}
                      onToggle={() =>
                        setExpanded((s) => {
                          const n = new Set(s);
                          if (open) n.delete(ev.id);
                          else n.add(ev.id);
                          return n;
                        })
                      }
                      onFilter={filterBy}
                      onToggleColumn={toggleColumn}
                      onOpenCase={openCase}
                    />
                  );
                })}
              </tbody>
            </table>
          )}
          {results.events?.next_cursor && (
            <button type="button" onClick={loadMore} data-testid="load-more">
              {t("common.more")}
            </button>
          )}
        </section>
      </div>
    </div>
  );
}

function valueOf(ev: EventItem, column: string): unknown {
  if (column === "message") return ev.message;
  if (column === "dataset") return ev.dataset;
  if (column === "@timestamp") return ev["@timestamp"];
  return ev.fields[column];
}

function EventRows(props: {
  event: EventItem;
  open: boolean;
  columns: string[];
  lang: "id" | "en";
  onToggle: () => void;
  onFilter: (field: string, value: unknown, exclude: boolean) => void;
  onToggleColumn: (field: string) => void;
  onOpenCase?: (ev: EventItem) => void;
}) {
  const { event: ev, open, columns } = props;
  return (
    <>
      <tr className={open ? "event open" : "event"} data-testid="event-row" onClick={props.onToggle}>
        <td className="toggle">{open ? "▾" : "▸"}</td>
        <td className="nowrap">{formatTime(props.lang, ev["@timestamp"])}</td>
        <td>
          <SafeText text={ev.dataset} />
        </td>
        {columns.map((c) => (
          <td key={c} className={c === "message" ? "message" : undefined}>
            <SafeText text={displayValue(valueOf(ev, c))} />
          </td>
        ))}
      </tr>
      {open && (
        <tr className="detail">
          <td colSpan={columns.length + 3}>
            <EventDetail
              event={ev}
              columns={columns}
              onFilter={props.onFilter}
              onToggleColumn={props.onToggleColumn}
              onOpenCase={props.onOpenCase}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function EventDetail(props: {
  event: EventItem;
  columns: string[];
  onOpenCase?: (ev: EventItem) => void;
  onFilter: (field: string, value: unknown, exclude: boolean) => void;
  onToggleColumn: (field: string) => void;
}) {
  const { t } = useI18n();
  const ev = props.event;
  const entries: [string, unknown][] = [
    ["@timestamp", ev["@timestamp"]],
    ["dataset", ev.dataset],
    ["message", ev.message],
    ...Object.entries(ev.fields).sort(([a], [b]) => a.localeCompare(b)),
  ];
  return (
    <div className="event-detail" data-testid="event-detail">
      <h3>{t("search.all_fields")}</h3>
      <table className="kv">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th>
                <SafeText text={k} />
              </th>
              <td className="actions">
                <button type="button" className="icon" title={t("search.filter_for")} onClick={() => props.onFilter(k, v, false)}>
                  ⊕
                </button>
                <button type="button" className="icon" title={t("search.filter_out")} onClick={() => props.onFilter(k, v, true)}>
                  ⊖
                </button>
                <button
                  type="button"
                  className="icon"
                  title={props.columns.includes(k) ? t("search.remove_column") : t("search.add_column")}
                  onClick={() => props.onToggleColumn(k)}
                >
                  ▦
                </button>
              </td>
              <td className="value">
                <SafeText text={displayValue(v)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ev.error && <p className="error">{ev.error}</p>}
      {props.onOpenCase && (
        <button type="button" data-testid="event-open-case" onClick={() => props.onOpenCase!(ev)}>
          {t("case.open_from_alerts")}
        </button>
      )}
      <h3>{t("search.raw")}</h3>
      <pre className="raw" data-testid="raw">
        <SafeText text={ev.raw ?? ""} />
      </pre>
    </div>
  );
}

function AggregateTable({ table }: { table: Table }) {
  return (
    <table className="events aggregate" data-testid="aggregate">
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c}>
              <SafeText text={c} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (
              <td key={j}>
                <SafeText text={displayValue(cell)} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SavedSearches({ q, range, onPick }: { q: string; range: TimeRange; onPick: (s: SavedSearch) => void }) {
  const { t } = useI18n();
  const [list, setList] = useState<SavedSearch[]>([]);
  const [name, setName] = useState("");
  const [naming, setNaming] = useState(false);
  const [error, setError] = useState("");
  const load = () =>
    api<Page<SavedSearch>>("/searches")
      .then((p) => setList(p.items))
      .catch((e) => setError(e.message));
  useEffect(() => {
    load();
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api("/searches", { method: "POST", body: { name, q, from: range.from, to: range.to } });
      setNaming(false);
      setName("");
      load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <div className="saved" data-testid="saved-searches">
      <label>
        {t("search.saved")}{" "}
        <select
          value=""
          onChange={(e) => {
            const s = list.find((x) => x.id === e.target.value);
            if (s) onPick(s);
          }}
        >
          <option value="">—</option>
          {list.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {naming ? (
        <form onSubmit={save} className="inline">
          <input placeholder={t("search.save_name")} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          <button type="submit">{t("common.save")}</button>
          <button type="button" onClick={() => setNaming(false)}>
            {t("common.cancel")}
          </button>
        </form>
      ) : (
        <button type="button" className="link" onClick={() => setNaming(true)}>
          {t("search.save_as")}
        </button>
      )}
      {error && <span className="error">{error}</span>}
    </div>
  );
}
