//! Running a flush: the inserts in their order with foreign keys filled from
//! their parents, the deferred links, to-one updates, many-to-many pairs and
//! the deletes, and the UPDATE/WHERE fragments [`Tracked`](crate::query::Tracked) shares.

use super::order::{delete_order, insert_order};
use super::{Side, UnitOfWork, Written, value_of};
use crate::query::render::Writer;
use crate::query::write::{now_value, returning};
use crate::{Dialect, Error, Native, Result, Session, Value};

/// The value of `column` of a row: pending rows must already be written.
fn side_value(
    side: &Side,
    written: &[Option<Written>],
    uow: &UnitOfWork,
    column: &str,
) -> Result<Value> {
    match side {
        Side::Stored(st) => st.value(column),
        Side::Pending { slot, .. } => {
            let row = uow.inserts[*slot].as_ref();
            let w = written[*slot].as_ref().ok_or_else(|| {
                Error::UnitOfWork(format!(
                    "a pending `{}` row is not written yet",
                    row.table()
                ))
            })?;
            value_of(row.table(), row.columns(), &w.values, column)
        }
    }
}

/// ` WHERE "k1" = $n AND ..` for a row's key.
pub(in crate::query) fn where_key(w: &mut Writer<'_>, key: &[&'static str], values: Vec<Value>) {
    w.push(" WHERE ");
    for (i, (c, v)) in key.iter().zip(values).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.ident(c);
        w.push(" = ");
        w.bind(v);
    }
}

/// `UPDATE "table" SET ..`; the `@updatedAt` column, if any, gets the current
/// time unless `sets` sets it.
pub(in crate::query) fn update_head(
    d: Dialect,
    table: &'static str,
    mut sets: Vec<(&'static str, Value)>,
    updated_at: Option<&'static str>,
) -> Writer<'static> {
    if let Some(u) = updated_at
        && !sets.iter().any(|(c, _)| *c == u)
    {
        sets.push((u, now_value()));
    }
    let mut w = Writer::new(d);
    w.push("UPDATE ");
    w.ident(table);
    w.push(" SET ");
    for (i, (c, v)) in sets.into_iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
        w.push(" = ");
        w.bind(v);
    }
    w
}

/// Writes everything `uow` holds, in order (see the module documentation of
/// the unit of work for the steps).
pub(super) fn run(s: &mut Session, uow: &mut UnitOfWork) -> Result<Vec<Written>> {
    let (order, deferred) = insert_order(uow)?;
    let d = s.dialect();
    let mut written: Vec<Option<Written>> = (0..uow.inserts.len()).map(|_| None).collect();

    // 1. Inserts, with foreign keys from their (written or stored) parents.
    let mut links_of: Vec<Vec<usize>> = vec![Vec::new(); uow.inserts.len()];
    for (i, l) in uow.links.iter().enumerate() {
        if let Side::Pending { slot, .. } = l.child {
            links_of[slot].push(i);
        }
    }
    for &slot in &order {
        let mut overrides: Vec<(usize, Value)> = Vec::new();
        let columns = uow.inserts[slot].insert_columns();
        for &i in &links_of[slot] {
            let l = &uow.links[i];
            for (child_col, parent_col) in l.pairs() {
                let Some(at) = columns.iter().position(|c| *c == child_col) else {
                    return Err(Error::UnitOfWork(format!(
                        "column `{child_col}` of `{}` is not set by its insert",
                        uow.inserts[slot].table()
                    )));
                };
                let v = if deferred[i] {
                    Value::Null
                } else {
                    side_value(&l.parent, &written, uow, parent_col)?
                };
                overrides.retain(|(j, _)| *j != at);
                overrides.push((at, v));
            }
        }
        let w = uow.inserts[slot].insert(s, &overrides)?;
        written[slot] = Some(w);
    }

    // 2. and 3. Deferred links of pending rows, then links of stored rows.
    for (i, l) in uow.links.iter().enumerate() {
        let stored_child = matches!(l.child, Side::Stored(_));
        if !deferred[i] && !stored_child {
            continue;
        }
        let mut sets = Vec::new();
        for (child_col, parent_col) in l.pairs() {
            sets.push((child_col, side_value(&l.parent, &written, uow, parent_col)?));
        }
        match &l.child {
            Side::Stored(st) => {
                let mut w = update_head(d, st.table, sets, st.updated_at);
                where_key(&mut w, st.key, st.key_values()?);
                let stmt = w.finish();
                if s.execute(Native(&stmt.sql), &stmt.params)? == 0 {
                    return Err(Error::NoSuchRow {
                        table: st.table.to_owned(),
                        action: "update",
                    });
                }
            }
            Side::Pending { slot, .. } => {
                let row = uow.inserts[*slot].as_ref();
                let key: Vec<Value> = row
                    .key()
                    .iter()
                    .map(|c| side_value(&l.child, &written, uow, c))
                    .collect::<Result<_>>()?;
                let mut w = update_head(d, row.table(), sets, None);
                where_key(&mut w, row.key(), key);
                returning(&mut w, row.columns());
                let stmt = w.finish();
                let refreshed =
                    row.fetch(s, &stmt.sql, &stmt.params)?
                        .ok_or_else(|| Error::NoSuchRow {
                            table: row.table().to_owned(),
                            action: "update",
                        })?;
                written[*slot] = Some(refreshed);
            }
        }
    }

    // 4. Many-to-many pairs.
    for p in &uow.pairs {
        let mut cols = Vec::new();
        for &(near, jt) in p.from {
            cols.push((jt, side_value(&p.a, &written, uow, near)?));
        }
        for &(jt, far) in p.to {
            cols.push((jt, side_value(&p.b, &written, uow, far)?));
        }
        let mut w = Writer::new(d);
        if p.connect {
            w.push("INSERT INTO ");
            w.ident(p.join_table);
            w.push(" (");
            for (i, (c, _)) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.ident(c);
            }
            w.push(") VALUES (");
            for (i, (_, v)) in cols.into_iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.bind(v);
            }
            w.push(") ON CONFLICT DO NOTHING");
        } else {
            w.push("DELETE FROM ");
            w.ident(p.join_table);
            let (names, values): (Vec<&str>, Vec<Value>) = cols.into_iter().unzip();
            where_key(&mut w, &names, values);
        }
        let stmt = w.finish();
        s.execute(Native(&stmt.sql), &stmt.params)?;
    }

    // 5. Deletes, children before parents.
    for i in delete_order(&uow.deletes) {
        let st = &uow.deletes[i];
        let key = st.key_values()?;
        if let Some(h) = &st.hooks {
            h.before(s)?;
        }
        if s.execute(Native(st.delete.get(d)?), &key)? == 0 {
            return Err(Error::NoSuchRow {
                table: st.table.to_owned(),
                action: "delete",
            });
        }
        if let Some(h) = &st.hooks {
            h.after(s)?;
        }
    }

    written
        .into_iter()
        .map(|w| w.ok_or_else(|| Error::UnitOfWork("a pending row was not written".into())))
        .collect()
}
