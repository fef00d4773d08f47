import { useI18n } from "../i18n";

// A labelled filter with "all" first, as the list pages use them.
export function FilterSelect(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: [string, string][];
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <label>
      {props.label}{" "}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="">{t("alerts.all")}</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
