//! The write hooks of [`crate::blog_hooks`]'s `User` and `Post`, as an
//! application would write them: normalising values, writing a related row,
//! refusing some writes. Every call is logged per thread ([`take_log`]) so
//! tests can check which hooks ran and in what order.
//!
//! What they do:
//! - `User::before_insert` trims and lowercases the email; an email
//!   containing `refuse-before` is refused.
//! - `User::after_insert` gives the new user a profile (a write through the
//!   session), then refuses an email containing `refuse-after`.
//! - `User::before_update` trims the name; the name `refuse` is refused.
//! - `User::before_delete` refuses admins.
//! - `Post::before_insert` gives a post without a body the body `(empty)`.
//! - `Post::before_delete` refuses the title `keep`.

use std::cell::RefCell;

use ormgen::query::Hooks;
use ormgen::{Error, Result, Session};

use crate::blog_hooks::{NewPost, NewProfile, NewUser, Post, Profile, Role, User};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Appends `event` to this thread's log.
pub fn log(event: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(event.into()));
}

/// This thread's log since the last call, emptied.
pub fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

impl Hooks for User {
    fn before_insert(new: &mut NewUser<'_>, _s: &mut Session) -> Result<()> {
        log(format!("before_insert user {}", new.email));
        if new.email.contains("refuse-before") {
            return Err(Error::rejected("this email is refused before insert"));
        }
        new.email = new.email.trim().to_lowercase().into();
        Ok(())
    }

    fn after_insert(row: &User, s: &mut Session) -> Result<()> {
        log(format!("after_insert user {}", row.email));
        Profile::insert(s, NewProfile::new(row.id).bio("created by a hook"))?;
        if row.email.contains("refuse-after") {
            return Err(Error::rejected("this email is refused after insert"));
        }
        Ok(())
    }

    fn before_update(row: &mut User, _s: &mut Session) -> Result<()> {
        log(format!("before_update user {}", row.email));
        if row.name.as_deref() == Some("refuse") {
            return Err(Error::rejected("this name is refused"));
        }
        row.name = row.name.as_ref().map(|n| n.trim().to_owned());
        Ok(())
    }

    fn after_update(row: &User, _s: &mut Session) -> Result<()> {
        log(format!("after_update user {}", row.email));
        Ok(())
    }

    fn before_delete(row: &User, _s: &mut Session) -> Result<()> {
        log(format!("before_delete user {}", row.email));
        if row.role == Role::Admin {
            return Err(Error::rejected("admins are not deleted"));
        }
        Ok(())
    }

    fn after_delete(row: &User, _s: &mut Session) -> Result<()> {
        log(format!("after_delete user {}", row.email));
        Ok(())
    }
}

impl Hooks for Post {
    fn before_insert(new: &mut NewPost<'_>, _s: &mut Session) -> Result<()> {
        log(format!("before_insert post {}", new.title));
        if new.body.is_none() {
            new.body = Some("(empty)".into());
        }
        Ok(())
    }

    fn after_insert(row: &Post, _s: &mut Session) -> Result<()> {
        log(format!("after_insert post {}", row.title));
        Ok(())
    }

    fn before_delete(row: &Post, _s: &mut Session) -> Result<()> {
        log(format!("before_delete post {}", row.title));
        if row.title == "keep" {
            return Err(Error::rejected("this post is kept"));
        }
        Ok(())
    }

    fn after_delete(row: &Post, _s: &mut Session) -> Result<()> {
        log(format!("after_delete post {}", row.title));
        Ok(())
    }
}
