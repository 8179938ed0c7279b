#!/usr/bin/env bash
# The CPU benchmark in one command; see bench/README.md. Arguments go to bench/run.py.
exec python3 "$(dirname "${BASH_SOURCE[0]}")/run.py" "$@"
