#pragma once

#include "geo/raster_view_renderer.h"

#include <QHash>
#include <QImage>
#include <QObject>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace refermap::ui {

// A screen-aligned tile of the canvas: `size` x `size` screen pixels of raster layer `layer` at zoom
// level `level` (MapView), covering frame-raster pixels [x * size * res, (x + 1) * size * res) and the
// same for y, with res = MapView::resolutionOf(level).
struct TileKey {
    int layer = 0;
    int level = 0;
    int x = 0;
    int y = 0;

    bool operator==(const TileKey& o) const { return layer == o.layer && level == o.level && x == o.x && y == o.y; }
};

struct TileKeyHash {
    std::size_t operator()(const TileKey& k) const noexcept
    {
        std::size_t h = static_cast<std::size_t>(k.layer) * 0x9E3779B97F4A7C15ull;
        h ^= static_cast<std::size_t>(static_cast<unsigned>(k.level)) + 0x9E3779B9u + (h << 6) + (h >> 2);
        h ^= static_cast<std::size_t>(static_cast<unsigned>(k.x)) + 0x9E3779B9u + (h << 6) + (h >> 2);
        h ^= static_cast<std::size_t>(static_cast<unsigned>(k.y)) + 0x9E3779B9u + (h << 6) + (h >> 2);
        return h;
    }
};

// How a layer's own pixel grid relates to the canvas frame (the first raster's grid):
// layer pixel = frame pixel * scale + offset, per axis (axis-aligned geotransforms in one CRS).
struct LayerFrameTransform {
    double scaleX = 1.0;
    double offsetX = 0.0;
    double scaleY = 1.0;
    double offsetY = 0.0;
};

// Renders raster tiles in the background and keeps the rendered ones in a memory-capped LRU cache.
//
// One worker thread owns one RasterViewRenderer::clone() per layer (GDAL handles are per thread).
// The GUI thread asks for the tiles it lacks with request(): the list replaces every request still
// queued (the view moved on: stale tiles are dropped, never rendered), and is served in list order
// (callers put the most wanted first). Finished tiles enter the cache in the GUI thread and are
// announced by tileReady(). The GUI thread never waits for a render, except the destructor, which
// waits for the one tile being rendered (if any) so that no GDAL handle outlives the object.
//
// All public members: GUI thread only.
class TileRenderer : public QObject {
    Q_OBJECT

public:
    static constexpr int tileSize = 256;
    static constexpr std::size_t defaultCacheBytes = std::size_t(192) << 20;

    explicit TileRenderer(QObject* parent = nullptr);
    ~TileRenderer() override;

    // Registers a layer; the worker renders through `renderer` (a clone made for it) with
    // `transform` from frame to layer pixels. Returns the layer id for TileKeys (never reused).
    int addLayer(geo::RasterViewRenderer renderer, const LayerFrameTransform& transform);
    // Forgets the layer: its queued requests and cached tiles are dropped; its renderer is closed by
    // the worker when a render in progress finishes.
    void removeLayer(int layer);

    // The cached tile, or null (it also becomes the most recently used).
    const QImage* find(const TileKey& key);
    // The cached tile without touching the LRU order (fallback lookups while painting).
    const QImage* peek(const TileKey& key) const;
    // Replaces the queue with the keys not already cached or being rendered, in this order.
    void request(const std::vector<TileKey>& keys);
    // Drops every queued request.
    void cancelRequests();

    void setCacheCapacity(std::size_t bytes);
    std::size_t cacheCapacity() const { return capacity_; }
    std::size_t cacheBytes() const { return bytes_; }
    std::size_t cachedTiles() const { return cache_.size(); }
    // Requests waiting for the worker (not counting the one being rendered).
    std::size_t queuedRequests() const;
    // Tiles rendered so far (tests, logs).
    std::size_t renderedTiles() const { return rendered_; }

signals:
    void tileReady(const refermap::ui::TileKey& key);

private:
    struct LayerEntry {
        std::shared_ptr<geo::RasterViewRenderer> renderer;
        LayerFrameTransform transform;
    };
    // State shared with the worker thread, under `mutex`.
    struct Shared {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<TileKey> queue;
        std::unordered_set<TileKey, TileKeyHash> taken; // popped by the worker, not yet delivered
        std::unordered_map<int, LayerEntry> layers;
        bool stop = false;
    };
    struct CacheEntry {
        QImage image;
        std::list<TileKey>::iterator position;
    };

    void run(); // the worker thread
    void deliver(const TileKey& key, const QImage& image, bool failed);
    void insert(const TileKey& key, QImage image);
    void evictOverCapacity();

    Shared shared_;
    std::thread worker_;
    int nextLayer_ = 1;
    std::unordered_map<TileKey, CacheEntry, TileKeyHash> cache_;
    std::list<TileKey> lru_; // most recently used first
    std::unordered_set<TileKey, TileKeyHash> failed_; // not requested again
    std::size_t bytes_ = 0;
    std::size_t capacity_ = defaultCacheBytes;
    std::size_t rendered_ = 0;
};

} // namespace refermap::ui

Q_DECLARE_METATYPE(refermap::ui::TileKey)
