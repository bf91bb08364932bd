//! Writes include/voxshop.h from src/lib.rs with cbindgen, so that the header C programs
//! compile against is always the ABI this build exports.

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(format!("{crate_dir}/cbindgen.toml"))
        .expect("crates/voxshop-ffi/cbindgen.toml is readable TOML");
    let header = format!("{crate_dir}/include/voxshop.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads src/lib.rs")
        .write_to_file(header);
}
