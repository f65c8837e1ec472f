// The engine static library links freestanding: it may call memcpy/memset/memmove, compiler
// runtime helpers and the two atome_port_* crypto functions the build supplies, nothing else — no
// heap (malloc/new), no C++ runtime (__cxa_*, unwinding), no
// libm, no stdio — and has no static constructors. Checked on the built archive with nm and
// objdump (binutils); sanitizer builds may add their own __asan_*/__ubsan_* references and
// module constructors, which are allowed only when this test itself is built sanitized. And no
// AVX code can reach the portable path through a weak symbol (see the end of this file).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.h"

namespace atome::test {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Command {
  int status = -1;
  std::string out;
};

Command run(const std::string& cmd) {
  Command c;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return c;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) c.out.append(buf, n);
  c.status = ::pclose(p);
  return c;
}

bool have_tool(const std::string& tool) {
  return run("command -v " + tool + " >/dev/null").status == 0;
}

std::string quoted(const std::string& path) {
  std::string q = "'";
  for (char ch : path) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

// quoted() under a name that argument-dependent lookup cannot confuse with std::quoted.
std::string shell_quoted(const std::string& path) {
  return quoted(path);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string last_field(const std::string& line) {
  const size_t end = line.find_last_not_of(" \t\r");
  if (end == std::string::npos) return "";
  const size_t start = line.find_last_of(" \t", end);
  return line.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// Symbol names (last column) of `nm -A <flags> lib`.
std::set<std::string> nm_symbols(const std::string& flags) {
  const Command c = run("nm -A " + flags + " " + quoted(ATOME_ENGINE_LIB));
  EXPECT_EQ(c.status, 0) << "nm failed:\n" << c.out;
  std::set<std::string> out;
  for (const std::string& line : lines(c.out)) {
    const std::string sym = last_field(line);
    if (!sym.empty() && line.find(':') != std::string::npos) out.insert(sym);
  }
  return out;
}

std::string demangle(const std::string& sym) {
  const Command c = run("echo " + quoted(sym) + " | c++filt");
  if (c.status != 0 || c.out.empty()) return sym;
  std::string d = c.out;
  while (!d.empty() && (d.back() == '\n' || d.back() == '\r')) d.pop_back();
  return d;
}

#define REQUIRE_TOOL(tool)                                                       \
  do {                                                                           \
    if (!have_tool(tool)) {                                                      \
      if (::atome::test::in_ci()) FAIL() << tool << " not found (CI=true)";      \
      GTEST_SKIP() << tool << " not found: cannot inspect " << ATOME_ENGINE_LIB; \
    }                                                                            \
  } while (0)

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool any_prefix(const std::string& s, std::initializer_list<const char*> prefixes) {
  for (const char* p : prefixes) {
    if (starts_with(s, p)) return true;
  }
  return false;
}

// libgcc / compiler-rt integer helpers: __<op><mode><arity>, e.g. __udivti3, __popcountdi2.
bool is_integer_helper(const std::string& sym) {
  if (sym.size() < 6 || !starts_with(sym, "__")) return false;
  const char arity = sym[sym.size() - 1];
  const char i = sym[sym.size() - 2];
  const char mode = sym[sym.size() - 3];
  if (arity < '2' || arity > '4' || i != 'i' || (mode != 's' && mode != 'd' && mode != 't'))
    return false;
  static const std::set<std::string> kOps = {
      "div", "udiv", "mod",    "umod", "mul",  "udivmod", "divmod", "mulo", "popcount", "clz",
      "ctz", "ffs",  "parity", "ashl", "ashr", "lshr",    "neg",    "cmp",  "ucmp"};
  return kOps.count(sym.substr(2, sym.size() - 5)) > 0;
}

bool allowed_external(const std::string& sym) {
  static const std::set<std::string> kMem = {"memcpy", "memset", "memmove"};
  if (kMem.count(sym)) return true;
  // Compiler runtime (libgcc / compiler-rt builtins and the stack protector), not libc.
  static const std::set<std::string> kRuntime = {
      "__stack_chk_fail", "__stack_chk_fail_local", "__stack_chk_guard",    "_GLOBAL_OFFSET_TABLE_",
      "__cpu_model",      "__cpu_features2",        "__cpu_indicator_init", "__extendhfsf2",
      "__truncsfhf2"};
  if (kRuntime.count(sym) || is_integer_helper(sym)) return true;
  // The crypto port of the verified load (atome.h), which the build supplies: libsodium's API
  // over Debian's library on the host, over its sources built freestanding in firmware.
  static const std::set<std::string> kPort = {"atome_port_ed25519_verify", "atome_port_sha512"};
  if (kPort.count(sym)) return true;
  if (any_prefix(sym, {"__x86.get_pc_thunk.", "__aeabi_", "__gnu_h2f_", "__gnu_f2h_"})) return true;
  return kSanitized && any_prefix(sym, {"__asan_", "__ubsan_", "__sanitizer_", "__lsan_"});
}

bool is_heap(const std::string& sym) {
  static const std::set<std::string> kHeap = {
      "malloc",         "calloc",   "realloc", "free",    "aligned_alloc",
      "posix_memalign", "memalign", "valloc",  "pvalloc", "reallocarray"};
  // _Znw*/_Zna*: operator new / new[]; _Zdl*/_Zda*: operator delete / delete[].
  return kHeap.count(sym) > 0 || any_prefix(sym, {"_Znw", "_Zna", "_Zdl", "_Zda"});
}

bool is_cxx_runtime(const std::string& sym) {
  return sym == "__dso_handle" || sym == "atexit" ||
         any_prefix(sym, {"__cxa_", "__gxx_personality", "__gcc_personality", "_Unwind_", "_ZTV",
                          "_ZTI", "_ZSt", "_ZNSt"});
}

bool is_libm(const std::string& sym) {
  static const std::set<std::string> kLibm = {
      "exp",   "exp2",  "expm1",     "log",   "log2",  "log10", "log1p",  "pow",
      "sqrt",  "cbrt",  "tanh",      "sinh",  "cosh",  "sin",   "cos",    "tan",
      "asin",  "acos",  "atan",      "atan2", "floor", "ceil",  "round",  "lround",
      "trunc", "fmod",  "fabs",      "fmin",  "fmax",  "frexp", "ldexp",  "erf",
      "erfc",  "hypot", "nearbyint", "rint",  "lrint", "modf",  "scalbn", "sincos"};
  if (kLibm.count(sym)) return true;
  if (!sym.empty() && (sym.back() == 'f' || sym.back() == 'l') &&
      kLibm.count(sym.substr(0, sym.size() - 1)))
    return true;
  return starts_with(sym, "__") && ends_with(sym, "_finite");
}

// .init_array, .ctors, ... optionally followed by .<priority>.
bool is_ctor_section(const std::string& name) {
  for (const char* base : {".init_array", ".ctors", ".preinit_array", ".fini_array", ".dtors"}) {
    if (!starts_with(name, base)) continue;
    const std::string rest = name.substr(std::string(base).size());
    if (rest.empty()) return true;
    if (rest.size() >= 2 && rest[0] == '.' &&
        rest.find_first_not_of("0123456789", 1) == std::string::npos)
      return true;
  }
  return false;
}

TEST(EngineLink, OnlyMemFunctionsAreUndefined) {
  REQUIRE_TOOL("nm");
  ASSERT_TRUE(file_exists(ATOME_ENGINE_LIB)) << ATOME_ENGINE_LIB;
  const std::set<std::string> defined = nm_symbols("--defined-only");
  const std::set<std::string> undefined = nm_symbols("--undefined-only");
  // Guard against a vacuous pass (nm printing nothing useful).
  for (const char* api : {"atome_model_load", "atome_session_init", "atome_step", "atome_crc32"}) {
    EXPECT_TRUE(defined.count(api)) << api << " not defined in " << ATOME_ENGINE_LIB;
  }
  ASSERT_FALSE(undefined.empty());

  std::vector<std::string> external;  // referenced by one object, defined by none
  for (const std::string& sym : undefined) {
    if (!defined.count(sym)) external.push_back(sym);
  }
  for (const std::string& sym : external) {
    const std::string name = demangle(sym);
    if (is_heap(sym)) {
      ADD_FAILURE() << "engine uses the heap: " << name;
    } else if (is_cxx_runtime(sym)) {
      ADD_FAILURE() << "engine needs the C++ runtime: " << name;
    } else if (is_libm(sym)) {
      ADD_FAILURE() << "engine calls libm: " << name;
    } else if (!allowed_external(sym)) {
      ADD_FAILURE() << "engine references an external symbol outside the allow-list: " << name;
    }
  }
  std::string list;
  for (const std::string& s : external) list += " " + s;
  std::printf("[engine-link] %s%s: %zu external symbols:%s\n", ATOME_ENGINE_LIB,
              kSanitized ? " (sanitized build)" : "", external.size(), list.c_str());
}

TEST(EngineLink, DemangledNamesShowNoNewOrDelete) {
  REQUIRE_TOOL("nm");
  const Command c = run("nm -C -A --undefined-only " + quoted(ATOME_ENGINE_LIB));
  ASSERT_EQ(c.status, 0) << c.out;
  for (const std::string& line : lines(c.out)) {
    EXPECT_EQ(line.find("operator new"), std::string::npos) << line;
    EXPECT_EQ(line.find("operator delete"), std::string::npos) << line;
    EXPECT_EQ(line.find("std::"), std::string::npos) << line;
  }
}

TEST(EngineLink, NoStaticConstructors) {
  REQUIRE_TOOL("nm");
  const std::set<std::string> all = nm_symbols("");
  ASSERT_FALSE(all.empty());
  for (const std::string& sym : all) {
    EXPECT_NE(sym.rfind("_GLOBAL__sub_I_", 0), 0u) << "static constructor: " << sym;
    EXPECT_NE(sym.rfind("_GLOBAL__sub_D_", 0), 0u) << "static destructor: " << sym;
    EXPECT_NE(sym.rfind("_GLOBAL__I_", 0), 0u) << "static constructor: " << sym;
    EXPECT_EQ(sym.find("__static_initialization_and_destruction"), std::string::npos) << sym;
    EXPECT_NE(sym, "__asan_before_dynamic_init") << "dynamic initialisation of a global";
  }

  REQUIRE_TOOL("objdump");
  const Command c = run("objdump -h " + quoted(ATOME_ENGINE_LIB));
  ASSERT_EQ(c.status, 0) << c.out;
  // Sanitizers register their globals from a module constructor: GCC's ASan at priority 99
  // (.init_array.00099 / .fini_array.00099), clang's at priority 1 (.init_array.1). Nothing else
  // may run before or after main.
  size_t sections = 0;
  for (const std::string& line : lines(c.out)) {
    std::istringstream in(line);
    std::string idx, name;
    if (!(in >> idx >> name)) continue;
    if (idx.find_first_not_of("0123456789") != std::string::npos) continue;
    ++sections;
    if (!is_ctor_section(name)) continue;
    const bool sanitizer_ctor =
        kSanitized && (name == ".init_array.00099" || name == ".fini_array.00099" ||
                       name == ".init_array.1" || name == ".fini_array.1");
    EXPECT_TRUE(sanitizer_ctor) << "static constructor/destructor section " << name;
  }
  EXPECT_GT(sections, 0u) << "objdump listed no sections:\n" << c.out;
}

// ---- no AVX code where the portable path can reach it -------------------------------------
//
// The SIMD kernels (ternary_avx2.cpp, ternary_avx512.cpp) are compiled with -mavx2/-mavx512f, so
// any function they emit uses VEX/EVEX encodings. A header's inline function used there is, at
// -O0, emitted as a weak (COMDAT) symbol in that object too, and the linker keeps whichever copy
// it meets first — possibly the AVX one, which the portable kernel and the rest of the engine
// then call: SIGILL on a CPU without AVX. So: no weak symbol anywhere in the engine may contain
// AVX code, and nor may any function of the portable kernel's object.

// One function of an object file's disassembly.
struct Function {
  std::string object;  // file name of the object (archive member or path), no directory
  std::string symbol;
  std::vector<std::string> insns;
};

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<Function> disassemble(const std::string& file) {
  const Command c = run("objdump -d --no-show-raw-insn -w " + quoted(file));
  EXPECT_EQ(c.status, 0) << "objdump failed:\n" << c.out;
  std::vector<Function> out;
  std::string object;
  for (const std::string& line : lines(c.out)) {
    const size_t format = line.find(":     file format ");
    if (format != std::string::npos) {
      object = base_name(line.substr(0, format));
      continue;
    }
    // "0000000000000000 <symbol>:"
    const size_t open = line.find(" <");
    if (!line.empty() && line[0] != ' ' && open != std::string::npos && ends_with(line, ">:") &&
        line.find_first_not_of("0123456789abcdef") == open) {
      out.push_back({object, line.substr(open + 2, line.size() - open - 4), {}});
      continue;
    }
    // "   1c:\tvmovss %xmm0,-0x14(%rbp)"
    const size_t tab = line.find(":\t");
    if (!out.empty() && !line.empty() && line[0] == ' ' && tab != std::string::npos)
      out.back().insns.push_back(line.substr(tab + 2));
  }
  return out;
}

// An AVX/AVX-512 instruction: a VEX/EVEX mnemonic (v-prefixed: vmovss, vaddps, vpxor, ...; not
// the VMX instructions), or a ymm/zmm/mask register operand.
bool is_avx(const std::string& insn) {
  std::istringstream in(insn);
  std::string mnemonic;
  in >> mnemonic;
  static const std::set<std::string> kPrefixes = {"rep", "repz",   "repnz",  "lock", "notrack",
                                                  "bnd", "data16", "addr32", "cs",   "ds"};
  while (kPrefixes.count(mnemonic) && (in >> mnemonic)) {
  }
  static const std::set<std::string> kNotVex = {
      "verr",   "verw",   "vmcall",  "vmlaunch", "vmresume", "vmxoff",
      "vmxon",  "vmread", "vmwrite", "vmptrld",  "vmptrst",  "vmclear",
      "vmfunc", "vmrun",  "vmload",  "vmsave",   "vmmcall",  "vmgexit"};
  if (!mnemonic.empty() && mnemonic[0] == 'v' && !kNotVex.count(mnemonic)) return true;
  if (insn.find("%ymm") != std::string::npos || insn.find("%zmm") != std::string::npos) return true;
  for (char k = '0'; k <= '7'; ++k) {
    if (insn.find(std::string("%k") + k) != std::string::npos) return true;
  }
  return false;
}

// (object, symbol) of every weak definition in `file` (nm types W, V and u).
std::set<std::pair<std::string, std::string>> weak_definitions(const std::string& file) {
  const Command c = run("nm -A --defined-only " + quoted(file));
  EXPECT_EQ(c.status, 0) << "nm failed:\n" << c.out;
  std::set<std::pair<std::string, std::string>> out;
  for (const std::string& line : lines(c.out)) {
    std::istringstream in(line);
    std::string where, type, sym;
    if (!(in >> where >> type >> sym)) continue;  // undefined or odd lines
    if (type != "W" && type != "V" && type != "u") continue;
    // "archive.a:member.o:0000000000000000" or "file.o:0000000000000000"
    const size_t addr = where.find_last_of(':');
    const std::string path = where.substr(0, addr);
    const size_t member = path.find_last_of(':');
    out.insert({base_name(member == std::string::npos ? path : path.substr(member + 1)), sym});
  }
  return out;
}

bool is_portable_kernel_object(const std::string& object) {
  return starts_with(object, "ternary_portable.") || starts_with(object, "ternary_i8_portable.") ||
         starts_with(object, "ternary_i8_lut.") || starts_with(object, "ternary_i8_dsp.");
}

// Checks `files` (archives or objects); returns the number of functions checked.
size_t expect_no_reachable_avx(const std::vector<std::string>& files) {
  size_t checked = 0;
  bool saw_avx2_kernel = false;
  for (const std::string& file : files) {
    const auto weak = weak_definitions(file);
    const std::vector<Function> functions = disassemble(file);
    EXPECT_FALSE(functions.empty()) << "objdump shows no function in " << file;
    for (const Function& f : functions) {
      const bool weak_symbol = weak.count({f.object, f.symbol}) > 0;
      bool avx = false;
      std::string first;
      for (const std::string& insn : f.insns) {
        if (is_avx(insn)) {
          avx = true;
          first = insn;
          break;
        }
      }
      if (starts_with(f.object, "ternary_avx2.") && avx) saw_avx2_kernel = true;
      if (!weak_symbol && !is_portable_kernel_object(f.object)) continue;
      ++checked;
      EXPECT_FALSE(avx) << (weak_symbol ? "weak symbol " : "portable kernel function ")
                        << demangle(f.symbol) << " in " << f.object << " (" << file
                        << ") has AVX code, e.g. '" << first
                        << "': the linker may pick it for the portable path";
    }
  }
#if defined(ATOME_HAVE_AVX2)
  EXPECT_TRUE(saw_avx2_kernel) << "no AVX instruction found in the AVX2 kernel: the scan is broken";
#else
  (void)saw_avx2_kernel;
#endif
  return checked;
}

// The engine library as built (in a Debug build, -O0, this is where weak copies appear).
TEST(EngineLink, NoAvxInWeakSymbolsOrThePortableKernel) {
  REQUIRE_TOOL("nm");
  REQUIRE_TOOL("objdump");
  const size_t checked = expect_no_reachable_avx({ATOME_ENGINE_LIB});
  EXPECT_GT(checked, 0u) << "no portable kernel function found in " << ATOME_ENGINE_LIB;
  std::printf("[engine-link] %zu weak or portable-kernel functions free of AVX\n", checked);
}

// Whatever this build's type: the kernel sources compiled as a Debug (-O0) build would compile
// them, each with its own ISA flags, and the same check on those objects.
TEST(EngineLink, DebugBuildOfTheKernelsKeepsAvxOutOfWeakSymbols) {
#if !defined(ATOME_HAVE_AVX2) || !defined(ATOME_CXX_COMPILER) || !defined(ATOME_SOURCE_DIR)
  GTEST_SKIP() << "no SIMD kernels in this build";
#else
  REQUIRE_TOOL("nm");
  REQUIRE_TOOL("objdump");
  std::string dir = "/tmp/atome_debug_kernels_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string src = ATOME_SOURCE_DIR;
  const std::string common =
      std::string(shell_quoted(ATOME_CXX_COMPILER)) +
      " -std=c++17 -O0 -ffreestanding -nostdinc++ -fno-exceptions -fno-rtti -ffunction-sections"
      " -ffp-contract=off -DATOME_HAVE_AVX2=1" +
#if defined(ATOME_HAVE_AVX512)
      " -DATOME_HAVE_AVX512=1" +
#endif
      " -I" + shell_quoted(src + "/include") + " -I" + shell_quoted(src + "/src") + " -c ";
  struct Unit {
    const char* name;
    const char* flags;
  };
  std::vector<Unit> units = {{"ternary_portable", ""},
                             {"ternary_avx2", "-mavx2"},
                             {"ternary_i8_portable", ""},
                             {"ternary_i8_lut", ""},
                             {"ternary_i8_avx2", "-mavx2"}};
#if defined(ATOME_HAVE_AVX512)
  units.push_back({"ternary_avx512", "-mavx2 -mavx512f -mavx512dq"});
#endif
#if defined(ATOME_HAVE_I8_AVX512_VNNI)
  units.push_back({"ternary_i8_avx512",
                   "-mavx2 -mavx512f -mavx512bw -mavx512vnni -DATOME_HAVE_I8_AVX512_VNNI=1"});
#elif defined(ATOME_HAVE_I8_AVX512)
  units.push_back({"ternary_i8_avx512", "-mavx2 -mavx512f -mavx512bw"});
#endif
  std::vector<std::string> objects;
  for (const Unit& u : units) {
    const std::string obj = dir + "/" + u.name + ".o";
    const Command c =
        run(common + u.flags + " " + shell_quoted(src + "/src/engine/" + u.name + ".cpp") + " -o " +
            shell_quoted(obj));
    ASSERT_EQ(c.status, 0) << "compiling " << u.name << " failed:\n" << c.out;
    objects.push_back(obj);
  }
  const size_t checked = expect_no_reachable_avx(objects);
  EXPECT_GT(checked, 0u);
  run("rm -rf " + shell_quoted(dir));
#endif
}

// ---- byte order and type punning -----------------------------------------------------------
//
// Model images, checkpoints and packed trit rows are little-endian and some are read in place:
// the engine's byte readers assert the byte order at compile time, and no source reads an integer
// or a float out of a byte buffer through a pointer cast (memcpy or byte assembly instead) —
// except format::tensor_floats, the documented in-place view of f32 tensors.
TEST(EngineSource, LittleEndianAssertedAndNoTypePunnedReads) {
#if !defined(ATOME_SOURCE_DIR)
  GTEST_SKIP() << "ATOME_SOURCE_DIR not set";
#else
  namespace fs = std::filesystem;
  const fs::path root = ATOME_SOURCE_DIR;
  const auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const char* header : {"src/engine/bytes.h", "src/engine/format.h"}) {
    const std::string text = read(root / header);
    ASSERT_FALSE(text.empty()) << header;
    EXPECT_NE(text.find("static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__"),
              std::string::npos)
        << header << " does not assert a little-endian target";
  }
  // grep -E, not std::regex: GCC 12's <regex> warns (-Wmaybe-uninitialized) in the ASan build.
  const std::string punned =
      R"(reinterpret_cast<\s*(const\s+)?(volatile\s+)?(float|double|u?int(8|16|32|64)_t|int|unsigned)\s*(const\s*)?\*\s*>)"
      R"(|\(\s*const\s+(float|double|u?int(16|32|64)_t)\s*\*\s*\))";
  std::map<std::string, int> found;
  const Command files_cmd =
      run("cd " + shell_quoted(root.string()) +
          " && find src fuzz -name '*.h' -o -name '*.cpp' -o -name '*.c' | wc -l");
  const size_t files = std::stoul(files_cmd.out);
  const Command grep = run("cd " + shell_quoted(root.string()) + " && grep -rEo --include='*.h' " +
                           "--include='*.cpp' --include='*.c' '" + punned + "' src fuzz");
  for (const std::string& match : lines(grep.out)) ++found[match.substr(0, match.find(':'))];
  EXPECT_GT(files, 20u);
  EXPECT_EQ(found["src/engine/format_layout.cpp"], 3)
      << "tensor_floats', tensor_ints' and tensor_i16's documented views";
  found.erase("src/engine/format_layout.cpp");
  for (const auto& [name, count] : found)
    ADD_FAILURE() << name << ": " << count
                  << " pointer-cast read(s) of integers or floats; use memcpy or byte assembly";
#endif
}

}  // namespace
}  // namespace atome::test
