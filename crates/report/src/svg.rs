//! Bar charts as SVG that a screen reader can announce: `role="img"` with a title and a
//! description, and the same numbers in the table beside it. Presentation attributes
//! only (no inline style), so the page's content security policy needs no exception.

use nazorg_domain::evaluation::Table;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of the table's chart column, or `None` when it has none.
pub fn bar_chart(table: &Table) -> Option<String> {
    let column = table.chart?;
    let bars: Vec<(String, Option<f64>, String)> = table
        .rows
        .iter()
        .map(|row| {
            let label = row.first().map(|c| c.display()).unwrap_or_default();
            let cell = row.get(column);
            (
                label,
                cell.and_then(|c| c.number()),
                cell.map(|c| c.display()).unwrap_or_default(),
            )
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let max = bars
        .iter()
        .filter_map(|(_, v, _)| *v)
        .fold(0.0_f64, f64::max);
    let (label_width, bar_width, row_height) = (250.0, 300.0, 26.0);
    let height = row_height * bars.len() as f64 + 8.0;
    let width = label_width + bar_width + 70.0;
    let id = table.id;
    let column_name = table.columns.get(column).cloned().unwrap_or_default();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" \
         aria-labelledby=\"chart-{id}-title chart-{id}-desc\">\
         <title id=\"chart-{id}-title\">{}</title>\
         <desc id=\"chart-{id}-desc\">Staafdiagram van ‘{}’. Dezelfde cijfers staan in de tabel.</desc>",
        escape(&table.title),
        escape(&column_name),
    );
    for (i, (label, value, shown)) in bars.iter().enumerate() {
        let y = 4.0 + row_height * i as f64;
        let length = match value {
            Some(v) if max > 0.0 => (v / max * bar_width).max(0.0),
            _ => 0.0,
        };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1a1a1a\">{}</text>\
             <rect x=\"{label_width}\" y=\"{}\" width=\"{length:.1}\" height=\"{}\" fill=\"#154273\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{}</text>",
            label_width - 8.0,
            y + 17.0,
            escape(label),
            y + 4.0,
            row_height - 8.0,
            label_width + length + 6.0,
            y + 17.0,
            escape(shown),
        ));
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nazorg_domain::evaluation::Cell;

    #[test]
    fn a_chart_has_a_title_a_description_and_one_bar_per_row() {
        let table = Table {
            id: "casusregie",
            title: "Licht & SKT".into(),
            columns: vec!["Casusregie".into(), "Aantal".into()],
            rows: vec![
                vec![Cell::Text("Licht".into()), Cell::Count(4)],
                vec![Cell::Text("SKT <2>".into()), Cell::Count(2)],
            ],
            chart: Some(1),
        };
        let svg = bar_chart(&table).expect("chart");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"chart-casusregie-title\">Licht &amp; SKT</title>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(
            svg.contains("width=\"300.0\""),
            "the largest bar is full width"
        );
        assert!(svg.contains("width=\"150.0\""));
        assert!(svg.contains("SKT &lt;2&gt;"));
        assert!(!svg.contains("style="));
    }
}
