/**
 * A small SQL reader for the Citus readiness check (docs/scaling.md): tokens, query scopes (each SELECT / UPDATE /
 * DELETE / INSERT … SELECT, subqueries and CTE bodies their own), the relations each scope reads, and the
 * equalities between columns and values. Not a full PostgreSQL parser (none is installed): it reads the dialect
 * the repositories write, and the table tests of server/test/citus-readiness.test.ts pin what it understands.
 */

export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'op';
  text: string;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (sql.startsWith('--', i)) { const e = sql.indexOf('\n', i); i = e < 0 ? sql.length : e; continue; }
    if (sql.startsWith('/*', i)) { const e = sql.indexOf('*/', i + 2); i = e < 0 ? sql.length : e + 2; continue; }
    if (ch === "'" || ((ch === 'E' || ch === 'e') && sql[i + 1] === "'")) {
      let j = ch === "'" ? i + 1 : i + 2;
      for (;;) {
        if (j >= sql.length) break;
        if (sql[j] === '\\' && ch !== "'") { j += 2; continue; }
        if (sql[j] === "'") { if (sql[j + 1] === "'") { j += 2; continue; } break; }
        j++;
      }
      out.push({ kind: 'string', text: sql.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (ch === '"') { const e = sql.indexOf('"', i + 1); out.push({ kind: 'quoted', text: sql.slice(i + 1, e < 0 ? sql.length : e).toLowerCase() }); i = e < 0 ? sql.length : e + 1; continue; }
    if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const e = sql.indexOf(tag[0], i + tag[0].length);
        out.push({ kind: 'string', text: sql.slice(i, e < 0 ? sql.length : e + tag[0].length) });
        i = e < 0 ? sql.length : e + tag[0].length;
        continue;
      }
      const p = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i));
      if (p) { out.push({ kind: 'param', text: p[0] }); i += p[0].length; continue; }
    }
    const num = /^\d+(\.\d+)?/.exec(sql.slice(i));
    if (num) { out.push({ kind: 'number', text: num[0] }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i));
    if (word) { out.push({ kind: 'word', text: word[0].toLowerCase() }); i += word[0].length; continue; }
    const op = /^(::|<=|>=|<>|!=|\|\||->>|->|#>>|&&|@>|<@)/.exec(sql.slice(i));
    out.push({ kind: 'op', text: op ? op[0] : ch });
    i += op ? op[0].length : 1;
  }
  return out;
}

/** A relation read by a scope: a table (or view), or a derived source (subquery, CTE, function). */
export interface Rel {
  id: number;
  /** table or view name; null for a subquery or a set-returning function */
  table: string | null;
  /** the name of a CTE this reference reads, if it reads one */
  cte: string | null;
  alias: string;
  scope: Scope;
}

export interface Scope {
  id: number;
  parent: Scope | null;
  /** a LATERAL subquery or a correlated one sees its parent's relations; a CTE body does not */
  correlated: boolean;
  rels: Rel[];
  ctes: Set<string>;
  /** the scope's own tokens, subqueries replaced by one `sub` marker each */
  tokens: (Token | { kind: 'sub'; scope: Scope })[];
}

export interface Equality {
  left: Operand;
  right: Operand;
  scope: Scope;
}

export type Operand = { kind: 'col'; rel: Rel; column: string } | { kind: 'value'; text: string };

const CLAUSE_END = new Set(['where', 'group', 'order', 'limit', 'having', 'window', 'returning', 'offset', 'fetch', 'for', 'set', 'union', 'intersect', 'except', 'on', 'values', 'select']);
const JOIN_WORDS = new Set(['join', 'left', 'right', 'full', 'inner', 'cross', 'outer', 'natural', 'lateral']);
const NOT_ALIAS = new Set([...CLAUSE_END, ...JOIN_WORDS, 'using', 'as', 'and', 'or', 'with', 'ordinality', 'tablesample', 'conflict', 'do', 'nothing', 'into', 'from']);
const QUERY_START = new Set(['select', 'with', 'values', 'insert', 'update', 'delete']);

function matchParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === '(' && tokens[i]!.kind === 'op') depth++;
    else if (tokens[i]!.text === ')' && tokens[i]!.kind === 'op') { depth--; if (depth === 0) return i; }
  }
  return tokens.length - 1;
}

let nextId = 1;

/** Splits a token range into scopes: set operations make siblings, parenthesised queries children. */
function buildScope(tokens: Token[], parent: Scope | null, correlated: boolean): Scope {
  const scope: Scope = { id: nextId++, parent, correlated, rels: [], ctes: new Set(), tokens: [] };
  let i = 0;
  // WITH name AS [NOT] [MATERIALIZED] ( body ), …
  if (tokens[0]?.text === 'with') {
    i = 1;
    if (tokens[i]?.text === 'recursive') i++;
    for (;;) {
      const name = tokens[i]?.text;
      if (!name) break;
      scope.ctes.add(name);
      i++;
      if (tokens[i]?.text === '(') i = matchParen(tokens, i) + 1; // column list
      while (tokens[i] && tokens[i]!.text !== '(') i++;
      const close = matchParen(tokens, i);
      scope.tokens.push({ kind: 'sub', scope: buildScope(tokens.slice(i + 1, close), scope, false) });
      i = close + 1;
      if (tokens[i]?.text === ',') { i++; continue; }
      break;
    }
  }
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op' && t.text === '(') {
      const close = matchParen(tokens, i);
      const first = tokens[i + 1];
      if (first && first.kind === 'word' && QUERY_START.has(first.text) && first.text !== 'values') {
        scope.tokens.push({ kind: 'sub', scope: buildScope(tokens.slice(i + 1, close), scope, true) });
        i = close;
        continue;
      }
    }
    if (t.kind === 'word' && (t.text === 'union' || t.text === 'intersect' || t.text === 'except')) {
      // the next branch is a sibling: it sees the same parent (and the same CTEs)
      let j = i + 1;
      if (tokens[j]?.text === 'all' || tokens[j]?.text === 'distinct') j++;
      const sibling = buildScope(tokens.slice(j), scope, false);
      scope.tokens.push({ kind: 'sub', scope: sibling });
      break;
    }
    scope.tokens.push(t);
  }
  return scope;
}

function isWord(t: Scope['tokens'][number] | undefined, text?: string): t is Token {
  return !!t && t.kind === 'word' && (text === undefined || t.text === text);
}

function visibleCte(scope: Scope | null, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.ctes.has(name)) return true;
  return false;
}

