// The engine static library links freestanding: it may call memcpy/memset/memmove and compiler
// runtime helpers, nothing else — no heap (malloc/new), no C++ runtime (__cxa_*, unwinding), no
// libm, no stdio — and has no static constructors. Checked on the built archive with nm and
// objdump (binutils); sanitizer builds may add their own __asan_*/__ubsan_* references and
// module constructors, which are allowed only when this test itself is built sanitized.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
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

}  // namespace
}  // namespace atome::test
