#pragma once

#include "common/result.h"

class GDALDataset;

namespace refermap::geo {

// A dataset transaction that rolls back unless commit() succeeds: the RAII guard every multi-step
// write to a GeoPackage uses, so a failure or cancel part-way leaves the file as it was.
// Owned by the thread that owns the dataset.
class OgrTransaction {
public:
    // Starts a transaction on `dataset` (which must outlive this object).
    static Result<OgrTransaction> begin(GDALDataset& dataset);

    OgrTransaction(OgrTransaction&& other) noexcept;
    OgrTransaction& operator=(OgrTransaction&&) = delete;
    OgrTransaction(const OgrTransaction&) = delete;
    OgrTransaction& operator=(const OgrTransaction&) = delete;
    ~OgrTransaction();

    Result<void> commit();

private:
    explicit OgrTransaction(GDALDataset& dataset);
    GDALDataset* dataset_;
};

} // namespace refermap::geo
