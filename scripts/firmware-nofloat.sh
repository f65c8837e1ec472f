#!/usr/bin/env bash
# Integer-only firmware check (issue 13): the q15 firmware ELF (ATOME_NUMERICS=q15) must contain
# no floating point at all:
#   1. no soft-float routine linked: no libgcc float symbol (__aeabi_f*/__aeabi_d*, the
#      conversions __aeabi_[u]i2f/__aeabi_[u]l2f/..., __addsf3-class __<op>[sdt]f[23],
#      __fix*/__float*/__extend*/__trunc*) in the symbol table;
#   2. no call or branch to one in the disassembly (objdump -d: "<__aeabi_fadd>" as a target);
#   3. on the hard-float cores (m4f, m7): no VFP instruction (a mnemonic starting with "v":
#      vadd, vmov, vldr, vpush, vmrs, vcvt, ...) anywhere in the disassembly.
#
#   scripts/firmware-nofloat.sh CORE ELF
# Prints what it found; exit 0 when clean, 1 otherwise.
set -euo pipefail
core=$1 elf=$2
source "$(dirname "$0")/firmware-core.sh"
if [ ! -f "$elf" ]; then
  echo "$elf not found (the parity test builds it)"
  exit 1
fi
soft='__(aeabi_(f|d|cf|cd|[iu]?l?2[fd]|ui2|ul2)|(add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|unord)[sdt]f[23]|fix(uns)?[sdt]f|float(un)?[sdt]i|float(un)?di|extend[sdh]f|trunc[dts]f|(un)?pack_[fd]|fp)'
status=0
symbols=$("${tools}nm" "$elf" | awk '{print $NF}' | grep -E "^${soft}" || true)
if [ -n "$symbols" ]; then
  echo "soft-float routines linked: $(echo $symbols)"
  status=1
fi
disasm=$("${tools}objdump" -d --no-show-raw-insn "$elf")
calls=$(echo "$disasm" | grep -E "<${soft}[A-Za-z0-9_]*(\+0x[0-9a-f]+)?>" | grep -vE '^[0-9a-f]+ <' || true)
if [ -n "$calls" ]; then
  echo "calls into soft-float routines: $(echo "$calls" | wc -l)"
  echo "$calls" | head -5
  status=1
fi
if [ "$core" = m4f ] || [ "$core" = m7 ]; then
  # objdump -d lines: "  addr:<TAB>mnemonic<TAB>operands" (raw bytes not shown); constants in
  # .text can print as text ("valid model ..."): a mnemonic is one word, and a VFP one one of these.
  vfp=$(echo "$disasm" | awk -F'\t' '/^ +[0-9a-f]+:/ && $2 ~ /^v(add|sub|n?mul|div|n?ml[as]|f?n?m[as]|fm|fnm|neg|abs|sqrt|cvt[abnmr]?|cmpe?|mov|mrs|msr|ldr|str|ldm|stm|push|pop|sel|maxnm|minnm|rint[anmpxzr]?)(\.[a-z0-9.]+)?$/' || true)
  if [ -n "$vfp" ]; then
    echo "VFP instructions: $(echo "$vfp" | wc -l) ($(echo "$vfp" | awk -F'\t' '{print $2}' | sort | uniq -c | sort -rn | head -5 | awk '{printf "%s %s, ", $2, $1}'))"
    echo "$vfp" | head -5
    status=1
  fi
fi
functions=$(echo "$disasm" | grep -cE '^[0-9a-f]+ <' || true)
if [ "$status" -eq 0 ]; then
  echo "$core $(basename "$elf"): no soft-float routine linked or called$([ "$core" = m4f ] || [ "$core" = m7 ] && echo ", no VFP instruction") ($functions functions)"
fi
exit $status
