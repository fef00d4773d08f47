import { useEffect, useState } from "react";
import { useI18n } from "../i18n";
import { boundMs, isoOf, PRESETS, TimeRange, toLocalInput } from "../time";

export function TimePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  const { t } = useI18n();
  const preset = PRESETS.find((p) => p.from === value.from && (value.to === "now" || !value.to));
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(toLocalInput(boundMs(value.from)));
  const [to, setTo] = useState(toLocalInput(boundMs(value.to)));
  useEffect(() => {
    setFrom(toLocalInput(boundMs(value.from)));
    setTo(toLocalInput(boundMs(value.to)));
  }, [value.from, value.to]);
  const select = preset && !custom ? preset.from : "custom";
  return (
    <span className="time-picker">
      <select
        aria-label={t("time.range")}
        data-testid="time-range"
        value={select}
        onChange={(e) => {
          if (e.target.value === "custom") {
            setFrom(toLocalInput(boundMs(value.from)));
            setTo(toLocalInput(boundMs(value.to)));
            setCustom(true);
          } else {
            setCustom(false);
            onChange({ from: e.target.value, to: "now" });
          }
        }}
      >
        {PRESETS.map((p) => (
          <option key={p.from} value={p.from}>
            {t(p.key)}
          </option>
        ))}
        <option value="custom">{t("time.custom")}</option>
      </select>
      {select === "custom" && (
        <>
          <label>
            {t("time.from")}{" "}
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t("time.to")} <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button
            type="button"
            onClick={() => {
              const f = Date.parse(from);
              const e = Date.parse(to);
              if (!Number.isNaN(f) && !Number.isNaN(e) && f < e) onChange({ from: isoOf(f), to: isoOf(e) });
            }}
          >
            {t("common.apply")}
          </button>
        </>
      )}
    </span>
  );
}
