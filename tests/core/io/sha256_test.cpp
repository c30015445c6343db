// SHA-256 against the FIPS 180-4 example digests, whole and fed in pieces across block boundaries.
#include <catch2/catch.hpp>

#include "core/io/sha256.h"

using tinyforge::core::io::Sha256;
using tinyforge::core::io::sha256Hex;

TEST_CASE("SHA-256 gives the published digests", "[core][io][sha256]") {
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // 56 bytes: the padding no longer fits the block, so a second block is hashed.
    CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 fed in pieces equals SHA-256 of the whole", "[core][io][sha256]") {
    std::string text;
    for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i % 26);
    for (const std::size_t piece : {1u, 7u, 63u, 64u, 65u, 200u}) {
        Sha256 hash;
        for (std::size_t at = 0; at < text.size(); at += piece) hash.add(std::string_view(text).substr(at, piece));
        CHECK(hash.hexDigest() == sha256Hex(text));
    }
    CHECK(sha256Hex("abd") != sha256Hex("abc"));
}
