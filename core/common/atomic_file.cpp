#include "common/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace refermap {

namespace {

Error systemError(ErrorCode code, const std::string& what, const std::filesystem::path& file, int err)
{
    return Error(code, what).withFile(file.string()).withDetail(std::strerror(err));
}

ErrorCode codeForErrno(int err)
{
    switch (err) {
    case EACCES:
    case EPERM:
    case EROFS: return ErrorCode::PermissionDenied;
    case ENOENT:
    case ENOTDIR: return ErrorCode::NotFound;
    default: return ErrorCode::Io;
    }
}

} // namespace

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& target)
{
    if (target.empty() || !target.has_filename())
        return Error(ErrorCode::InvalidArgument, "no output file name given").withFile(target.string());
    std::error_code ec;
    if (std::filesystem::is_directory(target, ec))
        return Error(ErrorCode::InvalidArgument, "the output path is a folder").withFile(target.string());

    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    // Keep the extension at the end: drivers that write by path (GDAL) pick their format from it.
    std::string pattern = "." + target.stem().string() + ".tmp-XXXXXX" + target.extension().string();
    const std::string templatePath = (folder / pattern).string();
    std::vector<char> buffer(templatePath.begin(), templatePath.end());
    buffer.push_back('\0');
    const int descriptor = ::mkstemps(buffer.data(), static_cast<int>(target.extension().string().size()));
    if (descriptor < 0) {
        const int err = errno;
        return systemError(codeForErrno(err), "cannot create a temporary file for the output", target, err);
    }
    ::fchmod(descriptor, 0644); // mkstemps() creates 0600; outputs are ordinary user files
    return AtomicFile(target, std::filesystem::path(buffer.data()), descriptor);
}

AtomicFile::AtomicFile(std::filesystem::path target, std::filesystem::path temporary, int descriptor)
    : target_(std::move(target))
    , temporary_(std::move(temporary))
    , descriptor_(descriptor)
{
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_))
    , temporary_(std::move(other.temporary_))
    , descriptor_(std::exchange(other.descriptor_, -1))
    , committed_(std::exchange(other.committed_, true))
{
    other.temporary_.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept
{
    if (this != &other) {
        discard();
        target_ = std::move(other.target_);
        temporary_ = std::move(other.temporary_);
        descriptor_ = std::exchange(other.descriptor_, -1);
        committed_ = std::exchange(other.committed_, true);
        other.temporary_.clear();
    }
    return *this;
}

AtomicFile::~AtomicFile()
{
    discard();
}

void AtomicFile::closeDescriptor() noexcept
{
    if (descriptor_ >= 0) {
        ::close(descriptor_);
        descriptor_ = -1;
    }
}

Result<void> AtomicFile::append(std::string_view bytes)
{
    if (committed_ || descriptor_ < 0)
        return Error(ErrorCode::Internal, "append() after commit() or discard()").withFile(target_.string());
    while (!bytes.empty()) {
        const ssize_t written = ::write(descriptor_, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            return systemError(ErrorCode::Io, "cannot write the output", target_, err);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
}

Result<void> AtomicFile::commit()
{
    if (committed_ || temporary_.empty())
        return Error(ErrorCode::Internal, "commit() called twice or after discard()").withFile(target_.string());
    // A library may have replaced the file behind our descriptor (GDAL deletes and recreates):
    // sync what is at the temporary path now.
    closeDescriptor();
    const int descriptor = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        const int err = errno;
        return systemError(ErrorCode::Io, "the temporary output file vanished before commit", target_, err);
    }
    const int syncResult = ::fsync(descriptor);
    const int syncErr = errno;
    ::close(descriptor);
    if (syncResult != 0)
        return systemError(ErrorCode::Io, "cannot flush the output to disk", target_, syncErr);

    if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
        const int err = errno;
        return systemError(codeForErrno(err), "cannot move the finished output into place", target_, err);
    }
    committed_ = true;
    temporary_.clear();

    // Make the rename itself durable.
    const std::filesystem::path folder = target_.has_parent_path() ? target_.parent_path() : ".";
    const int folderDescriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folderDescriptor >= 0) {
        ::fsync(folderDescriptor);
        ::close(folderDescriptor);
    }
    return {};
}

void AtomicFile::discard() noexcept
{
    closeDescriptor();
    if (!committed_ && !temporary_.empty()) {
        std::error_code ignored;
        std::filesystem::remove(temporary_, ignored);
        temporary_.clear();
    }
}

Result<void> writeFileAtomically(const std::filesystem::path& target, std::string_view bytes)
{
    auto file = AtomicFile::create(target);
    if (!file)
        return file.error();
    if (auto written = file->append(bytes); !written)
        return written.error();
    return file->commit();
}

} // namespace refermap
