//! The ormgen schema language front end.
