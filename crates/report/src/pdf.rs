//! The evaluation as a PDF: A4, the standard Helvetica fonts (no font files to ship),
//! headings, paragraphs and tables, one bookmark per evaluation question, Dutch as the
//! document language. Written with `pdf-writer`; the layout (line breaking, tables,
//! page breaks) is ours and deliberately plain.

use nazorg_domain::evaluation::{Section, Table};
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const ITALIC: Name<'static> = Name(b"F3");

/// Glyph widths of Helvetica and Helvetica-Bold for ASCII 32–126, in 1/1000 em.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The letter a character is drawn like, for its width (é is as wide as e).
fn base_letter(c: char) -> char {
    match c {
        'à'..='å' => 'a',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'À'..='Å' => 'A',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ò'..='Ö' => 'O',
        'Ù'..='Ü' => 'U',
        '€' => '0',
        '–' => '-',
        '‘' | '’' => '\'',
        '“' | '”' => '"',
        c => c,
    }
}

fn width(text: &str, font: Name, size: f32) -> f32 {
    let table = if font == BOLD {
        &HELVETICA_BOLD
    } else {
        &HELVETICA
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            let c = base_letter(c) as u32;
            if (32..127).contains(&c) {
                u32::from(table[(c - 32) as usize])
            } else if c == '—' as u32 {
                1000
            } else {
                556
            }
        })
        .sum();
    units as f32 * size / 1000.0 * 1.02
}

/// Text in the fonts' WinAnsi encoding; what it cannot show becomes '?'.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

/// Breaks text into lines no wider than `max`.
fn wrap(text: &str, font: Name, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, font, size) > max && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts text to fit `max`, ending in "…".
fn fit(text: &str, font: Name, size: f32, max: f32) -> String {
    if width(text, font, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width(&format!("{out}{c}…"), font, size) > max {
            break;
        }
        out.push(c);
    }
    format!("{out}…")
}

/// Draws one line of text at (x, y) on `page`.
fn show(page: &mut Content, x: f32, y: f32, font: Name, size: f32, text: &str) {
    let bytes = win_ansi(text);
    page.begin_text();
    page.set_font(font, size);
    page.next_line(x, y);
    page.show(Str(&bytes));
    page.end_text();
}

