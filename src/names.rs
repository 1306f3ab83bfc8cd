//! The names of the model's choices as criteria files, the command line and messages write them.
//! Each enum has one table of its values and names ([`Named::TABLE`]): the parser reads a name
//! with it, the command line offers its names, an error lists them, and the output writes them.

/// An enum written by name.
pub trait Named: Copy + Sized + 'static {
    /// Every value with its name; a value with parameters appears once, with its defaults.
    const TABLE: &'static [(Self, &'static str)];

    /// The name of this value's kind (its parameters aside).
    fn name(self) -> &'static str {
        Self::TABLE
            .iter()
            .find(|(v, _)| std::mem::discriminant(v) == std::mem::discriminant(&self))
            .map_or("", |(_, n)| n)
    }

    /// The value of that name, with default parameters.
    fn from_name(name: &str) -> Option<Self> {
        Self::TABLE.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
    }

    /// Every name, in the table's order.
    fn names() -> Vec<&'static str> {
        Self::TABLE.iter().map(|(_, n)| *n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Named;
    use crate::apportion::Method;
    use crate::criteria::{Basis, Direction, Missing, Scale};

    /// Every entry reads back as itself, and the JSON output writes the same name (the
    /// `kind` of a tagged value), so the table and serde cannot drift apart.
    fn round_trip<T: Named + PartialEq + std::fmt::Debug + serde::Serialize>() -> usize {
        for (v, n) in T::TABLE {
            assert_eq!(T::from_name(n), Some(*v), "{n}");
            assert_eq!(v.name(), *n);
            let json = serde_json::to_value(v).unwrap();
            let written = json.as_str().or_else(|| json["kind"].as_str()).unwrap();
            assert_eq!(written, *n);
        }
        T::TABLE.len()
    }

    #[test]
    fn every_table_reads_back_and_matches_the_output() {
        assert_eq!(round_trip::<Basis>(), 3);
        assert_eq!(round_trip::<Direction>(), 2);
        assert_eq!(round_trip::<Scale>(), 2);
        assert_eq!(round_trip::<Missing>(), 3);
        for (m, n) in Method::TABLE {
            assert_eq!(Method::from_name(n), Some(*m));
            assert_eq!(m.name(), *n);
        }
        assert_eq!(Method::TABLE.len(), 5);
        assert_eq!(Method::from_name("sainte-lague+"), None);
    }
}
