#include "core/pipeline/run_files.h"

#include <cstdio>

#include "core/io/file_bytes.h"

namespace tinyforge::core::pipeline {

std::string historyCsv(const std::vector<train::EpochMetrics>& history) {
    std::string csv = "model,epoch,loss,soft_loss,hard_loss,train_accuracy,val_accuracy,learning_rate,"
                      "samples_per_second,seconds,sparsity,deployed_bytes\n";
    char row[512];
    for (const auto& m : history) {
        std::snprintf(row, sizeof row, "%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.8g,%.1f,%.3f,%.4f,%lld\n", m.model.c_str(),
                      m.epoch + 1, m.loss, m.softLoss, m.hardLoss, m.trainAccuracy, m.valAccuracy, m.learningRate,
                      m.samplesPerSecond, m.seconds, m.sparsity, static_cast<long long>(m.deployedBytes));
        csv += row;
    }
    return csv;
}

results::ModelResult modelSummary(const models::Model& model) {
    const auto stats = model.stats();
    results::ModelResult out;
    out.arch = model.arch();
    out.params = stats.params;
    out.bytes_fp32 = stats.bytesFp32;
    if (stats.macsKnown) out.macs = stats.macs;
    for (const auto& l : stats.layers) out.layers.push_back({l.name, l.type, l.outputShape, l.params, l.macs});
    return out;
}

void writeText(const std::filesystem::path& file, const std::string& text) {
    io::writeFileAtomically(file, text.data(), text.size());
}

}  // namespace tinyforge::core::pipeline
