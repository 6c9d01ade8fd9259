//! The order of a flush's writes: inserts parents before children (a cycle
//! broken at a nullable foreign key) and deletes children before parents.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use super::{Link, Side, Stored, UnitOfWork, values_id};
use crate::{Error, Result, Value};

/// The order of the inserts and the links broken (deferred) to get it.
pub(super) fn insert_order(uow: &UnitOfWork) -> Result<(Vec<usize>, Vec<bool>)> {
    let n = uow.inserts.len();
    let edge = |l: &Link| match (&l.parent, &l.child) {
        (Side::Pending { slot: p, .. }, Side::Pending { slot: c, .. }) => Some((*p, *c)),
        _ => None,
    };
    let mut deferred = vec![false; uow.links.len()];
    loop {
        let mut indegree = vec![0usize; n];
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, l) in uow.links.iter().enumerate() {
            if let (false, Some((p, c))) = (deferred[i], edge(l)) {
                indegree[c] += 1;
                out[p].push(c);
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(i)) = ready.pop() {
            order.push(i);
            for &c in &out[i] {
                indegree[c] -= 1;
                if indegree[c] == 0 {
                    ready.push(Reverse(c));
                }
            }
        }
        if order.len() == n {
            return Ok((order, deferred));
        }
        // A cycle among the rows left: break it at a nullable link on it.
        let left: Vec<bool> = (0..n).map(|i| indegree[i] > 0).collect();
        let reaches = |from: usize, to: usize| {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(i) = stack.pop() {
                if i == to {
                    return true;
                }
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                stack.extend(out[i].iter().copied().filter(|&c| left[c]));
            }
            false
        };
        let on_cycle: Vec<usize> = uow
            .links
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                !deferred[*i] && edge(l).is_some_and(|(p, c)| left[p] && left[c] && reaches(c, p))
            })
            .map(|(i, _)| i)
            .collect();
        match on_cycle.iter().find(|&&i| uow.links[i].nullable) {
            Some(&i) => deferred[i] = true,
            None => {
                let tables: Vec<&str> = on_cycle
                    .iter()
                    .filter_map(|&i| edge(&uow.links[i]))
                    .map(|(_, c)| uow.inserts[c].table())
                    .collect();
                return Err(Error::UnitOfWork(format!(
                    "the pending rows form a cycle of required foreign keys (through tables {}); \
                     no order of inserts can satisfy it: make one of the foreign keys nullable, \
                     or insert one row first and link it in a second flush",
                    tables.join(", ")
                )));
            }
        }
    }
}

