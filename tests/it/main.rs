//! One integration-test binary (fast to link), a module per subject.

mod apportion;
mod backtest;
mod browser;
mod calibrate;
mod categories;
mod check;
mod common;
mod compare;
mod county;
mod errors;
mod examples;
mod explain;
mod fuzz;
mod history;
mod hostile;
mod import;
mod letter;
mod properties;
mod recommend;
mod report;
mod sensitivity;
mod serve;
mod verify;
mod workbench;
