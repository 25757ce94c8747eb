//! The schema's migrations are compiled into the binary (`sqlx::migrate!`); a migration
//! added without touching any Rust file must still rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
