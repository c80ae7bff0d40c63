/**
 * Text the import stores or prints: cut on grapheme boundaries (what a person sees as one character: an emoji
 * with its skin tone, a flag, a letter with its combining accent), and messages kept short whatever a cell holds.
 *
 * Lengths are UTF-16 code units, the unit of `String.length`, zod's `.max()` and the security rules' `size()`.
 * Cutting a string with `slice` can split a surrogate pair; the lone half is stored by Firestore (and written by
 * JSON encoders) as U+FFFD, a character that was never in the file.
 */

/** Longest skip reason, warning or file error message (UTF-16 units, ellipsis included). */
export const MAX_MESSAGE_LENGTH = 300;
/** Longest cell value quoted inside a message. */
export const MAX_QUOTED_VALUE = 40;

const ELLIPSIS = '…';
let segmenter: Intl.Segmenter | undefined;

/**
 * `text` unchanged when it has at most `max` UTF-16 units; otherwise its longest prefix of whole graphemes
 * that, followed by `…`, fits in `max` units.
 * @param max at least 1.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  const room = max - ELLIPSIS.length;
  let end = 0;
  // Segments are produced lazily: a 100 000-character cell costs only the graphemes kept.
  for (const { segment, index } of segmenter.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * A cell value quoted in a message: `'value'`, cut to MAX_QUOTED_VALUE units on a grapheme boundary, control
 * characters (a NUL of misread UTF-16, a tab) written as escapes such as `\u0000` so that a message never holds one.
 */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const visible = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${truncateText(visible, MAX_QUOTED_VALUE)}'`;
}

/** A message cut to MAX_MESSAGE_LENGTH units on a grapheme boundary. */
export function capMessage(message: string): string {
  return truncateText(message, MAX_MESSAGE_LENGTH);
}
