#pragma once

#include "common/result.h"
#include "geo/mask_vectorizer.h"

#include <cstddef>
#include <string>

namespace refermap::geo {

// Features handed out one at a time, so a layer that does not fit in memory (a temporary on-disk
// layer) can be exported like an in-memory VectorLayer. One owner, one thread; one pass.
class VectorFeatureSource {
public:
    virtual ~VectorFeatureSource() = default;

    // WKT of the features' CRS; empty when they have none (pixel coordinates).
    virtual std::string crsWkt() const = 0;
    // How many features next() will hand out (for progress).
    virtual std::size_t featureCount() const = 0;
    // Whether any feature is a MultiPolygon (then the output layer is MultiPolygon throughout).
    virtual bool hasMultiPolygons() const = 0;
    // The next feature, valid until the following call; null at the end. Errors name the source.
    virtual Result<const VectorFeature*> next() = 0;
};

} // namespace refermap::geo
