import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type libReport from 'istanbul-lib-report';
import type { ContextsData } from '../store/format';

/**
 * Shows the tests that ran each line in istanbul's HTML report: each file page's hit-count
 * column (one `cline-any` span per source line, in order) gets a tooltip naming the tests, and
 * a marked count, so hovering "3x" says which tests those were. Pages are found as the HTML
 * reporter names them: the node's qualified name plus `.html`, under `htmlDir`. A page whose
 * column does not have one span per line is left as it is.
 */
export function addContextsToHtml(context: libReport.Context, htmlDir: string, contexts: ContextsData): void {
  (context.getTree('flat') as libReport.Tree<libReport.ReportNode>).visit(
    context.getVisitor<libReport.ReportNode>({
      onDetail(node) {
        const path = node.getFileCoverage().path;
        const byLine = contexts.lines[path];
        const page = join(htmlDir, `${node.getQualifiedName()}.html`);
        if (!byLine || !existsSync(page)) return;
        const html = readFileSync(page, 'utf8');
        const annotated = annotatePage(html, (line) => byLine[String(line)]?.map((index) => contexts.contexts[index]!));
        if (annotated !== html) writeFileSync(page, annotated);
      },
    }),
    {},
  );
}

const COLUMN = /(<td class="line-coverage quiet">)([\s\S]*?)(<\/td>)/;

function annotatePage(html: string, testsOf: (line: number) => string[] | undefined): string {
  const column = COLUMN.exec(html);
  if (!column) return html;
  let line = 0;
  const spans = column[2]!.replace(/<span class="cline-any ([^"]*)">/g, (whole, classes: string) => {
    line++;
    const tests = testsOf(line);
    if (!tests || tests.length === 0) return whole;
    const title = `${tests.length === 1 ? '1 test' : `${tests.length} tests`} ran this line:\n${tests.join('\n')}`;
    return `<span class="cline-any ${classes} monocov-tests" title="${escapeAttribute(title)}">`;
  });
  const style = '<style>.monocov-tests { cursor: help; text-decoration: underline dotted; }</style>';
  return html.replace(column[0], `${column[1]}${spans}${column[3]}`).replace('</head>', `${style}\n</head>`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');
}
