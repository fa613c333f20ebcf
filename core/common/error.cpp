#include "common/error.h"

#include <utility>

namespace refermap {

const char* errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::PermissionDenied: return "permission denied";
    case ErrorCode::InvalidData: return "invalid data";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Io: return "input/output error";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Internal: return "internal error";
    }
    return "unknown error";
}

Error::Error(ErrorCode code, std::string what)
    : code_(code)
    , what_(std::move(what))
{
}

Error Error::withFile(std::string file) const
{
    Error copy(*this);
    copy.file_ = std::move(file);
    return copy;
}

Error Error::withBand(int band) const
{
    Error copy(*this);
    copy.band_ = band;
    return copy;
}

Error Error::withKey(std::string key) const
{
    Error copy(*this);
    copy.key_ = std::move(key);
    return copy;
}

Error Error::withTile(int column, int row) const
{
    Error copy(*this);
    copy.tile_ = std::make_pair(column, row);
    return copy;
}

Error Error::withDetail(std::string detail) const
{
    Error copy(*this);
    copy.detail_ = std::move(detail);
    return copy;
}

std::string Error::message() const
{
    std::string text = what_;
    if (file_)
        text += ": file '" + *file_ + "'";
    if (band_)
        text += ", band " + std::to_string(*band_);
    if (key_)
        text += ", key '" + *key_ + "'";
    if (tile_)
        text += ", tile (" + std::to_string(tile_->first) + ", " + std::to_string(tile_->second) + ")";
    if (detail_ && !detail_->empty())
        text += ": " + *detail_;
    return text;
}

Exception::Exception(Error error)
    : std::runtime_error(error.message())
    , error_(std::move(error))
{
}

} // namespace refermap
