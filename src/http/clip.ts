/**
 * Text a server sent, made safe to put in an error line: one line (line breaks and other control
 * characters become spaces, runs of white space collapse), at most `max` characters with an ellipsis
 * and the full length when cut. A hostile or broken server can send a 50 MB message or terminal
 * escape sequences; neither reaches the user's terminal whole.
 */
export const SERVER_TEXT_MAX = 300;

/* eslint-disable no-control-regex -- removing control characters is the point */
export function clipServerText(text: string, max = SERVER_TEXT_MAX): string {
  // Only the head matters: cleaning 50 MB to keep 300 characters would waste the time.
  const head = text.length > max * 4 + 64 ? text.slice(0, max * 4 + 64) : text;
  const clean = head
    // Terminal escape sequences whole (CSI such as ESC[31m, and OSC such as ESC]...BEL), then any control left.
    .replace(
      /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g,
      ' ',
    )
    // C0 and C1 controls (ESC, BEL, CR, LF, TAB, ...), DEL, and the bidi overrides that reorder a line.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean.length <= max && head.length === text.length) return clean;
  let cut = clean.slice(0, max);
  // Never end on half of a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}… (${text.length} characters)`;
}
/* eslint-enable no-control-regex */
