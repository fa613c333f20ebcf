#pragma once

#include "common/result.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
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
// started afresh. A torn last record (power loss, kill -9) is ignored. One thread.
class RunJournal {
public:
    // Opens the journal at `path` when it exists with the same fingerprint (reading its index), else
    // starts a new, empty one there.
    static Result<RunJournal> open(const std::filesystem::path& path, const std::string& fingerprint);

    RunJournal(RunJournal&& other) noexcept;
    RunJournal& operator=(RunJournal&& other) noexcept;
    ~RunJournal();

    // The number of tiles the journal already holds (those a resumed run skips).
    std::size_t size() const { return index_.size(); }
    bool contains(int column, int row) const { return index_.count({column, row}) != 0; }
    // The stored probabilities of a tile, dequantised.
    Result<std::vector<float>> read(int column, int row);
    // Appends a finished tile and flushes it to disk.
    Result<void> append(int column, int row, const std::vector<float>& probabilities);
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
    std::FILE* file_ = nullptr;
    std::map<std::pair<int, int>, Record> index_;
};

} // namespace refermap::engine
