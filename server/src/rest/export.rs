//! Tables exported for a spreadsheet: CSV in UTF-8 with a byte-order mark (so Excel shows
//! Chinese) and XLSX.
use app::error::AppError;
use app::ssr::services::kpi_tables::{Cell, KpiTable};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The formats a table is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx` from the path; anything else is not a page here.
    pub fn parse(s: &str) -> Result<Format, AppError> {
        match s {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(AppError::NotFound),
        }
    }
}

/// The table as a download in the format asked for.
pub fn download(table: &KpiTable, format: Format) -> Result<Response, AppError> {
    let (bytes, content_type, ext) = match format {
        Format::Csv => (csv_bytes(table)?, "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            xlsx_bytes(table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let disposition = format!("attachment; filename=\"{}.{ext}\"", table.name);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

fn csv_bytes(table: &KpiTable) -> Result<Vec<u8>, AppError> {
    let failed = |e: csv::Error| {
        tracing::error!("csv export: {e}");
        AppError::Internal
    };
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(&table.headers).map_err(failed)?;
    for row in &table.rows {
        out.write_record(row.iter().map(text)).map_err(failed)?;
    }
    out.into_inner().map_err(|e| {
        tracing::error!("csv export: {e}");
        AppError::Internal
    })
}

fn xlsx_bytes(table: &KpiTable) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!("xlsx export: {e}");
        AppError::Internal
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // A sheet's name is at most 31 characters.
    let name: String = table.name.chars().take(31).collect();
    sheet.set_name(&name).map_err(failed)?;
    let bold = CellFormat::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, t).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(failed)?;
        }
    }
    book.save_to_buffer().map_err(failed)
}
