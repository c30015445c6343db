#include "core/recipe/recipe_schema.h"

#include <sstream>
#include <stdexcept>

#include "core/compress/compression_settings.h"
#include "core/data/load_options.h"
#include "core/models/architecture.h"
#include "core/train/train_settings.h"

namespace tinyforge::core::recipe {

namespace {

using nlohmann::json;
using K = FieldKind;
constexpr double kBig = 9.007199254740992e15;  // 2^53: the largest whole number a JSON reader keeps exactly

std::vector<SectionSpec> buildSections() {
    // Defaults come from the engine's own structs, so the table and the engine cannot disagree.
    const train::TrainSettings t;
    const train::DistillSettings d;
    const data::LoadOptions l;
    const compress::SparsitySchedule s;
    const compress::ChannelPruneSettings ch;
    const compress::ClusterSettings cl;
    const compress::QuantizeSettings q;
    std::vector<std::string> archs;
    for (const auto& a : models::architectures()) archs.push_back(a.id);
    const std::string curve = "s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^e for t0 <= t <= t0 + n dt";
    const std::string affine = "q = clamp(round(x / scale) + zero_point, qmin, qmax); x = scale (q - zero_point)";
    const std::string phaseTrain = "fine-tuning of this phase: the run's train section with its own epochs and a smaller lr";
    return {
        {"", "A recipe: everything a run needs, read by the window and by tinyforge-cli run",
         {{.key = "name", .kind = K::Text, .fallback = "run", .doc = "run name: letters, digits, -, _ and . (not first); the default run folder is runs/<name>"},
          {.key = "seed", .kind = K::Integer, .fallback = 42, .min = 0, .max = kBig, .doc = "seed of weight initialisation and shuffling"},
          {.key = "threads", .kind = K::Integer, .fallback = 0, .min = 0, .max = 1024, .unit = "threads",
           .doc = "LibTorch intra-op threads; 0 = the machine's cores"},
          {.key = "seeds", .kind = K::Integer, .fallback = 1, .min = 1, .max = 100, .unit = "runs",
           .doc = "repeat the run under this many seeds (seed, seed + 1, ...), in parallel within the cores, and aggregate them"},
          {.key = "dataset", .kind = K::Section, .doc = "the dataset", .required = true, .section = "dataset"},
          {.key = "train", .kind = K::Section, .doc = "training settings shared by every model", .section = "train"},
          {.key = "teacher", .kind = K::Section, .doc = "the teacher, or a list of teachers whose logits are averaged", .section = "model"},
          {.key = "student", .kind = K::Section, .doc = "the student", .required = true, .section = "model"},
          {.key = "distill", .kind = K::Section, .doc = "distillation from the teacher", .section = "distill"},
          {.key = "baseline", .kind = K::Section, .doc = "baselines trained beside the distilled student", .section = "baseline"},
          {.key = "prune_channels", .kind = K::Section, .doc = "filter / channel pruning: a narrower dense network", .section = "prune_channels"},
          {.key = "prune", .kind = K::Section, .doc = "gradual magnitude pruning (Zhu and Gupta 2017)", .section = "prune"},
          {.key = "cluster", .kind = K::Section, .doc = "k-means weight clustering with shared weights (Deep Compression)", .section = "cluster"},
          {.key = "quantize", .kind = K::Section, .doc = "int8 or n-bit quantization", .section = "quantize"},
          {.key = "export", .kind = K::Section, .doc = "exports written at the end of the run", .section = "export"}}},
        {"dataset", "Where the data is and how it is split",
         {{.key = "path", .kind = K::Path, .doc = "file or folder (CSV, IDX, CIFAR binary, image folder)", .required = true},
          {.key = "format", .kind = K::Text, .fallback = l.format, .doc = "format id (csv, idx, cifar10, cifar100, folder), or auto"},
          {.key = "val_fraction", .kind = K::Number, .fallback = l.valFraction, .min = 0, .max = 0.95, .unit = "fraction of 1",
           .doc = "share of each class's training samples held out for validation"},
          {.key = "test_fraction", .kind = K::Number, .fallback = l.testFraction, .min = 0, .max = 0.95, .unit = "fraction of 1",
           .doc = "share held out for testing (formats without an official test split)"},
          {.key = "train_fraction", .kind = K::Number, .fallback = l.trainFraction, .min = 0, .max = 1, .minExclusive = true, .unit = "fraction of 1",
           .doc = "a label budget: the share of each class's remaining training samples trained on (validation and test unchanged)"},
          {.key = "split_seed", .kind = K::Integer, .fallback = l.seed, .min = 0, .max = kBig, .doc = "seed of the stratified split"},
          {.key = "augment", .kind = K::Flag, .fallback = l.augment, .doc = "random crop with padding and horizontal flip (images)"},
          {.key = "label_column", .kind = K::Text, .fallback = l.labelColumn, .doc = "CSV: the label column's header; empty = the last column"},
          {.key = "cifar100_labels", .kind = K::Choice, .fallback = l.cifar100Labels, .choices = {"fine", "coarse"},
           .doc = "CIFAR-100: 100 fine classes or 20 coarse superclasses"},
          {.key = "width", .kind = K::Integer, .fallback = l.imageWidth, .min = 1, .max = 1024, .unit = "pixels", .doc = "image folders: resize to this width"},
          {.key = "height", .kind = K::Integer, .fallback = l.imageHeight, .min = 1, .max = 1024, .unit = "pixels", .doc = "image folders: resize to this height"},
          {.key = "channels", .kind = K::Integer, .fallback = l.imageChannels, .min = 0, .max = 3, .unit = "channels",
           .doc = "image folders: 1 grayscale, 3 colour, 0 = as the first image (2 is refused)"}}},
        {"train", "How a model is trained; a model's or a phase's own train section overrides these",
         {{.key = "optimizer", .kind = K::Choice, .fallback = t.optimizer, .choices = {"sgd", "adam"}, .doc = "optimiser (sgd has momentum)"},
          {.key = "lr", .kind = K::Number, .fallback = t.learningRate, .min = 0, .max = 10, .minExclusive = true, .doc = "learning rate"},
          {.key = "momentum", .kind = K::Number, .fallback = t.momentum, .min = 0, .max = 1, .doc = "SGD momentum"},
          {.key = "weight_decay", .kind = K::Number, .fallback = t.weightDecay, .min = 0, .max = 1, .doc = "L2 weight decay"},
          {.key = "schedule", .kind = K::Choice, .fallback = t.schedule, .choices = {"constant", "cosine", "step"}, .doc = "learning-rate schedule",
           .formula = "cosine: lr (1 + cos(pi e / E)) / 2; step: lr gamma^floor(e / step_epochs)"},
          {.key = "step_epochs", .kind = K::Integer, .fallback = t.stepEpochs, .min = 1, .max = 100000, .unit = "epochs", .doc = "step schedule: epochs per step"},
          {.key = "step_gamma", .kind = K::Number, .fallback = t.stepGamma, .min = 0, .max = 1, .minExclusive = true, .doc = "step schedule: factor per step"},
          {.key = "batch_size", .kind = K::Integer, .fallback = t.batchSize, .min = 1, .max = 65536, .unit = "samples", .doc = "mini-batch size"},
          {.key = "epochs", .kind = K::Integer, .fallback = t.epochs, .min = 0, .max = 100000, .unit = "epochs", .doc = "passes over the training split"},
          {.key = "early_stop_patience", .kind = K::Integer, .fallback = t.earlyStopPatience, .min = 0, .max = 100000, .unit = "epochs",
           .doc = "stop after this many epochs without a better validation accuracy; 0 = never"}}},
        {"model", "A teacher or the student: a built-in architecture with its options, or a TorchScript file",
         {{.key = "arch", .kind = K::Choice, .choices = archs, .doc = "built-in architecture (give arch or torchscript)"},
          {.key = "torchscript", .kind = K::Path, .doc = "a model saved with torch.jit.save (give arch or torchscript)"},
          {.key = "train", .kind = K::Section, .doc = "this model's own training settings", .section = "train"},
          {.key = "hidden", .kind = K::IntegerList, .min = 1, .max = 65536, .unit = "units", .doc = "mlp, cnn-small: widths of the dense hidden layers"},
          {.key = "channels", .kind = K::IntegerList, .min = 1, .max = 65536, .unit = "channels",
           .doc = "cnn-small, resnet8, resnet20: channels per stage; ds-cnn: one whole number"},
          {.key = "pool", .kind = K::Choice, .fallback = "max", .choices = {"max", "avg"}, .doc = "lenet5, cnn-small: 2x2 pooling between stages"},
          {.key = "width", .kind = K::Number, .fallback = 1.0, .min = 0, .max = 4, .minExclusive = true, .doc = "mobilenet-v1: width multiplier"},
          {.key = "blocks", .kind = K::Integer, .fallback = 4, .min = 1, .max = 32, .unit = "blocks", .doc = "ds-cnn: depthwise-separable blocks"}}},
        {"distill", "Hinton's knowledge distillation from the teacher",
         {{.key = "enabled", .kind = K::Flag, .fallback = d.enabled, .doc = "distil (off: the student learns from labels alone)"},
          {.key = "temperature", .kind = K::Number, .fallback = d.temperature, .min = 0, .max = 1000, .minExclusive = true,
           .doc = "temperature T of the softened softmax", .formula = "p_i = exp(z_i / T) / sum_j exp(z_j / T)"},
          {.key = "alpha", .kind = K::Number, .fallback = d.alpha, .min = 0, .max = 1, .doc = "weight of the soft (teacher) term",
           .formula = "kl: alpha T^2 KL(teacher_T || student_T) + (1 - alpha) H(labels, student_1)"},
          {.key = "loss", .kind = K::Choice, .fallback = d.loss, .choices = {"kl", "sum"}, .doc = "kl: weighted and T^2-scaled; sum: unweighted",
           .formula = "sum: H(teacher_T, student_T) + H(labels, student_1)"}}},
        {"baseline", "Models trained beside the distilled student for comparison",
         {{.key = "student_scratch", .kind = K::Flag, .fallback = false, .doc = "also train the student from labels alone"}}},
        {"prune", "Gradual magnitude pruning on a polynomial sparsity curve (Zhu and Gupta 2017)",
         {{.key = "enabled", .kind = K::Flag, .fallback = true, .doc = "prune (a present section is on unless this is false)"},
          {.key = "final_sparsity", .kind = K::Number, .fallback = s.final, .min = 0, .max = 0.999, .unit = "fraction of 1",
           .doc = "final sparsity s_f", .formula = curve},
          {.key = "initial_sparsity", .kind = K::Number, .fallback = s.initial, .min = 0, .max = 0.999, .unit = "fraction of 1",
           .doc = "initial sparsity s_i (at most s_f)", .formula = curve},
          {.key = "begin_step", .kind = K::Integer, .fallback = s.begin, .min = 0, .max = kBig, .unit = "steps", .doc = "first pruning step t0", .formula = curve},
          {.key = "interval", .kind = K::Integer, .fallback = s.interval, .min = 1, .max = kBig, .unit = "steps", .doc = "steps between mask updates dt",
           .formula = curve},
          {.key = "updates", .kind = K::Integer, .fallback = s.count, .min = 1, .max = 1000000, .unit = "updates", .doc = "number of mask updates n",
           .formula = curve},
          {.key = "exponent", .kind = K::Number, .fallback = s.exponent, .min = 0, .max = 100, .minExclusive = true, .doc = "curve exponent e (3 in Zhu and Gupta)",
           .formula = curve},
          {.key = "scope", .kind = K::Choice, .fallback = "layer", .choices = {"layer", "global"}, .doc = "one magnitude threshold per layer, or one over all"},
          {.key = "exclude", .kind = K::TextList, .doc = "layers left dense"},
          {.key = "layers", .kind = K::NumberMap, .min = 0, .max = 0.999, .unit = "fraction of 1", .doc = "a layer's own final sparsity"},
          {.key = "joint", .kind = K::Flag, .fallback = false, .doc = "prune a fresh student while distilling it, instead of in a phase after"},
          {.key = "train", .kind = K::Section, .doc = phaseTrain + " (default 5 epochs, lr / 10)", .section = "train"}}},
        {"prune_channels", "Filter / channel pruning: removes whole channels, leaving a narrower dense network",
         {{.key = "enabled", .kind = K::Flag, .fallback = true, .doc = "prune channels (a present section is on unless this is false)"},
          {.key = "norm", .kind = K::Choice, .fallback = ch.norm, .choices = {"l1", "l2"}, .doc = "norm of each filter's weights that ranks it"},
          {.key = "ratio", .kind = K::Number, .fallback = ch.ratio, .min = 0, .max = 0.99, .unit = "fraction of 1", .doc = "share of each layer's channels removed"},
          {.key = "layers", .kind = K::NumberMap, .min = 0, .max = 0.99, .unit = "fraction of 1", .doc = "a layer's own ratio"},
          {.key = "exclude", .kind = K::TextList, .doc = "layers kept at full width"},
          {.key = "train", .kind = K::Section, .doc = phaseTrain + " (default 5 epochs, lr / 10)", .section = "train"}}},
        {"cluster", "k-means weight clustering: each layer's weights share k values (Deep Compression)",
         {{.key = "enabled", .kind = K::Flag, .fallback = true, .doc = "cluster (a present section is on unless this is false)"},
          {.key = "clusters", .kind = K::Integer, .fallback = cl.clusters, .min = 2, .max = 256, .unit = "clusters", .doc = "k shared values per layer",
           .formula = "k-means minimises sum_j sum_(w in C_j) (w - c_j)^2"},
          {.key = "init", .kind = K::Choice, .fallback = cl.init, .choices = {"linear", "random", "density", "kmeans++"},
           .doc = "centroid initialisation: evenly from min to max, k random weights, quantiles (j + 1/2) / k, or k-means++"},
          {.key = "exclude", .kind = K::TextList, .doc = "layers not clustered"},
          {.key = "layers", .kind = K::NumberMap, .min = 2, .max = 256, .unit = "clusters", .doc = "a layer's own k (whole numbers)"},
          {.key = "huffman", .kind = K::Flag, .fallback = false, .doc = "count Huffman-coded cluster indices in the deployed size"},
          {.key = "train", .kind = K::Section, .doc = phaseTrain + " (default 3 epochs, lr / 100)", .section = "train"}}},
        {"quantize", "Quantization: symmetric per-channel weights, affine per-tensor activations",
         {{.key = "enabled", .kind = K::Flag, .fallback = true, .doc = "quantize (a present section is on unless this is false)"},
          {.key = "mode", .kind = K::Choice, .fallback = q.mode, .choices = {"ptq", "qat"},
           .doc = "ptq: calibrate and round; qat: fine-tune through fake quantization first"},
          {.key = "weight_bits", .kind = K::Integer, .fallback = q.weightBits, .min = 2, .max = 8, .unit = "bits", .doc = "weight width",
           .formula = "symmetric: qmax = 2^(b-1) - 1; " + affine},
          {.key = "activation_bits", .kind = K::Integer, .fallback = q.activationBits, .min = 2, .max = 8, .unit = "bits", .doc = "activation width",
           .formula = affine},
          {.key = "calibration", .kind = K::Choice, .fallback = q.calibration, .choices = {"minmax", "percentile"}, .doc = "activation range calibration"},
          {.key = "percentile", .kind = K::Number, .fallback = q.percentile, .min = 50, .max = 100, .unit = "percent",
           .doc = "percentile calibration: share of each activation the range covers"},
          {.key = "calibration_samples", .kind = K::Integer, .fallback = q.calibrationSamples, .min = 1, .max = 1000000, .unit = "samples",
           .doc = "training samples used to calibrate"},
          {.key = "noise", .kind = K::Number, .fallback = q.noise, .min = 0, .max = 1, .unit = "fraction of 1",
           .doc = "QAT quantization noise (Fan et al. 2020): share of weight blocks quantized per pass; 0 = all"},
          {.key = "train", .kind = K::Section, .doc = phaseTrain + " (default 2 epochs, lr / 100)", .section = "train"}}},
        {"export", "Exports written when the run ends",
         {{.key = "formats", .kind = K::TextList, .choices = {"c", "torchscript", "onnx"}, .doc = "formats to write (c needs a quantize section)"},
          {.key = "prefix", .kind = K::Text, .fallback = "tf_model", .doc = "prefix of the generated C API"},
          {.key = "weights", .kind = K::Choice, .fallback = "smallest", .choices = {"smallest", "dense"},
           .doc = "C: each layer's smallest encoding, or plain int8 (fastest, most flash)"},
          {.key = "flash_budget", .kind = K::Integer, .min = 1, .max = kBig, .unit = "bytes",
           .doc = "C: bytes the model's constant data may take; each layer gets the fastest encoding within them (instead of weights)"},
          {.key = "softmax", .kind = K::Flag, .fallback = false, .doc = "C: end the model in an int8 softmax"}}},
    };
}

// A Markdown table cell: pipes would split it, angle brackets would read as HTML.
std::string cell(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += "\\|";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

std::string numberText(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

std::string rangeText(const FieldSpec& f) {
    const bool hasMin = f.min > -std::numeric_limits<double>::infinity(), hasMax = f.max < std::numeric_limits<double>::infinity();
    if (!hasMin && !hasMax) return "";
    if (f.max >= kBig) return (f.minExclusive ? "> " : ">= ") + numberText(f.min);
    return std::string(f.minExclusive ? "(" : "[") + numberText(f.min) + ", " + numberText(f.max) + "]";
}

json fieldSchema(const FieldSpec& f) {
    json s;
    const auto bounds = [&](json& target) {
        if (f.min > -std::numeric_limits<double>::infinity()) target[f.minExclusive ? "exclusiveMinimum" : "minimum"] = f.min;
        if (f.max < std::numeric_limits<double>::infinity() && f.max < kBig) target["maximum"] = f.max;
    };
    switch (f.kind) {
    case K::Number: s = {{"type", "number"}}; bounds(s); break;
    case K::Integer: s = {{"type", "integer"}}; bounds(s); break;
    case K::Flag: s = {{"type", "boolean"}}; break;
    case K::Text: case K::Path: s = {{"type", "string"}}; break;
    case K::Choice: s = {{"enum", f.choices}}; break;
    case K::TextList: {
        json item{{"type", "string"}};
        if (!f.choices.empty()) item = {{"enum", f.choices}};
        s = {{"type", "array"}, {"items", item}};
        break;
    }
    case K::IntegerList: {
        json item{{"type", "integer"}};
        bounds(item);
        // ds-cnn takes one width where the others take one per stage
        s = {{"anyOf", json::array({{{"type", "array"}, {"items", item}, {"minItems", 1}}, item})}};
        break;
    }
    case K::NumberMap: {
        json item{{"type", "number"}};
        bounds(item);
        s = {{"type", "object"}, {"additionalProperties", item}};
        break;
    }
    case K::Section: s = {{"$ref", "#/$defs/" + f.section}}; break;
    }
    if (!f.fallback.is_null()) s["default"] = f.fallback;
    s["description"] = f.tooltip();
    return s;
}

json sectionSchema(const SectionSpec& section) {
    json properties = json::object(), required = json::array();
    for (const auto& f : section.fields) {
        properties[f.key] = fieldSchema(f);
        if (f.required) required.push_back(f.key);
    }
    json s{{"type", "object"}, {"description", section.doc}, {"properties", properties}, {"additionalProperties", false}};
    if (!required.empty()) s["required"] = required;
    return s;
}

// A model section takes arch or torchscript, and only the options its architecture accepts.
json modelSchema(const SectionSpec& section) {
    json s = sectionSchema(section);
    s["oneOf"] = json::array({{{"required", {"arch"}}}, {{"required", {"torchscript"}}}});
    json perArch = json::array();
    for (const auto& a : models::architectures()) {
        json names = json::array({"arch", "train"});
        for (const auto& option : a.options) names.push_back(option);
        perArch.push_back({{"if", {{"properties", {{"arch", {{"const", a.id}}}}}, {"required", {"arch"}}}},
                           {"then", {{"propertyNames", {{"enum", names}}}}}});
    }
    perArch.push_back({{"if", {{"required", {"torchscript"}}}}, {"then", {{"propertyNames", {{"enum", {"torchscript", "train"}}}}}}});
    s["allOf"] = perArch;
    return s;
}

}  // namespace

std::string FieldSpec::tooltip() const {
    std::string text = doc;
    std::string detail;
    if (kind == K::Choice || (kind == K::TextList && !choices.empty())) {
        for (const auto& c : choices) detail += (detail.empty() ? "one of: " : ", ") + c;
    } else {
        detail = rangeText(*this);
    }
    if (!unit.empty()) detail += (detail.empty() ? "" : " ") + unit;
    if (!detail.empty()) text += "; " + detail;
    if (!formula.empty()) text += ". " + formula;
    return text;
}

const FieldSpec* SectionSpec::find(std::string_view key) const {
    for (const auto& f : fields) {
        if (f.key == key) return &f;
    }
    return nullptr;
}

const std::vector<SectionSpec>& recipeSections() {
    static const std::vector<SectionSpec> sections = buildSections();
    return sections;
}

const SectionSpec& recipeSection(std::string_view name) {
    for (const auto& s : recipeSections()) {
        if (s.name == name) return s;
    }
    throw std::out_of_range("no recipe section '" + std::string(name) + "'");
}

const FieldSpec* recipeField(std::string_view dottedPath) {
    const SectionSpec* section = &recipeSection("");
    const FieldSpec* found = nullptr;
    std::size_t start = 0;
    while (start <= dottedPath.size()) {
        const auto dot = dottedPath.find('.', start);
        const auto key = dottedPath.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        start = dot == std::string_view::npos ? dottedPath.size() + 1 : dot + 1;
        if (found && found->kind == K::Section && !key.empty() && key.find_first_not_of("0123456789") == std::string_view::npos) {
            continue;  // teacher.0.hidden: an ensemble member is a model section too
        }
        if (!section) return nullptr;
        found = section->find(key);
        if (!found) return nullptr;
        section = found->kind == K::Section ? &recipeSection(found->section) : nullptr;
    }
    return found;
}

json recipeJsonSchema() {
    json defs = json::object();
    for (const auto& section : recipeSections()) {
        if (section.name.empty()) continue;
        defs[section.name] = section.name == "model" ? modelSchema(section) : sectionSchema(section);
    }
    json top = sectionSchema(recipeSection(""));
    // The teacher may be one model or an ensemble of them.
    top["properties"]["teacher"] = {{"description", top["properties"]["teacher"]["description"]},
                                    {"anyOf", json::array({{{"$ref", "#/$defs/model"}},
                                                           {{"type", "array"}, {"items", {{"$ref", "#/$defs/model"}}}, {"minItems", 1}}})}};
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    top["$id"] = "https://tinyforge.invalid/schema/recipe.json";
    top["title"] = "TinyForge recipe";
    top["$defs"] = defs;
    return top;
}

std::string recipeMarkdown() {
    std::string out;
    for (const auto& section : recipeSections()) {
        out += "## " + (section.name.empty() ? std::string("Top level") : "`" + section.name + "`") + "\n\n" + cell(section.doc) + ".\n\n";
        out += "| field | type | default | range or values | unit | what it does |\n| --- | --- | --- | --- | --- | --- |\n";
        for (const auto& f : section.fields) {
            static const char* kinds[] = {"number", "integer", "true/false", "text", "path", "choice", "list of text", "list of integers",
                                          "{layer: number}", "section"};
            std::string values = f.kind == K::Choice || f.kind == K::TextList ? "" : rangeText(f);
            for (const auto& c : f.choices) values += (values.empty() ? "" : ", ") + c;
            std::string kind = kinds[static_cast<int>(f.kind)];
            if (f.kind == K::Section) kind = "[`" + f.section + "`](#" + f.section + ")";
            std::string fallback = f.required ? "required" : f.fallback.is_null() ? "" : f.fallback.dump();
            std::string doc = f.doc;
            if (!f.formula.empty()) doc += "; " + f.formula;
            out += "| `" + f.key + "` | " + kind + " | " + cell(fallback) + " | " + cell(values) + " | " + f.unit + " | " + cell(doc) + " |\n";
        }
        out += "\n";
    }
    return out;
}

}  // namespace tinyforge::core::recipe
