// Log content is written by whoever sent the log, possibly an attacker. React already renders it
// as text; this also makes invisible tricks visible: control characters (ANSI escapes) and
// bidirectional overrides (which can make "exe.txt" read as "txt.exe") are shown as marked
// code points, and the text is isolated so that it cannot reorder what surrounds it.
import type { ReactNode } from "react";

const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function SafeText({ text, className }: { text: unknown; className?: string }) {
  const s = text === null || text === undefined ? "" : typeof text === "string" ? text : JSON.stringify(text);
  if (!HIDDEN.test(s)) return <bdi className={className}>{s}</bdi>;
  HIDDEN.lastIndex = 0;
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of s.matchAll(HIDDEN)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(s.slice(last, at));
    const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    parts.push(
      <span key={at} className="ctl" title={`U+${code}`}>
        {`U+${code}`}
      </span>,
    );
    last = at + m[0].length;
  }
  if (last < s.length) parts.push(s.slice(last));
  return <bdi className={className}>{parts}</bdi>;
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}
