//! The `reprise` binary: hands the arguments and the standard streams to
//! [`reprise::cli::run`] and exits with its code.

fn main() {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let code = reprise::cli::run(
        std::env::args_os(),
        &mut reprise::cli::Io {
            out: &mut out,
            err: &mut err,
        },
    );
    std::process::exit(code);
}
