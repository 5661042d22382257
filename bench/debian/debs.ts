// The debian benchmark's unpacking config: the unpacked .deb of each package
// of BENCH_DEBIAN_DEBS (space-separated), without closures or environments,
// as `apt-get download` plus `dpkg-deb -x` gives them.
import { debian, debianMirrors, unpackedDerivation } from "@kiln/debian";

const deb = await debian({ suite: "bookworm", essential: false });
const names = (process.env["BENCH_DEBIAN_DEBS"] ?? "hello").split(" ").filter((name) => name !== "");
const mirrors = debianMirrors("bookworm");

export default Object.fromEntries(
  names.map((name) => {
    const entry = deb.index.get(name);
    if (entry === undefined) throw new Error(`${name} is not in bookworm`);
    return [name, unpackedDerivation(entry, mirrors)];
  }),
);
