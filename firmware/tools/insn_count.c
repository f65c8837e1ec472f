/* QEMU TCG plugin (API v1, QEMU 7.2; Debian ships no plugin header, so the few functions used are
 * declared here): counts every executed guest instruction, exactly and deterministically, and
 * prints "insns=<n>" at exit. Build: gcc -shared -fPIC -O2 -o libinsn_count.so insn_count.c
 * Use:   qemu-system-arm ... -plugin ./libinsn_count.so -d plugin -D count.log */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t,
                                           void (*)(qemu_plugin_id_t, struct qemu_plugin_tb*));
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, void*), void*);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb*);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb*, size_t);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn*, int /* ADD_U64 */, void*,
                                                uint64_t);
void qemu_plugin_outs(const char*);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;
static uint64_t count;

/* Per instruction, not per translation block: blocks touching I/O are re-executed under -icount,
 * and a per-block count would see them twice. */
static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); ++i)
    qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i), 0, &count, 1);
}

static void at_exit(qemu_plugin_id_t id, void* unused) {
  (void)id;
  (void)unused;
  char line[64];
  snprintf(line, sizeof line, "insns=%llu\n", (unsigned long long)count);
  qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const void* info, int argc,
                                                               char** argv) {
  (void)info;
  (void)argc;
  (void)argv;
  qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
