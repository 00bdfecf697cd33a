//! Plotting helpers shared by `sigmoid plot` and `sigmoid explain`: the bundled
//! font, PNG or SVG output chosen by the file extension, and two chart kinds
//! (lines over a linear or logarithmic y axis, and grouped bars).
//!
//! Text is laid out with DejaVu Sans, bundled in `assets/fonts/` and compiled
//! in, so drawing needs no font from the system.

use std::fmt::Display;
use std::path::Path;
use std::sync::Once;

use anyhow::{Context, Result, anyhow, bail};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

/// The font every chart uses, under plotters' default family name.
const FONT_FAMILY: &str = "sans-serif";
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// The colours of the series, one per activation or function.
pub const BLUE: RGBColor = RGBColor(31, 119, 180);
pub const ORANGE: RGBColor = RGBColor(230, 115, 0);
pub const GREEN: RGBColor = RGBColor(44, 160, 44);
pub const RED: RGBColor = RGBColor(214, 39, 40);
pub const GRAY: RGBColor = RGBColor(110, 110, 110);

/// Pixel size of every figure (SVG user units for SVG).
pub const SIZE: (u32, u32) = (1000, 620);

/// Figures are drawn at this many times their size, so that curves are not
/// snapped to whole pixels (plotters' backends take integer coordinates):
/// a PNG is then averaged down to [`SIZE`] (which also smooths edges), and
/// an SVG keeps the larger coordinates under a `viewBox` with [`SIZE`]'s
/// width and height.
pub const SUPERSAMPLE: u32 = 4;

/// A length in output pixels, in drawing coordinates.
fn px(v: i32) -> i32 {
    v * SUPERSAMPLE as i32
}

/// A line width in output pixels, in drawing coordinates.
fn line_width(v: u32) -> u32 {
    v * SUPERSAMPLE
}

/// A font size in output pixels, in drawing coordinates.
fn font(size: i32) -> (&'static str, i32) {
    (FONT_FAMILY, px(size))
}

const DRAW_SIZE: (u32, u32) = (SIZE.0 * SUPERSAMPLE, SIZE.1 * SUPERSAMPLE);

/// Registers the bundled font with plotters, once per process.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font, checked by a unit test.
        let _ = register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS);
    });
}

/// The image formats, chosen by the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.png`
    Png,
    /// `.svg`
    Svg,
}

impl Format {
    /// The format of `path` from its extension (`.png` or `.svg`, any case).
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            Some(other) => bail!(
                "{}: unknown image extension `.{other}` (use .png or .svg)",
                path.display()
            ),
            None => bail!("{}: no file extension (use .png or .svg)", path.display()),
        }
    }
}

