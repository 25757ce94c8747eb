//! `tandem-wasm-split <input.wasm> <output dir> <name>`: splits the WebAssembly cargo built
//! (linked with `--emit-relocs`) at its lazy functions. Writes `<name>.wasm` (the main
//! module, for wasm-bindgen), a `split_*.wasm` per lazy route and `chunk_*.wasm` for code
//! several of them share, the loader the main module imports
//! (`__wasm_split.______________________.js`, the name Leptos's hydration scripts link
//! when files are not hashed by Leptos) and `__wasm_split_manifest.json` (which files each
//! lazy route needs, read by the server to preload them with the page).
use std::path::Path;
use std::process::ExitCode;

/// The loader's name as Leptos's `HydrationScripts` expects it without hashed files.
const LOADER: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: tandem-wasm-split <input.wasm> <output dir> <name>");
        return ExitCode::from(2);
    };
    match split(Path::new(input), Path::new(out_dir), name) {
        Ok(files) => {
            println!("split into {files} lazily loaded files");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tandem-wasm-split: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &Path, out_dir: &Path, name: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input)?;
    std::fs::create_dir_all(out_dir)?;
    let main_out = out_dir.join(format!("{name}.wasm"));
    let main_module = format!("./{name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = out_dir;
    opts.main_out_path = &main_out;
    opts.main_module = &main_module;
    opts.link_name = LOADER;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("{e:?}"))?;
    std::fs::write(
        out_dir.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;
    Ok(split.split_modules.len())
}
