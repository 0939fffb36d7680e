// The HTTP endpoint as the console uses it (docs/http.md): queries as the wire protocol's
// response object (format=protocol keeps column types, units and notes), the catalog and the
// function registry as arrays of objects.

export type CellValue = string | number | null;

export interface Column {
  name: string;
  type: "string" | "number" | "integer" | "date" | "period";
  unit: string;
}

export interface Result {
  columns: Column[];
  rows: CellValue[][];
  notes: string[];
}

export interface ApiError {
  code: string;
  error: string;
  position?: { line: number; column: number };
}

export class QueryFailed extends Error {
  constructor(readonly detail: ApiError, readonly status: number) {
    super(detail.error);
  }
}

export function queryUrl(q: string, format: string, extra = ""): string {
  return `/query?format=${format}${extra}&q=${encodeURIComponent(q)}`;
}

async function errorOf(response: Response): Promise<QueryFailed> {
  let detail: ApiError = { code: "IOError", error: `HTTP ${response.status}` };
  try {
    detail = (await response.json()) as ApiError;
  } catch {
    // not the server's error object (a proxy's page): keep the status
  }
  return new QueryFailed(detail, response.status);
}

// The query's result, or a QueryFailed with the server's error object.
export async function runQuery(q: string): Promise<Result> {
  const response = await fetch("/query?format=protocol", {
    method: "POST",
    body: q,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
  if (!response.ok) throw await errorOf(response);
  const body = (await response.json()) as Result & { ok: boolean };
  return { columns: body.columns, rows: body.rows, notes: body.notes ?? [] };
}

export interface SeriesInfo {
  indicator: string;
  name: string | null;
  name_en: string | null;
  unit: string | null;
  measure: string;
  frequency: string;
  cumulative: string;
}

export interface FunctionInfo {
  name: string;
  signature: string;
  summary: string;
  example: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

export const fetchSeries = () => getJson<SeriesInfo[]>("/series?format=json");
export const fetchFunctions = () => getJson<FunctionInfo[]>("/functions?format=json");
export const fetchHealth = () => getJson<{ version: string; writes: boolean }>("/health");
