import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cssOutsideLayers, declaredLayers } from './css-layers';

// The renderer may not touch Node, so its style sheets are checked from here.
const SRC = join(__dirname, '..', 'renderer', 'src');
const ORDER_FILE = 'styles/layers.css';

function cssFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return cssFiles(path);
    return entry.name.endsWith('.css') ? [relative(SRC, path)] : [];
  });
}

describe('renderer style sheets', () => {
  const order = declaredLayers(readFileSync(join(SRC, ORDER_FILE), 'utf8'));

  it('declares the layer order once, first in main.tsx', () => {
    expect(order).toEqual(['reset', 'tokens', 'vendor', 'base', 'components', 'views', 'utilities']);
    const firstImport = /^import\s+['"]([^'"]+)['"]/m.exec(readFileSync(join(SRC, 'main.tsx'), 'utf8'));
    expect(firstImport?.[1]).toBe(`./${ORDER_FILE}`);
  });

  it('puts every rule of every other sheet in one of the declared layers', () => {
    const files = cssFiles(SRC).filter((file) => file !== ORDER_FILE);
    expect(files.length).toBeGreaterThan(40);
    const escapes = files.flatMap((file) => cssOutsideLayers(readFileSync(join(SRC, file), 'utf8'), order).map((problem) => `${file}: ${problem}`));
    expect(escapes).toEqual([]);
  });

  it('catches a rule outside a layer, a layer statement and an unknown layer', () => {
    const sheet = ['@layer views {', '  .a { color: red; }', '}', '.b { color: blue; }', '@media (max-width: 10px) {', '  .c { color: green; }', '}', '@layer nowhere {', '  .d { color: red; }', '}', '@layer views;'].join('\n');
    expect(cssOutsideLayers(sheet, order)).toEqual([
      'line 4: `.b` is outside any @layer block',
      'line 5: `@media (max-width: 10px)` is outside any @layer block',
      'line 8: layer `nowhere` is not one of reset, tokens, vendor, base, components, views, utilities',
      'line 11: `@layer views` declares layer order (only styles/layers.css may)',
    ]);
    expect(cssOutsideLayers("@import 'x.css' layer(vendor);\n@import 'y.css';", order)).toEqual(['line 2: `@import \'y.css\'` is outside any @layer block']);
  });
});
