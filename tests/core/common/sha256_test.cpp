#include "common/sha256.h"

#include "support/temporary_folder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace {

std::string hashOf(const std::string& text)
{
    refermap::Sha256 hash;
    hash.update(text);
    return hash.hex();
}

// The test vectors of FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
TEST(Sha256Test, MatchesTheStandardVectors)
{
    EXPECT_EQ(hashOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hashOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hashOf(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, PiecesGiveTheSameHashAsTheWhole)
{
    const std::string text = "the white storage tanks near the harbour, hashed in uneven pieces across blocks";
    for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
        refermap::Sha256 hash;
        hash.update(text.substr(0, cut));
        hash.update(text.substr(cut));
        EXPECT_EQ(hash.hex(), hashOf(text)) << "cut at " << cut;
    }
}

class Sha256FileTest : public refermap::testing::TemporaryFolderTest {};

TEST_F(Sha256FileTest, HashesAFileAndNamesAMissingOne)
{
    const auto path = folder() / "model.bin";
    const std::string content(3 * 1024 * 1024 + 17, 'a');
    std::ofstream(path, std::ios::binary) << content;
    auto hash = refermap::Sha256::ofFile(path);
    ASSERT_TRUE(hash) << hash.error().message();
    EXPECT_EQ(*hash, hashOf(content));

    auto missing = refermap::Sha256::ofFile(folder() / "absent.bin");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("absent.bin"), std::string::npos);
}

} // namespace
