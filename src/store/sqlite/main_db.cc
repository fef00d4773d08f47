#include "store/sqlite/main_db.h"

#include <filesystem>
#include <string_view>
#include <vector>

namespace pantau::sqlite {
namespace {

// Migration i moves the schema from version i to i+1. Append only: a released migration never
// changes.
const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE api_keys(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,      -- comma-separated
  hash TEXT NOT NULL,        -- hex SHA-256 of the whole key
  created INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
)sql",
    R"sql(
-- Alerts of the detection rules. Repeats of one rule on one host within the grouping window
-- update one alert (count, last_seen, the first event ids) instead of making new ones.
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_title TEXT NOT NULL,
  level TEXT NOT NULL,              -- informational, low, medium, high, critical
  level_rank INTEGER NOT NULL,      -- 0 .. 4, for sorting and 'at least'
  dataset TEXT NOT NULL,
  host TEXT NOT NULL,
  group_key TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',  -- new, acknowledged, closed
  assignee TEXT,
  false_positive INTEGER NOT NULL DEFAULT 0,
  false_positive_reason TEXT,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,      -- event time, ns
  last_seen INTEGER NOT NULL,
  event_ids TEXT NOT NULL,          -- JSON array, the first ones
  tags TEXT NOT NULL,               -- JSON array
  fields TEXT NOT NULL,             -- JSON object: key fields of the first event
  system_id TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX alerts_by_last_seen ON alerts(last_seen, id);
CREATE INDEX alerts_by_group ON alerts(group_key, last_seen);
)sql",
    R"sql(
-- People: analysts, coordinators, heads, admins. Passwords as Argon2id strings (libsodium).
CREATE TABLE users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,              -- analyst, coordinator, head, admin
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,  -- since the last success
  locked_until INTEGER NOT NULL DEFAULT 0,   -- ns; logins refused before it
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
-- Browser sessions: only the SHA-256 of the cookie's token is kept.
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users(name),
  csrf TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
)sql",
    R"sql(
-- Searches people keep for later, each person their own.
CREATE TABLE saved_searches(
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  name TEXT NOT NULL,
  query TEXT NOT NULL,
  time_from TEXT NOT NULL DEFAULT '',  -- as given: RFC 3339 or now-24h; '' for the default
  time_to TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  UNIQUE(user, name)
);
)sql",
    R"sql(
-- The second factor (RFC 6238 TOTP): the secret being enrolled, the enrolled one, the last step
-- used (a code works once), and the SHA-256 of the unused recovery codes (JSON array).
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT '[]';
)sql",
    R"sql(
-- Roles whose people must have a second factor, as an admin decided.
CREATE TABLE roles_requiring_totp(role TEXT PRIMARY KEY);
)sql",
    R"sql(
-- Cases (tickets), SOP steps 3 to 10 (src/cases/cases.h). case_numbers holds the last number
-- given per year, taken in the transaction that creates the case: no gaps, no duplicates.
CREATE TABLE case_numbers(year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,          -- INS-2026-0042
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  source TEXT NOT NULL,                 -- detection, complaint, bssn_warning, manual
  incident_type TEXT NOT NULL,
  risk_level TEXT NOT NULL,             -- very_low .. very_high
  classification TEXT NOT NULL,         -- B, T, R, SR
  assignee TEXT,
  tags TEXT NOT NULL,                   -- JSON arrays
  techniques TEXT NOT NULL,
  system_ids TEXT NOT NULL,
  observables TEXT NOT NULL,            -- [{"type", "value"}]
  state TEXT NOT NULL,
  state_since INTEGER NOT NULL,         -- ns
  due INTEGER,                          -- ns: the current state's time standard runs out
  verdict TEXT,                         -- false_positive, confirmed
  verdict_justification TEXT NOT NULL DEFAULT '',
  verdict_by TEXT NOT NULL DEFAULT '',
  verdict_at INTEGER NOT NULL DEFAULT 0,
  report_authors TEXT NOT NULL DEFAULT '[]',
  verified_by TEXT NOT NULL DEFAULT '',
  approved_by TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX cases_by_state ON cases(state, id);
CREATE INDEX cases_by_due ON cases(due) WHERE due IS NOT NULL;
-- Each state a case entered: who, how, when, until when, and the time standard then in force.
CREATE TABLE case_states(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  action TEXT,                          -- NULL for the first (the case was opened)
  actor TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  entered_at INTEGER NOT NULL,
  left_at INTEGER,
  standard_minutes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(case_id, seq)
);
-- Every alert a case has linked; alerts.case_id is the case working an alert now.
CREATE TABLE case_alerts(
  case_id INTEGER NOT NULL REFERENCES cases(id),
  alert_id INTEGER NOT NULL,
  PRIMARY KEY(case_id, alert_id)
);
ALTER TABLE alerts ADD COLUMN case_id INTEGER;
CREATE INDEX alerts_by_case ON alerts(case_id) WHERE case_id IS NOT NULL;
)sql",
    R"sql(