struct Writer {
    pages: Vec<Content>,
    y: f32,
    /// Where each section starts: (page index, y).
    anchors: Vec<(usize, f32)>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pages: vec![Content::new()],
            y: HEIGHT - MARGIN,
            anchors: Vec::new(),
        }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn ensure(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Content::new());
            self.y = HEIGHT - MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, y: f32, font: Name, size: f32, text: &str) {
        show(self.page(), x, y, font, size, text);
    }

    fn paragraph(&mut self, text: &str, font: Name, size: f32, after: f32) {
        let leading = size * 1.4;
        for line in wrap(text, font, size, WIDTH - 2.0 * MARGIN) {
            self.ensure(leading);
            self.y -= leading;
            self.text_at(MARGIN, self.y, font, size, &line);
        }
        self.y -= after;
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, gray: f32) {
        let page = self.page();
        page.set_stroke_gray(gray);
        page.set_line_width(0.5);
        page.move_to(x1, y);
        page.line_to(x2, y);
        page.stroke();
    }

    /// One evaluation question: its heading (a bookmark points here), the question, the
    /// answer and the tables.
    fn section(&mut self, s: &Section) {
        self.ensure(60.0);
        self.anchors.push((self.pages.len() - 1, self.y));
        self.paragraph(&format!("{}. {}", s.number, s.title), BOLD, 13.0, 2.0);
        self.paragraph(s.question, ITALIC, 10.0, 4.0);
        for p in &s.answer {
            self.paragraph(p, REGULAR, 10.0, 4.0);
        }
        for t in &s.tables {
            self.table(t);
        }
        self.y -= 6.0;
    }

    /// What the figures mean.
    fn definitions(&mut self) {
        self.ensure(60.0);
        self.paragraph("Definities", BOLD, 13.0, 2.0);
        for (term, meaning) in nazorg_domain::evaluation::DEFINITIONS {
            self.paragraph(&format!("{term}: {meaning}"), REGULAR, 9.0, 2.0);
        }
    }

    /// The title and "pagina i van n" at the foot of every page.
    fn footers(&mut self, title: &str) {
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let footer = format!("{title} — pagina {} van {count}", i + 1);
            show(page, MARGIN, MARGIN / 2.0, REGULAR, 8.0, &footer);
        }
    }

    fn table(&mut self, table: &Table) {
        let size = 8.5;
        let row_height = 13.0;
        let full = WIDTH - 2.0 * MARGIN;
        let others = table.columns.len().saturating_sub(1).max(1) as f32;
        let first = if table.columns.len() > 1 {
            (full * 0.42).max(full - others * 70.0)
        } else {
            full
        };
        let other = (full - first) / others;
        let x_of = |i: usize| {
            if i == 0 {
                MARGIN
            } else {
                MARGIN + first + other * (i - 1) as f32
            }
        };
        self.ensure(row_height * 4.0 + 12.0);
        self.y -= 6.0;
        self.paragraph(&table.title, BOLD, 9.5, 2.0);
        self.header(&table.columns, size, &x_of, first, other);
        for row in &table.rows {
            let cells: Vec<String> = row.iter().map(|c| c.display()).collect();
            if self.y - row_height < MARGIN {
                self.ensure(row_height * 3.0);
                self.header(&table.columns, size, &x_of, first, other);
            }
            self.table_row(&cells, REGULAR, size, row_height, &x_of, first, other);
            self.rule(MARGIN, WIDTH - MARGIN, self.y, 0.8);
        }
        self.y -= 8.0;
    }

    /// The column headings, wrapped onto as many lines as they need.
    fn header(
        &mut self,
        columns: &[String],
        size: f32,
        x_of: &dyn Fn(usize) -> f32,
        first: f32,
        other: f32,
    ) {
        let wrapped: Vec<Vec<String>> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| wrap(c, BOLD, size, if i == 0 { first } else { other } - 6.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..lines {
            let cells: Vec<String> = wrapped
                .iter()
                .map(|w| w.get(line).cloned().unwrap_or_default())
                .collect();
            self.table_row(&cells, BOLD, size, 11.0, x_of, first, other);
        }
        self.rule(MARGIN, WIDTH - MARGIN, self.y, 0.3);
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: &[String],
        font: Name,
        size: f32,
        height: f32,
        x_of: &dyn Fn(usize) -> f32,
        first: f32,
        other: f32,
    ) {
        self.ensure(height);
        self.y -= height;
        for (i, cell) in cells.iter().enumerate() {
            let space = if i == 0 { first } else { other } - 6.0;
            let text = fit(cell, font, size, space);
            let x = if i == 0 {
                x_of(0)
            } else {
                // Figures are right-aligned in their column.
                x_of(i) + space - width(&text, font, size)
            };
            let y = self.y + 4.0;
            self.text_at(x, y, font, size, &text);
        }
    }
}

/// The evaluation document. `title` and `subtitle` head the first page.
pub fn evaluation(title: &str, subtitle: &[String], sections: &[Section]) -> Vec<u8> {
    let w = layout(title, subtitle, sections);
    let count = w.pages.len();
    let mut pdf = Pdf::new();
    write_head(&mut pdf, title, count, !sections.is_empty());
    write_pages(&mut pdf, w.pages);
    if !sections.is_empty() {
        write_outline(&mut pdf, sections, &w.anchors, count);
    }
    pdf.finish()
}

/// Lays out the pages: the title and subtitle, the sections, the definitions, the footers.
fn layout(title: &str, subtitle: &[String], sections: &[Section]) -> Writer {
    let mut w = Writer::new();
    w.paragraph(title, BOLD, 18.0, 4.0);
    for line in subtitle {
        w.paragraph(line, REGULAR, 9.5, 0.0);
    }
    w.y -= 10.0;
    for s in sections {
        w.section(s);
    }
    w.definitions();
    w.footers(title);
    w
}

