/**
 * `mirror://NAME/PATH` URLs, as nixpkgs' `fetchurl` understands them: NAME
 * is a list of sites carrying the same files, tried in turn.
 *
 * The lists are the well-known public sites for each project. `KILN_MIRRORS`
 * replaces a list, e.g. `KILN_MIRRORS="gnu=https://mirror.example/gnu/"`
 * (several URLs separated by commas, several names by spaces), which is how
 * a site without internet access points Kiln at an internal mirror.
 */
import { FetcherArgumentError } from "@kiln/formats";

/** The mirror lists Kiln knows. Each entry ends in `/`. */
export const MIRRORS: Readonly<Record<string, readonly string[]>> = {
  gnu: ["https://ftpmirror.gnu.org/", "https://ftp.nluug.nl/pub/gnu/", "https://mirrors.kernel.org/gnu/", "https://ftp.gnu.org/pub/gnu/"],
  savannah: ["https://download.savannah.gnu.org/releases/", "https://mirror.easyname.at/nongnu/", "https://mirrors.up.pt/pub/nongnu/"],
  sourceforge: ["https://downloads.sourceforge.net/", "https://netcologne.dl.sourceforge.net/sourceforge/", "https://versaweb.dl.sourceforge.net/sourceforge/"],
  kernel: ["https://cdn.kernel.org/pub/", "https://mirrors.kernel.org/pub/"],
  apache: ["https://dlcdn.apache.org/", "https://archive.apache.org/dist/"],
  cpan: ["https://cpan.metacpan.org/", "https://www.cpan.org/"],
  debian: ["https://httpredir.debian.org/debian/", "https://ftp.debian.org/debian/", "https://archive.debian.org/debian/"],
  gnome: ["https://download.gnome.org/", "https://fr2.rpmfind.net/linux/gnome.org/"],
  pypi: ["https://files.pythonhosted.org/packages/source/"],
  xorg: ["https://xorg.freedesktop.org/releases/", "https://ftp.x.org/archive/"],
  gcc: ["https://bigsearcher.com/mirrors/gcc/", "https://mirror.koddos.net/gcc/", "https://ftp.gnu.org/gnu/gcc/"],
  hackage: ["https://hackage.haskell.org/package/"],
};

/** Parses `KILN_MIRRORS`: `name=url[,url…]` entries separated by whitespace. */
export function parseMirrorOverrides(text: string): Record<string, string[]> {
  const overrides: Record<string, string[]> = {};
  for (const entry of text.split(/\s+/).filter((part) => part !== "")) {
    const equals = entry.indexOf("=");
    if (equals <= 0) throw new FetcherArgumentError(`KILN_MIRRORS: expected 'name=url[,url…]', got '${entry}'`);
    const urls = entry.slice(equals + 1).split(",").filter((url) => url !== "");
    overrides[entry.slice(0, equals)] = urls.map((url) => (url.endsWith("/") ? url : `${url}/`));
  }
  return overrides;
}

/**
 * The URLs to try for `url`: itself, or for `mirror://NAME/PATH` each site of
 * the list NAME followed by PATH.
 */
export function resolveMirrorUrl(url: string, mirrors: Readonly<Record<string, readonly string[]>> = MIRRORS): string[] {
  const match = /^mirror:\/\/([^/]+)\/(.*)$/.exec(url);
  if (match === null) return [url];
  const [, name, rest] = match as unknown as [string, string, string];
  const sites = mirrors[name];
  if (sites === undefined) {
    throw new FetcherArgumentError(`unknown mirror '${name}' in '${url}'; known mirrors: ${Object.keys(mirrors).sort().join(", ")} (KILN_MIRRORS adds others)`);
  }
  return sites.map((site) => site + rest);
}
