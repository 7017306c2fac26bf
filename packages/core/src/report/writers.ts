import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';
import type { ReporterName } from '../config/types';
import { ConfigError, DataError } from '../errors';
import { escapeMarkup, unrepresentableCharacter, visibleControls } from '../escape';
import { isProcessRunning, replaceFolder, STAGING_FOLDER } from '../fs-atomic';
import { readWorkspaceSource } from '../workspace-source';
import type { ContextsData } from '../store/format';
import { CONTEXTS_FILE, COVERAGE_FILE, META_FILE } from '../store/format';
import { TOOL_NAME } from '../version';
import { stableEntryJson, stableKeys } from '../stable-json';
import { addContextsToHtml } from './html-contexts';
import { fileTotalsIn } from './metrics';
import { writeWorkspaceHtml, type WorkspaceHtmlInput } from './workspace-html/write';

/** The file each file reporter writes, relative to the output folder. */
export const REPORT_FILES: Partial<Record<ReporterName, string>> = {
  json: COVERAGE_FILE,
  lcov: 'lcov.info',
  'json-summary': 'coverage-summary.json',
  cobertura: 'cobertura-coverage.xml',
  html: 'html/index.html',
};

export interface WriteReportsOptions {
  /** Absolute workspace root: sources for the HTML report are read from here. */
  workspaceRoot: string;
  /** Merged coverage keyed by workspace-relative POSIX paths. */
  coverage: CoverageMapData;
  /** Reporters to run; `text` and `text-summary` print and are ignored here. */
  reporters: readonly ReporterName[];
  /** Absolute output folder (`<dataDir>/workspace`). */
  outputDir: string;
  /** Shown in the HTML footer and cobertura's `timestamp`; a fixed value keeps reruns byte-identical. */
  timestamp: Date;
  /** Extra files written the same way (name → contents), e.g. the merged data's meta.json. */
  extraFiles?: Record<string, string>;
  /**
   * Write the merged data (coverage-final.json) too; default true. `monocov report` of stored
   * merged data passes false: the reports are redrawn from it, and the data itself is never
   * rewritten (stale files left out of the numbers would be lost from it).
   */
  data?: boolean;
  /** Leave files without statements out of the HTML report. */
  skipEmpty?: boolean;
  /** Which tests ran each line: the HTML report names them on each line's hit count. */
  contexts?: ContextsData;
  /** The projects, their data state and the baseline the HTML report's projects page shows. */
  workspaceHtml: WorkspaceHtmlInput;
}

/**
 * Writes the merged data (always: it is what `monocov report` and `check` read) and each file
 * report, returning the absolute paths of the files a user opens.
 *
 * Paths in every report are workspace-relative: the coverage is keyed by relative paths and the
 * writers get `projectRoot: '.'`, so lcov's `SF:` and cobertura's `filename` are
 * `path.relative('.', 'packages/a/src/x.ts')` = `packages/a/src/x.ts` whatever the process's
 * cwd, and cobertura's `<source>` is `.`. The HTML report reads sources through a finder that
 * resolves them against the workspace root.
 *
 * Atomicity: the output folder is replaced as one unit (fs-atomic.ts replaceFolder): every report
 * is written into a staging folder beside it (`<parent>/.monocov-staging/`, same file system),
 * which is then swapped in by renames, so a reader, a CI upload or a kill (SIGKILL, a full disk)
 * meets the old reports whole or the new ones whole, never a mix; files the merge did not write
 * this time go with the old folder, except entries that are not monocov's, which are carried
 * over. Files whose bytes did not change keep their times. Two concurrent merges of the same
 * data write the same bytes, so whichever lands last, the result is complete and identical.
 * The folder must be monocov's (checkOutputFolder). Hidden `.staging-<pid>-*` folders of older
 * versions, left by a killed merge, are removed.
 */
