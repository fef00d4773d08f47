// Small edits of a query text, as the search page makes them (see docs/query-language.md).

// Index of the first `|` outside quotes, or -1.
function pipeAt(q: string): number {
  let quoted = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "|" && !quoted) return i;
  }
  return -1;
}

export function hasStages(q: string): boolean {
  return pipeAt(q) >= 0;
}

// The filter before any `| stage`.
export function filterPart(q: string): string {
  const at = pipeAt(q);
  return (at < 0 ? q : q.slice(0, at)).trim();
}

// A term that matches the value exactly: numbers and booleans bare, text quoted.
export function term(field: string, value: unknown): string {
  if (value === null || value === undefined) return `NOT _exists_:${field}`;
  if (typeof value === "number" || typeof value === "boolean") return `${field}:${value}`;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `${field}:"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// The query with one more filter (or exclusion), keeping its `| stages`.
export function addFilter(q: string, field: string, value: unknown, exclude: boolean): string {
  let t = term(field, value);
  if (exclude) t = t.startsWith("NOT ") ? t.slice(4) : `NOT ${t}`;
  const at = pipeAt(q);
  const filter = filterPart(q);
  const stages = at < 0 ? "" : ` ${q.slice(at).trim()}`;
  if (!filter) return t + stages;
  const wrapped = /\bOR\b/i.test(filter) ? `(${filter})` : filter;
  return `${wrapped} AND ${t}${stages}`;
}
