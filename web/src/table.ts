// The result table: a header with each column's unit, numbers right-aligned, empty cells shown
// as a grey "∅" (an empty string stays blank), cells wider than 48 columns cut with "…" (the
// whole text in the tooltip), and column widths in display columns (a Chinese character counts
// two), as `ixdb query` draws them.

import type { CellValue, Result } from "./api";
import { displayWidth, truncateToWidth } from "./width";

const MAX_CELL_WIDTH = 48;

function cellText(v: CellValue): string {
  return typeof v === "number" ? String(v) : (v as string);
}

export function renderTable(table: HTMLTableElement, result: Result): void {
  const numeric = result.columns.map((c) => c.type === "number" || c.type === "integer");
  const widths = result.columns.map((c) => displayWidth(c.name) + (c.unit ? displayWidth(c.unit) + 3 : 0));
  for (const row of result.rows) {
    row.forEach((v, i) => {
      if (v !== null) widths[i] = Math.max(widths[i], Math.min(MAX_CELL_WIDTH, displayWidth(cellText(v))));
    });
  }
  const colgroup = document.createElement("colgroup");
  for (const w of widths) {
    const col = document.createElement("col");
    // ch is the width of "0" in the table's monospace font; a wide character is two of them.
    col.style.width = `${Math.max(w, 2) + 2}ch`;
    colgroup.append(col);
  }
  const thead = document.createElement("thead");
  const headRow = document.createElement("tr");
  result.columns.forEach((c, i) => {
    const th = document.createElement("th");
    th.textContent = c.name;
    th.dataset.type = c.type;
    if (numeric[i]) th.className = "num";
    if (c.unit) {
      const unit = document.createElement("span");
      unit.className = "unit";
      unit.textContent = ` [${c.unit}]`;
      th.append(unit);
    }
    headRow.append(th);
  });
  thead.append(headRow);
  const tbody = document.createElement("tbody");
  const fragment = document.createDocumentFragment();
  for (const row of result.rows) {
    const tr = document.createElement("tr");
    row.forEach((v, i) => {
      const td = document.createElement("td");
      if (v === null) {
        td.className = "null";
        td.textContent = "∅";
        td.title = "empty: no value";
      } else {
        const text = cellText(v);
        const shown = truncateToWidth(text, MAX_CELL_WIDTH);
        td.textContent = shown;
        if (shown !== text) td.title = text;
        if (numeric[i]) td.className = "num";
      }
      tr.append(td);
    });
    fragment.append(tr);
  }
  tbody.append(fragment);
  table.replaceChildren(colgroup, thead, tbody);
}