/// Something that draws itself on a drawing area of any backend.
pub trait Figure {
    /// Draws the figure on `root`, which is already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Converts plotters' drawing errors (not `'static`) into `anyhow` errors.
pub trait Drawn<T> {
    /// The result with the error described in words.
    fn drawn(self) -> Result<T>;
}

impl<T, E: Display> Drawn<T> for std::result::Result<T, E> {
    fn drawn(self) -> Result<T> {
        self.map_err(|e| anyhow!("drawing failed: {e}"))
    }
}

/// Draws `figure` into `path`, PNG or SVG by its extension.
///
/// # Errors
/// An unknown extension, a path that cannot be written, or a drawing failure,
/// each as one line naming the path.
pub fn save<F: Figure>(path: &Path, figure: &F) -> Result<()> {
    let format = Format::from_path(path)?;
    crate::output::check_writable("--out", path)?;
    let bytes = render(format, figure)?;
    crate::output::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The figure as the bytes of a PNG or SVG file.
///
/// # Errors
/// A drawing or encoding failure.
pub fn render<F: Figure>(format: Format, figure: &F) -> Result<Vec<u8>> {
    register_fonts();
    match format {
        Format::Png => {
            let (w, h) = DRAW_SIZE;
            let mut big = vec![0_u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut big, DRAW_SIZE).into_drawing_area();
                root.fill(&WHITE).drawn()?;
                figure.draw(&root)?;
                root.present().drawn()?;
            }
            encode_png(&downsample(&big))
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, DRAW_SIZE).into_drawing_area();
                root.fill(&WHITE).drawn()?;
                figure.draw(&root)?;
                root.present().drawn()?;
            }
            // Shown at SIZE; the coordinates stay in DRAW_SIZE via the viewBox.
            let drawn = format!(r#"width="{}" height="{}""#, DRAW_SIZE.0, DRAW_SIZE.1);
            let shown = format!(r#"width="{}" height="{}""#, SIZE.0, SIZE.1);
            if !svg.contains(&drawn) {
                bail!("drawing failed: unexpected SVG header");
            }
            Ok(svg.replacen(&drawn, &shown, 1).into_bytes())
        }
    }
}

/// Averages each SUPERSAMPLE × SUPERSAMPLE block of an RGB image of
/// DRAW_SIZE into one pixel of SIZE.
fn downsample(big: &[u8]) -> Vec<u8> {
    let (w, h) = (SIZE.0 as usize, SIZE.1 as usize);
    let s = SUPERSAMPLE as usize;
    let stride = w * s * 3;
    let mut out = vec![0_u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0_u32;
                for dy in 0..s {
                    let row = (y * s + dy) * stride;
                    for dx in 0..s {
                        sum += u32::from(big[row + (x * s + dx) * 3 + c]);
                    }
                }
                let n = (s * s) as u32;
                out[(y * w + x) * 3 + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().context("encoding the PNG")?;
        writer.write_image_data(rgb).context("encoding the PNG")?;
    }
    Ok(bytes)
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A solid line.
    Line,
    /// A solid line with a dot at each point.
    LineMarkers,
    /// Dots only.
    Markers,
}

/// One labelled series of a [`LineChart`].
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    pub color: RGBColor,
    pub style: Style,
    pub points: Vec<(f64, f64)>,
    /// An optional shaded band around the line: (x, low, high).
    pub band: Vec<(f64, f64, f64)>,
}

impl Series {
    pub fn new(label: impl Into<String>, color: RGBColor, style: Style) -> Series {
        Series {
            label: label.into(),
            color,
            style,
            points: Vec::new(),
            band: Vec::new(),
        }
    }

    pub fn points(mut self, points: Vec<(f64, f64)>) -> Series {
        self.points = points;
        self
    }

    pub fn band(mut self, band: Vec<(f64, f64, f64)>) -> Series {
        self.band = band;
        self
    }
}

/// A shaded vertical strip x0 ≤ x ≤ x1 with a legend entry.
#[derive(Clone, Debug)]
pub struct Strip {
    pub label: String,
    pub color: RGBColor,
    pub x0: f64,
    pub x1: f64,
}

/// A chart of lines with labelled axes, a legend, optional shaded strips and
/// horizontal reference lines; the y axis may be logarithmic.
#[derive(Clone, Debug)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub log_y: bool,
    /// Label x ticks as integers (layer numbers).
    pub integer_x: bool,
    pub series: Vec<Series>,
    pub strips: Vec<Strip>,
    pub hlines: Vec<f64>,
    pub legend_position: SeriesLabelPosition,
}

