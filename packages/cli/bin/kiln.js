#!/usr/bin/env node
// The `kiln` command by its older name (scripts and tests run it by path): bin/kiln.cjs is the command.
import "./kiln.cjs";
