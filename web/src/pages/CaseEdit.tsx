// Changing a case's fields while it is worked (SOP steps 4-6): the summary's "Ubah" form. Only
// the fields that changed are sent (PATCH), so two people editing different fields do not undo
// each other; the server checks every field and says which one it refused.
import { FormEvent, useState } from "react";
import { api, Case, ElectronicSystem } from "../api";
import { CaseBasics, CaseBasicsFields } from "../components/CaseBasicsFields";
import { SafeText } from "../components/SafeText";
import { useI18n } from "../i18n";

const CLASSIFICATIONS = ["B", "T", "R", "SR"] as const;

function commaList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

// Observables one per line as "type: value" (ip: 203.0.113.9).
function observableLines(text: string): { type: string; value: string }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(":");
      return at < 0
        ? { type: "", value: line }
        : { type: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    });
}

export function CaseEditForm({
  c,
  systems,
  onDone,
}: {
  c: Case;
  systems: ElectronicSystem[];
  onDone: (changed: boolean) => void;
}) {
  const { t } = useI18n();
  const [basics, setBasics] = useState<CaseBasics>({
    title: c.title,
    description: c.description,
    incidentType: c.incident_type,
    risk: c.risk_level,
  });
  const [classification, setClassification] = useState<string>(c.classification);
  const [assignee, setAssignee] = useState(c.assignee ?? "");
  const [tags, setTags] = useState(c.tags.join(", "));
  const [techniques, setTechniques] = useState(c.techniques.join(", "));
  const [systemIds, setSystemIds] = useState<string[]>(c.system_ids);
  const [observables, setObservables] = useState(c.observables.map((o) => `${o.type}: ${o.value}`).join("\n"));
  const [error, setError] = useState("");

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const put = (key: string, now: unknown, before: unknown) => {
      if (!same(now, before)) body[key] = now;
    };
    put("title", basics.title, c.title);
    put("description", basics.description, c.description);
    put("incident_type", basics.incidentType, c.incident_type);
    put("risk_level", basics.risk, c.risk_level);
    put("classification", classification, c.classification);
    put("assignee", assignee.trim(), c.assignee ?? "");
    put("tags", commaList(tags), c.tags);
    put("techniques", commaList(techniques), c.techniques);
    put("system_ids", systemIds, c.system_ids);
    put("observables", observableLines(observables), c.observables);
    if (Object.keys(body).length === 0) return onDone(false);
    try {
      await api(`/cases/${encodeURIComponent(c.id)}`, { method: "PATCH", body });
      onDone(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <form className="panel case-form case-edit" onSubmit={submit} data-testid="case-edit-form">
      <CaseBasicsFields value={basics} onChange={setBasics} rows={4} testPrefix="edit" />
      <label>
        {t("case.classification")}{" "}
        <select value={classification} onChange={(e) => setClassification(e.target.value)}>
          {CLASSIFICATIONS.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("case.assignee")}
        <input value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="edit-assignee" />
      </label>
      <label>
        {t("case.tags")}
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="judi, wordpress" />
      </label>
      <label>
        {t("case.techniques")}
        <input
          value={techniques}
          onChange={(e) => setTechniques(e.target.value)}
          placeholder="T1110, T1505.003"
          data-testid="edit-techniques"
        />
      </label>
      <fieldset data-testid="edit-systems">
        <legend>{t("case.systems")}</legend>
        {systems.length === 0 && <span className="muted">{t("sys.none")}</span>}
        {systems.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={systemIds.includes(s.id)}
              onChange={(e) =>
                setSystemIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))
              }
            />{" "}
            <SafeText text={s.name} />
          </label>
        ))}
      </fieldset>
      <label>
        {t("case.observables")} <span className="muted">{t("case.observables_help")}</span>
        <textarea value={observables} onChange={(e) => setObservables(e.target.value)} rows={4} />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="case-edit-error">
          {error}
        </p>
      )}
      <span className="actions">
        <button type="submit" data-testid="case-edit-save">
          {t("common.save")}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t("common.cancel")}
        </button>
      </span>
    </form>
  );
}