impl LineChart {
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        LineChart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            log_y: false,
            integer_x: false,
            series: Vec::new(),
            strips: Vec::new(),
            hlines: Vec::new(),
            legend_position: SeriesLabelPosition::UpperLeft,
        }
    }

    /// Sets the ranges to the data's bounds with a margin (the log range in decades).
    pub fn fit_ranges(&mut self) {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let (x0, x1) = bounds(xs);
        let ys = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
        });
        let (y0, y1) = if self.log_y {
            bounds(ys.filter(|y| *y > 0.0))
        } else {
            bounds(ys)
        };
        self.x_range = if x1 > x0 {
            let pad = (x1 - x0) * 0.03;
            (x0 - pad, x1 + pad)
        } else {
            (x0 - 1.0, x0 + 1.0)
        };
        self.y_range = if self.log_y {
            let lo = 10f64.powf(y0.max(f64::MIN_POSITIVE).log10().floor());
            let hi = 10f64.powf(y1.max(lo).log10().ceil());
            if hi > lo { (lo, hi) } else { (lo, lo * 10.0) }
        } else {
            let pad = ((y1 - y0) * 0.08).max(1e-9);
            (y0 - pad, y1 + pad)
        };
    }

    fn draw_on<'a, DB, Y>(
        &self,
        mut chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    ) -> Result<()>
    where
        DB: DrawingBackend + 'a,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let x_fmt = |v: &f64| {
            if self.integer_x {
                if (v - v.round()).abs() < 1e-9 {
                    format!("{}", v.round() as i64)
                } else {
                    String::new()
                }
            } else {
                format_tick(*v)
            }
        };
        let y_fmt = |v: &f64| {
            if self.log_y {
                format!("{v:.0e}")
            } else {
                format_tick(*v)
            }
        };
        let x_ticks = if self.integer_x {
            (self.x_range.1 - self.x_range.0).round() as usize + 1
        } else {
            12
        };
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_labels(x_ticks)
            .y_labels(10)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .axis_desc_style(font(20))
            .label_style(font(16))
            .light_line_style(RGBColor(235, 235, 235).stroke_width(line_width(1)))
            .bold_line_style(RGBColor(215, 215, 215).stroke_width(line_width(1)))
            .axis_style(BLACK.stroke_width(line_width(1)))
            .set_all_tick_mark_size(px(5))
            .draw()
            .drawn()?;
        let (y_lo, y_hi) = self.y_range;
        for strip in &self.strips {
            let color = strip.color;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(strip.x0, y_lo), (strip.x1, y_hi)],
                    color.mix(0.18).filled(),
                )))
                .drawn()?
                .label(strip.label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new(
                        [(x, y - px(6)), (x + px(20), y + px(6))],
                        color.mix(0.35).filled(),
                    )
                });
        }
        for &h in &self.hlines {
            chart
                .draw_series(LineSeries::new(
                    [(self.x_range.0, h), (self.x_range.1, h)],
                    GRAY.mix(0.7).stroke_width(line_width(1)),
                ))
                .drawn()?;
        }
        for series in &self.series {
            let color = series.color;
            if !series.band.is_empty() {
                let mut polygon: Vec<(f64, f64)> = series.band.iter().map(|b| (b.0, b.2)).collect();
                polygon.extend(series.band.iter().rev().map(|b| (b.0, b.1)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        polygon,
                        color.mix(0.15).filled(),
                    )))
                    .drawn()?;
            }
            let points = series.points.iter().copied();
            let annotation = match series.style {
                // Segment by segment: plotters' thick polylines can draw a
                // stray spike at a sharp turn (seen in zigzag.png).
                Style::Line | Style::LineMarkers => chart
                    .draw_series(series.points.windows(2).map(|pair| {
                        PathElement::new(pair.to_vec(), color.stroke_width(line_width(3)))
                    }))
                    .drawn()?,
                Style::Markers => chart
                    .draw_series(points.map(|p| Circle::new(p, px(7), color.filled())))
                    .drawn()?,
            };
            if !series.label.is_empty() {
                annotation
                    .label(series.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(
                            vec![(x, y), (x + px(20), y)],
                            color.stroke_width(line_width(3)),
                        )
                    });
            }
            if series.style == Style::LineMarkers {
                chart
                    .draw_series(
                        series
                            .points
                            .iter()
                            .map(|&p| Circle::new(p, px(4), color.filled())),
                    )
                    .drawn()?;
            }
        }
        chart
            .configure_series_labels()
            .position(self.legend_position.clone())
            .label_font(font(17))
            .margin(px(5))
            .legend_area_size(px(30))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180).stroke_width(line_width(1)))
            .draw()
            .drawn()?;
        Ok(())
    }
}

impl Figure for LineChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(self.title.as_str(), font(24))
            .margin(px(18))
            .x_label_area_size(px(55))
            .y_label_area_size(px(80));
        let x = self.x_range.0..self.x_range.1;
        let y = self.y_range.0..self.y_range.1;
        if self.log_y {
            let chart = builder.build_cartesian_2d(x, y.log_scale()).drawn()?;
            self.draw_on(chart)
        } else {
            let chart = builder.build_cartesian_2d(x, y).drawn()?;
            self.draw_on(chart)
        }
    }
}