export function writeReports(options: WriteReportsOptions): string[] {
  const { workspaceRoot, outputDir } = options;
  checkOutputFolder(workspaceRoot, outputDir);
  if (existsSync(outputDir)) removeAbandoned(outputDir);
  const written: string[] = [];
  try {
    replaceFolder(
      outputDir,
      join(dirname(outputDir), STAGING_FOLDER),
      (staging) => {
        writeAll(options, staging, written);
        keepTimesOfUnchanged(staging, outputDir);
      },
      options.data === false ? [COVERAGE_FILE, META_FILE, CONTEXTS_FILE] : [],
    );
  } catch (error) {
    // A write to an open file (ENOSPC) names no path: the message names the output folder.
    const system = error as NodeJS.ErrnoException;
    if (typeof system?.code === 'string' && system.path === undefined) system.path = outputDir;
    throw error;
  }
  return written.map((file) => join(outputDir, file));
}

/** Every report of `options` written into `staging`; the names a user opens are pushed to `written`. */
function writeAll(options: WriteReportsOptions, staging: string, written: string[]): void {
  const { workspaceRoot, coverage } = options;
  for (const [name, contents] of Object.entries(options.extraFiles ?? {})) writeFileSync(join(staging, name), contents);

  // No copy: FileCoverage wraps each file's data as it is, and istanbul's reporters only read it.
  const forWriters = representableCoverage(coverage);
  const map = lazyCoverageMap(forWriters, coverage);
  const sourceFinder = createSourceFinder(workspaceRoot, forWriters);
  // One context per summarizer, so the summary tree is built once for all reporters that use it.
  const contexts = new Map<'pkg' | 'flat', libReport.Context>();
  const context = (summarizer: 'pkg' | 'flat'): libReport.Context => {
    let found = contexts.get(summarizer);
    if (!found) {
      found = libReport.createContext({ dir: staging, coverageMap: map, sourceFinder, defaultSummarizer: summarizer });
      bufferWrites(found);
      contexts.set(summarizer, found);
    }
    return found;
  };
  const walk: Walk = { pkg: [], flat: [] };
  const unique = [...new Set(options.reporters)];
  let html = false;
  for (const reporter of unique) {
    switch (reporter) {
      case 'lcov':
        // `lcovonly`: istanbul's `lcov` would also write a second HTML report (lcov-report/).
        walk.pkg.push(asReport(reports.create('lcovonly', { file: 'lcov.info', projectRoot: '.' })));
        break;
      case 'json-summary':
        walk.pkg.push(asReport(reports.create('json-summary', { file: 'coverage-summary.json' })));
        break;
      case 'cobertura': {
        const options_ = { file: 'cobertura-coverage.xml', projectRoot: '.', timestamp: String(options.timestamp.getTime()) };
        const report = reports.create('cobertura', options_);
        escapeCoberturaFilenames(report);
        walk.pkg.push(asReport(report));
        break;
      }
      case 'html': {
        const report = reports.create('html', { subdir: 'html', skipEmpty: options.skipEmpty ?? false });
        escapeHtmlHeadings(report);
        // The footer's "generated at": the data's time rather than the wall clock, so the same data gives the same bytes.
        (report as unknown as { date: string }).date = options.timestamp.toISOString();
        // A flat index lists every file of every package on one sortable page.
        walk.flat.push(asReport(report));
        html = true;
        break;
      }
      default:
        break; // json is coverage-final.json, written in the walk; text and text-summary print
    }
  }
  const data = options.data === false ? undefined : new OrderedDataWriter(join(staging, COVERAGE_FILE), coverage);
  try {
    visitOnce(walk, context, Object.keys(coverage), (key) => data?.add(key, coverage[key]));
    data?.finish();
  } finally {
    data?.close();
  }
  if (data) written.push(COVERAGE_FILE);
  if (html) {
    if (options.contexts) addContextsToHtml(context('flat'), join(staging, 'html'), options.contexts);
    writeWorkspaceHtml(context('flat'), join(staging, 'html'), coverage, { ...options.workspaceHtml, generated: options.timestamp });
  }
  for (const reporter of unique) {
    const file = REPORT_FILES[reporter];
    if (file !== undefined && reporter !== 'json') written.push(file);
  }
}

