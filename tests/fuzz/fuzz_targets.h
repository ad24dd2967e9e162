// The fuzz targets, as plain functions: each libFuzzer executable (built by
// scripts/fuzz.sh) calls one from libfuzzer/main.cc's LLVMFuzzerTestOneInput, and the
// ordinary test suite (fuzz_regression_test.cc) replays the seed corpus and every input
// that once crashed through all of them. A target returns 0; a broken property aborts.
#ifndef ARRS_TESTS_FUZZ_FUZZ_TARGETS_H_
#define ARRS_TESTS_FUZZ_FUZZ_TARGETS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace arrs::fuzz {

// Stored event bytes: parsing, canonical envelope, payload and event hashes; the log's key
// and value decoders (event keys, stream keys, request records, the meta head).
int FuzzEnvelope(const uint8_t* data, size_t size);
// A rule file in text format: parse, validate, publish into a RuleBook and look it up.
int FuzzRules(const uint8_t* data, size_t size);
// A CSV import file: parse, then every cell through the typed parsers the import uses.
int FuzzCsv(const uint8_t* data, size_t size);
// A command request (first byte picks the kind, the rest is its protobuf bytes): field
// validation and decision against a PCN with history, and folding what was decided.
int FuzzRequest(const uint8_t* data, size_t size);
// What arrsd reads when it accepts JWTs (first byte picks): a JWKS file, a JWT config
// file, a bearer token through the TokenStore with a JWT verifier, an authorization header.
int FuzzJwt(const uint8_t* data, size_t size);
// Any request to any method of CommandService, QueryService and AdminService, from a
// caller of each role (or none), through an in-process arrsd with a seeded history
// (rpc_fuzz.cc): documented statuses only, refusals write nothing.
int FuzzRpc(const uint8_t* data, size_t size);
// Any body to any route of the HTTP JSON API, with valid, missing, garbled, huge and
// binary Authorization headers, over a connection to the same in-process arrsd's HTTP
// listener (http_fuzz.cc): well-formed answers with JSON errors, refusals write nothing,
// a garbled token is never served.
int FuzzHttp(const uint8_t* data, size_t size);

}  // namespace arrs::fuzz

// A property every input must keep; aborts (a crash libFuzzer records) when broken.
#define ARRS_FUZZ_CHECK(cond)                                                 \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: fuzz property broken: %s\n", __FILE__,     \
                   __LINE__, #cond);                                          \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

#endif  // ARRS_TESTS_FUZZ_FUZZ_TARGETS_H_
