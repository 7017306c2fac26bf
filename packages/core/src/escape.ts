/**
 * Escaping for every format monocov writes (docs/security.md, "Every writer escapes"). File
 * names, project names and function names come from data files and source trees that may be
 * hostile: a name must stay a name in HTML, XML, lcov, Markdown and on a terminal.
 */

/**
 * C0 and C1 control characters (line breaks, ESC, NUL…), DEL and lone UTF-16 surrogates: none
 * can stand in an lcov line, an XML 1.0 document or a terminal line as what they are.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The first character of `text` that no report format can hold, written as `U+000A`, or undefined. */
export function unrepresentableCharacter(text: string): string | undefined {
  CONTROL.lastIndex = 0;
  const found = CONTROL.exec(text);
  return found === null ? undefined : `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Control characters shown as JSON-style escapes (`\n`, `\u001b`): text printed on a terminal or shown in a summary. */
export function visibleControls(text: string): string {
  return text.replace(CONTROL, (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text for a terminal: every control character but the line feed and tab escaped, so a file or
 * project name cannot move the cursor, recolour the screen or rewrite an earlier line.
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (char) => (char === '\n' || char === '\t' ? char : visibleControls(char)));
}

/** Text or an attribute value in HTML and XML (both quotes escaped, so either quoting is safe). */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => MARKUP_ENTITIES[char]!);
}

const MARKUP_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
