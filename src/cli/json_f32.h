// nlohmann::json with float32 as its floating type. Logits and tensor scales are float32; stored
// as float, the serializer prints the shortest decimal that reads back to the same float (at most
// 9 significant digits) instead of the 17-digit expansion of the float widened to double.
// Non-finite values serialize as null, as in plain nlohmann::json. Keys keep insertion order
// (ordered_map), so reports read in the order the code lists them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace atome::cli {

using JsonF32 = nlohmann::basic_json<nlohmann::ordered_map, std::vector, std::string, bool,
                                     std::int64_t, std::uint64_t, float>;

}  // namespace atome::cli