/** An istanbul report as a tree visitor: each method optional, as istanbul's Visitor calls them. */
type Report = Partial<Record<'onStart' | 'onSummary' | 'onSummaryEnd' | 'onDetail' | 'onEnd', (node: libReport.ReportNode, context: libReport.Context) => void>>;

function asReport(report: object): Report {
  return report as Report;
}

/** The reports to write, by the summary tree they walk (lcov, json-summary, cobertura: `pkg`; html: `flat`). */
interface Walk {
  pkg: Report[];
  flat: Report[];
}

/**
 * Every report in one walk over the files, each file's data read once for all of them (a large
 * merge reads its spilled files back from disk: combine/merged-coverage.ts). The `pkg` reports
 * are visited as istanbul's `execute` would (tree.visit: a package, its files, the next package);
 * at each file the `flat` reports (html) are given the same file from their own tree, and `onFile`
 * its key. The html report writes one page per file and its index from the summaries, so the
 * order of the files does not change its pages; coverage-final.json orders its entries itself
 * (OrderedDataWriter). The summaries come from the files' kept totals (lazyCoverageMap), so
 * building the trees reads no file.
 */
function visitOnce(walk: Walk, context: (summarizer: 'pkg' | 'flat') => libReport.Context, keys: string[], onFile: (key: string) => void): void {
  const call = (reports: Report[], method: keyof Report, node: libReport.ReportNode, at: libReport.Context): void => {
    for (const report of reports) report[method]?.(node, at);
  };
  const flat = walk.flat.length > 0 ? context('flat') : undefined;
  const flatRoot = flat && (flat.getTree('flat') as libReport.Tree<libReport.ReportNode>).getRoot();
  // The flat tree is its root and every file beneath it.
  const flatFiles = (flatRoot?.getChildren() ?? []) as libReport.ReportNode[];
  const flatNodes = new Map(flatFiles.map((node) => [node.getFileCoverage(), node]));
  const detail = (file: libCoverage.FileCoverage): void => {
    if (flat) call(walk.flat, 'onDetail', flatNodes.get(file)!, flat);
    onFile(file.path);
  };
  if (flat) {
    call(walk.flat, 'onStart', flatRoot!, flat);
    call(walk.flat, 'onSummary', flatRoot!, flat);
  }
  if (walk.pkg.length > 0) {
    const pkg = context('pkg');
    const root = (pkg.getTree('pkg') as libReport.Tree<libReport.ReportNode>).getRoot();
    call(walk.pkg, 'onStart', root, pkg);
    root.visit(
      {
        onSummary: (node: libReport.ReportNode) => call(walk.pkg, 'onSummary', node, pkg),
        onDetail: (node: libReport.ReportNode) => {
          call(walk.pkg, 'onDetail', node, pkg);
          detail(node.getFileCoverage());
        },
        onSummaryEnd: (node: libReport.ReportNode) => call(walk.pkg, 'onSummaryEnd', node, pkg),
      } as unknown as libReport.Visitor<libReport.ReportNode>,
      pkg,
    );
    call(walk.pkg, 'onEnd', root, pkg);
  } else if (flat) {
    for (const node of flatFiles) detail(node.getFileCoverage());
  } else {
    for (const key of keys) onFile(key);
  }
  if (flat) {
    call(walk.flat, 'onSummaryEnd', flatRoot!, flat);
    call(walk.flat, 'onEnd', flatRoot!, flat);
  }
}

/**
 * coverage-final.json, written as stableStringify(coverage) would write it, from entries given in
 * any order: each entry is written as soon as every entry before it in key order is, and one that
 * comes before its turn waits, as text. The report walk gives files in istanbul's package order,
 * which differs from key order only where a folder's name starts another's (`src` and `src/lib`,
 * `app` and `app-e2e`): what waits is the files of such a folder, not the data.
 */
class OrderedDataWriter {
  private readonly fd: number;
  private readonly keys: string[];
  private next = 0;
  private readonly waiting = new Map<string, string | undefined>();
  private pending: string[] = [];
  private pendingSize = 0;
  private separator = '{';

  constructor(path: string, coverage: CoverageMapData) {
    this.keys = stableKeys(coverage);
    this.fd = openSync(path, 'w');
  }

