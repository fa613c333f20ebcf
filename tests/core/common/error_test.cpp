#include "common/result.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace refermap {
namespace {

TEST(ErrorTest, MessageJoinsEveryContextFieldInOrder)
{
    const Error error = Error(ErrorCode::InvalidData, "cannot read tile")
        .withFile("/data/a.tif").withBand(3).withKey("nodata").withTile(4, 7).withDetail("TIFFReadTile failed");
    EXPECT_EQ(error.message(),
              "cannot read tile: file '/data/a.tif', band 3, key 'nodata', tile (4, 7): TIFFReadTile failed");
    EXPECT_EQ(error.code(), ErrorCode::InvalidData);
    EXPECT_EQ(*error.band(), 3);
    EXPECT_EQ(error.tile()->second, 7);
}

TEST(ErrorTest, MessageWithoutContextIsJustWhat)
{
    EXPECT_EQ(Error(ErrorCode::Internal, "boom").message(), "boom");
    EXPECT_EQ(Error(ErrorCode::Internal, "boom").withDetail("").message(), "boom");
}

TEST(ErrorTest, EveryCodeHasAName)
{
    for (ErrorCode code : {ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::PermissionDenied,
                           ErrorCode::InvalidData, ErrorCode::Unsupported, ErrorCode::Io,
                           ErrorCode::Cancelled, ErrorCode::Internal})
        EXPECT_STRNE(errorCodeName(code), "unknown error");
}

Result<int> parsePositive(int value)
{
    if (value <= 0)
        return Error(ErrorCode::InvalidArgument, "not positive").withKey("value");
    return value;
}

TEST(ResultTest, HoldsValueOrError)
{
    auto good = parsePositive(5);
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 5);
    EXPECT_EQ(good.valueOr(1), 5);
    EXPECT_THROW((void)good.error(), Exception);

    auto bad = parsePositive(-1);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(bad.valueOr(1), 1);
}

TEST(ResultTest, ReadingTheValueOfAnErrorThrowsThatError)
{
    auto bad = parsePositive(0);
    try {
        (void)bad.value();
        FAIL() << "value() of an error must throw";
    } catch (const Exception& e) {
        EXPECT_EQ(e.error().key(), std::optional<std::string>("value"));
        EXPECT_STREQ(e.what(), "not positive, key 'value'");
    }
}

TEST(ResultTest, VoidResult)
{
    Result<void> ok;
    EXPECT_TRUE(ok.ok());
    EXPECT_NO_THROW(ok.value());
    Result<void> failed = Error(ErrorCode::Io, "disk full");
    EXPECT_FALSE(failed);
    EXPECT_THROW(failed.value(), Exception);
}

TEST(ResultTest, MoveOnlyValues)
{
    Result<std::unique_ptr<int>> owned = std::make_unique<int>(42);
    std::unique_ptr<int> taken = std::move(owned).value();
    EXPECT_EQ(*taken, 42);
}

TEST(CaptureErrorsTest, TurnsExceptionsIntoErrors)
{
    auto fromOurs = captureErrors([]() -> int { throw Exception(Error(ErrorCode::NotFound, "gone").withFile("x")); });
    ASSERT_FALSE(fromOurs);
    EXPECT_EQ(fromOurs.error().code(), ErrorCode::NotFound);
    EXPECT_EQ(fromOurs.error().file(), std::optional<std::string>("x"));

    auto fromLibrary = captureErrors([]() -> int { throw std::out_of_range("index 9"); });
    ASSERT_FALSE(fromLibrary);
    EXPECT_EQ(fromLibrary.error().code(), ErrorCode::Internal);
    EXPECT_EQ(fromLibrary.error().detail(), std::optional<std::string>("index 9"));

    auto fine = captureErrors([] { return 3; });
    EXPECT_EQ(*fine, 3);
    auto fineVoid = captureErrors([] {});
    EXPECT_TRUE(fineVoid.ok());
}

} // namespace
} // namespace refermap
