#pragma once
// Weight clustering with shared weights (Han et al. 2016) as a training hook: each layer's non-zero weights are
// replaced by the nearest of k centroids found by 1-D k-means; fine-tuning then trains the centroids, each by the
// sum of its members' gradients. Pruned zeros belong to no cluster and stay zero. Internal to core.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "core/compress/compressible_layers.h"
#include "core/compress/compression_settings.h"
#include "core/train/train_hook.h"

namespace tinyforge::core::compress {

struct ClusteredLayer {
    CompressibleLayer layer;
    at::Tensor positions;  ///< flat indices of the clustered (non-zero) weights
    at::Tensor labels;     ///< cluster of each, int64
    at::Tensor centroids;  ///< float [k], trained in place of the weights
    double wcss = 0;       ///< of the initial k-means
};

class Clusterer final : public train::TrainHook {
public:
    /// Clusters every compressible layer not excluded; the model's weights are set to their centroids at once.
    Clusterer(const models::Model& model, const ClusterSettings& settings, std::uint64_t seed);

    void replaceParameters(std::vector<at::Tensor>& parameters) override;  ///< weights out, centroids in
    void afterBackward() override;  ///< centroid gradient = sum of its members' gradients
    void afterStep() override;      ///< weights = their centroids again
    std::vector<at::Tensor> stateTensors() override;  ///< the trained centroids, in layer order

    /// Writes the centroids back into the weights (zeros untouched).
    void project();
    /// Replaces every layer's centroids by `transform(layer)` (quantization of the codebook) and projects.
    void transformCentroids(const std::function<at::Tensor(const ClusteredLayer&)>& transform);

    const std::vector<ClusteredLayer>& layers() const { return layers_; }
    /// The cluster count of a layer, or 0 when it is not clustered.
    int clustersOf(const std::string& layerName) const;

private:
    std::vector<ClusteredLayer> layers_;
};

}  // namespace tinyforge::core::compress
