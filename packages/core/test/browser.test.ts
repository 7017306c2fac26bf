// Browser coverage for real: a Vite app (TSX) and a library it imports, served by Vite's dev server
// and as a built bundle, run in Chromium (Debian's /usr/bin/chromium through playwright-core).
// Chromium's V8 coverage goes through writeBrowserCoverage and the conversion; the reference is
// the same page run with every source instrumented by istanbul-lib-instrument, whose maps and
// counts ours must equal.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { chromium, type Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBrowserCoverage, type BrowserScriptCoverage } from '../src/collection/browser';
import { convertV8Directory } from '../src/convert';
import { workspaceInnerMaps } from '../src/convert/inner-maps';
import { sourceMapMapping } from '../src/convert/script-mapping';
import { ServedSources } from '../src/convert/served-sources';
import { createSourceFilter } from '../src/files';
import { countMismatches, functionId, istanbulInstrument, mapsOf } from './convert-harness';

const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';
const REPO = join(__dirname, '..', '..', '..');
const BIN = join(__dirname, '..', 'bin', 'monocov.js');
const SOURCES = ['apps/web/src/main.tsx', 'apps/web/src/greeting.tsx', 'libs/view/src/view.ts'];

const created: string[] = [];
const temp = (name: string) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `monocov-browser-${name}-`)));
  created.push(dir);
  return dir;
};

