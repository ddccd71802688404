fn main() {
    std::process::exit(mkt::cli::main());
}