/** Reads the FROM / JOIN / UPDATE / DELETE / USING items of a scope into `rels`, and USING (col) joins. */
function readRelations(scope: Scope, usingEqs: [Rel, Rel, string][]): void {
  const tk = scope.tokens;
  let depth = 0;
  let inFrom = false;
  let last: Rel | null = null;
  const add = (table: string | null, alias: string | null, cte: string | null): Rel => {
    const rel: Rel = { id: nextId++, table, cte, alias: alias ?? table ?? `_${nextId}`, scope };
    scope.rels.push(rel);
    return rel;
  };
  const readItem = (k: number): number => {
    while (isWord(tk[k], 'lateral') || isWord(tk[k], 'only')) k++;
    const t = tk[k];
    if (!t) return k;
    let table: string | null = null;
    let cte: string | null = null;
    if (t.kind === 'sub') k++;
    else if (t.kind === 'op' && t.text === '(') {
      // ( VALUES … ) or a parenthesised join: skip the group as a derived source
      let d = 0;
      for (; k < tk.length; k++) { const x = tk[k]!; if (x.kind === 'op' && x.text === '(') d++; if (x.kind === 'op' && x.text === ')') { d--; if (d === 0) break; } }
      k++;
    } else if (t.kind === 'word' || t.kind === 'quoted' || t.kind === 'param') {
      let name = t.text;
      k++;
      if (tk[k]?.kind === 'op' && (tk[k] as Token).text === '.' && tk[k + 1]) { name = (tk[k + 1] as Token).text; k += 2; }
      if (tk[k]?.kind === 'op' && (tk[k] as Token).text === '(') {
        // a set-returning function: derived
        let d = 0;
        for (; k < tk.length; k++) { const x = tk[k]!; if (x.kind === 'op' && x.text === '(') d++; if (x.kind === 'op' && x.text === ')') { d--; if (d === 0) break; } }
        k++;
      } else if (t.kind === 'param') table = null;
      else if (visibleCte(scope, name)) cte = name;
      else table = name;
    }
    if (isWord(tk[k], 'with') && isWord(tk[k + 1], 'ordinality')) k += 2;
    if (isWord(tk[k], 'as')) k++;
    let alias: string | null = null;
    const a = tk[k];
    if (a && (a.kind === 'word' || a.kind === 'quoted') && !NOT_ALIAS.has(a.text)) { alias = a.text; k++; }
    if (alias && tk[k]?.kind === 'op' && (tk[k] as Token).text === '(') {
      // column alias list
      let d = 0;
      for (; k < tk.length; k++) { const x = tk[k]!; if (x.kind === 'op' && x.text === '(') d++; if (x.kind === 'op' && x.text === ')') { d--; if (d === 0) break; } }
      k++;
    }
    const rel = add(table, alias ?? cte ?? table, cte);
    if (isWord(tk[k], 'using') && tk[k + 1]?.kind === 'op' && last) {
      for (let j = k + 2; j < tk.length; j++) {
        const x = tk[j]!;
        if (x.kind === 'op' && x.text === ')') break;
        if (x.kind === 'word') usingEqs.push([last, rel, x.text]);
      }
    }
    last = rel;
    return k - 1;
  };
  for (let k = 0; k < tk.length; k++) {
    const t = tk[k]!;
    if (t.kind === 'op' && t.text === '(') { depth++; continue; }
    if (t.kind === 'op' && t.text === ')') { depth--; continue; }
    if (depth !== 0 || t.kind === 'sub') continue;
    if (t.kind !== 'word' && !(t.kind === 'op' && t.text === ',')) continue;
    const prev = tk[k - 1];
    if (t.text === 'from' && !isWord(prev, 'distinct')) { inFrom = true; k = readItem(k + 1); continue; }
    if (t.text === 'join') { inFrom = true; k = readItem(k + 1); continue; }
    if (t.text === 'update' && k === 0) { k = readItem(k + 1); continue; }
    if (t.text === 'using' && inFrom && !(tk[k + 1]?.kind === 'op')) { k = readItem(k + 1); continue; }
    if (t.text === ',' && inFrom) { k = readItem(k + 1); continue; }
    // WHERE, ON, SET … end a FROM list (a JOIN word starts the next item)
    if (t.kind === 'word' && CLAUSE_END.has(t.text)) inFrom = false;
    if (t.kind === 'word' && JOIN_WORDS.has(t.text) && !(tk[k + 1]?.kind === 'op' && (tk[k + 1] as Token).text === '(')) inFrom = true;
  }
}

/** The relation an alias (or an unqualified table name) names, here or in a scope this one may see. */
export function resolveAlias(scope: Scope, alias: string): Rel | null {
  for (let s: Scope | null = scope; s; s = s.correlated ? s.parent : null) {
    const hit = s.rels.find((r) => r.alias === alias) ?? s.rels.find((r) => r.table === alias);
    if (hit) return hit;
    if (!s.correlated) break;
  }
  return null;
}

