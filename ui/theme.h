#pragma once
// Light and dark palettes for the whole studio (Fusion style), or the system's own. Charts follow the palette
// (ThemedPlot) and the pipeline's badges are redrawn with it, so a switch restyles everything without a restart.
// The choice is remembered (QSettings "ui/theme").

#include <QString>

#include <optional>

namespace tinyforge::ui {

enum class Theme { System, Light, Dark };

QString themeName(Theme theme);  ///< "system", "light", "dark"
std::optional<Theme> themeFromName(const QString& name);

/// Applies the theme to the running application. Call after the QApplication exists.
void applyTheme(Theme theme);
Theme currentTheme();

Theme savedTheme();
void saveTheme(Theme theme);

}  // namespace tinyforge::ui
