//! Package-manager detection and its commands.
use std::path::Path;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PackageManager {
    Npm,
    Pnpm,
    Yarn,
    Bun,
}

impl PackageManager {
    pub fn name(self) -> &'static str {
        match self {
            Self::Npm => "npm",
            Self::Pnpm => "pnpm",
            Self::Yarn => "yarn",
            Self::Bun => "bun",
        }
    }

    /// `npm run dev`, `pnpm dev`, `yarn dev`, `bun dev`.
    pub fn run(self, script: &str) -> String {
        match self {
            Self::Npm => format!("npm run {script}"),
            other => format!("{} {script}", other.name()),
        }
    }

    pub fn install(self) -> String {
        format!("{} install", self.name())
    }

    /// The install command for CI: exactly the lockfile, never updating it.
    pub fn ci_install(self) -> &'static str {
        match self {
            Self::Npm => "npm ci",
            Self::Pnpm => "pnpm install --frozen-lockfile",
            Self::Yarn => "yarn install --immutable",
            Self::Bun => "bun install --frozen-lockfile",
        }
    }

    /// The command that adds a dependency.
    pub fn add(self, spec: &str) -> String {
        match self {
            Self::Npm => format!("npm install {spec}"),
            other => format!("{} add {spec}", other.name()),
        }
    }

    /// The package manager that launched us (`npm_config_user_agent`, as create-next-app reads it),
    /// npm when unknown.
    pub fn from_user_agent(ua: Option<&str>) -> Self {
        let ua = ua.unwrap_or("");
        if ua.starts_with("pnpm") {
            Self::Pnpm
        } else if ua.starts_with("yarn") {
            Self::Yarn
        } else if ua.starts_with("bun") {
            Self::Bun
        } else {
            Self::Npm
        }
    }

    /// An existing project's package manager: its lockfile, then `packageManager` in package.json,
    /// then npm.
    pub fn detect_project(root: &Path, package_json: Option<&serde_json::Value>) -> Self {
        let lockfiles =
            [("pnpm-lock.yaml", Self::Pnpm), ("yarn.lock", Self::Yarn), ("bun.lock", Self::Bun), ("bun.lockb", Self::Bun), ("package-lock.json", Self::Npm)];
        for (file, pm) in lockfiles {
            if root.join(file).is_file() {
                return pm;
            }
        }
        if let Some(pm) = package_json.and_then(|p| p.get("packageManager")).and_then(|v| v.as_str()) {
            return Self::from_user_agent(Some(pm));
        }
        Self::Npm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent() {
        assert_eq!(PackageManager::from_user_agent(Some("pnpm/9.1.0 npm/? node/v20")), PackageManager::Pnpm);
        assert_eq!(PackageManager::from_user_agent(Some("yarn/1.22.0")), PackageManager::Yarn);
        assert_eq!(PackageManager::from_user_agent(Some("bun/1.1.0")), PackageManager::Bun);
        assert_eq!(PackageManager::from_user_agent(None), PackageManager::Npm);
    }

    #[test]
    fn commands() {
        assert_eq!(PackageManager::Npm.run("dev"), "npm run dev");
        assert_eq!(PackageManager::Pnpm.run("dev"), "pnpm dev");
        assert_eq!(PackageManager::Yarn.add("next-auth@5.0.0-beta.32"), "yarn add next-auth@5.0.0-beta.32");
    }

    #[test]
    fn lockfile_wins() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("pnpm-lock.yaml"), "").unwrap();
        let pj = serde_json::json!({"packageManager": "yarn@4.0.0"});
        assert_eq!(PackageManager::detect_project(d.path(), Some(&pj)), PackageManager::Pnpm);
        std::fs::remove_file(d.path().join("pnpm-lock.yaml")).unwrap();
        assert_eq!(PackageManager::detect_project(d.path(), Some(&pj)), PackageManager::Yarn);
    }
}