function readOperand(tk: Scope['tokens'], k: number, dir: 1 | -1, scope: Scope, fallback: (alias: string) => Rel | null): Operand | null {
  const at = (j: number) => tk[j] as Token | undefined;
  if (dir === 1) {
    let j = k;
    const t = at(j);
    if (!t || t.kind === 'sub' as string) return null;
    let op: Operand | null = null;
    if (t.kind === 'param' || t.kind === 'string' || t.kind === 'number') { op = { kind: 'value', text: t.text }; j++; }
    else if (t.kind === 'word' && at(j + 1)?.text === '.' && at(j + 2)?.kind === 'word') {
      if (at(j + 3)?.text === '(') return null;
      const rel = resolveAlias(scope, t.text) ?? fallback(t.text);
      if (!rel) return null;
      op = { kind: 'col', rel, column: at(j + 2)!.text };
      j += 3;
    } else if (t.kind === 'word' && at(j + 1)?.text !== '(' && !NOT_ALIAS.has(t.text) && !['true', 'false', 'null', 'any', 'all', 'not', 'case', 'array'].includes(t.text)) {
      if (scope.rels.length !== 1) return null;
      op = { kind: 'col', rel: scope.rels[0]!, column: t.text };
      j++;
    } else return null;
    // a following cast keeps the operand; anything else arithmetic makes it an expression
    while (at(j)?.text === '::') j += 2;
    const n = at(j);
    if (n && n.kind === 'op' && !['=', ')', ',', ';', '::'].includes(n.text)) return null;
    return op;
  }
  // backwards: skip casts (`x::text =`), then read
  let j = k;
  while (at(j - 1)?.text === '::') j -= 2;
  const t = at(j);
  if (!t) return null;
  if (t.kind === 'param' || t.kind === 'string' || t.kind === 'number') {
    const before = at(j - 1);
    if (before && before.kind === 'op' && !['(', ',', '='].includes(before.text)) return null;
    return { kind: 'value', text: t.text };
  }
  if (t.kind === 'word' && at(j - 1)?.text === '.' && at(j - 2)?.kind === 'word') {
    const before = at(j - 3);
    if (before && before.kind === 'op' && !['(', ','].includes(before.text)) return null;
    const rel = resolveAlias(scope, at(j - 2)!.text) ?? fallback(at(j - 2)!.text);
    return rel ? { kind: 'col', rel, column: t.text } : null;
  }
  if (t.kind === 'word' && !NOT_ALIAS.has(t.text) && at(j - 1)?.text !== '.' && scope.rels.length === 1) {
    const before = at(j - 1);
    if (before && before.kind === 'op' && !['(', ','].includes(before.text)) return null;
    if (['true', 'false', 'null'].includes(t.text)) return { kind: 'value', text: t.text };
    return { kind: 'col', rel: scope.rels[0]!, column: t.text };
  }
  return null;
}

export interface Statement {
  scopes: Scope[];
  equalities: Equality[];
}

/** Reads one SQL text. `fallback` names relations for aliases a fragment uses but does not bind. */
export function readStatement(sql: string, fallback: (alias: string, scope: Scope) => Rel | null = () => null): Statement {
  const root = buildScope(tokenize(sql), null, false);
  const scopes: Scope[] = [];
  const walk = (s: Scope) => { scopes.push(s); for (const t of s.tokens) if (t.kind === 'sub') walk(t.scope); };
  walk(root);
  const usingEqs: [Rel, Rel, string][] = [];
  for (const s of scopes) readRelations(s, usingEqs);
  const equalities: Equality[] = [];
  for (const [a, b, col] of usingEqs) equalities.push({ left: { kind: 'col', rel: a, column: col }, right: { kind: 'col', rel: b, column: col }, scope: b.scope });
  for (const s of scopes) {
    const fb = (alias: string) => fallback(alias, s);
    s.tokens.forEach((t, k) => {
      if (t.kind !== 'op' || t.text !== '=') return;
      const left = readOperand(s.tokens, k - 1, -1, s, fb);
      const right = readOperand(s.tokens, k + 1, 1, s, fb);
      if (left && right) equalities.push({ left, right, scope: s });
    });
  }
  return { scopes, equalities };
}
