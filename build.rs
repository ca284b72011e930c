//! The templates are embedded with `include_dir!` (src/scaffold/templates.rs), which makes each
//! file a build input but not the folder itself: rebuild when a template is added or removed.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
