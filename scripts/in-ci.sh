#!/usr/bin/env bash
# Exits 0 when this run is a CI run — $CI is true, 1, yes or on (any case), as CI services set it
# — and 1 otherwise. Under CI a missing test fixture is a failure; elsewhere it is a skip that says
# so. The C++ tests' twin of this rule is in_ci() in tests/fixtures.h; the test
# Fixtures.CiModeFollowsTheCiVariable runs both on the same values.
case "$(printf '%s' "${CI:-}" | tr '[:upper:]' '[:lower:]')" in
  true | 1 | yes | on) exit 0 ;;
  *) exit 1 ;;
esac
