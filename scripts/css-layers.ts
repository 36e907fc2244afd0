/**
 * A top-level scan of a style sheet for what escapes the cascade layers (renderer-css-layers.test.ts):
 * a rule or at-rule outside an `@layer name { … }` block wins over every layered rule,
 * whatever its selector, so one stray rule would bring back import-order styling.
 */

/** The layer names of the sheet's `@layer a, b, c;` statements, in order. */
export function declaredLayers(css: string): string[] {
  return [...stripComments(css).matchAll(/@layer\s+([^;{]+);/g)].flatMap((m) => m[1]!.split(',').map((name) => name.trim()));
}

/** One line per top-level thing that is not inside a block of one of `layers`. */
export function cssOutsideLayers(css: string, layers: readonly string[]): string[] {
  const text = stripComments(css);
  const problems: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const end = nextTopLevelEnd(text, i);
    const head = text.slice(i, end.headEnd).trim().replace(/\s+/g, ' ');
    const line = text.slice(0, i).split('\n').length;
    const layer = /^@layer\s+([\w-]+)$/.exec(head);
    if (end.block && layer) {
      if (!layers.includes(layer[1]!)) problems.push(`line ${line}: layer \`${layer[1]}\` is not one of ${layers.join(', ')}`);
    } else if (!end.block && /^@layer\b/.test(head)) {
      problems.push(`line ${line}: \`${head}\` declares layer order (only styles/layers.css may)`);
    } else if (!end.block && /^@import\b.*\blayer\(([\w-]+)\)/.test(head)) {
      const name = /\blayer\(([\w-]+)\)/.exec(head)![1]!;
      if (!layers.includes(name)) problems.push(`line ${line}: layer \`${name}\` is not one of ${layers.join(', ')}`);
    } else {
      problems.push(`line ${line}: \`${head}\` is outside any @layer block`);
    }
    i = end.next;
  }
  return problems;
}

/** Comments blanked to spaces, so line numbers still match. */
function stripComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** Where the statement or block starting at `start` ends (strings and nesting respected). */
function nextTopLevelEnd(text: string, start: number): { headEnd: number; next: number; block: boolean } {
  let depth = 0;
  let quote: string | null = null;
  let headEnd = -1;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ';' && depth === 0) return { headEnd: i, next: i + 1, block: false };
    else if (ch === '{') {
      if (depth === 0) headEnd = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) return { headEnd, next: i + 1, block: true };
    }
  }
  return { headEnd: headEnd === -1 ? text.length : headEnd, next: text.length, block: headEnd !== -1 };
}
