/**
 * Debian version numbers and their order, as Debian policy §5.6.12 defines
 * it (and dpkg implements it): `[epoch:]upstream_version[-debian_revision]`,
 * compared epoch first (as a number), then the upstream version, then the
 * revision, each by alternating runs of non-digits (compared character by
 * character, `~` before everything, even the end, and letters before other
 * characters) and digits (compared as numbers).
 */

/** A version split into its three parts. */
export interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

/** Splits `version` into epoch, upstream version and revision (absent parts are 0 and `""`). */
export function parseDebianVersion(version: string): DebianVersion {
  const text = version.trim();
  const colon = text.indexOf(":");
  const epoch = colon > 0 && /^[0-9]+$/.test(text.slice(0, colon)) ? Number(text.slice(0, colon)) : 0;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const hyphen = rest.lastIndexOf("-");
  return hyphen >= 0 ? { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) } : { epoch, upstream: rest, revision: "" };
}

/** The weight of one character in a non-digit run; the end of the run is 0. */
function order(code: number | undefined): number {
  if (code === undefined) return 0;
  if (code === 0x7e) return -1; // '~'
  const isLetter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return isLetter ? code : code + 256;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= 0x30 && code <= 0x39;
}

/** Compares two upstream versions or two revisions by policy's algorithm. */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // The non-digit run.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const left = i < a.length && !isDigit(a.charCodeAt(i)) ? order(a.charCodeAt(i)) : 0;
      const right = j < b.length && !isDigit(b.charCodeAt(j)) ? order(b.charCodeAt(j)) : 0;
      if (left !== right) return left - right;
      i++;
      j++;
    }
    // The digit run, as a number: skip leading zeros, then the longer run is larger, else the first differing digit decides.
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let startA = i;
    let startB = j;
    while (isDigit(a.charCodeAt(i))) i++;
    while (isDigit(b.charCodeAt(j))) j++;
    const lengthA = i - startA;
    const lengthB = j - startB;
    if (lengthA !== lengthB) return lengthA - lengthB;
    for (; startA < i; startA++, startB++) {
      const difference = a.charCodeAt(startA) - b.charCodeAt(startB);
      if (difference !== 0) return difference;
    }
  }
  return 0;
}

/** Compares two Debian versions: negative if `a` is older, 0 if equal, positive if newer. */
export function compareDebianVersions(a: string, b: string): number {
  const left = parseDebianVersion(a);
  const right = parseDebianVersion(b);
  if (left.epoch !== right.epoch) return left.epoch - right.epoch;
  return compareFragment(left.upstream, right.upstream) || compareFragment(left.revision, right.revision);
}
