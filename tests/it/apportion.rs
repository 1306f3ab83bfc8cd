//! `busetting apportion`: the integer engine on its own, against published examples.

use crate::common::{Run, Sandbox};

fn apportion(sandbox: &Sandbox, method: &str, seats: u64, votes: &[(&str, u64)], extra: &[&str]) -> Run {
    let mut csv = String::from("name,weight\n");
    for (name, v) in votes {
        csv.push_str(&format!("{name},{v}\n"));
    }
    sandbox.write("votes.csv", csv);
    let seats = seats.to_string();
    let mut args = vec!["apportion", "--method", method, "--seats", &seats];
    args.extend_from_slice(extra);
    args.push("votes.csv");
    sandbox.run(&args)
}

fn seats(run: &Run) -> Vec<u64> {
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("name,seats"));
    lines.map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect()
}

/// Balinski & Young, Fair Representation (2001): five states, 100 seats.
const BY: [(&str, u64); 5] = [("A", 5117), ("B", 4400), ("C", 162), ("D", 161), ("E", 160)];

#[test]
fn balinski_young_100_seats() {
    let s = Sandbox::new();
    for (method, expected) in [
        ("largest-remainder", [51, 44, 2, 2, 1]),
        ("dhondt", [52, 45, 1, 1, 1]),
        ("sainte-lague", [51, 43, 2, 2, 2]),
        ("huntington-hill", [51, 43, 2, 2, 2]),
        ("adams", [51, 43, 2, 2, 2]),
    ] {
        assert_eq!(seats(&apportion(&s, method, 100, &BY, &[])), expected, "{method}");
    }
}

#[test]
fn five_parties_26_seats() {
    let s = Sandbox::new();
    let votes = [("A", 9061), ("B", 7179), ("C", 5259), ("D", 3319), ("E", 1182)];
    for (method, expected) in [
        ("largest-remainder", [9, 7, 5, 4, 1]),
        ("dhondt", [10, 7, 5, 3, 1]),
        ("sainte-lague", [9, 8, 5, 3, 1]),
        ("huntington-hill", [9, 7, 6, 3, 1]),
        ("adams", [9, 7, 5, 3, 2]),
    ] {
        assert_eq!(seats(&apportion(&s, method, 26, &votes, &[])), expected, "{method}");
    }
}

#[test]
fn sortland_council_with_first_divisor_1_4() {
    let s = Sandbox::new();
    let votes = [
        ("Ap", 821),
        ("H", 376),
        ("Frp", 103),
        ("SV", 562),
        ("Sp", 542),
        ("KrF", 526),
        ("V", 450),
        ("MDG", 0),
        ("R", 11),
        ("Andre", 53),
    ];
    let run = apportion(&s, "sainte-lague", 27, &votes, &["--first-divisor", "1.4"]);
    assert_eq!(seats(&run), [7, 3, 1, 4, 4, 4, 4, 0, 0, 0]);
    assert_eq!(
        run.stdout,
        "name,seats\nAp,7\nH,3\nFrp,1\nSV,4\nSp,4\nKrF,4\nV,4\nMDG,0\nR,0\nAndre,0\n"
    );
}

#[test]
fn bounds_from_the_file_and_a_reported_tie() {
    let s = Sandbox::new();
    s.write("votes.csv", "name,weight,min,max\nA,10,,3\nB,1,2,\nC,1,,\n");
    let run = s.run(&["apportion", "--method", "dhondt", "--seats", "6", "votes.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "name,seats\nA,3\nB,2\nC,1\n");
    s.write("votes.csv", "name,weight\nA,1\nB,1\n");
    let run = s.run(&["apportion", "--method", "sainte-lague", "--seats", "1", "votes.csv"]);
    assert_eq!(run.stdout, "name,seats\nA,1\nB,0\n");
    assert_eq!(run.stderr, "tie: `A` got the seat before `B` (earlier in the file)\n");
}

#[test]
fn infeasible_bounds_and_usage_errors() {
    let s = Sandbox::new();
    s.write("votes.csv", "name,weight,min,max\nA,10,,3\nB,1,,2\n");
    let run = s.run(&["apportion", "--method", "dhondt", "--seats", "6", "votes.csv"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("cannot apportion votes.csv: the max column adds up to 5, 1 short of 6 seats"),
        "{}",
        run.stderr
    );
    let run = s.run(&[
        "apportion",
        "--method",
        "dhondt",
        "--seats",
        "6",
        "--first-divisor",
        "1.4",
        "votes.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--first-divisor applies to sainte-lague, not dhondt"),
        "{}",
        run.stderr
    );
    let run = s.run(&["apportion", "--method", "webster", "--seats", "6", "votes.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'webster' for '--method <METHOD>'"),
        "{}",
        run.stderr
    );
}
