import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import { escapeMarkup } from '../../escape';
import type libReport from 'istanbul-lib-report';
import { PACKAGE_DIR } from '../../package-dir';
import type { MergedProject, ProjectCompleteness } from '../../store/format';
import type { Baseline } from '../markdown';
import { buildReportModel, type ProjectRow, type ReportModel, type TreeNode } from './model';

/** What the workspace page needs beyond the coverage: who owns which files, their data state, what to compare with. */
export interface WorkspaceHtmlInput {
  projects: ReadonlyArray<Pick<MergedProject, 'projectRoot' | 'project'>>;
  completeness?: ProjectCompleteness[];
  baseline?: Baseline;
  /** Places of every percentage and change (report.precision). */
  precision: number;
}

/** The page's script and style, shipped in the package beside dist/. */
const ASSETS = join(PACKAGE_DIR, 'assets', 'html');
const ASSET_FILES = ['report.js', 'report.css'];
/** Our files inside html/, apart from istanbul's: a source file's page always ends in `.html`, so names never meet. */
const OWN_FOLDER = 'monocov';

/**
 * Turns istanbul's flat HTML report (already written to `htmlDir`: one page per file, with
 * highlighted code, hit counts and keyboard navigation) into the workspace report: its
 * `index.html` is replaced by the projects page (a sortable, filterable table of projects and
 * a treemap of the workspace, drawn by `monocov/report.js` from data embedded in the page), each
 * project's folders and files go to `monocov/data/<n>.js`, loaded when that project is opened
 * (a script, not a fetch, so the report works from `file://` and a CI artifact, offline), and
 * each file page names its project with a link back.
 */
export function writeWorkspaceHtml(context: libReport.Context, htmlDir: string, coverage: CoverageMapData, input: WorkspaceHtmlInput & { generated: Date }): ReportModel {
  const pages = filePages(context);
  const model = buildReportModel({ coverage, ...input, pages });
  const own = join(htmlDir, OWN_FOLDER);
  mkdirSync(join(own, 'data'), { recursive: true });
  for (const file of ASSET_FILES) copyFileSync(join(ASSETS, file), join(own, file));
  model.projects.forEach((row, index) => {
    if (row.tree !== null) writeFileSync(join(own, 'data', `${index}.js`), projectScript(index, model.trees[row.tree]!));
  });
  writeFileSync(join(htmlDir, 'index.html'), indexPage(model));
  nameProjectsOnFilePages(htmlDir, pages, model);
  return model;
}

/** Workspace-relative path → its page in istanbul's flat report, relative to the html folder. */
function filePages(context: libReport.Context): Map<string, string> {
  const pages = new Map<string, string>();
  (context.getTree('flat') as libReport.Tree<libReport.ReportNode>).visit(
    context.getVisitor<libReport.ReportNode>({
      onDetail(node) {
        pages.set(node.getFileCoverage().path, `${node.getQualifiedName()}.html`);
      },
    }),
    {},
  );
  return pages;
}

/** The data the page's script reads: what the model holds, minus the trees (loaded per project) and the owners. */
function pageData(model: ReportModel): unknown {
  return {
    generated: model.generated,
    baseline: model.baseline,
    total: model.total,
    projects: model.projects.map((row: ProjectRow, index) => ({ ...row, tree: row.tree === null ? null : dataScript(index) })),
  };
}

/**
 * JSON that is safe inside a `<script>` element and a JS file: `<`, `>` and `&` as escapes, so a
 * name holding `</script>` or `<!--` cannot end or bend the element; U+2028/9 escaped for old parsers.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A project's folders and files, named by its row: the page loads it when that project is opened. */
function dataScript(row: number): string {
  return `${OWN_FOLDER}/data/${row}.js`;
}

function projectScript(index: number, tree: TreeNode): string {
  return `monocovProject(${index}, ${scriptSafeJson(tree)});\n`;
}

function indexPage(model: ReportModel): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Coverage report</title>
<link rel="stylesheet" href="${OWN_FOLDER}/report.css">
</head>
<body>
<noscript><p>This report is drawn by its script: allow JavaScript for this page, or read coverage-summary.json beside this folder.</p></noscript>
<div id="app"></div>
<script type="application/json" id="monocov-data">${scriptSafeJson(pageData(model))}</script>
<script src="${OWN_FOLDER}/report.js"></script>
</body>
</html>
`;
}

const PROJECT_STYLE = '<style>.monocov-project { margin: 0.5em 0 0; font-size: 14px; } .monocov-project a { font-weight: bold; }</style>';

/**
 * Each file page gets a line under its heading naming its project, linking to that project's
 * files on the workspace page. Inserted after istanbul's first `</h1>`: its heading holds only
 * the escaped path, so the first closing tag is the heading's.
 */
function nameProjectsOnFilePages(htmlDir: string, pages: Map<string, string>, model: ReportModel): void {
  for (const [path, page] of pages) {
    const owner = model.owners.get(path);
    const file = join(htmlDir, page);
    if (owner === undefined || !existsSync(file)) continue;
    const row = model.projects[owner]!;
    const up = '../'.repeat(page.split('/').length - 1);
    const label = row.root === null ? 'no project (files outside every project root)' : row.name === null || row.name === row.root ? row.root : `${row.root} (${row.name})`;
    const line = `<p class="monocov-project">Project: <a href="${up}index.html#p=${owner}">${escapeMarkup(label)}</a></p>`;
    const html = readFileSync(file, 'utf8');
    const heading = html.indexOf('</h1>');
    if (heading < 0) continue;
    const at = heading + '</h1>'.length;
    writeFileSync(file, `${html.slice(0, at)}\n${line}${html.slice(at)}`.replace('</head>', `${PROJECT_STYLE}\n</head>`));
  }
}
