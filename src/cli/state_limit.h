// --max-state BYTES: the most memory a host command gives one decoding session's state.
//
// A small valid model file can ask for a large state (the K/V cache grows with the window), so
// every command that opens a session (generate, chat, eval, bench) takes this flag, defined here
// once; Session's constructor (session.h) is the one place that checks it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace atome::cli {

constexpr uint64_t kDefaultMaxStateBytes = uint64_t{1} << 30;  // 1 GiB
constexpr const char* kMaxStateFlag = "--max-state";

// Adds --max-state to `cmd`; `text` keeps what was typed ("1G" by default).
void add_max_state_flag(CLI::App* cmd, std::string* text);

// "1073741824", "64K", "64M", "1G" (binary multiples: K = 1024, M = 1024^2, G = 1024^3, T =
// 1024^4; a trailing "B"/"iB" is accepted, e.g. "64MiB"). UsageError naming --max-state for
// anything else, for 0 and for overflow.
uint64_t parse_max_state(const std::string& text);

}  // namespace atome::cli
