//! Raw SQL: positional and named parameters, native SQL, row mapping.

mod common;

use ormgen::{Dialect, Error, FromRow, Native, Row, Value, named_params, params};

#[derive(Debug, PartialEq)]
struct Person {
    id: i64,
    name: String,
    nick: Option<String>,
}

impl FromRow for Person {
    fn from_row(row: &Row<'_>) -> ormgen::Result<Self> {
        Ok(Person {
            id: row.get("id")?,
            name: row.get("name")?,
            nick: row.get(2)?,
        })
    }
}

fn setup(db: &common::Db) -> ormgen::Session {
    let mut s = db.engine.session().unwrap();
    s.execute(
        db.sql(
            "create table people (id integer primary key, name text not null, nick text, note text)",
            "create table people (id bigint primary key, name text not null, nick text, note text)",
        ),
        (),
    )
    .unwrap();
    s
}

#[test]
fn positional_named_and_native_parameters() {
    for db in common::all() {
        let mut s = setup(&db);
        assert_eq!(
            s.execute(
                "insert into people (id, name, nick) values (?, ?, ?)",
                (1i64, "Ann", None::<String>)
            )
            .unwrap(),
            1
        );
        assert_eq!(
            s.execute(
                "insert into people (id, name, nick) values ($1, $2, $3)",
                params![2i64, "Bob", "b"]
            )
            .unwrap(),
            1
        );
        s.execute(
            "insert into people (id, name, nick, note) values (:id, :name, :name, ':not_a_param -- ?')",
            named_params! { "id" => 3i64, ":name" => "Cy" },
        )
        .unwrap();
        let native = match s.dialect() {
            Dialect::Postgres => "insert into people (id, name) values ($1, $2)",
            Dialect::Sqlite => "insert into people (id, name) values (?1, ?2)",
        };
        s.execute(Native(native), (4i64, "Di")).unwrap();
        let values = vec![Value::I64(5), Value::from("Ed")];
        s.execute("insert into people (id, name) values (?, ?)", &values)
            .unwrap();

        let people: Vec<Person> = s
            .query_as(
                "select id, name, nick from people where id <= ? order by id",
                (3i64,),
            )
            .unwrap();
        assert_eq!(
            people,
            vec![
                Person {
                    id: 1,
                    name: "Ann".into(),
                    nick: None
                },
                Person {
                    id: 2,
                    name: "Bob".into(),
                    nick: Some("b".into())
                },
                Person {
                    id: 3,
                    name: "Cy".into(),
                    nick: Some("Cy".into())
                },
            ]
        );
        let note: String = s
            .query_one("select note from people where id = 3", ())
            .unwrap();
        assert_eq!(note, ":not_a_param -- ?");
        // Closure mapping, tuples, single columns, owned rows.
        let names = s
            .query_map(
                "select name from people where name like :p order by id",
                named_params! { "p" => "%i" },
                |r| r.get::<String>(0),
            )
            .unwrap();
        assert_eq!(names, vec!["Di"]);
        let pairs: Vec<(i64, String)> = s
            .query_as("select id, name from people order by id desc limit 2", ())
            .unwrap();
        assert_eq!(pairs, vec![(5, "Ed".into()), (4, "Di".into())]);
        let rows = s
            .query("select id, name from people order by id", ())
            .unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[4].get::<String>("NAME").unwrap(), "Ed");
        let p: (i64, String) = rows[0].decode().unwrap();
        assert_eq!(p, (1, "Ann".into()));
        // Streaming without buffering.
        let mut sum = 0i64;
        let n = s.for_each("select id from people", (), |r| {
            sum += r.get::<i64>(0)?;
            Ok(())
        });
        assert_eq!((n.unwrap(), sum), (5, 15));
        // Row views shifted for joins.
        let (a, b) = s
            .query_opt::<(i64, String)>("select 1, 'x'", ())
            .unwrap()
            .unwrap();
        assert_eq!((a, b.as_str()), (1, "x"));
        let joined = s
            .query_map("select p.id, p.name, p.nick, q.id, q.name, q.nick from people p join people q on q.id = p.id + 1 where p.id = 1", (), |r| {
                Ok((Person::from_row(r)?, Person::from_row(&r.shifted(3))?))
            })
            .unwrap();
        assert_eq!(joined[0].1.name, "Bob");
        // execute on a statement with RETURNING counts rows.
        let n = s
            .execute(
                "update people set nick = 'z' where id > ? returning id",
                (3i64,),
            )
            .unwrap();
        assert_eq!(n, 2, "{}", db.name());
        s.commit().unwrap();
    }
}

#[test]
fn parameter_mistakes_are_errors() {
    for db in common::all() {
        let mut s = setup(&db);
        let e = s
            .execute("insert into people (id, name) values (?, ?)", (1i64,))
            .unwrap_err();
        assert!(matches!(e, Error::Params(_)), "{e}");
        let e = s
            .execute(
                "insert into people (id, name) values (:id, :name)",
                named_params! { "id" => 1i64 },
            )
            .unwrap_err();
        assert!(matches!(e, Error::Params(_)), "{e}");
        let e = s
            .execute(
                "insert into people (id, name) values (:id, :name)",
                (1i64, "x"),
            )
            .unwrap_err();
        assert!(matches!(e, Error::Params(_)), "{e}");
        let e = s
            .execute("insert into people (id, name) values (:id, ?)", ())
            .unwrap_err();
        assert!(matches!(e, Error::Params(_)), "{e}");
        let native = db.sql("select ?1, ?2", "select $1::int8, $2::int8");
        let e = s
            .query_one::<(i64, i64)>(Native(native), (1i64,))
            .unwrap_err();
        assert!(matches!(e, Error::Params(_)), "{e}");
    }
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_casts_and_literals_survive_translation() {
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    let mut s = db.engine.session().unwrap();
    let (a, b, c): (String, i64, String) = s
        .query_one(
            "select :v::text, '7'::int8 + :n, $$ :x ? $$ -- :comment ?\n",
            named_params! { "v" => "t", "n" => 1i64 },
        )
        .unwrap();
    assert_eq!((a.as_str(), b, c.as_str()), ("t", 8, " :x ? "));
}
