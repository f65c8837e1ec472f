/* QEMU TCG plugin (API v1, QEMU 7.2; Debian ships no plugin header, so the few functions used are
 * declared here): counts every executed guest instruction, exactly and deterministically, and
 * prints "insns=<n>" at exit. Build: gcc -shared -fPIC -O2 -o libinsn_count.so insn_count.c
 * Use:   qemu-system-arm ... -plugin ./libinsn_count.so -d plugin -D count.log
 *
 * Optional split by PC range: -plugin ./libinsn_count.so,ranges=PATH, where PATH is a text file of
 * "start end name" lines (start inclusive, end exclusive; numbers in C syntax, 0x for hex; names
 * without spaces; ranges must not overlap). Each executed instruction is attributed, by its own
 * address, to the range holding it, or to "other"; after the total the plugin prints one line
 * "range <name> <n>" per range, in file order, then "range other <n>". The range counts add up to
 * the total exactly.
 *
 * Optional marks: -plugin ./libinsn_count.so,mark=ADDR prints "mark <i> <n>" at exit for the i-th
 * execution of the instruction at ADDR (the entry of a marker function), n being the number of
 * instructions executed before it; the difference of two marks counts what ran between them
 * (firmware/app/kernel_bench.cpp, scripts/kernel_report.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t,
                                           void (*)(qemu_plugin_id_t, struct qemu_plugin_tb*));
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, void*), void*);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb*);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb*, size_t);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn*);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn*, int /* ADD_U64 */, void*,
                                                uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn*, void (*)(unsigned int, void*),
                                            int /* NO_REGS */, void*);
void qemu_plugin_outs(const char*);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct range {
  uint64_t start, end;
  size_t line; /* position in the file, for printing in file order */
  char name[128];
};
static struct range* ranges; /* sorted by start */
static size_t n_ranges;
static uint64_t* counts; /* counts[i] for ranges[i]; counts[n_ranges] = other */

static int by_start(const void* a, const void* b) {
  const struct range* x = a;
  const struct range* y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

static int load_ranges(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "insn_count: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 0;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    struct range r;
    char start[64], end[64];
    if (sscanf(line, "%63s %63s %127s", start, end, r.name) != 3) continue;
    r.start = strtoull(start, NULL, 0);
    r.end = strtoull(end, NULL, 0);
    r.line = n_ranges;
    if (n_ranges == cap) {
      cap = cap ? 2 * cap : 256;
      ranges = realloc(ranges, cap * sizeof *ranges);
      if (!ranges) return -1;
    }
    ranges[n_ranges++] = r;
  }
  fclose(f);
  qsort(ranges, n_ranges, sizeof *ranges, by_start);
  for (size_t i = 1; i < n_ranges; ++i)
    if (ranges[i].start < ranges[i - 1].end) {
      fprintf(stderr, "insn_count: ranges %s and %s overlap\n", ranges[i - 1].name, ranges[i].name);
      return -1;
    }
  return 0;
}

static size_t find(uint64_t pc) { /* index of the range holding pc, or n_ranges (other) */
  size_t lo = 0, hi = n_ranges;
  while (lo < hi) { /* first range with start > pc */
    size_t mid = lo + (hi - lo) / 2;
    if (ranges[mid].start <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo > 0 && pc < ranges[lo - 1].end ? lo - 1 : n_ranges;
}

static uint64_t mark_addr = UINT64_MAX;
static uint64_t* marks;
static size_t n_marks, cap_marks;

static void on_mark(unsigned int vcpu, void* unused) {
  (void)vcpu;
  (void)unused;
  uint64_t total = 0; /* the marker's own instruction is counted after this callback or not at
                         all; either way the same for every mark */
  for (size_t i = 0; i <= n_ranges; ++i) total += counts[i];
  if (n_marks == cap_marks) {
    cap_marks = cap_marks ? 2 * cap_marks : 256;
    marks = realloc(marks, cap_marks * sizeof *marks);
    if (!marks) abort();
  }
  marks[n_marks++] = total;
}

/* Per instruction, not per translation block: blocks touching I/O are re-executed under -icount,
 * and a per-block count would see them twice. */
static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    const uint64_t pc = qemu_plugin_insn_vaddr(insn);
    if (pc == mark_addr) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, 0, NULL);
    size_t k = n_ranges ? find(pc) : 0;
    qemu_plugin_register_vcpu_insn_exec_inline(insn, 0, &counts[k], 1);
  }
}

static void at_exit(qemu_plugin_id_t id, void* unused) {
  (void)id;
  (void)unused;
  uint64_t total = 0;
  for (size_t i = 0; i <= n_ranges; ++i) total += counts[i];
  char line[256];
  snprintf(line, sizeof line, "insns=%llu\n", (unsigned long long)total);
  qemu_plugin_outs(line);
  for (size_t i = 0; i < n_marks; ++i) {
    snprintf(line, sizeof line, "mark %zu %llu\n", i, (unsigned long long)marks[i]);
    qemu_plugin_outs(line);
  }
  if (!n_ranges) return;
  for (size_t l = 0; l < n_ranges; ++l)
    for (size_t i = 0; i < n_ranges; ++i)
      if (ranges[i].line == l) {
        snprintf(line, sizeof line, "range %s %llu\n", ranges[i].name,
                 (unsigned long long)counts[i]);
        qemu_plugin_outs(line);
        break;
      }
  snprintf(line, sizeof line, "range other %llu\n", (unsigned long long)counts[n_ranges]);
  qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const void* info, int argc,
                                                               char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "ranges=", 7) == 0) {
      if (load_ranges(argv[i] + 7) != 0) return -1;
    } else if (strncmp(argv[i], "mark=", 5) == 0) {
      mark_addr = strtoull(argv[i] + 5, NULL, 0);
    } else {
      fprintf(stderr, "insn_count: unknown argument %s\n", argv[i]);
      return -1;
    }
  }
  counts = calloc(n_ranges + 1, sizeof *counts);
  if (!counts) return -1;
  qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
