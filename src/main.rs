//! authfix: find and fix Auth.js mistakes in Next.js apps.
mod analyze;
mod cli;
mod config;
mod doctor;
mod fix;
mod mcp;
mod migrate;
#[macro_use]
mod output;
mod git;
mod project;
mod registry;
mod report;
mod review;
mod rules_cmd;
mod scaffold;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_t`, `include/mimalloc.h` of
/// mimalloc 2 and 3; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Give freed memory back to the OS after 50 ms rather than mimalloc's 1 s: each app's texts are
    // let go when it is done, so the peak stays that of the few apps in flight however large the
    // tree (`bench/run.sh`: 1.1x the 1x peak at 10x the files, against 1.35x with the default
    // delay), while the next apps still reuse what the last ones freed. Shorter delays purge pages
    // an app about to start then faults in afresh (with none at all: ~10% slower; with 10 ms the
    // 10x tree took 22,300 page faults against 9,900 with 50 ms, and `fix --dry-run` ~6% longer,
    // for a peak 1 MB lower: 20.1 against 21.2 MB at 1x).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 50) };
    // Piped into `head`, exit quietly as Unix tools do instead of panicking on a closed pipe.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    let choice = match cli.color {
        cli::ColorChoice::Always => anstream::ColorChoice::Always,
        cli::ColorChoice::Never => anstream::ColorChoice::Never,
        cli::ColorChoice::Auto => anstream::ColorChoice::Auto,
    };
    choice.write_global();
    let code = match &cli.command {
        cli::Command::New(a) => scaffold::run_new(a, cli.color),
        cli::Command::Init(a) => scaffold::run_init(a, cli.color),
        cli::Command::Doctor(a) => doctor::run(a, cli.color),
        cli::Command::Fix(a) => run_big_stack(|| fix::run(a)),
        cli::Command::Check(a) => run_big_stack(|| fix::check(a)),
        cli::Command::Rules(a) => rules_cmd::list(a.markdown),
        cli::Command::Explain(a) => rules_cmd::explain(&a.rule),
        cli::Command::Mcp => mcp::run(),
        cli::Command::Migrate(a) => run_big_stack(|| migrate::run(a)),
    };
    std::process::exit(code);
}

/// Deeply nested code overflows swc's recursive parser on the main thread's 8 MB stack: parse on a
/// thread with a large one.
fn run_big_stack<F: FnOnce() -> i32 + Send>(f: F) -> i32 {
    std::thread::scope(|s| std::thread::Builder::new().stack_size(256 << 20).spawn_scoped(s, f).expect("spawn worker thread").join().unwrap_or(70))
}
