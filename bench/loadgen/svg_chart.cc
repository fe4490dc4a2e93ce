#include "svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace foyer {
namespace bench {

namespace {

constexpr double kWidth = 760, kHeight = 440;
constexpr double kLeft = 70, kRight = 150, kTop = 40, kBottom = 60;
constexpr const char* kColours[] = {"#d1495b", "#00798c", "#8f8f8f", "#edae49"};

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string LatencyCdfSvg(const std::map<std::string, std::vector<int64_t>>& series,
                          const std::string& title) {
  // Time axis: decades from the smallest to the largest latency (ms).
  double low = 1e9, high = 0;
  std::map<std::string, std::vector<int64_t>> sorted;
  for (const auto& [name, values] : series) {
    if (values.empty()) continue;
    std::vector<int64_t> copy = values;
    std::sort(copy.begin(), copy.end());
    low = std::min(low, std::max(1.0, static_cast<double>(copy.front())) / 1e6);
    high = std::max(high, static_cast<double>(copy.back()) / 1e6);
    sorted[name] = std::move(copy);
  }
  if (sorted.empty()) low = 0.01, high = 1;
  const double decade_low = std::floor(std::log10(low));
  const double decade_high = std::max(decade_low + 1, std::ceil(std::log10(high)));
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](double ms) {
    return kLeft + (std::log10(std::max(ms, 1e-6)) - decade_low) / (decade_high - decade_low) * plot_w;
  };
  auto y_of = [&](double fraction) { return kTop + (1 - fraction) * plot_h; };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << ' ' << kHeight << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"22\" font-size=\"15\">" << Escape(title) << "</text>\n";
  // Grid: decades (and 2x, 5x) on x, tenths on y, plus the p99 line.
  for (double decade = decade_low; decade <= decade_high; ++decade) {
    for (double step : {1.0, 2.0, 5.0}) {
      const double ms = step * std::pow(10, decade);
      const double x = x_of(ms);
      if (x > kLeft + plot_w + 0.5) continue;
      svg << "<line x1=\"" << Number(x) << "\" y1=\"" << kTop << "\" x2=\"" << Number(x) << "\" y2=\""
          << kTop + plot_h << "\" stroke=\"#e4e4e4\"/>\n";
      char label[32];
      std::snprintf(label, sizeof(label), ms < 1 ? "%.2g" : "%.0f", ms);
      svg << "<text x=\"" << Number(x) << "\" y=\"" << kTop + plot_h + 16
          << "\" text-anchor=\"middle\">" << label << "</text>\n";
    }
  }
  for (int tenth = 0; tenth <= 10; ++tenth) {
    const double y = y_of(tenth / 10.0);
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << Number(y) << "\" x2=\"" << kLeft + plot_w
        << "\" y2=\"" << Number(y) << "\" stroke=\"#e4e4e4\"/>\n"
        << "<text x=\"" << kLeft - 6 << "\" y=\"" << Number(y + 4) << "\" text-anchor=\"end\">"
        << tenth * 10 << "%</text>\n";
  }
  svg << "<line x1=\"" << kLeft << "\" y1=\"" << Number(y_of(0.99)) << "\" x2=\"" << kLeft + plot_w
      << "\" y2=\"" << Number(y_of(0.99)) << "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
      << "<text x=\"" << kLeft + plot_w + 4 << "\" y=\"" << Number(y_of(0.99) + 4)
      << "\" fill=\"#666\">p99</text>\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << plot_w << "\" height=\""
      << plot_h << "\" fill=\"none\" stroke=\"#444\"/>\n"
      << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 18
      << "\" text-anchor=\"middle\">delivery latency from the scheduled send time (ms, log scale)</text>\n"
      << "<text transform=\"translate(18 " << kTop + plot_h / 2
      << ") rotate(-90)\" text-anchor=\"middle\">messages delivered within</text>\n";
  int index = 0;
  for (const auto& [name, values] : sorted) {
    const char* colour = kColours[index % 4];
    svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
    const size_t points = std::min<size_t>(values.size(), 600);
    for (size_t i = 0; i < points; ++i) {
      const double fraction = (i + 1.0) / points;
      const size_t rank = std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()) - (fraction * values.size() >= 1 ? 1 : 0));
      svg << Number(x_of(values[rank] / 1e6)) << ',' << Number(y_of(fraction)) << ' ';
    }
    svg << "\"/>\n";
    const double legend_y = kTop + 20 + 22 * index;
    svg << "<line x1=\"" << kLeft + plot_w + 12 << "\" y1=\"" << legend_y << "\" x2=\""
        << kLeft + plot_w + 36 << "\" y2=\"" << legend_y << "\" stroke=\"" << colour
        << "\" stroke-width=\"3\"/>\n<text x=\"" << kLeft + plot_w + 42 << "\" y=\"" << legend_y + 4
        << "\">" << Escape(name) << " (" << values.size() << ")</text>\n";
    ++index;
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace bench
}  // namespace foyer
