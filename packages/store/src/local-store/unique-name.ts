/**
 * Unique parts for the names of this process's temporary files and build
 * directories: random per process, then a count. Random bytes per name (as
 * before) cost a system call each, tens of microseconds under load, several
 * times per build; the names need only be unique, in directories only this
 * user can write (Nix numbers its temporary directories in turn likewise).
 */
import { randomBytes } from "node:crypto";

/** Random per process (and per fork: a pid change makes a new one), so that two processes sharing a store never pick the same name. */
let prefix: { pid: number; text: string } | undefined;
let count = 0;

/** A part of a file name that no other call, in this process or another, returns. */
export function uniqueNamePart(): string {
  if (prefix?.pid !== process.pid) prefix = { pid: process.pid, text: randomBytes(6).toString("hex") };
  count++;
  return `${prefix.text}${count.toString(36)}`;
}
