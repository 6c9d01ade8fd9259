//! ormgen's generator and build.rs API.
