#!/bin/sh
# hello: prints the message its build wrote below, and where it came from.
greet() {
  printf '%s\n' "$1"
}
