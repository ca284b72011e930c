//! What the environment/deployment rules (E001–E008, C003) share, one module per concern: env
//! files and where Next loads them, GitHub workflows (YAML with positions), the session secret
//! and the config's `secret` properties, the files that set up Auth.js, and deployment signals.
//! `.gitignore` files above the app are in [`gitignores`]; pattern matching itself lives in
//! [`crate::gitignore`] (the CLI's scaffold uses it too).
pub mod auth_files;
pub mod deploy;
pub mod env_files;
pub mod gitignores;
pub mod secret;
pub mod workflows;
