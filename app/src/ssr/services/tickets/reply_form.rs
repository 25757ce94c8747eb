//! A reply with files, as a `multipart/form-data` form: the ticket page's reply box and
//! `POST /api/v1/tickets/{id}/messages` read it through [`read_reply_form`], streaming each
//! part and refusing a file, or a form, that is too large before it is all read (the
//! reader holds the limits, so both doors have the same).
use crate::domain::files::{
    megabytes, safe_content_type, safe_file_name, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
    MAX_REPLY_FILES_BYTES,
};
use crate::error::{AppError, AppResult};
use crate::model::NewTicketMessage;
use crate::ssr::store::attachments::NewAttachment;

/// The most a reply form may hold in all: its files and room for the text.
pub const MAX_REPLY_FORM_BYTES: u64 = (MAX_REPLY_FILES_BYTES + 1024 * 1024) as u64;

/// A reply as its form sent it.
#[derive(Debug)]
pub struct ReplyForm {
    /// The ticket, when the form names it (the page's form; REST has it in the path).
    pub id: Option<String>,
    pub message: NewTicketMessage,
    pub files: Vec<NewAttachment>,
}

/// The reply a multipart body holds: `body`, `internal` (`true`/`on`), any number of
/// `files`, and `id` when `with_id`. A field Tandem does not read is refused, naming it;
/// a file over [`MAX_ATTACHMENT_BYTES`], more than [`MAX_ATTACHMENTS`] files or more than
/// [`MAX_REPLY_FILES_BYTES`] in all are refused as `files`, and so is a form of more than
/// [`MAX_REPLY_FORM_BYTES`] whatever its parts.
pub async fn read_reply_form(
    mut form: multer::Multipart<'_>,
    with_id: bool,
) -> AppResult<ReplyForm> {
    let mut reply = ReplyForm {
        id: None,
        message: NewTicketMessage {
            body: String::new(),
            internal: false,
        },
        files: Vec::new(),
    };
    let mut unknown: Vec<String> = Vec::new();
    let mut total = 0usize;
    let mut form_bytes = 0u64;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "body" => reply.message.body = text(field, "body", &mut form_bytes).await?,
            "internal" => {
                let v = text(field, "internal", &mut form_bytes).await?;
                reply.message.internal = !v.is_empty() && v != "false";
            }
            "id" if with_id => reply.id = Some(text(field, "id", &mut form_bytes).await?),
            "files" => {
                let given = field.file_name().map(str::to_string);
                let content_type = safe_content_type(field.content_type().map(|m| m.as_ref()));
                let mut content = Vec::new();
                while let Some(chunk) = next_chunk(&mut field, &mut form_bytes).await? {
                    if content.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                        return Err(too_large());
                    }
                    total += chunk.len();
                    if total > MAX_REPLY_FILES_BYTES {
                        return Err(AppError::field(
                            "files",
                            format!(
                                "the files together must be at most {} MB",
                                megabytes(MAX_REPLY_FILES_BYTES)
                            ),
                        ));
                    }
                    content.extend_from_slice(&chunk);
                }
                // A file input with nothing chosen sends one empty part without a name.
                if given.as_deref().unwrap_or_default().is_empty() && content.is_empty() {
                    continue;
                }
                if reply.files.len() == MAX_ATTACHMENTS {
                    return Err(AppError::field(
                        "files",
                        format!("at most {MAX_ATTACHMENTS} files"),
                    ));
                }
                reply.files.push(NewAttachment {
                    file_name: safe_file_name(given.as_deref(), reply.files.len() + 1),
                    content_type,
                    content,
                });
            }
            _ => {
                // Read through (and counted), to name every such field in one answer.
                while next_chunk(&mut field, &mut form_bytes).await?.is_some() {}
                if !unknown.contains(&name) {
                    unknown.push(name);
                }
            }
        }
    }
    if !unknown.is_empty() {
        return Err(AppError::unknown_fields(&unknown));
    }
    Ok(reply)
}

fn too_large() -> AppError {
    AppError::field(
        "files",
        format!(
            "each file must be at most {} MB",
            megabytes(MAX_ATTACHMENT_BYTES)
        ),
    )
}

/// The field's next chunk, counted against [`MAX_REPLY_FORM_BYTES`].
async fn next_chunk(
    field: &mut multer::Field<'_>,
    form_bytes: &mut u64,
) -> AppResult<Option<axum::body::Bytes>> {
    let chunk = field.chunk().await.map_err(unreadable)?;
    if let Some(c) = &chunk {
        *form_bytes += c.len() as u64;
        if *form_bytes > MAX_REPLY_FORM_BYTES {
            return Err(too_large());
        }
    }
    Ok(chunk)
}

/// A text field, read no further than a long reply can be (20,000 characters of up to four
/// bytes each); the service checks its length in characters.
async fn text(mut field: multer::Field<'_>, name: &str, form_bytes: &mut u64) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = next_chunk(&mut field, form_bytes).await? {
        if bytes.len() + chunk.len() > 80_000 {
            return Err(AppError::field(name, "at most 20000 characters"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::field(name, "must be UTF-8 text"))
}

fn unreadable(e: multer::Error) -> AppError {
    AppError::BadRequest(format!("the form could not be read: {e}"))
}

/// The boundary of a `multipart/form-data` body with this `Content-Type`, or None when it
/// is not one.
pub fn form_boundary(content_type: &str) -> Option<String> {
    let multipart = content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    multipart
        .then(|| multer::parse_boundary(content_type).ok())
        .flatten()
}
