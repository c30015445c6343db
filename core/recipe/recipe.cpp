#include "core/recipe/recipe.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/models/architecture.h"
#include "core/recipe/compression_sections.h"
#include "core/recipe/json_fields.h"
#include "core/recipe/recipe_schema.h"

namespace tinyforge::core::recipe {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string resolvePath(const std::string& value, const fs::path& base) {
    if (value.empty() || fs::path(value).is_absolute()) return value;
    return (base / value).lexically_normal().string();
}

data::LoadOptions parseDataset(JsonFields f, const fs::path& baseDir, json& resolved) {
    data::LoadOptions d;
    d.path = resolvePath(f.requiredText("path"), baseDir);
    resolved["path"] = d.path.string();
    d.format = f.text("format");
    d.valFraction = f.number("val_fraction");
    d.trainFraction = f.number("train_fraction");
    d.testFraction = f.number("test_fraction");
    d.seed = static_cast<std::uint64_t>(f.integer("split_seed"));
    d.augment = f.flag("augment");
    d.labelColumn = f.text("label_column");
    d.cifar100Labels = f.choice("cifar100_labels");
    d.imageWidth = static_cast<int>(f.integer("width"));
    d.imageHeight = static_cast<int>(f.integer("height"));
    d.imageChannels = static_cast<int>(f.integer("channels"));
    if (d.imageChannels == 2) f.fail("channels", "must be 0 (as the images), 1 or 3");
    f.rejectUnknown();
    return d;
}

}  // namespace

train::TrainSettings parseTrainSection(const json& value, const std::string& path, const std::string& file,
                                       train::TrainSettings t) {
    // `t` holds the defaults of this place (the run's train section, or a phase's), so each read keeps it as fallback.
    JsonFields f(value, path, file, "train");
    t.optimizer = f.choice("optimizer", t.optimizer);
    t.learningRate = f.number("lr", t.learningRate);
    t.momentum = f.number("momentum", t.momentum);
    t.weightDecay = f.number("weight_decay", t.weightDecay);
    t.schedule = f.choice("schedule", t.schedule);
    t.stepEpochs = static_cast<int>(f.integer("step_epochs", t.stepEpochs));
    t.stepGamma = f.number("step_gamma", t.stepGamma);
    t.batchSize = static_cast<int>(f.integer("batch_size", t.batchSize));
    t.epochs = static_cast<int>(f.integer("epochs", t.epochs));
    t.earlyStopPatience = static_cast<int>(f.integer("early_stop_patience", t.earlyStopPatience));
    f.rejectUnknown();
    return t;
}

namespace {

ModelRecipe parseModel(const json& value, const std::string& path, const std::string& file, const fs::path& baseDir,
                       const train::TrainSettings& defaults, json& resolved) {
    JsonFields f(value, path, file, "model");
    ModelRecipe m;
    m.spec.torchscript = resolvePath(f.text("torchscript"), baseDir);
    if (!m.spec.torchscript.empty()) resolved["torchscript"] = m.spec.torchscript;
    m.spec.arch = f.text("arch");
    if (m.spec.arch.empty() == m.spec.torchscript.empty()) f.fail("arch", "give either \"arch\" or \"torchscript\"");
    // A model trained elsewhere is used as it is unless the recipe asks to train it further.
    train::TrainSettings base = defaults;
    if (!m.spec.torchscript.empty()) base.epochs = 0;
    const json& train = f.object("train");
    m.train = train.is_null() ? base : parseTrainSection(train, path + ".train", file, base);
    // Every other key is an architecture option, which the architecture itself validates when built.
    for (const auto& [key, option] : value.items()) {
        if (key != "arch" && key != "torchscript" && key != "train") m.spec.options[key] = option;
    }
    if (!m.spec.arch.empty()) {
        models::checkArchitectureOptions(m.spec, file + ": " + path);
    } else if (!m.spec.options.empty()) {
        f.fail(m.spec.options.begin().key(), "unknown key for a TorchScript model (it takes torchscript, train)");
    }
    return m;
}

train::DistillSettings parseDistill(JsonFields f) {
    train::DistillSettings d;
    d.enabled = f.flag("enabled");
    d.temperature = f.number("temperature");
    d.alpha = f.number("alpha");
    d.loss = f.choice("loss");
    f.rejectUnknown();
    return d;
}

}  // namespace