/// Queued deletes ordered so that a row referencing another queued row (by
/// its foreign-key values) goes first; otherwise in queue order. Rows that
/// reference each other in a cycle keep their queue order.
pub(super) fn delete_order(deletes: &[Stored]) -> Vec<usize> {
    let n = deletes.len();
    // Every queued row by the values of each column set a foreign key refers to.
    let mut by_ref: HashMap<(&str, &[&str], String), Vec<usize>> = HashMap::new();
    let targets: HashSet<(&str, &[&str])> = deletes
        .iter()
        .flat_map(|d| d.foreign_keys.iter().map(|fk| (fk.table, fk.referenced)))
        .collect();
    for (j, row) in deletes.iter().enumerate() {
        for &(table, cols) in targets.iter().filter(|(t, _)| *t == row.table) {
            if let Ok(vals) = cols
                .iter()
                .map(|c| row.value(c))
                .collect::<Result<Vec<_>>>()
            {
                by_ref
                    .entry((table, cols, values_id(&vals)))
                    .or_default()
                    .push(j);
            }
        }
    }
    // waits[j]: rows still to delete before row j; frees[i]: rows row i was holding up.
    let mut waits = vec![0usize; n];
    let mut frees: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, child) in deletes.iter().enumerate() {
        for fk in child.foreign_keys {
            let Ok(vals) = fk
                .columns
                .iter()
                .map(|c| child.value(c))
                .collect::<Result<Vec<_>>>()
            else {
                continue;
            };
            if vals.contains(&Value::Null) {
                continue;
            }
            let parents = by_ref.get(&(fk.table, fk.referenced, values_id(&vals)));
            for &j in parents.into_iter().flatten().filter(|&&j| j != i) {
                waits[j] += 1;
                frees[i].push(j);
            }
        }
    }
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
            .filter(|&i| !done[i] && waits[i] == 0)
            .map(Reverse)
            .collect();
        if ready.is_empty() {
            // A cycle: take the first row left in queue order.
            if let Some(i) = (0..n).find(|&i| !done[i]) {
                waits[i] = 0;
                ready.push(Reverse(i));
            }
        }
        while let Some(Reverse(i)) = ready.pop() {
            if done[i] {
                continue;
            }
            done[i] = true;
            order.push(i);
            for &j in &frees[i] {
                waits[j] = waits[j].saturating_sub(1);
                if waits[j] == 0 && !done[j] {
                    ready.push(Reverse(j));
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::super::{PendingRow, Written};
    use super::*;
    use crate::Session;
    use crate::query::catalog::{DialectSql, ForeignKey};

    /// A pending row of table `table` that is never written.
    struct Fake(&'static str);
    impl PendingRow for Fake {
        fn table(&self) -> &'static str {
            self.0
        }
        fn columns(&self) -> &'static [&'static str] {
            &["id", "fk"]
        }
        fn insert_columns(&self) -> &'static [&'static str] {
            &["fk"]
        }
        fn key(&self) -> &'static [&'static str] {
            &["id"]
        }
        fn insert(&mut self, _: &mut Session, _: &[(usize, Value)]) -> Result<Written> {
            unreachable!("not run")
        }
        fn fetch(&self, _: &mut Session, _: &str, _: &[Value]) -> Result<Option<Written>> {
            unreachable!("not run")
        }
    }

    fn uow(tables: &[&'static str], links: &[(usize, usize, bool)]) -> UnitOfWork {
        let pending = |slot| Side::Pending { batch: 1, slot };
        UnitOfWork {
            batch: 1,
            inserts: tables
                .iter()
                .map(|t| Box::new(Fake(t)) as Box<dyn PendingRow>)
                .collect(),
            links: links
                .iter()
                .map(|&(child, parent, nullable)| Link {
                    child: pending(child),
                    parent: pending(parent),
                    pairs: &[("fk", "id")],
                    flipped: false,
                    nullable,
                })
                .collect(),
            ..UnitOfWork::default()
        }
    }

    #[test]
    fn parents_first_and_otherwise_in_the_order_added() {
        // 0 -> 2, 1 -> 0 (child, parent): 2, then 0, then 1; 3 is free.
        let w = uow(&["a", "b", "c", "d"], &[(0, 2, false), (1, 0, false)]);
        let (order, deferred) = insert_order(&w).expect("order");
        assert_eq!(order, [2, 0, 1, 3]);
        assert_eq!(deferred, [false, false]);
    }

    #[test]
    fn a_cycle_is_broken_at_its_nullable_link_only() {
        // 0 -> 1 (required), 1 -> 0 (nullable); 2 -> 0 is not on the cycle.
        let w = uow(
            &["a", "b", "c"],
            &[(0, 1, false), (1, 0, true), (2, 0, true)],
        );
        let (order, deferred) = insert_order(&w).expect("order");
        assert_eq!(deferred, [false, true, false]);
        assert_eq!(order, [1, 0, 2]);
        // A row linked to itself.
        let w = uow(&["a"], &[(0, 0, true)]);
        assert_eq!(insert_order(&w).expect("self").1, [true]);
    }

    #[test]
    fn a_cycle_of_required_keys_is_an_error_naming_the_tables() {
        let w = uow(&["users", "teams"], &[(0, 1, false), (1, 0, false)]);
        let err = insert_order(&w).expect_err("cycle");
        let Error::UnitOfWork(msg) = err else {
            panic!("{err:?}")
        };
        assert!(msg.contains("cycle of required foreign keys"), "{msg}");
        assert!(msg.contains("users") && msg.contains("teams"), "{msg}");
    }

    fn stored(table: &'static str, fks: &'static [ForeignKey], values: Vec<Value>) -> Stored {
        Stored {
            table,
            columns: &["id", "parent"],
            key: &["id"],
            updated_at: None,
            foreign_keys: fks,
            delete: DialectSql {
                postgres: "",
                sqlite: "",
            },
            values,
            hooks: None,
        }
    }

    #[test]
    fn deletes_children_before_parents() {
        const FK: &[ForeignKey] = &[ForeignKey {
            columns: &["parent"],
            table: "t",
            referenced: &["id"],
        }];
        // 1 is the root, 2 its child, 0 a grandchild; 3 is unrelated.
        let rows = vec![
            stored("t", FK, vec![Value::I32(10), Value::I32(20)]),
            stored("t", FK, vec![Value::I32(1), Value::Null]),
            stored("t", FK, vec![Value::I32(20), Value::I32(1)]),
            stored("t", FK, vec![Value::I32(30), Value::Null]),
        ];
        assert_eq!(delete_order(&rows), [0, 2, 1, 3]);
        // Two rows referencing each other keep their queue order.
        let rows = vec![
            stored("t", FK, vec![Value::I32(1), Value::I32(2)]),
            stored("t", FK, vec![Value::I32(2), Value::I32(1)]),
        ];
        assert_eq!(delete_order(&rows), [0, 1]);
    }
}
