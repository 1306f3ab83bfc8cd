use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use busetting::cli::{Cli, Color};
use clap::Parser;

/// Polars' readers allocate and free large buffers; the system allocator maps and zeroes fresh
/// pages for each, which was most of a short run's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "busetting: internal error: {info}\nThis is a bug in busetting, not in your input; please report it with the command you ran."
        );
    }));
    let outcome = std::panic::catch_unwind(|| busetting::run(&cli));
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut stderr = std::io::stderr().lock();
    match outcome {
        Ok(Ok(out)) => {
            // A closed pipe (`| head`) is not an error. No control character from the inputs
            // (an escape sequence in a name) reaches the terminal.
            let mut stdout = std::io::stdout().lock();
            let text = match std::str::from_utf8(&out.stdout) {
                Ok(t) => busetting::diag::printable(t).into_owned().into_bytes(),
                Err(_) => out.stdout,
            };
            let _ = stdout.write_all(&text).and_then(|()| stdout.flush());
            let _ = stderr.write_all(busetting::diag::printable(&out.stderr).as_bytes());
            ExitCode::SUCCESS
        }
        Ok(Err(failure)) => {
            // The exit code is the input's, even if drawing the message fails.
            let diags = failure.diags();
            let text = std::panic::catch_unwind(|| busetting::diag::render(&diags, color))
                .unwrap_or_else(|_| diags.iter().map(busetting::diag::Diag::plain).collect::<String>());
            let _ = stderr.write_all(text.as_bytes());
            ExitCode::from(failure.exit_code())
        }
        Err(_) => ExitCode::from(2),
    }
}
