/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The anchor a heading or an option gets: lower case, words joined by `-`, dots kept (`services.nginx.enable`). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\w.<>\- ]+/g, "")
    .trim()
    .replace(/[<>]/g, "")
    .replace(/\s+/g, "-");
}