/** A copy of fixtures/browser: apps/web (the Vite root) and libs/view, outside the root as in an Nx workspace. */
function workspace(): string {
  const dir = temp('ws');
  cpSync(join(__dirname, 'fixtures', 'browser'), dir, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

type Vite = typeof import('vite');
const vite = (): Promise<Vite> => import('vite');

/** Vite options shared by the runs: a JSX factory of the fixture's own, files outside the root allowed. */
function viteConfig(root: string, extra: Record<string, unknown> = {}) {
  return {
    root: join(root, 'apps/web'),
    configFile: false as const,
    logLevel: 'silent' as const,
    esbuild: { jsxFactory: 'h' },
    server: { host: '127.0.0.1', port: 0, fs: { allow: [root] } },
    ...extra,
  };
}

/** A plugin that instruments the workspace's sources with istanbul before Vite compiles them: the reference. */
function istanbulPlugin(root: string) {
  return {
    name: 'istanbul-reference',
    enforce: 'pre' as const,
    transform(code: string, id: string) {
      const path = id.split('?')[0]!;
      if (!path.startsWith(root) || path.includes('node_modules') || !/\.tsx?$/.test(path)) return undefined;
      return { code: istanbulInstrument(path, code).code, map: null };
    },
  };
}

interface PageRun {
  entries: BrowserScriptCoverage[];
  istanbul: Record<string, FileCoverageData> | undefined;
}

/** Opens `url` in Chromium with coverage on, waits for the greeting, and returns what the page recorded. */
async function runPage(browser: Browser, url: string): Promise<PageRun> {
  const page = await browser.newPage();
  try {
    await page.coverage.startJSCoverage({ resetOnNavigation: false });
    await page.goto(url);
    await page.waitForSelector('h1');
    const istanbul = (await page.evaluate('globalThis.__coverage__')) as Record<string, FileCoverageData> | undefined;
    return { entries: await page.coverage.stopJSCoverage(), istanbul };
  } finally {
    await page.close();
  }
}

async function convertRun(root: string, run: PageRun, fetchText: (url: string) => Promise<string | undefined>): Promise<CoverageMapData> {
  const rawDir = temp('raw');
  const written = await writeBrowserCoverage(run.entries, { rawDir, fetchText });
  assert.equal(written.warnings, []);
  const include = createSourceFilter({ workspaceRoot: root, projectRoot: 'apps/web', run: { include: ['**'], omit: [], source: 'workspace', dataDir: 'coverage' } });
  return convertV8Directory({ rawDir, workspaceRoot: root, include });
}

const fetchOver = async (url: string) => {
  const response = await fetch(url);
  return response.ok ? response.text() : undefined;
};

/** Serves a built app's folder: the bundle and its .map files. */
/** A built app's folder served over HTTP, opened in Chromium, and the page's coverage converted. */
async function convertBuiltApp(root: string, outDir: string): Promise<CoverageMapData> {
  const { server, url } = await staticServer(outDir);
  try {
    return await convertRun(root, await runPage(browser, url), fetchOver);
  } finally {
    server.close();
  }
}

/** The data's files, workspace-relative and sorted. */
const filesIn = (root: string, coverage: CoverageMapData): string[] =>
  Object.keys(coverage)
    .map((path) => relative(root, path))
    .sort();

function staticServer(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
  const server = createServer((request, response) => {
    const path = join(dir, new URL(request.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
    if (!path.startsWith(dir) || !existsSync(path)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

function assertLikeIstanbul(root: string, ours: CoverageMapData, reference: Record<string, FileCoverageData>): void {
  for (const rel of SOURCES) {
    const path = join(root, rel);
    const mine = ours[path] as FileCoverageData | undefined;
    assert.ok(
      mine,
      `${rel} is in the converted coverage (got ${Object.keys(ours)
        .map((key) => relative(root, key))
        .join(', ')})`,
    );
    const theirs = reference[path];
    assert.ok(theirs, `istanbul recorded ${rel}`);
    assert.equal(mapsOf(mine), mapsOf(theirs), `${rel}: maps equal istanbul-lib-instrument's`);
    assert.equal(JSON.stringify(countMismatches(mine, theirs)), '[]', `${rel}: counts equal istanbul's`);
  }
}

const browserSuite = suite('browser coverage through source maps');
let browser: Browser;
let reference: Record<string, FileCoverageData>;
let root: string;

browserSuite.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set MONOCOV_CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  root = workspace();
  const { createServer: createViteServer } = await vite();
  const server = await createViteServer({ ...viteConfig(root), plugins: [istanbulPlugin(root)] });
  await server.listen();
  try {
    reference = (await runPage(browser, server.resolvedUrls!.local[0]!)).istanbul!;
  } finally {
    await server.close();
  }
});

const removeTemps = () => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
};

browserSuite.after(async () => {
  await browser?.close();
  removeTemps();
});

browserSuite('Vite dev server: the app and the library it imports count on their TS/TSX sources exactly as istanbul counts them', async () => {
  const { createServer: createViteServer } = await vite();
  const server = await createViteServer(viteConfig(root));
  await server.listen();
  let coverage: CoverageMapData;
  try {
    coverage = await convertRun(root, await runPage(browser, server.resolvedUrls!.local[0]!), fetchOver);
  } finally {
    await server.close();
  }
  assert.equal(filesIn(root, coverage), [...SOURCES].sort(), 'only the workspace sources the page ran');
  assertLikeIstanbul(root, coverage, reference);
  const greeting = coverage[join(root, 'apps/web/src/greeting.tsx')] as FileCoverageData;
  assert.is(greeting.f[functionId(greeting, 'Greeting')], 1);
  assert.is(greeting.f[functionId(greeting, 'Farewell')], 0);
});

browserSuite('built bundle with .map files: sources found from the map paths that climb out of dist/', async () => {
  const { build } = await vite();
  const outDir = join(root, 'dist/apps/web');
  await build({ ...viteConfig(root), build: { outDir, sourcemap: true, minify: false, emptyOutDir: true } });
  const coverage = await convertBuiltApp(root, outDir);
  assert.equal(filesIn(root, coverage), [...SOURCES].sort());
  assertLikeIstanbul(root, coverage, reference);
});

browserSuite("a built bundle without source maps (Vite's default build): each app script is named to the conversion, no file gets hits", async () => {
  const { build } = await vite();
  const outDir = join(root, 'dist/apps/web-no-maps');
  await build({ ...viteConfig(root), build: { outDir, minify: false, emptyOutDir: true } });
  const { server, url } = await staticServer(outDir);
  const rawDir = temp('raw');
  try {
    const written = await writeBrowserCoverage((await runPage(browser, url)).entries, { rawDir, fetchText: fetchOver });
    assert.equal(written.warnings, []);
    assert.ok(written.path, 'the raw file keeps the scripts without a map, for the run to name them');
  } finally {
    server.close();
  }
  const unmapped: string[] = [];
  const include = createSourceFilter({ workspaceRoot: root, projectRoot: 'apps/web', run: { include: ['**'], omit: [], source: 'workspace', dataDir: 'coverage' } });
  const coverage = await convertV8Directory({ rawDir, workspaceRoot: root, include, onServedScriptWithoutSourceMap: (script) => unmapped.push(script) });
  assert.equal(coverage, {});
  assert.equal(
    unmapped.map((script) => new URL(script).pathname.replace(/-[\w-]+\.js$/, '-<hash>.js')),
    ['/assets/index-<hash>.js'],
    'the bundle, and neither the page nor its inline scripts',
  );
});

browserSuite('a source map that cannot be fetched is named in a warning, and the script is left out', async () => {
  const entry: BrowserScriptCoverage = {
    url: 'http://127.0.0.1:9/assets/app.js',
    scriptId: '1',
    source: 'console.log(1);\n//# sourceMappingURL=app.js.map\n',
    functions: [{ functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: 40, count: 1 }] }],
  };
  const rawDir = temp('raw');
  const written = await writeBrowserCoverage([entry], { rawDir, fetchText: async () => undefined });
  assert.is(written.path, undefined);
  assert.equal(written.warnings, [
    "warning: the source map of http://127.0.0.1:9/assets/app.js cannot be read (http://127.0.0.1:9/assets/app.js.map could not be fetched): that script's hits are missing",
  ]);
});

// Guards: convert/served-sources.ts (onAmbiguous), collection/v8.ts (the warning, dropped.ambiguous), store/write.ts.
browserSuite("two apps with the same files: the dev server's URLs name neither, and a run says so in a warning and in meta.json dropped", async () => {
  const copies = workspace();
  cpSync(join(copies, 'apps/web'), join(copies, 'apps/admin'), { recursive: true });
  writeFileSync(join(copies, 'package.json'), JSON.stringify({ name: 'copies', private: true, workspaces: ['apps/*', 'libs/*'] }));
  writeFileSync(join(copies, '.coveragerc.json'), JSON.stringify({ run: { source: 'workspace' } }));
  const { createServer: createViteServer } = await vite();
  const server = await createViteServer(viteConfig(copies));
  await server.listen();
  const recorded = temp('recorded');
  const base = server.resolvedUrls!.local[0]!;
  try {
    const written = await writeBrowserCoverage((await runPage(browser, base)).entries, { rawDir: recorded, fetchText: fetchOver });
    assert.ok(written.path, 'the page had scripts with source maps');
  } finally {
    await server.close();
  }
  // The test command hands Chromium's data to the run as the Playwright fixture does: a raw file of its own process.
  const handOver = `require('node:fs').copyFileSync(${JSON.stringify(join(recorded, readdirSync(recorded)[0]!))}, require('node:path').join(process.env.NODE_V8_COVERAGE, 'coverage-' + process.pid + '-browser-1.json'))`;
  const run = spawnSync(process.execPath, [BIN, 'run', '--', process.execPath, '-e', handOver], { cwd: join(copies, 'apps/web'), encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const urls = ['/src/greeting.tsx', '/src/main.tsx'].map((path) => new URL(path, base).href);
  assert.ok(
    run.stderr.includes(
      `monocov: warning: the hits of 2 source(s) a browser ran are missing (counted in meta.json \`dropped\`): the path of each URL ends several workspace files that its source map's text (or lack of it) does not tell apart, so which one ran is unknown: ${JSON.stringify(urls[0])} ("apps/admin/src/greeting.tsx", "apps/web/src/greeting.tsx") and 1 more; make the files differ`,
    ),
    run.stderr,
  );
  const data = join(copies, 'coverage/projects/apps/web');
  assert.equal(JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8')).dropped, { processes: 0, ambiguous: 2, sources: [] });
  // The app's files count at 0 (run.all); the library is served by its absolute /@fs/ path, which names it: its hits are kept.
  const coverage: Record<string, FileCoverageData> = JSON.parse(readFileSync(join(data, 'coverage-final.json'), 'utf8'));
  const ran = Object.keys(coverage).filter((rel) => Object.values(coverage[rel]!.s).some((hits) => hits > 0));
  assert.equal(ran, ['libs/view/src/view.ts']);
});

browserSuite("a built bundle whose sources have copies of the same text elsewhere (an app copied into examples/): the map's place in the workspace names them", async () => {
  cpSync(join(root, 'apps/web'), join(root, 'examples/web'), { recursive: true });
  rmSync(join(root, 'dist'), { recursive: true, force: true }); // one map of each name: the earlier builds' are the same bundle
  const { build } = await vite();
  const outDir = join(root, 'dist/apps/web');
  await build({ ...viteConfig(root), build: { outDir, sourcemap: true, minify: false, emptyOutDir: true } });
  let coverage: CoverageMapData;
  try {
    coverage = await convertBuiltApp(root, outDir);
  } finally {
    rmSync(join(root, 'examples'), { recursive: true, force: true });
  }
  assert.equal(filesIn(root, coverage), [...SOURCES].sort());
  assertLikeIstanbul(root, coverage, reference);
});

/** A library compiled by tsc (sourceMap: true) into dist/, and an app that imports its dist/ file; a twin app imports its src/ for istanbul's reference. */
function libraryFromDist(): string {
  const dir = workspace();
  const lib = join(dir, 'libs/calc');
  mkdirSync(join(lib, 'src'), { recursive: true });
  writeFileSync(
    join(lib, 'src/calc.ts'),
    [
      'export function add(a: number, b: number): number {',
      '  return a + b;',
      '}',
      '',
      'export function unused(a: number): number {',
      '  if (a > 0) {',
      '    return a * 2;',
      '  }',
      '  return -a;',
      '}',
      '',
      'export const label = (n: number): string => (n > 2 ? "big" : "small");',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(lib, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'ES2020', sourceMap: true, outDir: 'dist', rootDir: 'src', skipLibCheck: true }, include: ['src'] }),
  );
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', lib], { encoding: 'utf8' });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
  for (const [app, from] of [
    ['calc', '../../../libs/calc/dist/calc.js'],
    ['calc-reference', '../../../libs/calc/src/calc'],
  ]) {
    mkdirSync(join(dir, 'apps', app!, 'src'), { recursive: true });
    writeFileSync(join(dir, 'apps', app!, 'index.html'), '<!doctype html>\n<html><body><script type="module" src="/src/main.ts"></script></body></html>\n');
    writeFileSync(
      join(dir, 'apps', app!, 'src/main.ts'),
      `import { add, label } from '${from}';\n\nconst title = document.createElement('h1');\ntitle.textContent = label(add(1, 2));\ndocument.body.append(title);\n`,
    );
  }
  return dir;
}

// Guards: convert/inner-maps.ts, convert/script-mapping.ts (chainThrough).
browserSuite("a built bundle whose map names a library's dist/ file: chained through the file's own map to the library's TS, counted as istanbul counts it", async () => {
  const dir = libraryFromDist();
  const { build, createServer: createViteServer } = await vite();
  const referenceServer = await createViteServer({ ...viteConfig(dir), root: join(dir, 'apps/calc-reference'), plugins: [istanbulPlugin(dir)] });
  await referenceServer.listen();
  let theirs: Record<string, FileCoverageData>;
  try {
    theirs = (await runPage(browser, referenceServer.resolvedUrls!.local[0]!)).istanbul!;
  } finally {
    await referenceServer.close();
  }
  const outDir = join(dir, 'dist/apps/calc');
  await build({ ...viteConfig(dir), root: join(dir, 'apps/calc'), build: { outDir, sourcemap: true, minify: false, emptyOutDir: true } });
  const bundleMap = readdirSync(join(outDir, 'assets')).find((name) => name.endsWith('.js.map'))!;
  assert.ok(
    (JSON.parse(readFileSync(join(outDir, 'assets', bundleMap), 'utf8')) as { sources: string[] }).sources.some((source) => source.endsWith('libs/calc/dist/calc.js')),
    "the bundle's map names the built file (Vite does not chain its map)",
  );
  const coverage = await convertBuiltApp(dir, outDir);
  assert.equal(filesIn(dir, coverage), ['apps/calc/src/main.ts', 'libs/calc/src/calc.ts'], 'the library counts on its source, and no dist/ file is in the data');
  const path = join(dir, 'libs/calc/src/calc.ts');
  const mine = coverage[path] as FileCoverageData;
  assert.equal(mapsOf(mine), mapsOf(theirs[path]!), "maps equal istanbul-lib-instrument's");
  assert.equal(JSON.stringify(countMismatches(mine, theirs[path]!)), '[]', "counts equal istanbul's");
  assert.is(mine.f[functionId(mine, 'add')], 1);
  assert.is(mine.f[functionId(mine, 'unused')], 0);
  assert.ok(Object.values(mine.s).some((hits) => hits === 0) && Object.values(mine.s).some((hits) => hits === 1), 'covered and uncovered statements');
});

const served = suite('served source URLs name workspace files only');
served.after(removeTemps);

served("a URL path is matched against the ends of workspace paths, and the map's text must match the file", () => {
  const root = workspace();
  const sources = new ServedSources(root);
  const text = readFileSync(join(root, 'apps/web/src/main.tsx'), 'utf8');
  assert.is(sources.path('http://localhost:5173/src/main.tsx', text), join(root, 'apps/web/src/main.tsx'));
  assert.is(sources.path('http://localhost:5173/src/main.tsx', undefined), join(root, 'apps/web/src/main.tsx'));
  assert.is(sources.path('http://localhost:5173/src/main.tsx', 'other text'), undefined, 'a file with other text is not the source');
  assert.is(sources.path(`http://localhost:5173/@fs${root}/libs/view/src/view.ts`, undefined), join(root, 'libs/view/src/view.ts'));
});

served('hostile URLs: outside the workspace, into node_modules or .git, or not http', () => {
  const root = workspace();
  const sources = new ServedSources(root);
  for (const url of [
    'http://localhost/@fs/etc/passwd',
    'http://localhost/../../etc/passwd',
    'http://localhost/%2e%2e/%2e%2e/etc/hosts',
    `http://localhost/@fs${REPO}/packages/core/src/index.ts`,
    'http://localhost/node_modules/vite/dist/node/index.js',
    'http://localhost/.git/config',
    `file://${root}/apps/web/src/main.tsx`,
    'javascript:alert(1)',
  ]) {
    assert.is(sources.path(url, undefined), undefined, url);
  }
});

served('a path two files end with names neither, unless the text tells them apart; the files it could name are told', () => {
  const root = workspace();
  cpSync(join(root, 'apps/web'), join(root, 'apps/admin'), { recursive: true });
  const told: Array<[string, string[]]> = [];
  const sources = new ServedSources(root, (url, files) => told.push([url, files]));
  assert.is(sources.path('http://localhost/src/greeting.tsx', undefined), undefined);
  assert.equal(told, [['http://localhost/src/greeting.tsx', [join(root, 'apps/admin/src/greeting.tsx'), join(root, 'apps/web/src/greeting.tsx')]]]);
  assert.is(sources.path('http://localhost/apps/admin/src/greeting.tsx', undefined), join(root, 'apps/admin/src/greeting.tsx'));
  // The warning's fix: files that differ are told apart by the map's text.
  const text = readFileSync(join(root, 'apps/web/src/greeting.tsx'), 'utf8');
  writeFileSync(join(root, 'apps/admin/src/greeting.tsx'), `${text}// admin\n`);
  assert.is(new ServedSources(root, (url, files) => told.push([url, files])).path('http://localhost/src/greeting.tsx', text), join(root, 'apps/web/src/greeting.tsx'));
  assert.is(told.length, 1);
});

served("same text, same path end: the map's place in the workspace decides, and only among the files that match", () => {
  const root = workspace();
  cpSync(join(root, 'apps/web'), join(root, 'apps/admin'), { recursive: true });
  mkdirSync(join(root, 'apps/admin/dist/assets'), { recursive: true });
  writeFileSync(join(root, 'apps/admin/dist/assets/index-3f2a.js.map'), '{}');
  const sources = new ServedSources(root);
  const text = readFileSync(join(root, 'apps/web/src/greeting.tsx'), 'utf8');
  const mapUrl = 'http://localhost/assets/index-3f2a.js.map';
  assert.is(sources.path('http://localhost/src/greeting.tsx', text), undefined, 'without the map, neither');
  assert.is(sources.path('http://localhost/src/greeting.tsx', text, { mapUrl, source: '../../src/greeting.tsx' }), join(root, 'apps/admin/src/greeting.tsx'));
  assert.is(sources.path('http://localhost/src/greeting.tsx', 'other text', { mapUrl, source: '../../src/greeting.tsx' }), undefined, 'the text still has to match');
  assert.is(
    sources.path('http://localhost/src/greeting.tsx', text, { mapUrl, source: '../../../../../../etc/greeting.tsx' }),
    undefined,
    'a path out of the workspace names nothing',
  );
  assert.is(
    sources.path('http://localhost/src/greeting.tsx', text, { mapUrl: 'http://localhost/other/index.js.map', source: '../../src/greeting.tsx' }),
    undefined,
    'a map not in the workspace decides nothing',
  );
});

served('hostile inner maps: a map file or a source outside the workspace is not read, a malformed map leaves the file unchained', () => {
  const root = workspace();
  const outside = temp('outside');
  writeFileSync(join(outside, 'secret.ts'), 'export const secret = 1;\n');
  const outsideMap = join(outside, 'secret.js.map');
  writeFileSync(outsideMap, JSON.stringify({ version: 3, sources: ['secret.ts'], sourcesContent: ['export const secret = 1;\n'], mappings: 'AAAA' }));
  const dist = join(root, 'libs/evil/dist');
  mkdirSync(dist, { recursive: true });
  const built = (name: string, reference: string, map?: string) => {
    writeFileSync(join(dist, name), `export const a = 1;\n//# sourceMappingURL=${reference}\n`);
    if (map !== undefined) writeFileSync(join(dist, `${name}.map`), map);
    return join(dist, name);
  };
  const climbing = built(
    'climbing.js',
    'climbing.js.map',
    JSON.stringify({ version: 3, sources: ['../../../../../../../../../../etc/passwd', join(outside, 'secret.ts'), '../src/ok.ts'], mappings: 'AAAA,QCAA,QCAA' }),
  );
  const byFileUrl = built('by-file-url.js', pathToFileURL(outsideMap).href);
  const byClimb = built('by-climb.js', relative(dist, outsideMap));
  const linked = built('linked.js', 'linked.js.map');
  symlinkSync(outsideMap, join(dist, 'linked.js.map'));
  const malformed = built('malformed.js', 'malformed.js.map', '{"version": 3, "sources": [');
  const inner = workspaceInnerMaps(root);
  assert.equal(inner(climbing)?.sources, ['', '', join(root, 'libs/evil/src/ok.ts')], 'sources out of the workspace are dropped');
  for (const path of [byFileUrl, byClimb, linked, malformed]) assert.is(inner(path), undefined, relative(root, path));
  assert.is(inner(join(outside, 'secret.js')), undefined, 'a built file outside the workspace');

  // Through a bundle's map: the climbing file's code counts only on its workspace source, the malformed one stays a source itself.
  const mapping = sourceMapMapping({
    map: { version: 3, sources: [climbing, malformed], mappings: 'AAAA,QAAQ,QAAQ,QCAR' },
    mapUrl: pathToFileURL(join(root, 'apps/web/dist/bundle.js.map')).href,
    lineLengths: [40],
    innerMap: inner,
  });
  assert.equal(mapping.sources, ['', malformed, join(root, 'libs/evil/src/ok.ts')]);
  assert.is(mapping.generatedOffset(2, { start: { line: 1, column: 0 }, end: { line: 1, column: 5 } }), 16);
  assert.is(mapping.generatedOffset(1, { start: { line: 1, column: 8 }, end: { line: 1, column: 12 } }), 24);
});

browserSuite.run();
served.run();
