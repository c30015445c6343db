#include "core/pipeline/run_folder_guard.h"

#include <set>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/io/sha256.h"

namespace tinyforge::core::pipeline {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kModelsFile = "models.json";

// Written by whoever launched the run (a repeat's or a sweep's parent) before the run itself starts.
bool isLauncherFile(const fs::path& entry) {
    const auto name = entry.filename().string();
    return name == "run.log" || name == "status.json";
}

std::vector<fs::path> runEntries(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!isLauncherFile(entry.path())) out.push_back(entry.path());
    }
    if (ec) throw SettingsError(dir.string() + ": cannot list the run folder: " + ec.message());
    return out;
}

std::string shortJson(const json& value) {
    if (value.is_null()) return "(none)";
    auto text = value.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return text;
}

void collectDifferences(const json& a, const json& b, const std::string& path, std::vector<std::string>& out, int depth) {
    if (a == b) return;
    if (a.is_object() && b.is_object() && depth < io::kMaxJsonDepth) {
        std::set<std::string> keys;
        for (const auto& [k, v] : a.items()) keys.insert(k);
        for (const auto& [k, v] : b.items()) keys.insert(k);
        for (const auto& k : keys) {
            const json none;
            collectDifferences(a.contains(k) ? a.at(k) : none, b.contains(k) ? b.at(k) : none, path.empty() ? k : path + "." + k, out, depth + 1);
        }
        return;
    }
    out.push_back((path.empty() ? std::string("(recipe)") : path) + ": " + shortJson(a) + " -> " + shortJson(b));
}

json readModels(const fs::path& dir) {
    const auto file = dir / kModelsFile;
    if (!fs::exists(file)) return json::object();
    auto models = io::readJsonFile(file);
    if (!models.is_object()) throw DataError(file, "", "expected an object of model name -> recipe key");
    return models;
}

}  // namespace

json runIdentity(const json& resolvedRecipe) {
    if (!resolvedRecipe.is_object()) return resolvedRecipe;
    json identity = resolvedRecipe;
    for (const char* key : {"threads", "seeds", "export"}) identity.erase(key);
    return identity;
}

std::string recipeKey(const json& resolvedRecipe) {
    return io::sha256Hex("tinyforge-run-recipe\n" + runIdentity(resolvedRecipe).dump());
}

std::string describeDifferences(const json& before, const json& after, std::size_t limit) {
    std::vector<std::string> lines;
    collectDifferences(before, after, "", lines, 0);
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < limit; ++i) out += (i ? "; " : "") + lines[i];
    if (lines.size() > limit) out += "; ... (" + std::to_string(lines.size() - limit) + " more)";
    return out;
}

bool holdsRun(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "recipe.json", ec) || fs::exists(dir / "summary.json", ec) || fs::exists(dir / "checkpoints", ec);
}

void prepareRunFolder(const fs::path& dir, const json& resolvedRecipe, FolderUse use) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw SettingsError(dir.string() + ": is a file, not a run folder");
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) throw SettingsError(dir.string() + ": cannot create the run folder: " + ec.message());
        return;
    }
    const auto entries = runEntries(dir);
    if (entries.empty()) return;
    const std::string folder = dir.string();
    switch (use) {
    case FolderUse::Fresh:
        throw SettingsError(folder + ": the folder is not empty" + (holdsRun(dir) ? " (it holds another run)" : "") +
                            "; --resume continues the run it holds, --force clears it first, or choose another --out");
    case FolderUse::Force:
        if (!holdsRun(dir)) {
            throw SettingsError(folder + ": --force clears only run folders (recipe.json, summary.json or checkpoints/), and this one holds other files");
        }
        for (const auto& entry : entries) {
            fs::remove_all(entry, ec);
            if (ec) throw SettingsError(entry.string() + ": cannot remove: " + ec.message());
        }
        return;
    case FolderUse::Resume: {
        const auto stored = dir / "recipe.json";
        if (!fs::is_regular_file(stored)) {
            throw SettingsError(folder + ": --resume needs a run folder (recipe.json), and this one holds other files");
        }
        const json before = io::readJsonFile(stored);
        if (runIdentity(before) != runIdentity(resolvedRecipe)) {
            throw SettingsError(folder + ": holds a run of a different recipe, so --resume would mix two runs (" +
                                describeDifferences(runIdentity(before), runIdentity(resolvedRecipe)) +
                                "); run without --resume into another folder, or --force to start again here");
        }
        return;
    }
    }
}

void recordModelSource(const fs::path& dir, const std::string& name, const std::string& key) {
    json models = readModels(dir);
    models[name] = key;
    const auto text = models.dump(2) + "\n";
    io::writeFileAtomically(dir / kModelsFile, text.data(), text.size());
}

void checkModelSource(const fs::path& dir, const std::string& name, const std::string& key) {
    if (!fs::exists(dir / kModelsFile)) return;
    const json models = readModels(dir);
    const fs::path model = dir / (name + ".pt");
    if (!models.contains(name)) {
        throw DataError(model, "", "is not listed in " + std::string(kModelsFile) + ", so it was left by another run; run the recipe again (--force)");
    }
    if (!models.at(name).is_string() || models.at(name).get<std::string>() != key) {
        throw DataError(model, "", "was written by a run of another recipe than this folder's recipe.json (a stale model); run the recipe again (--force)");
    }
}

}  // namespace tinyforge::core::pipeline