Recipe parseRecipe(const json& input, const fs::path& file, const fs::path& baseDir) {
    const std::string fileName = file.empty() ? "recipe" : file.string();
    Recipe r;
    r.file = file;
    r.resolved = input;
    JsonFields top(input, "", fileName, "");
    r.name = top.text("name");
    // The name becomes the default run folder (runs/<name>): a path separator or "..", or a name a shell mangles, would
    // put the run somewhere else.
    const bool nameOk = !r.name.empty() && r.name.size() <= 100 && r.name.front() != '.' && r.name.front() != '-' &&
                        std::all_of(r.name.begin(), r.name.end(), [](char c) {
                            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                        });
    if (!nameOk) top.fail("name", "'" + r.name.substr(0, 100) + "' must be 1 to 100 letters, digits, '-', '_' or '.', not starting with '.' or '-' (it names the run folder)");
    r.seed = static_cast<std::uint64_t>(top.integer("seed"));
    r.threads = static_cast<int>(top.integer("threads"));
    r.seeds = static_cast<int>(top.integer("seeds"));

    const json& dataset = top.raw("dataset");
    if (dataset.is_null()) top.fail("dataset", "is required");
    r.dataset = parseDataset(JsonFields(dataset, "dataset", fileName, "dataset"), baseDir, r.resolved["dataset"]);

    const json& train = top.object("train");
    const auto defaults = train.is_null() ? train::TrainSettings{} : parseTrainSection(train, "train", fileName, {});

    const json& teacher = top.raw("teacher");
    if (teacher.is_array()) {
        if (teacher.empty()) top.fail("teacher", "an ensemble needs at least one teacher");
        for (std::size_t i = 0; i < teacher.size(); ++i) {
            r.teachers.push_back(parseModel(teacher[i], "teacher." + std::to_string(i), fileName, baseDir, defaults,
                                            r.resolved["teacher"][i]));
        }
    } else if (!teacher.is_null()) {
        r.teachers.push_back(parseModel(teacher, "teacher", fileName, baseDir, defaults, r.resolved["teacher"]));
    }

    const json& student = top.raw("student");
    if (student.is_null()) top.fail("student", "is required");
    r.student = parseModel(student, "student", fileName, baseDir, defaults, r.resolved["student"]);

    const json& distill = top.object("distill");
    if (!distill.is_null()) r.distill = parseDistill(JsonFields(distill, "distill", fileName, "distill"));
    if (r.teachers.empty()) r.distill.enabled = false;

    const json& baseline = top.object("baseline");
    if (!baseline.is_null()) {
        JsonFields b(baseline, "baseline", fileName, "baseline");
        r.studentScratch = b.flag("student_scratch");
        b.rejectUnknown();
    }
    r.compression = parseCompression(top, fileName, defaults);
    if (const json& exporting = top.object("export"); !exporting.is_null()) {
        JsonFields e(exporting, "export", fileName, "export");
        r.exportFormats = e.textList("formats");
        r.exportPrefix = e.text("prefix");
        r.exportDenseWeights = e.choice("weights") == "dense";
        if (e.has("flash_budget")) {
            if (e.has("weights")) e.fail("flash_budget", "give weights or flash_budget, not both: a budget picks each layer's encoding");
            r.exportFlashBudget = e.integer("flash_budget", 0);  // present: the table has no default
        }
        r.exportSoftmax = e.flag("softmax");
        e.rejectUnknown();
        const bool needsQuantized = std::find(r.exportFormats.begin(), r.exportFormats.end(), "c") != r.exportFormats.end();
        if (needsQuantized && !r.compression.quantize.enabled) {
            e.fail("formats", "the C export needs a quantized model: add a quantize section");
        }
    }
    if (r.compression.any() && !r.student.spec.torchscript.empty()) {
        throw RecipeError(fileName + ": student.torchscript: compression needs a built-in student architecture");
    }
    top.rejectUnknown();
    return r;
}

Recipe loadRecipe(const fs::path& file, const std::vector<std::string>& overrides) {
    json input;
    try {
        input = io::readJsonFile(file, 16 << 20);  // bounded size and nesting
    } catch (const DataError& e) {
        throw RecipeError(std::string(e.what()));
    }
    for (const auto& assignment : overrides) {
        try {
            applyOverride(input, assignment);
        } catch (const RecipeError& e) {
            throw RecipeError(file.string() + ": " + e.what());
        }
    }
    return parseRecipe(input, file, fs::absolute(file).parent_path());
}

void applyOverride(json& input, const std::string& assignment) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw RecipeError("--set " + assignment + ": expected key=value, e.g. distill.temperature=4");
    }
    const std::string path = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    // The field table decides how the text is read: names and paths stay strings (name=123 is the text "123"), a bare
    // word for a list is a list of one; numbers, flags and lists are read as JSON. The parser checks the result.
    const FieldSpec* field = recipeField(path);
    const FieldKind kind = field ? field->kind : FieldKind::Section;
    json value = json::parse(text, nullptr, false);
    const bool textual = kind == FieldKind::Text || kind == FieldKind::Path || kind == FieldKind::Choice;
    if (value.is_discarded() || (textual && !value.is_string())) value = text;  // a bare word such as cifar10 is a string
    if (kind == FieldKind::TextList && value.is_string()) value = json::array({value});
    if (kind == FieldKind::Path && !value.get<std::string>().empty()) value = resolvePath(value.get<std::string>(), fs::current_path());

    json* node = &input;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (key.empty()) throw RecipeError("--set " + assignment + ": empty key in '" + path + "'");
        const bool isIndex = node->is_array() && std::all_of(key.begin(), key.end(), ::isdigit);
        if (!isIndex && !node->is_object() && !node->is_null()) {
            throw RecipeError("--set " + path + ": '" + path.substr(0, start - 1) + "' is not an object");
        }
        if (isIndex && std::stoul(key) >= node->size()) {
            throw RecipeError("--set " + path + ": index " + key + " is past the end of the list");
        }
        json& child = isIndex ? node->at(std::stoul(key)) : (*node)[key];
        if (dot == std::string::npos) {
            child = value;
            return;
        }
        node = &child;
        start = dot + 1;
    }
}

}  // namespace tinyforge::core::recipe
