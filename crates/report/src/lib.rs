//! The documents of Nazorg's reports, made from the domain's figures: the evaluation as
//! PDF, the figures as XLSX and CSV, charts as accessible SVG. Pure: no I/O, bytes out.

pub mod pdf;
pub mod sheet;
pub mod svg;

/// A document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("Het spreadsheet kon niet worden gemaakt: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("Het CSV-bestand kon niet worden gemaakt: {0}")]
    Csv(String),
}
