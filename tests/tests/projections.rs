//! Named projections (issue 18, item 8): structs selected by field name with
//! `select(Struct::fields())`, on both backends, against the rows the test wrote.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::query::ExprExt;
use ormgen_tests::blog::*;

ormgen::projection! {
    /// What a user list shows: columns of `user` by field name.
    #[derive(Debug, Clone, PartialEq)]
    pub struct UserCard from user {
        pub id: i32,
        pub email: String,
        pub name: Option<String>,
    }
}

ormgen::projection! {
    /// A post with its author's e-mail, through a join; `author` names its column.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PostLine from post {
        pub title: String,
        pub view_count: i32,
        pub author: String = user::email,
    }
}

ormgen::projection! {
    /// A user with their mentor's name, through a left join of the alias table:
    /// the mentor may be missing, so the field is an `Option`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Mentee from user {
        pub email: String,
        pub mentor: Option<String> = user::as_mentor::email,
    }
}

ormgen::projection! {
    /// Computed fields: an aggregate and a function, their types named with
    /// `ormgen::query::types`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct AuthorStats from user {
        pub email: String,
        pub shout: String = [ormgen::query::upper(user::email)] as ormgen::query::types::TextOf<user::email>,
        pub posts: i64 = [ormgen::count(post::id)] as ormgen::query::types::Count<post::id>,
        pub views: Option<i64> = [ormgen::sum(post::view_count)] as ormgen::query::types::Sum<post::view_count>,
    }
}

#[test]
fn select_as_reads_structs_by_field_name() {
    for db in common::all() {
        create_all(&db.engine).unwrap();
        let mut s = db.engine.session().unwrap();
        let ann = User::insert(&mut s, NewUser::new("ann@x.org").name("Ann")).unwrap();
        let bob = User::insert(&mut s, NewUser::new("bob@x.org").mentor_id(ann.id)).unwrap();
        Post::insert(&mut s, NewPost::new("Hello", ann.id).view_count(3)).unwrap();
        Post::insert(&mut s, NewPost::new("Reply", bob.id).view_count(5)).unwrap();

        let cards: Vec<UserCard> = User::query()
            .order_by(user::id.asc())
            .select(UserCard::fields())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            cards,
            [
                UserCard {
                    id: ann.id,
                    email: ann.email.clone(),
                    name: Some("Ann".into())
                },
                UserCard {
                    id: bob.id,
                    email: bob.email.clone(),
                    name: None
                },
            ],
            "{}",
            db.name()
        );

        let lines: Vec<PostLine> = Post::query()
            .join(post::author)
            .filter(post::view_count.gt(4))
            .select(PostLine::fields())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            lines,
            [PostLine {
                title: "Reply".into(),
                view_count: 5,
                author: bob.email.clone()
            }]
        );

        let mentees: Vec<Mentee> = User::query()
            .left_join(user::mentor)
            .order_by(user::id.asc())
            .select(Mentee::fields())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            mentees,
            [
                Mentee {
                    email: ann.email.clone(),
                    mentor: None
                },
                Mentee {
                    email: bob.email.clone(),
                    mentor: Some(ann.email.clone())
                },
            ],
            "{}",
            db.name()
        );

        let stats: Vec<AuthorStats> = User::query()
            .join(user::posts)
            .group_by((user::id, user::email))
            .order_by(user::id.asc())
            .select(AuthorStats::fields())
            .all(&mut s)
            .unwrap();
        assert_eq!(
            stats,
            [
                AuthorStats {
                    email: ann.email.clone(),
                    shout: ann.email.to_uppercase(),
                    posts: 1,
                    views: Some(3)
                },
                AuthorStats {
                    email: bob.email.clone(),
                    shout: bob.email.to_uppercase(),
                    posts: 1,
                    views: Some(5)
                },
            ],
            "{}",
            db.name()
        );
    }
}
