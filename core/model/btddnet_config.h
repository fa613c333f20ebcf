#pragma once

#include "common/result.h"

#include <string>
#include <vector>

namespace refermap::model {

// The Swin Transformer backbone (timm / torchvision v1 semantics).
struct SwinConfig {
    int patchSize = 4;
    int inChannels = 3;
    int embedDim = 128;
    std::vector<int> depths{2, 2, 18, 2};
    std::vector<int> heads{4, 8, 16, 32};
    int window = 12;
    double mlpRatio = 4.0;
    double dropPath = 0.3; // stochastic depth, linear in the block index; active in training only
    double layerNormEps = 1e-5;

    int stageChannels(int stage) const { return embedDim << stage; }
};

// The BERT text encoder (HuggingFace BertModel semantics, post-LN, exact GELU).
struct BertConfig {
    int vocabularySize = 30522;
    int hidden = 768;
    int layers = 12;
    int heads = 12;
    int intermediate = 3072;
    int maxPositions = 512;
    int typeVocabularySize = 2;
    double layerNormEps = 1e-12;
    double hiddenDropout = 0.1;
    double attentionDropout = 0.1;
};

// Every choice of BTDDNet that the paper leaves open, with MODEL.md's defaults. Serialised into
// every model file, so a file always says how it was built.
struct BtddnetConfig {
    SwinConfig swin;
    BertConfig bert;
    int stages = 4;       // Swin stages = BERT stages (BERT layers are split evenly)
    int decoderDim = 256; // D
    int maxTokens = 20;   // N
    int imageSize = 512;  // the network's input size for training and inference tiles
    std::vector<int> bscVisionKernels{1, 3, 5};
    std::vector<int> bscTextKernels{1, 2, 3};
    // "full": a k x k convolution over the unfolded neighbourhood (MODEL.md); "depthwise": a
    // cheaper depthwise k x k followed by the shared 1 x 1 projection.
    std::string bscNeighbourhood = "full";
    int mciLayers = 1;
    int mciHeads = 8;
    int backgroundTokens = 5;
    double foregroundWeight = 0.6; // lambda, on the foreground term of the cross-entropy
    double rephraseWeight = 0.1;   // eta
    // What the rephrase loss reconstructs (stop-gradient): "final_text" = L'_4 (MODEL.md loss
    // section), or "embeddings" = L'_0 (the shape table's reading).
    std::string rephraseTarget = "final_text";
    std::vector<double> imageMean{0.485, 0.456, 0.406};
    std::vector<double> imageStd{0.229, 0.224, 0.225};

    // The paper's network: Swin-B (window 12) + BERT-base.
    static BtddnetConfig base();
    // The same code at small sizes, for tests and the CPU demo.
    static BtddnetConfig tiny();

    int bertLayersPerStage() const { return bert.layers / stages; }

    // Checks every field and their consistency; errors name the key.
    Result<void> validate() const;
    std::string toJson() const;
    // Missing keys take the defaults above; unknown keys and wrong types are errors naming the key.
    static Result<BtddnetConfig> fromJson(const std::string& json);
};

} // namespace refermap::model
