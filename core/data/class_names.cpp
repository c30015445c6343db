#include "core/data/class_names.h"

#include <algorithm>
#include <sstream>

namespace tinyforge::core::data {

bool looksLikeFashionMnist(const std::filesystem::path& folder) {
    std::string text = std::filesystem::absolute(folder).string();
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    return text.find("fashion") != std::string::npos;
}

std::vector<std::string> mnistClassNames(const std::filesystem::path& folder, std::int64_t count) {
    static const std::vector<std::string> garments{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    if (count > 10) return numberedClassNames(count);
    if (looksLikeFashionMnist(folder)) return garments;
    std::vector<std::string> digits;
    for (int d = 0; d < 10; ++d) digits.push_back(std::to_string(d));
    return digits;
}

std::vector<std::string> cifar10ClassNames() {
    return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
}

std::vector<std::string> readNameList(const std::string& text) {
    std::vector<std::string> names;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        if (line.find_first_not_of(" \t") != std::string::npos) names.push_back(line);
    }
    return names;
}

std::vector<std::string> numberedClassNames(std::int64_t count) {
    std::vector<std::string> names;
    for (std::int64_t k = 0; k < count; ++k) names.push_back("class " + std::to_string(k));
    return names;
}

}  // namespace tinyforge::core::data
