//! One file per subcommand. Each returns what to print, or the problems that stopped it.

pub mod apportion;
pub mod backtest;
pub mod calibrate;
pub mod check;
pub mod compare;
pub mod explain;
pub mod history;
pub mod import;
pub mod letter;
pub mod recommend;
pub mod report;
pub mod sensitivity;
pub mod serve;
pub mod template;
pub mod verify;

use crate::diag::{Diag, Diags};

/// What a successful command prints.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: Vec<u8>,
    /// Status lines and notes for the user, not data.
    pub stderr: String,
}

/// Why a command stopped.
#[derive(Debug)]
pub enum Failure {
    /// Bad or infeasible input: exit code 1.
    Input(Diags),
    /// A usage error: exit code 2.
    Usage(Diags),
}

impl From<Diags> for Failure {
    fn from(d: Diags) -> Self {
        Failure::Input(d)
    }
}

impl From<Diag> for Failure {
    fn from(d: Diag) -> Self {
        Failure::Input(Diags::from(d))
    }
}

impl From<crate::render::cells::Error> for Failure {
    fn from(e: crate::render::cells::Error) -> Self {
        Failure::from(Diag::from(e))
    }
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 1,
            Failure::Usage(_) => 2,
        }
    }

    pub fn diags(&self) -> Vec<Diag> {
        match self {
            Failure::Input(d) => d.0.clone(),
            Failure::Usage(d) => d.0.clone(),
        }
    }
}

/// What the command line changed in the criteria file, one line each, for standard error.
pub fn notices(criteria: &crate::criteria::Criteria) -> String {
    criteria.notices.iter().map(|n| format!("note: {n}\n")).collect()
}
