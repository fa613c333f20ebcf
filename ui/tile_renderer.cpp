#include "ui/tile_renderer.h"

#include "ui/map_view.h"

#include <spdlog/spdlog.h>

#include <QMetaObject>

#include <algorithm>
#include <iterator>

namespace refermap::ui {

TileRenderer::TileRenderer(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<TileKey>();
    worker_ = std::thread([this] { run(); });
}

TileRenderer::~TileRenderer()
{
    {
        std::lock_guard lock(shared_.mutex);
        shared_.stop = true;
        shared_.queue.clear();
    }
    shared_.wake.notify_all();
    worker_.join();
    // Renderers are destroyed here, after the worker, in the GUI thread: no handle is in use.
}

int TileRenderer::addLayer(geo::RasterViewRenderer renderer, const LayerFrameTransform& transform)
{
    const int id = nextLayer_++;
    std::lock_guard lock(shared_.mutex);
    shared_.layers[id] = LayerEntry {std::make_shared<geo::RasterViewRenderer>(std::move(renderer)), transform};
    return id;
}

void TileRenderer::removeLayer(int layer)
{
    std::shared_ptr<geo::RasterViewRenderer> last;
    {
        std::lock_guard lock(shared_.mutex);
        auto found = shared_.layers.find(layer);
        if (found != shared_.layers.end()) {
            // The worker may hold another reference while rendering: whoever drops the last one closes it.
            last = std::move(found->second.renderer);
            shared_.layers.erase(found);
        }
        auto& queue = shared_.queue;
        queue.erase(std::remove_if(queue.begin(), queue.end(), [layer](const TileKey& k) { return k.layer == layer; }),
            queue.end());
    }
    for (auto it = lru_.begin(); it != lru_.end();) {
        if (it->layer == layer) {
            auto entry = cache_.find(*it);
            bytes_ -= static_cast<std::size_t>(entry->second.image.sizeInBytes());
            cache_.erase(entry);
            it = lru_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = failed_.begin(); it != failed_.end();)
        it = it->layer == layer ? failed_.erase(it) : std::next(it);
}

const QImage* TileRenderer::find(const TileKey& key)
{
    auto found = cache_.find(key);
    if (found == cache_.end())
        return nullptr;
    lru_.splice(lru_.begin(), lru_, found->second.position);
    return &found->second.image;
}

const QImage* TileRenderer::peek(const TileKey& key) const
{
    auto found = cache_.find(key);
    return found == cache_.end() ? nullptr : &found->second.image;
}

void TileRenderer::request(const std::vector<TileKey>& keys)
{
    {
        std::lock_guard lock(shared_.mutex);
        shared_.queue.clear();
        for (const TileKey& key : keys) {
            if (cache_.count(key) || failed_.count(key) || shared_.taken.count(key) || !shared_.layers.count(key.layer))
                continue;
            shared_.queue.push_back(key);
        }
        if (shared_.queue.empty())
            return;
    }
    shared_.wake.notify_one();
}

void TileRenderer::cancelRequests()
{
    std::lock_guard lock(shared_.mutex);
    shared_.queue.clear();
}

std::size_t TileRenderer::queuedRequests() const
{
    std::lock_guard lock(const_cast<std::mutex&>(shared_.mutex));
    return shared_.queue.size();
}

void TileRenderer::setCacheCapacity(std::size_t bytes)
{
    capacity_ = bytes;
    evictOverCapacity();
}

void TileRenderer::run()
{
    for (;;) {
        TileKey key;
        LayerEntry layer;
        {
            std::unique_lock lock(shared_.mutex);
            shared_.wake.wait(lock, [this] { return shared_.stop || !shared_.queue.empty(); });
            if (shared_.stop)
                return;
            key = shared_.queue.front();
            shared_.queue.pop_front();
            auto found = shared_.layers.find(key.layer);
            if (found == shared_.layers.end())
                continue;
            layer = found->second;
            shared_.taken.insert(key);
        }
        const double span = TileRenderer::tileSize * MapView::resolutionOf(key.level);
        const LayerFrameTransform& t = layer.transform;
        const geo::PixelWindow window {
            key.x * span * t.scaleX + t.offsetX, key.y * span * t.scaleY + t.offsetY, span * t.scaleX, span * t.scaleY};
        QImage image(tileSize, tileSize, QImage::Format_RGBA8888);
        auto rendered = layer.renderer->render(
            window, tileSize, tileSize, image.bits(), static_cast<std::size_t>(image.bytesPerLine()));
        const bool failed = !rendered.ok();
        if (failed) {
            spdlog::warn(
                "map tile (level {}, {}, {}) not drawn: {}", key.level, key.x, key.y, rendered.error().message());
            image = QImage();
        } else {
            // Premultiplied once here so that painting in the GUI thread is a plain blend.
            image.convertTo(QImage::Format_RGBA8888_Premultiplied);
        }
        layer = LayerEntry {}; // a removed layer's renderer closes here, in its own thread
        QMetaObject::invokeMethod(
            this, [this, key, image, failed] { deliver(key, image, failed); }, Qt::QueuedConnection);
    }
}

void TileRenderer::deliver(const TileKey& key, const QImage& image, bool failed)
{
    bool known = false;
    {
        std::lock_guard lock(shared_.mutex);
        shared_.taken.erase(key);
        known = shared_.layers.count(key.layer) > 0;
    }
    if (!known) // removed while rendering
        return;
    ++rendered_;
    if (failed) {
        failed_.insert(key);
        return;
    }
    insert(key, image);
    emit tileReady(key);
}

void TileRenderer::insert(const TileKey& key, QImage image)
{
    auto found = cache_.find(key);
    if (found != cache_.end()) {
        bytes_ -= static_cast<std::size_t>(found->second.image.sizeInBytes());
        lru_.erase(found->second.position);
        cache_.erase(found);
    }
    bytes_ += static_cast<std::size_t>(image.sizeInBytes());
    lru_.push_front(key);
    cache_.emplace(key, CacheEntry {std::move(image), lru_.begin()});
    evictOverCapacity();
}

void TileRenderer::evictOverCapacity()
{
    while (bytes_ > capacity_ && !lru_.empty()) {
        auto entry = cache_.find(lru_.back());
        bytes_ -= static_cast<std::size_t>(entry->second.image.sizeInBytes());
        cache_.erase(entry);
        lru_.pop_back();
    }
}

} // namespace refermap::ui
