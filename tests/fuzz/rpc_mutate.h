// Structure-aware mutation of a protobuf request for the RPC fuzz target (rpc_fuzz.cc):
// the fuzz input's bytes pick fields of the message (nested ones included) and set each to
// an edge value: empty or huge strings, codes of the seeded world, negative and extreme
// integers (and so far-off dates), unknown enum values, cleared or multiplied lists.
#ifndef ARRS_TESTS_FUZZ_RPC_MUTATE_H_
#define ARRS_TESTS_FUZZ_RPC_MUTATE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/message.h"

namespace arrs::fuzz {

// The fuzz input, read front to back; reads past its end give zeros.
class InputBytes {
 public:
  InputBytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return size_ == 0; }
  uint8_t Byte();
  uint64_t Word();  // up to 8 bytes, little-endian
  std::string Text(size_t max);

 private:
  const uint8_t* data_;
  size_t size_;
};

// Applies up to `max_mutations` mutations to `message`, each chosen by `in`'s bytes.
void MutateMessage(google::protobuf::Message* message, InputBytes& in, int max_mutations);

}  // namespace arrs::fuzz

#endif  // ARRS_TESTS_FUZZ_RPC_MUTATE_H_
