// A local ESLint rule that keeps the layers pointing one way (README, Architecture):
//   common ← {sqlite, solana, hub-client} ← hub ← main;  common ← preload;  common ← renderer.
// It resolves each relative import against the importing file, so `common/hub/x` and the
// top-level `hub/` are told apart, and names the layer that may not be reached.
import { dirname, relative, resolve, sep } from 'node:path';

/** Which top-level folders each layer may import (its own folder always). */
export const LAYERS = {
  common: [],
  sqlite: ['common'],
  solana: ['common'],
  'hub-client': ['common'],
  hub: ['common', 'sqlite', 'solana', 'hub-client'],
  main: ['common', 'sqlite', 'solana', 'hub-client', 'hub'],
  preload: ['common'],
  renderer: ['common'],
};

/** The only production file of main/ that may start a hub (Sandbox), and what it may import. */
const EMBEDDED_HUB_FILE = 'main/market/embedded-hub.ts';
const HUB_PUBLIC_FACE = ['hub/index.ts', 'hub'];
const TEST_FILE = /\.test\.tsx?$/;
// Test support: harnesses, fixtures and the store conformance suite, for tests only.
const TEST_SUPPORT = /(^|\/)(testing|test-support|conformance)(\/|$)/;

const toPosix = (p) => p.split(sep).join('/');

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer direction; test support stays out of production code.' },
    schema: [],
    messages: {
      upward: '{{from}}/ may not import {{to}}/ (layers: common ← {sqlite, solana, hub-client} ← hub ← main). Move the shared piece down to a layer both may use.',
      hubOutsideEmbedded: 'main/ reaches the hub only through main/market/embedded-hub.ts; talk to a hub with hub-client/ instead.',
      hubInternals: 'Import the hub through its public face (hub/index.ts), not {{to}}.',
      testSupport: 'Production code may not import test support ({{to}}); it is for tests, benches and e2e only.',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = toPosix(relative(root, context.filename));
    const layer = file.split('/')[0];
    const isTest = TEST_FILE.test(file);
    const isTestSupport = TEST_SUPPORT.test(dirname(file));
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = toPosix(relative(root, resolve(dirname(context.filename), spec)));
      const targetLayer = target.split('/')[0];
      if (!isTest && !isTestSupport && TEST_SUPPORT.test(target) && LAYERS[layer]) {
        context.report({ node, messageId: 'testSupport', data: { to: target } });
        return;
      }
      const allowed = LAYERS[layer];
      if (!allowed || targetLayer === layer || !(targetLayer in LAYERS)) return;
      if (!allowed.includes(targetLayer)) {
        context.report({ node, messageId: 'upward', data: { from: layer, to: targetLayer } });
        return;
      }
      if (layer === 'main' && targetLayer === 'hub') {
        const publicFace = HUB_PUBLIC_FACE.includes(target);
        if (isTest) {
          if (!publicFace && !TEST_SUPPORT.test(target)) context.report({ node, messageId: 'hubInternals', data: { to: target } });
        } else if (file !== EMBEDDED_HUB_FILE) {
          context.report({ node, messageId: 'hubOutsideEmbedded' });
        } else if (!publicFace) {
          context.report({ node, messageId: 'hubInternals', data: { to: target } });
        }
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
