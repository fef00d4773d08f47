// The client of Pantau's HTTP API (/api/v1, see src/api/openapi.json). Every call sends the
// session cookie; changes also send the CSRF token the server put in the `pantau_csrf` cookie.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Called when the session has ended, so that the app can show the login page.
let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

function csrfToken(): string {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "pantau_csrf") return rest.join("=");
  }
  return "";
}

// The header a change made with the session cookie carries.
export function csrfHeader(): Record<string, string> {
  return { "X-CSRF-Token": csrfToken() };
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  // A 401 is the caller's to handle (the login form), not a sign that the session ended.
  quietUnauthenticated?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: "same-origin",
    signal: options.signal,
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "bad_response", `HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && !options.quietUnauthenticated) onUnauthenticated();
    throw new ApiError(res.status, error?.code ?? "error", error?.message ?? `HTTP ${res.status}`);
  }
  return data as T;
}

// A query string from the parameters that have a value.
export function params(values: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export interface User {
  name: string;
  role: "analyst" | "coordinator" | "head" | "admin";
  must_enrol_totp?: boolean;
}

// Who may change alerts (the server's table in src/auth/roles.cc decides; this hides buttons).
export function canTriage(user: User): boolean {
  return user.role === "analyst" || user.role === "coordinator";
}

export interface EventItem {
  id: string;
  "@timestamp": string;
  dataset: string;
  message: string;
  received?: string;
  raw?: string;
  error?: string;
  fields: Record<string, unknown>;
  flags?: string[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}

export interface Table {
  columns: string[];
  rows: unknown[][];
  total: number;
}

export interface Histogram {
  from: string;
  to: string;
  interval_s: number;
  buckets: { start: string; count: number }[];
}

export interface FieldSummary {
  sample: number;
  fields: { name: string; count: number; top: { value: unknown; count: number }[] }[];
}

export type Level = "informational" | "low" | "medium" | "high" | "critical";
export const LEVELS: Level[] = ["critical", "high", "medium", "low", "informational"];

export interface Alert {
  id: string;
  rule_id: string;
  rule_title: string;
  level: Level;
  dataset: string;
  status: "new" | "acknowledged" | "closed";
  assignee: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
  host: string;
  event_ids: string[];
  tags: string[];
  false_positive?: boolean;
  false_positive_reason?: string;
  case_id?: string | null;
  fields?: Record<string, unknown>;
}

// One bucket of an anomaly's series (alert fields "anomaly.series"): its start in milliseconds,
// its value and the expected band; null while the series was still learning.
export interface AnomalyPoint {
  time: number;
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface AlertStats {
  from: string;
  to: string;
  interval_s: number;
  buckets: { time: string; counts: Partial<Record<Level, number>> }[];
  by_status: Record<string, number>;
  top_rules: { rule_id: string; rule_title: string; level: Level; count: number }[];
  top_hosts: { host: string; count: number }[];
}

export interface SavedSearch {
  id: string;
  name: string;
  q: string;
  from: string;
  to: string;
  created: string;
}

export interface Rule {
  id: string;
  title: string;
  level: Level;
  status: string;
  tags: string[];
  attack: string[];
  description: string;
  source: string;
  text?: string;
}

export const CASE_STATES = [
  "triage",
  "investigating",
  "assessing",
  "reporting",
  "submitted",
  "verified",
  "approved",
  "notified",
  "closed",
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export type CaseAction =
  | "investigate"
  | "assess"
  | "report"
  | "submit"
  | "verify"
  | "return"
  | "approve"
  | "notify"
  | "close";
export const INCIDENT_TYPES = [
  "web_defacement",
  "gambling_injection",
  "malware",
  "ddos",
  "phishing",
  "unauthorized_access",
  "data_leak",
  "webshell",
  "brute_force",
  "other",
] as const;
export const RISK_LEVELS = ["very_low", "low", "medium", "high", "very_high"] as const;

export interface Sla {
  state: CaseState;
  standard_minutes: number | null;
  spent_seconds: number;
  left_seconds: number | null;
  due: string | null;
  overdue: boolean;
  // The 24-hour reporting deadline of a case on vital information infrastructure.
  reporting: {
    standard_minutes: number;
    due: string;
    left_seconds: number | null;
    overdue: boolean;
    reported_at: string | null;
    on_time: boolean | null;
  } | null;
  steps?: {
    state: CaseState;
    entered_at: string;
    left_at: string | null;
    standard_minutes: number | null;
    spent_seconds: number;
    on_time: boolean | null;
  }[];
}

export interface Case {
  id: string;
  number: string;
  title: string;
  description: string;
  source: string;
  incident_type: (typeof INCIDENT_TYPES)[number];
  risk_level: (typeof RISK_LEVELS)[number];
  classification: string;
  assignee: string | null;
  tags: string[];
  techniques: string[];
  system_ids: string[];
  alert_ids: string[];
  event_ids: string[];
  observables: { type: string; value: string }[];
  state: CaseState;
  state_since: string;
  verdict: "false_positive" | "confirmed" | null;
  verdict_justification: string | null;
  verdict_by: string | null;
  report_authors: string[];
  verified_by: string | null;
  approved_by: string | null;
  created_by: string;
  created: string;
  updated: string;
  sla: Sla;
  actions?: CaseAction[];
  history?: {
    state: CaseState;
    action: CaseAction | null;
    actor: string;
    comment: string | null;
    entered_at: string;
    left_at: string | null;
  }[];
}

export const CRITICALITIES = ["low", "medium", "high", "vital"] as const;
export const SYSTEM_STATUSES = ["active", "maintenance", "retired"] as const;

// An electronic system of the registry (docs/systems.md).
export interface ElectronicSystem {
  id: string;
  name: string;
  operator: {
    agency: string;
    head_name: string;
    head_title: string;
    emails: string[];
    phones: string[];
    chat: string[];
  };
  urls: string[];
  hosts: string[];
  ips: string[];
  technology: { cms: string; cms_version: string; server: string };
  criticality: (typeof CRITICALITIES)[number];
  status: (typeof SYSTEM_STATUSES)[number];
  check_interval_s: number;
  crawl_pages: number;
  public_status: boolean;
  created_by: string;
  created: string;
  updated_by: string;
  updated: string;
}

// One monitored system on the status board (GET /monitor/board, docs/monitoring.md).
export interface BoardItem {
  system_id: string;
  name: string;
  criticality: ElectronicSystem["criticality"];
  status: ElectronicSystem["status"];
  state: "up" | "down" | "unknown";
  checked_at: string | null;
  response_ms: number | null;
  cert_not_after: string | null;
  cert_days_left: number | null;
  cert_verified: boolean | null;
  last_content_check: { at: string; findings: number } | null;
  open_alerts: number;
  urls: { url: string; state: "up" | "down" | "unknown"; response_ms: number | null }[];
}

export interface MonitorBoard {
  generated_at: string;
  items: BoardItem[];
}

export interface WebFinding {
  kind: string;
  rule_id: string;
  level: Level;
  summary: string;
  evidence: string;
}

export interface UrlCheck {
  url: string;
  final_url: string;
  checked_at: string;
  up: boolean;
  status: number;
  response_ms: number;
  error: string;
  title: string;
  baseline: boolean;
  certificate: { not_after: string | null; verified: boolean; problem: string; subject: string; issuer: string } | null;
  findings: WebFinding[];
}

// GET /systems/{id}/status: each URL's state, last checks, certificate and history.
export interface SystemStatus {
  system_id: string;
  name: string;
  status: ElectronicSystem["status"];
  check_interval_s: number;
  crawl_pages: number;
  open_alerts: number;
  urls: {
    url: string;
    state: "up" | "down" | "unknown";
    consecutive_failures: number;
    since: string | null;
    baseline: { body_sha256: string; final_url: string; approved_by: string; approved_at: string } | null;
    last_check: UrlCheck | null;
    last_content_check: UrlCheck | null;
    certificate: UrlCheck["certificate"];
    history: { at: string; up: boolean; status: number; response_ms: number }[];
  }[];
  crawl: {
    pages: number;
    checked: number;
    with_findings: { url: string; checked_at: string; status: number; findings: WebFinding[] }[];
  };
}

// Who runs checks and approves baselines (src/api/http_server.cc: AuthenticateMonitor).
export function canCheckSystems(user: User): boolean {
  return user.role === "analyst" || user.role === "coordinator" || user.role === "admin";
}

// Who changes the registry (src/auth/roles.cc: kManageSettings).
export function canManageSystems(user: User): boolean {
  return user.role === "admin";
}

// Who works cases (src/auth/roles.cc decides; this hides what would be refused).
// A vulnerability assessment of a registered system, run from a case (docs/assessments.md).
export interface Finding {
  id: string;
  run_id: string;
  title: string;
  severity: "info" | "low" | "medium" | "high" | "critical";
  target: string;
  cves: string[];
  cvss: number | null;
  evidence: string;
  check_id: string | null;
  status: "open" | "confirmed" | "false_positive" | "fixed";
  status_reason: string;
  updated_by: string | null;
  updated: string | null;
}

export interface AssessmentRun {
  id: string;
  system_id: string;
  system_name: string;
  kind: "nmap" | "web" | "import:openvas" | "import:nessus" | "import:nuclei" | "import:zap";
  targets: string[];
  ports: string;
  command: string;
  tool_version: string;
  status: "running" | "done" | "failed" | "cancelled";
  message: string;
  started_by: string;
  started: string;
  ended: string | null;
  evidence_id: string | null;
  output_sha256: string | null;
  // While running: checks done of all (web) or nmap's percentage of its current phase (of 100).
  progress: { done: number; total: number; step: string } | null;
  findings: Finding[];
}

// What the case's alerts and the findings of its assessments suggest (docs/assessments.md).
export interface VerdictSuggestion {
  case_id: string;
  suggestion: "likely_real" | "likely_false_positive" | "unknown";
  verdict: "confirmed" | "false_positive" | null;
  reasons: string[];
  matches: {
    alert_id: string;
    key: string;
    kind: "present" | "dismissed" | "absent";
    finding_id: string | null;
    run_id: string;
    why: string;
  }[];
}

// One version of a case's incident report or work report, or its letter (docs/documents.md).
export interface CaseDocument {
  id: string;
  case_id: string;
  case_number: string;
  kind: "incident_report" | "work_report" | "letter";
  version: number;
  state: "frozen" | "signed" | "superseded";
  language: string;
  number: string | null;
  draft_sha256: string;
  signed_sha256: string | null;
  signed_by: string | null;
  signer_name: string | null;
  signer_certified: boolean | null;
  signed_at: string | null;
  created_by: string;
  created: string;
  pdf_url: string;
  verify_url: string;
}

// One letter or webhook sent for a case, with its result.
export interface Dispatch {
  id: number;
  kind: "email" | "webhook";
  target: string;
  subject: string;
  status: "pending" | "sent" | "failed";
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  message_id: string | null;
  created_at: string;
  sent_at: string | null;
}

// Analysts and coordinators run assessments and judge findings; heads read them.
export function canRunAssessments(user: User): boolean {
  return user.role === "analyst" || user.role === "coordinator";
}

export function canWorkCases(user: User): boolean {
  return user.role !== "admin";
}