  /** The file `key`, whose data is `file`. */
  add(key: string, file: FileCoverageData | undefined): void {
    const text = stableEntryJson(key, file);
    if (key !== this.keys[this.next]) {
      this.waiting.set(key, text);
      return;
    }
    this.write(text);
    for (let turn = this.keys[this.next]; turn !== undefined && this.waiting.has(turn); turn = this.keys[this.next]) {
      const waited = this.waiting.get(turn);
      this.waiting.delete(turn);
      this.write(waited);
    }
  }

  /** Ends the file; every key must have been given. */
  finish(): void {
    if (this.next !== this.keys.length) throw new Error(`coverage-final.json: ${this.keys.length - this.next} entries were not given, the first "${this.keys[this.next]}"`);
    this.pending.push(this.separator === '{' ? '{}\n' : '}\n');
    this.flush();
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(text: string | undefined): void {
    this.next++;
    if (text === undefined) return; // JSON leaves out undefined, as stableStringify does
    this.pending.push(this.separator, text);
    this.separator = ',';
    this.pendingSize += text.length;
    if (this.pendingSize >= WRITE_CHUNK) this.flush();
  }

  private flush(): void {
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingSize = 0;
  }
}

/**
 * Refuses an output folder that is the workspace root (or holds it), and an existing folder
 * holding files that monocov did not write: the output folder is replaced as a whole, so it
 * must be monocov's. Its mark is the meta.json a merge writes there.
 */
export function checkOutputFolder(workspaceRoot: string, outputDir: string): void {
  const up = relative(resolve(outputDir), resolve(workspaceRoot));
  if (up === '' || (!up.startsWith('..') && !isAbsolute(up))) {
    throw new ConfigError(
      `output folder ${outputDir} is the workspace root or holds it; reports are written to a folder of their own, replaced as a whole — choose one such as coverage/workspace`,
    );
  }
  let names: string[];
  try {
    names = readdirSync(outputDir);
  } catch {
    return; // none yet (monocov creates it), or not a folder (the write names that)
  }
  if (names.every((name) => name.startsWith('.')) || isMonocovOutput(join(outputDir, META_FILE))) return;
  throw new ConfigError(`output folder ${outputDir} holds files monocov did not write (it has no meta.json of a monocov merge); choose a new or empty folder`);
}

function isMonocovOutput(metaPath: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { kind?: unknown; tool?: { name?: unknown } };
    return meta.kind === 'workspace' && meta.tool?.name === TOOL_NAME;
  } catch {
    return false;
  }
}

/** Files whose bytes did not change keep their old times, so tools watching the folder see no churn. */
function keepTimesOfUnchanged(staging: string, outputDir: string): void {
  for (const name of readdirSync(staging)) {
    const times = statsIfSame(join(staging, name), join(outputDir, name));
    if (times) utimesSync(join(staging, name), times.atime, times.mtime);
  }
}

/** Bytes collected before one write: istanbul's writers emit a report a line at a time. */
const WRITE_CHUNK = 1 << 16;

/**
 * Gives the context a file writer that buffers: istanbul's own writes every `println` with a
 * separate write(2), which made the file system calls the largest cost of an lcov or cobertura
 * report of a big workspace.
 */
function bufferWrites(context: libReport.Context): void {
  // The runtime method is `writerForDir` (the typings call it writeForDir); the HTML report uses it.
  interface Writer {
    baseDir: string;
    writerForDir(subdir: string): Writer;
    writeFile(file: string | null): libReport.ContentWriter;
  }
  const FileWriter = context.writer.constructor as new (baseDir: string) => Writer;
  class BufferedFileWriter extends FileWriter {
    override writerForDir(subdir: string): Writer {
      return new BufferedFileWriter(super.writerForDir(subdir).baseDir);
    }

    override writeFile(file: string | null): libReport.ContentWriter {
      if (file === null || file === '-') return super.writeFile(file);
      const plain = super.writeFile(file) as libReport.ContentWriter & { fd: number };
      let pending: string[] = [];
      let size = 0;
      const flush = (): void => {
        if (size === 0) return;
        writeSync(plain.fd, pending.join(''));
        pending = [];
        size = 0;
      };
      return Object.assign(plain, {
        write(text: string): void {
          pending.push(text);
          size += text.length;
          if (size >= WRITE_CHUNK) flush();
        },
        println(text: string): void {
          this.write(`${text}\n`);
        },
        close(): void {
          flush();
          closeSync(plain.fd);
        },
      });
    }
  }
  Object.defineProperty(context, 'writer', { value: new BufferedFileWriter(context.dir), enumerable: true });
}

