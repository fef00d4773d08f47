import { useI18n } from "../i18n";

// The query language in one look (the full text: docs/query-language.md).
const EXAMPLES: [string, string, string][] = [
  ["root", "kata dalam pesan (teks penuh)", "word in the message (full text)"],
  ['"failed password"', "frasa persis", "exact phrase"],
  ["user.name:root", "bidang sama dengan nilai", "field equals value"],
  ["user.name:adm*", "karakter pengganti * dan ?", "wildcards * and ?"],
  ["_exists_:user.name", "bidang ada", "field exists"],
  ["http.response.status_code>=500", "perbandingan", "comparison"],
  ["destination.port:[1 TO 1024]", "rentang", "range"],
  ["source.ip:10.0.0.0/8", "blok CIDR (IPv4 dan IPv6)", "CIDR block (IPv4 and IPv6)"],
  ["a AND b, a OR b, NOT a, ( )", "logika; spasi berarti AND", "logic; a space means AND"],
  ["| stats count by source.ip", "agregasi", "aggregation"],
  ["| stats count, dc(user.name) by host.name", "beberapa agregat", "several aggregates"],
  ["| top 10 url.original", "nilai teratas", "top values"],
  ["| sort -count", "urutkan", "sort"],
  ["| timechart span=1h count by event.outcome", "deret waktu", "time series"],
];

export function SyntaxHelp({ onClose }: { onClose: () => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="panel help" data-testid="syntax-help">
      <table>
        <tbody>
          {EXAMPLES.map(([code, idText, enText]) => (
            <tr key={code}>
              <td>
                <code>{code}</code>
              </td>
              <td>{lang === "id" ? idText : enText}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onClose}>
        {t("common.close")}
      </button>
    </div>
  );
}