-- Time standards (the SOP's mutu baku) per case state, in minutes, as an admin set them.
CREATE TABLE time_standards(
  state TEXT PRIMARY KEY,
  minutes INTEGER NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  updated INTEGER NOT NULL DEFAULT 0
);
INSERT INTO time_standards(state, minutes) VALUES
  ('triage', 180), ('investigating', 1440), ('assessing', 2880), ('reporting', 1440),
  ('submitted', 5), ('verified', 5), ('approved', 5), ('notified', 10);
)sql",
    R"sql(
-- The audit trail (src/auth/audit.h): append-only, each entry chained to the one before by
-- hash = SHA-256(prev_hash || canonical entry). The triggers refuse changes; the chain shows
-- them when the triggers are removed.
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,      -- 1, 2, 3, ... without gaps
  time INTEGER NOT NULL,        -- ns
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  details TEXT NOT NULL,        -- JSON object
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_object ON audit_log(object, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    R"sql(
-- Evidence of cases (src/cases/evidence.h). The content is in DATA/evidence/<aa>/<sha256>,
-- found by its hash alone. Items and their chain of custody are append-only, like the audit
-- log; each custody event names the audit entry that records it.
CREATE TABLE evidence(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,                   -- file, text (pasted)
  name TEXT NOT NULL,                   -- as given: a display label, never a path
  media_type TEXT NOT NULL,             -- sniffed from the content
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,                 -- lowercase hex
  description TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added INTEGER NOT NULL                -- ns
);
CREATE INDEX evidence_by_case ON evidence(case_id, id);
CREATE TABLE evidence_custody(
  evidence_id INTEGER NOT NULL REFERENCES evidence(id),
  seq INTEGER NOT NULL,                 -- 1, 2, 3, ... per item
  event TEXT NOT NULL,                  -- acquired, viewed, downloaded, exported, attached, corrupt
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  time INTEGER NOT NULL,                -- ns
  note TEXT NOT NULL,
  audit_seq INTEGER NOT NULL,           -- audit_log.seq of the entry that records it
  PRIMARY KEY(evidence_id, seq)
);
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER evidence_custody_no_update BEFORE UPDATE ON evidence_custody
BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;
CREATE TRIGGER evidence_custody_no_delete BEFORE DELETE ON evidence_custody
BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;
)sql",
    R"sql(
-- The investigation workspace (SOP step 4). Notes on a case (src/cases/notes.h): a note is its
-- revisions, which are never changed or deleted (a note is withdrawn by a revision that says so).
CREATE TABLE case_notes(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,            -- attack_form, attack_scheme, root_cause, mitigation, handling, general
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL       -- ns
);
CREATE INDEX case_notes_by_case ON case_notes(case_id, id);
CREATE TABLE case_note_revisions(
  note_id INTEGER NOT NULL REFERENCES case_notes(id),
  revision INTEGER NOT NULL,     -- 1, 2, 3, ...
  title TEXT NOT NULL,
  body TEXT NOT NULL,            -- Markdown source
  withdrawn INTEGER NOT NULL,
  author TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY(note_id, revision)
);
CREATE TRIGGER case_note_revisions_no_update BEFORE UPDATE ON case_note_revisions
BEGIN SELECT RAISE(ABORT, 'note revisions are never changed: write a new revision'); END;
CREATE TRIGGER case_note_revisions_no_delete BEFORE DELETE ON case_note_revisions
BEGIN SELECT RAISE(ABORT, 'note revisions are never deleted: withdraw the note'); END;
-- Entries a person adds to a case's timeline (src/cases/timeline.h), append-only as well.
CREATE TABLE case_timeline(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  time INTEGER NOT NULL,         -- ns: when it happened, as the person said
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX case_timeline_by_case ON case_timeline(case_id, time);
CREATE TRIGGER case_timeline_no_update BEFORE UPDATE ON case_timeline
BEGIN SELECT RAISE(ABORT, 'timeline entries are never changed: add another'); END;
CREATE TRIGGER case_timeline_no_delete BEFORE DELETE ON case_timeline
BEGIN SELECT RAISE(ABORT, 'timeline entries are never deleted'); END;
)sql",
    R"sql(