/**
 * Sources for the HTML report, found by the data key alone (the finder is given each file's
 * `path`, which representableCoverage made equal to its key): only regular files inside the
 * workspace are read (workspace-source.ts). A file gone since the data was made, or one that may
 * not be read, shows a one-line note instead; lines the data names beyond it are left out by
 * istanbul's annotator, so nothing is allocated by a line number read from data.
 */
function createSourceFinder(workspaceRoot: string, coverage: CoverageMapData): (path: string) => string {
  return (path) => {
    const read = Object.hasOwn(coverage, path) ? readWorkspaceSource(workspaceRoot, path) : { ok: false as const, reason: 'is not in the data' };
    if (read.ok) return read.text;
    return read.reason === 'not found' ? `// monocov: source not found in the workspace: ${path}` : `// monocov: source not shown: ${path} ${read.reason}`;
  };
}

/**
 * The coverage as the report writers get it: a file name that no format can hold (a line break
 * would start a new lcov record, XML 1.0 has no way to write most control characters) is a
 * DataError; function names, shown only, get their control characters written visibly; and each
 * file's `path` is its key, the one name every writer and the source finder use. Files are
 * changed as each is read, so a merge's coverage read back from disk is never held whole.
 */
function representableCoverage(coverage: CoverageMapData): CoverageMapData {
  const shown: CoverageMapData = {};
  // One file remembered, for all keys: a report reads one file many times in a row, and keeping one per key would hold them all.
  let last: { file: FileCoverageData; shown: FileCoverageData } | undefined;
  for (const key of Object.keys(coverage)) {
    const bad = unrepresentableCharacter(key);
    if (bad !== undefined) {
      throw new DataError(
        `entry "${visibleControls(key)}": its file name holds the control character ${bad}, which lcov, cobertura and HTML reports cannot represent; rename the file or leave it out with run.omit`,
      );
    }
    const get = (): FileCoverageData => {
      const file = coverage[key]!;
      if (last?.file !== file) last = { file, shown: representable(key, file) };
      return last.shown;
    };
    Object.defineProperty(shown, key, { get, enumerable: true, configurable: true });
  }
  return shown;
}

function representable(key: string, file: FileCoverageData): FileCoverageData {
  // A function without `decl` (optional in the data) gets its `loc`: lcov and cobertura read decl.start.
  const names = Object.values(file.fnMap).some((fn) => unrepresentableCharacter(fn.name) !== undefined || fn.decl === undefined);
  if (file.path === key && !names) return file;
  const fnMap = names ? Object.fromEntries(Object.entries(file.fnMap).map(([id, fn]) => [id, { ...fn, name: visibleControls(fn.name), decl: fn.decl ?? fn.loc }])) : file.fnMap;
  return { ...file, path: key, fnMap };
}

/**
 * istanbul's coverage map over `coverage`, each file read from it when a report reads the file
 * (istanbul's own map would read every file up front, holding a large merge whole). A file's
 * `path` is its key and its summary is made from the totals `totalsFrom` keeps
 * (metrics.ts fileTotalsIn), so building a report's summary tree reads no file.
 */
function lazyCoverageMap(coverage: CoverageMapData, totalsFrom: CoverageMapData): libCoverage.CoverageMap {
  const map = libCoverage.createCoverageMap({});
  const data = (map as unknown as { data: Record<string, libCoverage.FileCoverage> }).data;
  const { prototype } = libCoverage.classes.FileCoverage as unknown as { prototype: object };
  for (const key of Object.keys(coverage)) {
    data[key] = Object.create(prototype, {
      data: { get: () => coverage[key], enumerable: true },
      path: { value: key },
      // A copy for each tree: istanbul's HTML report sets the `pct` of an empty file's summary to 0.
      toSummary: { value: () => libCoverage.createCoverageSummary(structuredClone(fileTotalsIn(totalsFrom, key)!) as libCoverage.CoverageSummaryData) },
    }) as libCoverage.FileCoverage;
  }
  return map;
}

