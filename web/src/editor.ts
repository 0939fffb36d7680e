// The query editor: a textarea with history (kept in the browser's localStorage; Alt+Up and
// Alt+Down, or the History list) and completion of function names (from /functions) and
// series codes (from /series: by code prefix, or by a part of the Chinese or English name).
// Tab or Enter takes the highlighted completion, Escape closes the list.

import type { FunctionInfo, SeriesInfo } from "./api";
import { displayWidth } from "./width";

const HISTORY_KEY = "ixdb.console.history";
const HISTORY_MAX = 200;

export function loadHistory(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((q) => typeof q === "string") : [];
  } catch {
    return [];
  }
}

// Puts `q` first (once) and keeps the newest HISTORY_MAX.
export function remember(q: string): string[] {
  const list = [q, ...loadHistory().filter((old) => old !== q)].slice(0, HISTORY_MAX);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the history lives for this page only
  }
  return list;
}

export interface Completion {
  insert: string;  // the text that replaces the word
  label: string;   // what the list shows
  detail: string;
}

// The word being typed before the caret (letters, digits, "_"; Chinese too, to find a series
// by its name), and where it starts.
export function wordAt(text: string, caret: number): { start: number; word: string } {
  let start = caret;
  while (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1])) start--;
  return { start, word: text.slice(start, caret) };
}

export function completions(word: string, functions: FunctionInfo[], series: SeriesInfo[],
                            limit = 12): Completion[] {
  if (word.length === 0) return [];
  const w = word.toLowerCase();
  const out: Completion[] = [];
  for (const f of functions) {
    if (f.name.startsWith(w)) out.push({ insert: f.name + "(", label: f.signature, detail: f.summary });
  }
  const byCode = series.filter((s) => s.indicator.toLowerCase().startsWith(w));
  const byName = series.filter(
    (s) => !s.indicator.toLowerCase().startsWith(w) &&
           ((s.name ?? "").includes(word) || (s.name_en ?? "").toLowerCase().includes(w)),
  );
  for (const s of [...byCode, ...byName]) {
    out.push({
      insert: s.indicator,
      label: s.indicator,
      detail: [s.name, s.unit].filter(Boolean).join(" · "),
    });
  }
  return out.slice(0, limit);
}

export class Editor {
  private items: Completion[] = [];
  private selected = 0;
  private historyIndex = -1;
  functions: FunctionInfo[] = [];
  series: SeriesInfo[] = [];

  constructor(
    readonly input: HTMLTextAreaElement,
    private readonly list: HTMLUListElement,
    private readonly onRun: () => void,
  ) {
    input.addEventListener("input", () => this.update());
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    list.addEventListener("mousedown", (e) => {
      const li = (e.target as HTMLElement).closest("li");
      if (li) {
        e.preventDefault();
        this.accept(Number(li.dataset.index));
      }
    });
  }

  get value(): string {
    return this.input.value;
  }
  set value(q: string) {
    this.input.value = q;
    this.close();
  }

  // Puts the caret at a query error's line and column (columns count a Chinese character as
  // two, as the error's caret line does). The position is in the query as sent, which is the
  // editor's text without the white space around it (main.ts trims it): lines and columns
  // count from its first character, not from the editor's.
  showPosition(line: number, column: number): void {
    const value = this.input.value;
    const lead = value.length - value.trimStart().length;
    const lines = value.slice(lead).split("\n");
    let offset = lead;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    let col = 1;
    for (const ch of lines[Math.min(line, lines.length) - 1] ?? "") {
      if (col >= column) break;
      col += displayWidth(ch);
      offset += ch.length;
    }
    this.input.focus();
    this.input.setSelectionRange(offset, Math.min(offset + 1, this.input.value.length));
  }

  private update(): void {
    const { word } = wordAt(this.input.value, this.input.selectionStart);
    this.items = completions(word, this.functions, this.series);
    this.selected = 0;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.items.map((c, i) => {
        const li = document.createElement("li");
        li.dataset.index = String(i);
        li.setAttribute("role", "option");
        if (i === this.selected) li.setAttribute("aria-selected", "true");
        const label = document.createElement("code");
        label.textContent = c.label;
        const detail = document.createElement("span");
        detail.textContent = c.detail;
        li.append(label, detail);
        return li;
      }),
    );
    this.list.hidden = this.items.length === 0;
  }

  private close(): void {
    this.items = [];
    this.render();
  }

  private accept(i: number): void {
    const c = this.items[i];
    if (!c) return;
    const caret = this.input.selectionStart;
    const { start } = wordAt(this.input.value, caret);
    const v = this.input.value;
    this.input.value = v.slice(0, start) + c.insert + v.slice(caret);
    const at = start + c.insert.length;
    this.input.setSelectionRange(at, at);
    this.close();
    this.input.focus();
  }

  private stepHistory(direction: 1 | -1): void {
    const history = loadHistory();
    if (history.length === 0) return;
    this.historyIndex = Math.max(-1, Math.min(history.length - 1, this.historyIndex + direction));
    this.input.value = this.historyIndex < 0 ? "" : history[this.historyIndex];
  }

  resetHistoryCursor(): void {
    this.historyIndex = -1;
  }

  private key(e: KeyboardEvent): void {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      e.preventDefault();
      this.close();
      this.onRun();
      return;
    }
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      this.stepHistory(e.key === "ArrowUp" ? 1 : -1);
      return;
    }
    if (this.items.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = this.items.length;
      this.selected = (this.selected + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.render();
    } else if (e.key === "Tab" || e.key === "Enter") {
      e.preventDefault();
      this.accept(this.selected);
    } else if (e.key === "Escape") {
      this.close();
    }
  }
}