-- Admins' changes to the attack reference library (src/cases/attack_library.h): per entry the
-- fields they set, over the built-in entry of that id (or a whole entry of their own).
CREATE TABLE attack_overrides(
  id TEXT PRIMARY KEY,           -- T1110, T1110.001, gambling_injection
  fields TEXT NOT NULL,          -- JSON object
  updated_by TEXT NOT NULL,
  updated INTEGER NOT NULL
);
)sql",
    R"sql(
-- The registry of electronic systems (src/monitor/registry.h): who operates each system and
-- where it is, so that alerts name the system they concern and cases the systems they affect.
-- Lists and the operator are JSON, as the API gives them; names are unique without regard to
-- case. reporting_due: when a case that affects vital information infrastructure must have been
-- reported (24 hours from its opening); NULL for other cases.
CREATE TABLE systems(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  operator TEXT NOT NULL,        -- {"agency", "head_name", "head_title", "emails", "phones", "chat"}
  urls TEXT NOT NULL,            -- JSON arrays
  hosts TEXT NOT NULL,
  ips TEXT NOT NULL,             -- addresses and CIDR ranges, canonical form
  technology TEXT NOT NULL,      -- {"cms", "cms_version", "server"}
  criticality TEXT NOT NULL,     -- low, medium, high, vital
  status TEXT NOT NULL,          -- active, maintenance, retired
  check_interval_s INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL,      -- ns
  updated_by TEXT NOT NULL,
  updated INTEGER NOT NULL
);
ALTER TABLE cases ADD COLUMN reporting_due INTEGER;
)sql",
    R"sql(
-- Events a person linked to a case (from a search result), beside the alerts' own: their ids
-- in the event store, a JSON array.
ALTER TABLE cases ADD COLUMN event_ids TEXT NOT NULL DEFAULT '[]';
)sql",
    R"sql(
-- Vulnerability assessments run from a case against systems of the registry
-- (src/assess/assessment_store.h): each run with its exact command line and its raw output kept
-- as the case's evidence, and the findings it made, whose status people set.
CREATE TABLE assessment_runs(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  system_id TEXT NOT NULL,       -- as it was in the registry when the run started
  system_name TEXT NOT NULL,
  kind TEXT NOT NULL,            -- nmap, web
  targets TEXT NOT NULL,         -- JSON array, as the allow-list let them through
  ports TEXT NOT NULL,           -- nmap's -p; '' for web
  command TEXT NOT NULL,
  tool_version TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,          -- running, done, failed, cancelled
  message TEXT NOT NULL DEFAULT '',
  started_by TEXT NOT NULL,
  started_role TEXT NOT NULL,
  started INTEGER NOT NULL,      -- ns
  ended INTEGER,
  evidence_id INTEGER REFERENCES evidence(id),
  output_sha256 TEXT,
  cancel_requested_by TEXT
);
CREATE INDEX assessment_runs_by_case ON assessment_runs(case_id, id);
CREATE TABLE findings(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES assessment_runs(id),
  title TEXT NOT NULL,
  severity TEXT NOT NULL,        -- info, low, medium, high, critical
  target TEXT NOT NULL,
  cves TEXT NOT NULL,            -- JSON array
  cvss REAL,
  evidence TEXT NOT NULL,        -- an excerpt
  status TEXT NOT NULL DEFAULT 'open',  -- open, confirmed, false_positive, fixed
  status_reason TEXT NOT NULL DEFAULT '',
  updated_by TEXT,
  updated INTEGER
);
CREATE INDEX findings_by_run ON findings(run_id, id);
)sql",
    R"sql(
