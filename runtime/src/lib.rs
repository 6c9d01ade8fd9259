//! The ormgen runtime.
