#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace tinyforge::ui {

namespace {

Theme g_current = Theme::System;

QPalette darkPalette() {
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6), disabled(0x80, 0x80, 0x80);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x8a, 0x80));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x40, 0x40));
    p.setColor(QPalette::Mid, QColor(0x5a, 0x5a, 0x5a));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x1e, 0x88, 0xe5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x64, 0xb5, 0xf6));
    p.setColor(QPalette::LinkVisited, QColor(0xba, 0x68, 0xc8));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

// The palette the application started with: what "system" goes back to.
const QPalette& systemPalette() {
    static const QPalette palette = QApplication::palette();
    return palette;
}

}  // namespace

QString themeName(Theme theme) {
    switch (theme) {
        case Theme::Light: return QStringLiteral("light");
        case Theme::Dark: return QStringLiteral("dark");
        case Theme::System: break;
    }
    return QStringLiteral("system");
}

std::optional<Theme> themeFromName(const QString& name) {
    for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark}) {
        if (name.compare(themeName(theme), Qt::CaseInsensitive) == 0) return theme;
    }
    return std::nullopt;
}

void applyTheme(Theme theme) {
    (void)systemPalette();  // remembered before the first change
    if (theme != Theme::System) QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    switch (theme) {
        case Theme::Dark: QApplication::setPalette(darkPalette()); break;
        case Theme::Light: QApplication::setPalette(QApplication::style()->standardPalette()); break;
        case Theme::System: QApplication::setPalette(systemPalette()); break;
    }
    g_current = theme;
}

Theme currentTheme() { return g_current; }

Theme savedTheme() { return themeFromName(QSettings().value(QStringLiteral("ui/theme")).toString()).value_or(Theme::System); }

void saveTheme(Theme theme) { QSettings().setValue(QStringLiteral("ui/theme"), themeName(theme)); }

}  // namespace tinyforge::ui