-- The SOP's documents (src/docs/document_store.h): each version of a case's incident report or
-- work report, frozen when submitted (its content and its draft PDF never change), and each
-- notification letter; the signed PDF once signed. public_id is the unguessable id of the public
-- verify link.
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,            -- incident_report, work_report, letter
  version INTEGER NOT NULL,      -- 1, 2, ... per case and kind
  state TEXT NOT NULL,           -- frozen, signed, superseded
  language TEXT NOT NULL,        -- id, en
  content TEXT NOT NULL,         -- the values the PDF is drawn from (JSON), frozen
  draft_pdf BLOB NOT NULL,
  draft_sha256 TEXT NOT NULL,
  number TEXT UNIQUE,            -- given when signed
  signed_pdf BLOB,
  signed_sha256 TEXT,
  signed_by TEXT,                -- the account
  signer_name TEXT,              -- as the certificate names them
  signer_certified INTEGER,      -- 1: a configured certificate (BSrE); 0: the installation's own
  signed_at INTEGER,             -- ns
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL,      -- ns
  UNIQUE(case_id, kind, version)
);
CREATE INDEX documents_by_signed_hash ON documents(signed_sha256);
CREATE INDEX documents_by_draft_hash ON documents(draft_sha256);
-- The yearly sequence of official numbers per unit (src/docs/numbering.h).
CREATE TABLE document_numbers(
  unit TEXT NOT NULL,
  year INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY(unit, year)
);
)sql",
    R"sql(
-- Notifications sent from cases (src/notify/dispatch_store.h): each email or webhook call as it
-- was prepared (the whole MIME message or JSON body), its attempts, and how they went.
CREATE TABLE dispatches(
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases(id),  -- NULL: about no case (a test message)
  kind TEXT NOT NULL,                    -- email, webhook
  target TEXT NOT NULL,          -- email: the recipients, 'a@b.id, c@d.id'; webhook: URL or telegram:<chat_id>
  envelope_from TEXT NOT NULL DEFAULT '',  -- email: SMTP's MAIL FROM
  subject TEXT NOT NULL DEFAULT '',        -- email: the subject; webhook: the workflow event
  payload BLOB NOT NULL,                   -- the MIME message or the JSON body
  status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,        -- ns; a pending dispatch is due from then on
  last_error TEXT NOT NULL DEFAULT '',
  message_id TEXT NOT NULL DEFAULT '',     -- email: the Message-ID header
  reply TEXT NOT NULL DEFAULT '',          -- the server's answer to the attempt that delivered
  created_at INTEGER NOT NULL,             -- ns
  sent_at INTEGER,
  created_by TEXT NOT NULL
);
CREATE INDEX dispatches_by_case ON dispatches(case_id, id);
CREATE INDEX dispatches_due ON dispatches(status, next_attempt_at);
)sql",
    R"sql(
-- Website monitoring (src/monitor/site_monitor.h). Bodies are kept by their SHA-256: those of
-- approved baselines and of pages that raised an alert (the alert names them).
CREATE TABLE monitor_bodies(
  sha256 TEXT PRIMARY KEY,
  body BLOB NOT NULL,
  content_type TEXT NOT NULL DEFAULT '',
  first_seen INTEGER NOT NULL     -- ns
);
-- The page an operator approved for each URL of a system; checks compare with it.
CREATE TABLE monitor_baselines(
  system_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  final_url TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  approved_at INTEGER NOT NULL,   -- ns
  PRIMARY KEY(system_id, url)
);
-- Each check of a URL (the last few hundred per URL): availability, certificate, content.
CREATE TABLE monitor_checks(
  id INTEGER PRIMARY KEY,
  system_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  checked_at INTEGER NOT NULL,    -- ns
  up INTEGER NOT NULL,
  status INTEGER NOT NULL,        -- HTTP status; 0: no answer
  response_ms INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  final_url TEXT NOT NULL DEFAULT '',
  cert_not_after INTEGER,         -- ns; NULL: not https
  cert_verified INTEGER,
  cert_problem TEXT,
  body_sha256 TEXT,
  crawler_sha256 TEXT,
  title TEXT,                     -- NULL: no HTML page read
  findings TEXT NOT NULL DEFAULT '[]',
  details TEXT NOT NULL DEFAULT '{}'  -- the check as the API shows it (JSON)
);
CREATE INDEX monitor_checks_by_url ON monitor_checks(system_id, url, id);
-- Up or down per URL, so that only a change of state raises an alert.
CREATE TABLE monitor_url_state(
  system_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,  -- failed checks in a row
  down INTEGER NOT NULL DEFAULT 0,
  since INTEGER NOT NULL,               -- ns: when it went up or down
  PRIMARY KEY(system_id, url)
);
)sql",
    R"sql(
