/**
 * Licenses for `meta.license`, named as in nixpkgs' `lib.licenses`
 * (`licenses.mit`, `licenses.gpl3Plus`, …), each with its SPDX identifier.
 *
 * `free: false` marks a license that `makePkgs` refuses unless
 * `config.allowUnfree` (or `allowUnfreePredicate`) says otherwise, as
 * nixpkgs does.
 */

/** A license, as in nixpkgs. */
export interface License {
  /** The SPDX identifier, e.g. `GPL-3.0-or-later` (absent for `unfree`). */
  readonly spdxId?: string;
  /** The name nixpkgs uses for it, e.g. `gpl3Plus`. */
  readonly shortName: string;
  /** The license's full name. */
  readonly fullName: string;
  /** Where its text is. */
  readonly url?: string;
  /** Whether it is a free software license. */
  readonly free: boolean;
  /** Whether binaries may be redistributed. */
  readonly redistributable: boolean;
}

function spdx(shortName: string, spdxId: string, fullName: string): License {
  return Object.freeze({ spdxId, shortName, fullName, url: `https://spdx.org/licenses/${spdxId}.html`, free: true, redistributable: true });
}

/** The licenses, by nixpkgs name. */
export const licenses = Object.freeze({
  agpl3Only: spdx("agpl3Only", "AGPL-3.0-only", "GNU Affero General Public License v3.0 only"),
  agpl3Plus: spdx("agpl3Plus", "AGPL-3.0-or-later", "GNU Affero General Public License v3.0 or later"),
  asl20: spdx("asl20", "Apache-2.0", "Apache License 2.0"),
  boost: spdx("boost", "BSL-1.0", "Boost Software License 1.0"),
  bsd0: spdx("bsd0", "0BSD", "BSD Zero Clause License"),
  bsd2: spdx("bsd2", "BSD-2-Clause", 'BSD 2-clause "Simplified" License'),
  bsd3: spdx("bsd3", "BSD-3-Clause", 'BSD 3-clause "New" or "Revised" License'),
  bsdOriginal: spdx("bsdOriginal", "BSD-4-Clause", "BSD 4-clause \"Original\" or \"Old\" License"),
  bzip2: spdx("bzip2", "bzip2-1.0.6", "bzip2 and libbzip2 License v1.0.6"),
  cc0: spdx("cc0", "CC0-1.0", "Creative Commons Zero v1.0 Universal"),
  ccBy40: spdx("ccBy40", "CC-BY-4.0", "Creative Commons Attribution 4.0"),
  curl: spdx("curl", "curl", "curl License"),
  gpl2Only: spdx("gpl2Only", "GPL-2.0-only", "GNU General Public License v2.0 only"),
  gpl2Plus: spdx("gpl2Plus", "GPL-2.0-or-later", "GNU General Public License v2.0 or later"),
  gpl3Only: spdx("gpl3Only", "GPL-3.0-only", "GNU General Public License v3.0 only"),
  gpl3Plus: spdx("gpl3Plus", "GPL-3.0-or-later", "GNU General Public License v3.0 or later"),
  isc: spdx("isc", "ISC", "ISC License"),
  lgpl2Only: spdx("lgpl2Only", "LGPL-2.0-only", "GNU Library General Public License v2 only"),
  lgpl2Plus: spdx("lgpl2Plus", "LGPL-2.0-or-later", "GNU Library General Public License v2 or later"),
  lgpl21Only: spdx("lgpl21Only", "LGPL-2.1-only", "GNU Lesser General Public License v2.1 only"),
  lgpl21Plus: spdx("lgpl21Plus", "LGPL-2.1-or-later", "GNU Lesser General Public License v2.1 or later"),
  lgpl3Only: spdx("lgpl3Only", "LGPL-3.0-only", "GNU Lesser General Public License v3.0 only"),
  lgpl3Plus: spdx("lgpl3Plus", "LGPL-3.0-or-later", "GNU Lesser General Public License v3.0 or later"),
  mit: spdx("mit", "MIT", "MIT License"),
  mpl20: spdx("mpl20", "MPL-2.0", "Mozilla Public License 2.0"),
  openssl: spdx("openssl", "OpenSSL", "OpenSSL License"),
  psfl: spdx("psfl", "Python-2.0", "Python Software Foundation License version 2"),
  publicDomain: Object.freeze({ shortName: "publicDomain", fullName: "Public Domain", free: true, redistributable: true }),
  unlicense: spdx("unlicense", "Unlicense", "The Unlicense"),
  zlib: spdx("zlib", "Zlib", "zlib License"),
  unfree: Object.freeze({ shortName: "unfree", fullName: "Unfree", free: false, redistributable: false }),
  unfreeRedistributable: Object.freeze({ shortName: "unfreeRedistributable", fullName: "Unfree redistributable", free: false, redistributable: true }),
} satisfies Record<string, License>);

/** The names of {@link licenses}. */
export type LicenseName = keyof typeof licenses;

/** The license with SPDX identifier `spdxId` (e.g. `"MIT"`), or `undefined`. */
export function licenseBySpdxId(spdxId: string): License | undefined {
  return Object.values(licenses).find((license: License) => license.spdxId === spdxId);
}
