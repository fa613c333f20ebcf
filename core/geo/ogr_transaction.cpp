#include "geo/ogr_transaction.h"

#include "geo/gdal_error_capture.h"

#include <gdal_priv.h>

#include <utility>

namespace refermap::geo {

Result<OgrTransaction> OgrTransaction::begin(GDALDataset& dataset)
{
    GdalErrorCapture errors;
    if (dataset.StartTransaction() != OGRERR_NONE)
        return Error(ErrorCode::Io, "cannot start a transaction")
            .withFile(dataset.GetDescription())
            .withDetail(errors.lastError());
    return OgrTransaction(dataset);
}

OgrTransaction::OgrTransaction(GDALDataset& dataset)
    : dataset_(&dataset)
{
}

OgrTransaction::OgrTransaction(OgrTransaction&& other) noexcept
    : dataset_(std::exchange(other.dataset_, nullptr))
{
}

OgrTransaction::~OgrTransaction()
{
    if (dataset_) {
        GdalErrorCapture errors; // a failed rollback has nothing left to report to
        dataset_->RollbackTransaction();
    }
}

Result<void> OgrTransaction::commit()
{
    if (!dataset_)
        return Error(ErrorCode::Internal, "transaction committed twice");
    GdalErrorCapture errors;
    GDALDataset* dataset = std::exchange(dataset_, nullptr);
    if (dataset->CommitTransaction() != OGRERR_NONE) {
        dataset->RollbackTransaction();
        return Error(ErrorCode::Io, "cannot commit the transaction")
            .withFile(dataset->GetDescription())
            .withDetail(errors.lastError());
    }
    return {};
}

} // namespace refermap::geo
