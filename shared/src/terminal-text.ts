// What a terminal shows must be what the data says. Hostnames, evidence and notes come from laptops
// and people, and a hostname with ESC, BEL, CR or a bidi override printed raw would move the
// cursor, rewrite the line, change the title or reorder the text in an analyst's terminal. Every
// such character is written as a visible \uXXXX escape instead: plain text shows it, and inside a
// JSON string the same six characters are a valid escape of the same character, so `--json`
// output keeps its meaning.

/**
 * C0 controls but LF and TAB, DEL, C1, and the invisible format characters that reorder or hide
 * text: the Arabic letter mark, zero-width spaces and joiners, LRM/RLM, the bidi embeddings,
 * overrides and isolates, the word joiner and invisible operators, and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `keep`: characters a program writes on purpose and that stay as they are. */
export function visibleText(text: string, keep = ''): string {
  return text.replace(UNSAFE, (c) => (keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Makes every write to a terminal stream visible text (`visibleText`), in one place for a whole
 * program, so no table, message or report can print a raw control character. `keep` lists
 * characters the program writes on purpose (a progress bar's CR on stderr).
 */
export function guardStream(stream: NodeJS.WriteStream, keep = ''): void {
  const write = stream.write.bind(stream);
  stream.write = (chunk: string | Uint8Array, ...rest: [never]) => write(typeof chunk === 'string' ? visibleText(chunk, keep) : chunk, ...rest);
}
