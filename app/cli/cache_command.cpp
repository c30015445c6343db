#include "app/cli/cache_command.h"

#include <cstdio>
#include <ctime>

#include "app/cli/commands.h"
#include "core/error.h"

namespace tinyforge::cli {

namespace fs = std::filesystem;

void StageCacheFlags::addTo(CLI::App& command) {
    auto* dirOption = command.add_option("--cache", dir, "Stage cache folder: trained teachers and students reused across runs "
                                                         "(default: TINYFORGE_CACHE_DIR, else ~/.cache/tinyforge/stages)");
    command.add_flag("--no-cache", off, "Train every stage; neither read nor fill the stage cache")->excludes(dirOption);
}

std::optional<core::pipeline::StageCacheSettings> StageCacheFlags::settings() const {
    if (off) return std::nullopt;
    if (!dir.empty()) {
        auto s = core::pipeline::userStageCache().value_or(core::pipeline::StageCacheSettings{});
        s.dir = fs::absolute(dir);
        return s;
    }
    return core::pipeline::userStageCache();
}

std::vector<std::string> StageCacheFlags::arguments() const {
    if (off) return {"--no-cache"};
    if (!dir.empty()) return {"--cache", fs::absolute(dir).string()};
    return {};
}

namespace {

std::string megabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return text;
}

std::string localTime(fs::file_time_type time) {
    const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(time - fs::file_time_type::clock::now() +
                                                                                         std::chrono::system_clock::now());
    const std::time_t t = std::chrono::system_clock::to_time_t(system);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::localtime(&t));
    return text;
}

}  // namespace

void addCacheCommand(CLI::App& app, CommandAction& selected) {
    auto flags = std::make_shared<StageCacheFlags>();
    CLI::App* command = app.add_subcommand("cache", "List or clear the stage cache (trained teachers and students reused across runs)");
    command->require_subcommand(1);
    CLI::App* ls = command->add_subcommand("ls", "List the cached stages, most recently used first");
    CLI::App* clear = command->add_subcommand("clear", "Remove every cached stage");
    for (auto* sub : {ls, clear}) {
        sub->add_option("--cache", flags->dir, "Stage cache folder (default: TINYFORGE_CACHE_DIR, else ~/.cache/tinyforge/stages)");
    }
    const auto cacheOrFail = [flags] {
        const auto settings = flags->settings();
        if (!settings) throw SettingsError("no stage cache: TINYFORGE_CACHE is off and no --cache folder was given");
        return core::pipeline::StageCache(*settings);
    };
    ls->callback([&selected, cacheOrFail] {
        selected = [cacheOrFail] {
            const auto cache = cacheOrFail();
            const auto entries = cache.list();
            std::uint64_t total = 0;
            std::printf("%-14s %-16s %-14s %10s %12s  %s\n", "key", "stage", "arch", "size", "trained in", "last used");
            for (const auto& e : entries) {
                total += e.bytes;
                std::printf("%-14s %-16s %-14s %10s %10.1f s  %s\n", e.key.substr(0, 12).c_str(), e.stage.c_str(), e.arch.c_str(),
                            megabytes(e.bytes).c_str(), e.trainSeconds, localTime(e.lastUsed).c_str());
            }
            std::printf("%zu stages, %s of %s allowed, in %s\n", entries.size(), megabytes(total).c_str(),
                        megabytes(cache.settings().limitBytes).c_str(), cache.settings().dir.string().c_str());
            return 0;
        };
    });
    clear->callback([&selected, cacheOrFail] {
        selected = [cacheOrFail] {
            const auto cache = cacheOrFail();
            std::printf("freed %s in %s\n", megabytes(cache.clear()).c_str(), cache.settings().dir.string().c_str());
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
