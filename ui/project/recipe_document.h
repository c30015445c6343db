#pragma once
// The recipe the window edits: one JSON document shared by the Models, Tune and Run pages, saved as a project file
// (the recipe and the window's state) and run by the same core pipeline as `tinyforge-cli run`.

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

namespace tinyforge::ui {

class RecipeDocument : public QObject {
    Q_OBJECT
public:
    explicit RecipeDocument(QObject* parent = nullptr);

    /// The recipe as JSON (paths absolute, so it runs from anywhere).
    const nlohmann::json& recipe() const { return m_recipe; }
    /// The value at a dotted path ("distill.temperature", "prune.final_sparsity"), or `fallback` when it is unset.
    nlohmann::json value(const std::string& path, const nlohmann::json& fallback = nullptr) const;
    /// Sets the value at a dotted path, creating objects on the way; emits changed() when it differs.
    void setValue(const std::string& path, const nlohmann::json& value);
    /// Removes the value (and so the section, for a top-level name like "prune").
    void remove(const std::string& path);
    /// Replaces the whole recipe (a new project, or the bundled example); the project is then unmodified.
    void reset(nlohmann::json recipe);
    /// Replaces the whole recipe as an edit (the JSON view): the project keeps its file and is modified.
    void replace(nlohmann::json recipe);

    /// The bundled Iris example (resources/recipes/iris-distill.json) with its paths made absolute.
    static nlohmann::json bundledIrisRecipe();

    /// Saves {"recipe": ..., "ui": ui} to `file` atomically; throws tinyforge::Error naming the file.
    void save(const QString& file, const nlohmann::json& ui);
    /// Reads a project file; returns its "ui" part. Throws tinyforge::Error naming the file and what is wrong; the
    /// document is unchanged then.
    nlohmann::json open(const QString& file);

    QString file() const { return m_file; }
    bool isModified() const { return m_modified; }

signals:
    void changed();
    void modifiedChanged(bool modified);

private:
    void setModified(bool modified);

    nlohmann::json m_recipe;
    QString m_file;
    bool m_modified = false;
};

}  // namespace tinyforge::ui
