//! The figures as spreadsheet (XLSX) and as CSV. Both hold the key figures under their
//! machine names (as in the CLI's JSON) and every table, so they agree with the
//! dashboard by construction.

use nazorg_domain::evaluation::{Cell, Table};
use rust_xlsxwriter::{Format, Workbook};

use crate::ReportError;

/// A key figure: machine name, Dutch description, value (`None`: not applicable).
pub type KeyFigure = (&'static str, &'static str, Option<f64>);

/// The workbook: a sheet "Kerncijfers" (name, description, value) and one sheet per table.
pub fn xlsx(heading: &str, keys: &[KeyFigure], tables: &[Table]) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Kerncijfers")?;
    sheet.write_string_with_format(0, 0, heading, &bold)?;
    sheet.write_string_with_format(1, 0, "kengetal", &bold)?;
    sheet.write_string_with_format(1, 1, "omschrijving", &bold)?;
    sheet.write_string_with_format(1, 2, "waarde", &bold)?;
    for (i, (key, label, value)) in keys.iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_string(row, 0, *key)?;
        sheet.write_string(row, 1, *label)?;
        match value {
            Some(v) => sheet.write_number(row, 2, *v)?,
            None => sheet.write_string(row, 2, "n.v.t.")?,
        };
    }
    sheet.set_column_width(0, 48)?;
    sheet.set_column_width(1, 46)?;
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.id)?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        for (c, column) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, column, &bold)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                match (cell, cell.number()) {
                    (Cell::Text(t), _) => sheet.write_string(r, c, t)?,
                    (_, Some(v)) => sheet.write_number(r, c, v)?,
                    (_, None) => sheet.write_string(r, c, "n.v.t.")?,
                };
            }
        }
        sheet.set_column_width(0, 46)?;
    }
    Ok(book.save_to_buffer()?)
}

/// A number the Dutch way for a spreadsheet: decimal comma, no grouping.
fn number(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

/// The CSV: semicolon-separated with a byte-order mark (Dutch Excel opens it as is),
/// columns `tabel;onderdeel;kolom;waarde`; the key figures come first as table
/// "kerncijfers" with their machine name as `onderdeel`.
pub fn csv(keys: &[KeyFigure], tables: &[Table]) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let err = |e: csv::Error| ReportError::Csv(e.to_string());
        w.write_record(["tabel", "onderdeel", "kolom", "waarde"])
            .map_err(err)?;
        for (key, label, value) in keys {
            let value = value.map(number).unwrap_or_else(|| "n.v.t.".into());
            w.write_record(["kerncijfers", key, label, &value])
                .map_err(err)?;
        }
        for table in tables {
            for row in &table.rows {
                let name = row.first().map(|c| c.display()).unwrap_or_default();
                for (c, cell) in row.iter().enumerate().skip(1) {
                    let column = table.columns.get(c).map(String::as_str).unwrap_or("");
                    let value = match (cell, cell.number()) {
                        (Cell::Text(t), _) => t.clone(),
                        (_, Some(v)) => number(v),
                        (_, None) => "n.v.t.".into(),
                    };
                    w.write_record([table.id, name.as_str(), column, value.as_str()])
                        .map_err(err)?;
                }
            }
        }
        w.flush().map_err(|e| ReportError::Csv(e.to_string()))?;
    }
    Ok(out)
}

/// Rows as CSV for a download (semicolon, BOM); cells that a spreadsheet would run as a
/// formula get a leading apostrophe.
pub fn rows_csv(columns: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let err = |e: csv::Error| ReportError::Csv(e.to_string());
        w.write_record(columns).map_err(err)?;
        for row in rows {
            let safe: Vec<String> = row
                .iter()
                .map(|c| {
                    if c.starts_with(['=', '+', '-', '@']) {
                        format!("'{c}")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            w.write_record(&safe).map_err(err)?;
        }
        w.flush().map_err(|e| ReportError::Csv(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_uses_semicolons_and_decimal_commas() {
        let keys = [
            ("reach", "Bereik", Some(0.875)),
            ("eligible", "Doelgroep", Some(8.0)),
        ];
        let bytes = csv(&keys, &[]).expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("kerncijfers;reach;Bereik;0,875\n"));
        assert!(text.contains("kerncijfers;eligible;Doelgroep;8\n"));
    }

    #[test]
    fn a_workbook_is_made() {
        let bytes = xlsx("Monitor", &[("reach", "Bereik", None)], &[]).expect("xlsx");
        assert!(bytes.starts_with(b"PK"));
    }
}
