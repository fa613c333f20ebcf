#pragma once

#include "common/result.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace refermap::engine {

// The record of a query run's finished tiles, kept beside its output so that rerunning the same
// command after an interruption continues where it stopped. Each finished tile's probabilities are
// appended (quantised to 16 bits, with a CRC) and flushed to disk; the blending and writing after the
// model are cheap and deterministic, so a resumed run replays the journal's tiles instead of running
// the model on them and produces the same mask bit for bit — provided every run, interrupted or not,
// passes its probabilities through quantise() (the query runner does).
//
// The journal's first line is a fingerprint of everything the result depends on (raster, model,
// query, tiling and band options); a journal with another fingerprint belongs to another run and is
// started afresh. A torn last record (power loss, kill -9) is ignored. Thread-safe: the query
// runner appends on a writer thread while its main thread replays journalled tiles.
class RunJournal {
public:
    // A finished tile's probabilities, as appended.
    struct TileRecord {
        int column = 0;
        int row = 0;
        std::vector<float> probabilities;
    };

    // Opens the journal at `path` when it exists with the same fingerprint (reading its index), else
    // starts a new, empty one there.
    static Result<RunJournal> open(const std::filesystem::path& path, const std::string& fingerprint);

    RunJournal(RunJournal&& other) noexcept;
    RunJournal& operator=(RunJournal&& other) noexcept;
    ~RunJournal();

    // The number of tiles the journal already holds (those a resumed run skips).
    std::size_t size() const;
    bool contains(int column, int row) const;
    // The stored probabilities of a tile, dequantised.
    Result<std::vector<float>> read(int column, int row);
    // Appends finished tiles and flushes them to disk together; they count as journalled (contains())
    // once they are on disk.
    Result<void> append(const std::vector<TileRecord>& tiles);
    // Deletes the journal (the run finished and its outputs are in place).
    Result<void> remove();

    const std::filesystem::path& path() const { return path_; }

    // What a tile's probabilities become after a trip through the journal: 16-bit quantisation.
    static void quantise(std::vector<float>& probabilities);

private:
    struct Record {
        long offset = 0; // of the samples
        std::uint32_t count = 0;
        std::uint32_t checksum = 0;
    };
    RunJournal(std::filesystem::path path, std::FILE* file, std::map<std::pair<int, int>, Record> index);

    std::filesystem::path path_;
    std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>(); // guards file_ and index_
    std::FILE* file_ = nullptr;
    std::map<std::pair<int, int>, Record> index_;
};

} // namespace refermap::engine
