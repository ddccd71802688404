// The message catalogue is read at build time (rust-i18n): rebuild when it
// changes.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
