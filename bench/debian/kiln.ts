// The debian benchmark's config: the packages of BENCH_DEBIAN_PACKAGES
// (space-separated) from bookworm, locked in kiln.lock beside the
// benchmark's copy of this file.
import { debian } from "@kiln/debian";

const deb = await debian({ suite: "bookworm", essential: false });
const names = (process.env["BENCH_DEBIAN_PACKAGES"] ?? "hello").split(" ").filter((name) => name !== "");

export default Object.fromEntries(names.map((name) => [name, deb.package(name)]));
