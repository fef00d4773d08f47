// The fields every case has from its opening: title, description, incident type and risk level.
// Shared by the new-case form and the edit form, so both offer the same choices.
import { INCIDENT_TYPES, RISK_LEVELS } from "../api";
import { useI18n } from "../i18n";

export interface CaseBasics {
  title: string;
  description: string;
  incidentType: string;
  risk: string;
}

export function CaseBasicsFields({
  value,
  onChange,
  rows = 3,
  testPrefix,
}: {
  value: CaseBasics;
  onChange: (v: CaseBasics) => void;
  rows?: number;
  testPrefix?: string;
}) {
  const { t } = useI18n();
  const set = (patch: Partial<CaseBasics>) => onChange({ ...value, ...patch });
  return (
    <>
      <label>
        {t("case.title")}
        <input value={value.title} onChange={(e) => set({ title: e.target.value })} required />
      </label>
      <label>
        {t("case.description")}
        <textarea value={value.description} onChange={(e) => set({ description: e.target.value })} rows={rows} />
      </label>
      <label>
        {t("case.incident_type")}{" "}
        <select
          value={value.incidentType}
          onChange={(e) => set({ incidentType: e.target.value })}
          data-testid={testPrefix && `${testPrefix}-incident-type`}
        >
          {INCIDENT_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`itype.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("case.risk")}{" "}
        <select value={value.risk} onChange={(e) => set({ risk: e.target.value })} data-testid={testPrefix && `${testPrefix}-risk`}>
          {RISK_LEVELS.map((x) => (
            <option key={x} value={x}>
              {t(`risk.${x}`)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