// Object numbers: 1 catalog, 2 page tree, 3 info, 4–6 fonts, 7 outline, then per page
// (page, content) and per section one outline item.
const CATALOG: Ref = Ref::new(1);
const TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
const FONTS: [Ref; 3] = [Ref::new(4), Ref::new(5), Ref::new(6)];
const OUTLINE: Ref = Ref::new(7);

/// The page object of page `i`.
fn page_ref(i: usize) -> Ref {
    Ref::new(8 + 2 * i as i32)
}

/// The content stream of page `i`.
fn content_ref(i: usize) -> Ref {
    Ref::new(9 + 2 * i as i32)
}

/// The outline item of section `i`, after the objects of all `pages`.
fn item_ref(pages: usize, i: usize) -> Ref {
    Ref::new(8 + 2 * pages as i32 + i as i32)
}

/// The catalog (Dutch, with an outline if there are sections), the document info, the
/// page tree of `count` pages and the three standard fonts.
fn write_head(pdf: &mut Pdf, title: &str, count: usize, outlined: bool) {
    let mut cat = pdf.catalog(CATALOG);
    cat.pages(TREE);
    cat.lang(TextStr("nl-NL"));
    if outlined {
        cat.outlines(OUTLINE);
    }
    drop(cat);
    pdf.document_info(INFO)
        .title(TextStr(title))
        .producer(TextStr("Nazorg"));
    pdf.pages(TREE)
        .kids((0..count).map(page_ref))
        .count(count as i32);
    for (id, name) in FONTS
        .iter()
        .zip(["Helvetica", "Helvetica-Bold", "Helvetica-Oblique"])
    {
        pdf.type1_font(*id)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
}

/// Each page with its fonts and its content stream.
fn write_pages(pdf: &mut Pdf, pages: Vec<Content>) {
    for (i, content) in pages.into_iter().enumerate() {
        let mut page = pdf.page(page_ref(i));
        page.parent(TREE);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.contents(content_ref(i));
        let mut resources = page.resources();
        let mut f = resources.fonts();
        f.pair(REGULAR, FONTS[0]);
        f.pair(BOLD, FONTS[1]);
        f.pair(ITALIC, FONTS[2]);
        drop(f);
        drop(resources);
        drop(page);
        pdf.stream(content_ref(i), &content.finish());
    }
}

/// One bookmark per section, pointing at where its heading is (`anchors`); `count` is
/// the number of pages.
fn write_outline(pdf: &mut Pdf, sections: &[Section], anchors: &[(usize, f32)], count: usize) {
    let n = sections.len();
    let item_ref = |i: usize| item_ref(count, i);
    pdf.outline(OUTLINE)
        .first(item_ref(0))
        .last(item_ref(n - 1))
        .count(n as i32);
    for (i, s) in sections.iter().enumerate() {
        let (page, y) = anchors.get(i).copied().unwrap_or((0, HEIGHT - MARGIN));
        let label = format!("{}. {}", s.number, s.title);
        let mut item = pdf.outline_item(item_ref(i));
        item.title(TextStr(&label)).parent(OUTLINE);
        if i > 0 {
            item.prev(item_ref(i - 1));
        }
        if i + 1 < n {
            item.next(item_ref(i + 1));
        }
        item.dest().page(page_ref(page)).xyz(MARGIN, y, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(
            win_ansi("€ 1,– é"),
            vec![0x80, b' ', b'1', b',', 0x96, b' ', 0xe9]
        );
        assert_eq!(win_ansi("✓"), b"?");
    }

    #[test]
    fn long_text_is_wrapped_within_the_page() {
        let text = "Van melding tot het eerste contact duurde het bij de helft van de bereikte inwoners hoogstens zeven dagen. ".repeat(5);
        let lines = wrap(&text, REGULAR, 10.0, 300.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| width(l, REGULAR, 10.0) <= 300.0));
    }

    #[test]
    fn a_document_is_a_pdf() {
        let bytes = evaluation("Evaluatie", &["Periode".into()], &[]);
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
    }
}
