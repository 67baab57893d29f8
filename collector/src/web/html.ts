// The few pages the server writes itself (a refusal, the console not built): escaped text in a
// fixed frame that uses the console's stylesheet and runs no script.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

export function messagePage(opts: { title: string; lines: string[]; link?: { href: string; text: string }; stylesheet?: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(opts.title)} · farmwatch</title>`,
    ...(opts.stylesheet ? [`<link rel="stylesheet" href="${escapeHtml(opts.stylesheet)}">`] : []),
    '</head><body class="message-page"><main class="message">',
    `<h1>${escapeHtml(opts.title)}</h1>`,
    ...opts.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(opts.link ? [`<p><a href="${escapeHtml(opts.link.href)}">${escapeHtml(opts.link.text)}</a></p>`] : []),
    '</main></body></html>',
  ].join('\n');
}
