/** Text and attribute values for HTML and inline SVG: `& < > " '` replaced by character references. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