/// Grouped bars: one group per category, one bar per series in each group.
#[derive(Clone, Debug)]
pub struct BarChart {
    pub title: String,
    pub y_label: String,
    pub categories: Vec<String>,
    /// (label, colour, one value per category).
    pub series: Vec<(String, RGBColor, Vec<f64>)>,
    /// Horizontal reference lines with a legend label.
    pub hlines: Vec<(f64, String)>,
}

impl Figure for BarChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let n = self.categories.len().max(1);
        let max = self
            .series
            .iter()
            .flat_map(|s| s.2.iter().copied())
            .chain(self.hlines.iter().map(|h| h.0))
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let y_hi = if max > 0.0 { max * 1.15 } else { 1.0 };
        let mut chart = ChartBuilder::on(root)
            .caption(self.title.as_str(), font(24))
            .margin(px(18))
            .x_label_area_size(px(55))
            .y_label_area_size(px(80))
            .build_cartesian_2d(0.0..n as f64, 0.0..y_hi)
            .drawn()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(self.y_label.as_str())
            .x_labels(0)
            .y_label_formatter(&|v: &f64| format_tick(*v))
            .axis_desc_style(font(20))
            .label_style(font(17))
            .light_line_style(RGBColor(235, 235, 235).stroke_width(line_width(1)))
            .bold_line_style(RGBColor(215, 215, 215).stroke_width(line_width(1)))
            .axis_style(BLACK.stroke_width(line_width(1)))
            .set_all_tick_mark_size(px(5))
            .draw()
            .drawn()?;
        let groups = self.series.len().max(1) as f64;
        let width = 0.8 / groups;
        for (k, (label, color, values)) in self.series.iter().enumerate() {
            let color = *color;
            let bars = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(i, &v)| {
                    let x0 = i as f64 + 0.1 + k as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width * 0.92, v)], color.filled())
                });
            chart
                .draw_series(bars)
                .drawn()?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - px(6)), (x + px(20), y + px(6))], color.filled())
                });
            let texts = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(i, &v)| {
                    let x = i as f64 + 0.1 + (k as f64 + 0.1) * width;
                    Text::new(format!("{v:.2}"), (x, v + y_hi * 0.035), font(15))
                });
            chart.draw_series(texts).drawn()?;
        }
        // Category names under the axis, centred on their group.
        let style = TextStyle::from(font(18).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        for (i, name) in self.categories.iter().enumerate() {
            let (bx, by) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            root.draw(&Text::new(name.as_str(), (bx, by + px(10)), style.clone()))
                .drawn()?;
        }
        for (value, label) in &self.hlines {
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, *value), (n as f64, *value)],
                    px(8),
                    px(6),
                    GRAY.stroke_width(line_width(2)),
                ))
                .drawn()?
                .label(label.as_str())
                .legend(|(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + px(20), y)],
                        GRAY.stroke_width(line_width(2)),
                    )
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(font(17))
            .margin(px(5))
            .legend_area_size(px(30))
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180).stroke_width(line_width(1)))
            .draw()
            .drawn()?;
        Ok(())
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// A tick label: few digits, no trailing noise (0.30000000000000004 → 0.3).
pub fn format_tick(v: f64) -> String {
    // Ticks computed as sums can miss zero by a rounding error.
    if v.abs() < 1e-12 {
        return "0".to_owned();
    }
    let magnitude = v.abs();
    if !(1e-3..1e5).contains(&magnitude) {
        return format!("{v:.1e}");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_parses() {
        assert!(register_font("test-font", FontStyle::Normal, DEJAVU_SANS).is_ok());
    }

    #[test]
    fn format_by_extension() {
        assert_eq!(Format::from_path(Path::new("a.png")).unwrap(), Format::Png);
        assert_eq!(Format::from_path(Path::new("a.SVG")).unwrap(), Format::Svg);
        assert!(Format::from_path(Path::new("a.jpg")).is_err());
        assert!(Format::from_path(Path::new("a")).is_err());
    }

    #[test]
    fn tick_labels() {
        assert_eq!(format_tick(0.30000000000000004), "0.3");
        assert_eq!(format_tick(-2.0), "-2");
        assert_eq!(format_tick(0.0), "0");
    }
}
