//! The `reprise` binary: hands the arguments and the standard streams to
//! [`reprise::cli::run`] and exits with its code.

use std::io::IsTerminal;

fn main() {
    let progress = std::io::stderr().is_terminal();
    let color = progress && std::env::var_os("NO_COLOR").is_none();
    // Buffered: reports and JSON are written in many small pieces.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut err = std::io::stderr().lock();
    // Not `stdin().lock()`: held for the whole run, that lock would block
    // rustyline, which locks standard input itself on a dumb terminal.
    let mut input = std::io::BufReader::new(std::io::stdin());
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mut io = reprise::cli::Io {
        input: &mut input,
        terminal,
        out: &mut out,
        err: &mut err,
        color,
        progress,
    };
    let code = reprise::cli::run(std::env::args_os(), &mut io);
    // A closed pipe is not worth a second error: the command said its piece.
    let _ = io.out.flush();
    std::process::exit(code);
}
