// A byte buffer whose start is 16-byte aligned.
//
// The engine wants model images 4-byte aligned (its float tensors are read in place; the kernels
// use unaligned vector loads, so more is not needed) and session buffers aligned to
// ATOME_STATE_ALIGN. std::vector<uint8_t> only promises
// alignof(uint8_t), so the storage is a vector of 16-byte blocks: C++17 aligned new then
// guarantees the alignment portably instead of by accident of the allocator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace atome {

class AlignedBuffer {
 public:
  static constexpr size_t kAlign = 16;

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) { resize(bytes); }

  // Zero-filled; previous contents are not kept.
  void resize(size_t bytes) {
    blocks_.assign((bytes + kAlign - 1) / kAlign, Block{});
    bytes_ = bytes;
  }

  void assign(const std::vector<uint8_t>& src) {
    resize(src.size());
    if (!src.empty()) std::memcpy(data(), src.data(), src.size());
  }

  uint8_t* data() { return blocks_.empty() ? nullptr : blocks_.front().b; }
  const uint8_t* data() const { return blocks_.empty() ? nullptr : blocks_.front().b; }
  size_t size() const { return bytes_; }

 private:
  struct alignas(kAlign) Block {
    uint8_t b[kAlign];
  };
  std::vector<Block> blocks_;
  size_t bytes_ = 0;
};

}  // namespace atome