/** istanbul's HTML report writes the file name in each page's heading unescaped; this writes it escaped. */
function escapeHtmlHeadings(report: object): void {
  interface Node {
    getParent(): Node | null;
    getRelativeName(): string;
  }
  const html = report as { linkMapper: { relativePath(from: Node, to: Node): string }; getBreadcrumbHtml(node: Node): string };
  html.getBreadcrumbHtml = (node) => {
    const ancestors: Node[] = [];
    for (let parent = node.getParent(); parent; parent = parent.getParent()) ancestors.unshift(parent);
    if (ancestors.length === 0) return 'All files';
    const links = ancestors.map(
      (ancestor) => `<a href="${escapeMarkup(html.linkMapper.relativePath(node, ancestor))}">${escapeMarkup(ancestor.getRelativeName() || 'All files')}</a>`,
    );
    return `${links.join(' / ')} ${escapeMarkup(node.getRelativeName())}`;
  };
}

/** istanbul's cobertura report writes `filename` unescaped (its other attributes are escaped): `&`, `<`, `"` in a path made invalid XML. */
function escapeCoberturaFilenames(report: object): void {
  interface XmlWriter {
    openTag(name: string, attrs?: Record<string, unknown>): void;
  }
  const cobertura = report as { xml: XmlWriter; onDetail(node: unknown): void };
  const onDetail = cobertura.onDetail;
  cobertura.onDetail = function (this: typeof cobertura, node: unknown): void {
    const xml = this.xml;
    const openTag = xml.openTag;
    xml.openTag = (name, attrs) => openTag.call(xml, name, name === 'class' && attrs ? { ...attrs, filename: escapeMarkup(String(attrs.filename)) } : attrs);
    try {
      onDetail.call(this, node);
    } finally {
      xml.openTag = openTag;
    }
  };
}

/**
 * Staging and set-aside folders left by a merge that was killed (Ctrl-C, SIGKILL) before its
 * cleanup ran: their names carry the writer's pid, and a pid that is no longer running cannot
 * be writing. Folders of live processes (a concurrent merge) are left alone.
 */
function removeAbandoned(outputDir: string): void {
  for (const name of readdirSync(outputDir)) {
    const pid = /^\.(?:staging|.+\.old)-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isProcessRunning(Number(pid))) continue;
    rmSync(join(outputDir, name), { recursive: true, force: true });
  }
}

/**
 * The times of `to` when it is a file with the same bytes as `from`, else undefined: sizes first,
 * then a block at a time, so comparing a large merged file never holds two copies of it in memory.
 * Read through one open handle, as a concurrent merge may move the old folder aside at any moment.
 */
function statsIfSame(from: string, to: string): Stats | undefined {
  let b: number;
  try {
    b = openSync(to, 'r');
  } catch {
    // Not there: a first write, or another merge has just set the old folder aside.
    return undefined;
  }
  try {
    const target = fstatSync(b);
    const source = statSync(from);
    if (!source.isFile() || !target.isFile() || target.size !== source.size) return undefined;
    const a = openSync(from, 'r');
    try {
      const blockA = Buffer.allocUnsafe(WRITE_CHUNK);
      const blockB = Buffer.allocUnsafe(WRITE_CHUNK);
      for (let position = 0; position < target.size; position += WRITE_CHUNK) {
        const length = readSync(a, blockA, 0, WRITE_CHUNK, position);
        if (readSync(b, blockB, 0, WRITE_CHUNK, position) !== length || !blockA.subarray(0, length).equals(blockB.subarray(0, length))) return undefined;
        if (length === 0) break;
      }
      return target;
    } finally {
      closeSync(a);
    }
  } finally {
    closeSync(b);
  }
}
