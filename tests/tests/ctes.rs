//! Common table expressions (issue 18, item 6): a recursive comment thread
//! with depths, and a running balance computed by a window function inside
//! a CTE and filtered outside it. Results are checked against values
//! computed in Rust, on SQLite and PostgreSQL.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::query::{BigInt, ExprExt, Int, nth, val, window};
use ormgen::sum;
use ormgen_tests::blog::*;

ormgen::cte! {
    /// A comment thread flattened: every comment with its depth below its root.
    mod thread("thread") { id: Int, parent_id: Int?, depth: Int }
}

ormgen::cte! {
    /// Each post with the running total of views in id order, per author.
    mod running("running") { id: Int, author_id: Int, total: BigInt? }
}

#[test]
fn recursive_cte_walks_a_comment_thread() {
    for db in common::all() {
        create_all(&db.engine).unwrap();
        let mut s = db.engine.session().unwrap();
        let ann = User::insert(&mut s, NewUser::new("ann@x.org")).unwrap();
        let post = Post::insert(&mut s, NewPost::new("Thread", ann.id)).unwrap();
        // parent index per comment (None = a root).
        let shape: [Option<usize>; 7] = [None, Some(0), Some(1), Some(2), None, Some(4), Some(1)];
        let mut ids: Vec<i32> = Vec::new();
        for (i, parent) in shape.iter().enumerate() {
            let mut c = NewComment::new(format!("c{i}"), post.id);
            if let Some(p) = parent {
                c = c.parent_id(ids[*p]);
            }
            ids.push(Comment::insert(&mut s, c).unwrap().id);
        }
        let anchor = Comment::query()
            .filter(comment::parent_id.is_null())
            .select((comment::id, comment::parent_id, val(0)));
        let step = Comment::query()
            .join_on(thread::table, comment::parent_id.eq(thread::id))
            .select((comment::id, comment::parent_id, thread::depth + 1));
        let rows: Vec<(i32, Option<i32>, i32)> = thread::query()
            .with_recursive(thread::table, anchor.union_all(step))
            .order_by(thread::id.asc())
            .all(&mut s)
            .unwrap();
        let depth = |mut i: usize| {
            let mut d = 0;
            while let Some(p) = shape[i] {
                d += 1;
                i = p;
            }
            d
        };
        let want: Vec<(i32, Option<i32>, i32)> = (0..shape.len())
            .map(|i| (ids[i], shape[i].map(|p| ids[p]), depth(i)))
            .collect();
        assert_eq!(rows, want, "{}", db.name());

        // The CTE joined back to comments: bodies of the comments deeper than 1.
        let deep: Vec<(String, i32)> = Comment::query()
            .join_on(thread::table, thread::id.eq(comment::id))
            .with_recursive(
                thread::table,
                Comment::query()
                    .filter(comment::parent_id.is_null())
                    .select((comment::id, comment::parent_id, val(0)))
                    .union_all(
                        Comment::query()
                            .join_on(thread::table, comment::parent_id.eq(thread::id))
                            .select((comment::id, comment::parent_id, thread::depth + 1)),
                    ),
            )
            .filter(thread::depth.gt(1))
            .select((comment::body, thread::depth))
            .order_by(comment::id.asc())
            .all(&mut s)
            .unwrap();
        let want: Vec<(String, i32)> = (0..shape.len())
            .filter(|i| depth(*i) > 1)
            .map(|i| (format!("c{i}"), depth(i)))
            .collect();
        assert_eq!(deep, want, "{}", db.name());
    }
}

#[test]
fn cte_with_a_running_balance_filtered_outside() {
    for db in common::all() {
        create_all(&db.engine).unwrap();
        let mut s = db.engine.session().unwrap();
        let a = User::insert(&mut s, NewUser::new("a@x.org")).unwrap();
        let b = User::insert(&mut s, NewUser::new("b@x.org")).unwrap();
        let views = [
            (a.id, 5),
            (b.id, 7),
            (a.id, 12),
            (a.id, 1),
            (b.id, 30),
            (a.id, 9),
        ];
        let mut posts = Vec::new();
        for (author, v) in views {
            posts.push(Post::insert(&mut s, NewPost::new("p", author).view_count(v)).unwrap());
        }
        let body = Post::query().select((
            post::id,
            post::author_id,
            sum(post::view_count).over(
                window()
                    .partition_by(post::author_id)
                    .order_by(post::id.asc()),
            ),
        ));
        // The window function is filtered in the outer query, where SQL allows it.
        let over_15: Vec<(i32, i32, Option<i64>)> = running::query()
            .with_cte(running::table, body)
            .filter(running::total.gt(15))
            .order_by(running::id.asc())
            .all(&mut s)
            .unwrap();
        let mut want = Vec::new();
        for p in &posts {
            let total: i64 = posts
                .iter()
                .filter(|q| q.author_id == p.author_id && q.id <= p.id)
                .map(|q| i64::from(q.view_count))
                .sum();
            if total > 15 {
                want.push((p.id, p.author_id, Some(total)));
            }
        }
        assert_eq!(over_15, want, "{}", db.name());
        assert!(!want.is_empty());

        // A CTE in a set operation's member, counted.
        let n = running::query()
            .with_cte(
                running::table,
                Post::query().select((
                    post::id,
                    post::author_id,
                    sum(post::view_count).over(window()),
                )),
            )
            .select(running::id)
            .union(Post::query().select(post::id))
            .order_by(nth(1))
            .count(&mut s)
            .unwrap();
        assert_eq!(n, posts.len() as i64, "{}", db.name());
    }
}
