#include "core/data/format_registry.h"

#include "core/data/builtin_formats.h"
#include "core/error.h"

namespace tinyforge::core::data {

const FormatRegistry& FormatRegistry::builtin() {
    static const FormatRegistry registry = [] {
        FormatRegistry r;
        r.add(makeCsvFormat());
        r.add(makeIdxFormat());
        r.add(makeCifar10Format());
        r.add(makeCifar100Format());
        r.add(makeFolderFormat());  // last: any folder of sub-folders with images matches it
        return r;
    }();
    return registry;
}

void FormatRegistry::add(std::unique_ptr<DatasetFormat> format) {
    const std::string id = format->id();
    if (id.empty() || id == "auto") throw SettingsError("dataset format id '" + id + "' is reserved");
    for (const auto& existing : formats_) {
        if (existing->id() == id) throw SettingsError("dataset format '" + id + "' is registered twice");
    }
    formats_.push_back(std::move(format));
}

const DatasetFormat& FormatRegistry::find(const std::string& id) const {
    for (const auto& format : formats_) {
        if (format->id() == id) return *format;
    }
    std::string known;
    for (const auto& name : ids()) known += ", " + name;
    throw SettingsError("unknown dataset format '" + id + "' (known: auto" + known + ")");
}

const DatasetFormat& FormatRegistry::detect(const std::filesystem::path& path) const {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw DataError(path, "", "no such file or folder");
    for (const auto& format : formats_) {
        if (format->detect(path)) return *format;
    }
    throw DataError(path, "", "cannot tell the dataset format: expected a .csv file, a folder of IDX files, "
                              "a CIFAR binary folder or .tar.gz, or a folder with one sub-folder of images per class");
}

std::vector<std::string> FormatRegistry::ids() const {
    std::vector<std::string> out;
    for (const auto& format : formats_) out.push_back(format->id());
    return out;
}

}  // namespace tinyforge::core::data
