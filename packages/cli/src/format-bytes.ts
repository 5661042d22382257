/** Byte counts as people read them: `512 B`, `3.4 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? "-" : "";
  const size = Math.abs(bytes);
  if (size < 1024) return `${sign}${size} B`;
  if (size < 1024 * 1024) return `${sign}${(size / 1024).toFixed(1)} KiB`;
  if (size < 1024 * 1024 * 1024) return `${sign}${(size / 1024 / 1024).toFixed(1)} MiB`;
  return `${sign}${(size / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