-- The scanner's own id of the check behind a finding (src/assess/assessment_store.h):
-- 'openvas:<NVT OID>', 'nessus:<plugin id>', 'nuclei:<template id>', 'zap:<plugin id>',
-- 'nmap:<script>', 'web:<check>'; '' when the tool gives none. Findings of one check match
-- across runs by it.
ALTER TABLE findings ADD COLUMN check_id TEXT NOT NULL DEFAULT '';
)sql",
    R"sql(
-- Website monitoring, second increment (docs/monitoring.md): internal pages read per check
-- besides the registered URLs, and whether a system is listed in the public status export.
ALTER TABLE systems ADD COLUMN crawl_pages INTEGER NOT NULL DEFAULT 20;
ALTER TABLE systems ADD COLUMN public_status INTEGER NOT NULL DEFAULT 0;
-- Internal pages found by the crawl (sitemap.xml, links of the registered pages), read a few per
-- check so that every page is read in turn; the last check of each.
CREATE TABLE monitor_crawl(
  system_id INTEGER NOT NULL,
  url TEXT NOT NULL,
  found_at INTEGER NOT NULL,      -- ns
  checked_at INTEGER,             -- ns; NULL: not read yet
  status INTEGER NOT NULL DEFAULT 0,
  findings TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(system_id, url)
);
)sql",
    R"sql(
-- Malware scans of evidence (src/scan/evidence_scan.h): one row per engine and scan, recorded
-- with the item's `scanned` custody event; append-only like the item and its custody.
CREATE TABLE evidence_scans(
  evidence_id INTEGER NOT NULL REFERENCES evidence(id),
  seq INTEGER NOT NULL,                 -- 1, 2, 3, ... per item
  engine TEXT NOT NULL,                 -- yara, clamav
  version TEXT NOT NULL,
  signatures INTEGER NOT NULL,
  status TEXT NOT NULL,                 -- ok, no_signatures, timeout, failed
  message TEXT NOT NULL,
  matches TEXT NOT NULL,                -- JSON array of {rule, tags, offset?, description?}
  started INTEGER NOT NULL,             -- ns
  ended INTEGER NOT NULL,               -- ns
  actor TEXT NOT NULL,
  custody_seq INTEGER NOT NULL,         -- evidence_custody.seq of the `scanned` event
  PRIMARY KEY(evidence_id, seq)
);
CREATE TRIGGER evidence_scans_no_update BEFORE UPDATE ON evidence_scans
BEGIN SELECT RAISE(ABORT, 'malware scans of evidence are append-only'); END;
CREATE TRIGGER evidence_scans_no_delete BEFORE DELETE ON evidence_scans
BEGIN SELECT RAISE(ABORT, 'malware scans of evidence are append-only'); END;
)sql",
    R"sql(
-- Log templates (src/detect/anomaly/template_index.h): one row per template the ingest miners
-- made, with counts tallied in memory and written in batches. Bounded: the least recently seen
-- rows go past the index's row cap.
CREATE TABLE log_templates(
  id TEXT PRIMARY KEY,           -- 16 hex digits, as events carry it in log.template_id
  dataset TEXT NOT NULL,         -- the events' dataset; '(other)' past the dataset cap
  template TEXT NOT NULL,        -- tokens joined by one space, variables as <*>
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,   -- event time, ns
  last_seen INTEGER NOT NULL,
  example TEXT NOT NULL          -- the first message seen (its first 512 bytes)
);
CREATE INDEX log_templates_by_count ON log_templates(count);
CREATE INDEX log_templates_by_first_seen ON log_templates(first_seen);
CREATE INDEX log_templates_by_last_seen ON log_templates(last_seen);
)sql",
    R"sql(
-- Website monitoring: the addresses each monitored host name resolved to at its last check, so
-- that a change of its DNS records raises an alert (docs/monitoring.md).
CREATE TABLE monitor_dns(
  system_id INTEGER NOT NULL,
  host TEXT NOT NULL,
  addresses TEXT NOT NULL,  -- "a, b", sorted
  checked_at INTEGER NOT NULL,  -- ns
  changed_at INTEGER NOT NULL,  -- ns: when they became these
  PRIMARY KEY(system_id, host)
);
)sql",
};

}  // namespace

Result<Db> OpenMainDb(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Internal("cannot create data directory " + data_dir + ": " + ec.message());
  ASSIGN_OR_RETURN(Db db, Db::Open(data_dir + "/pantau.db", false));
  RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(Migrate(db, kMigrations));
  return db;
}

}  // namespace pantau::sqlite
