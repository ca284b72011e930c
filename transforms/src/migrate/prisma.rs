//! Just enough of the Prisma schema language to migrate Auth.js's models: `model X { … }` blocks
//! with their fields, `@map`/`@@map`, and the datasource's `provider`. Hand-written because no
//! maintained Rust crate parses Prisma schemas (Prisma's own `psl` is not published on crates.io),
//! and the edit must keep every byte outside the four Auth.js models.
use super::data::{Dialect, Source, Table, ACCOUNT_COLS, USER_COLS};
use crate::edit::Edit;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: String,
    /// `@map("col")`.
    pub map: Option<String>,
    pub line: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub fields: Vec<Field>,
    /// `@@map("table")`.
    pub map: Option<String>,
    /// The block from `model` to the closing brace's line end.
    pub range: Range<usize>,
}

impl Model {
    pub fn table(&self) -> &str {
        self.map.as_deref().unwrap_or(&self.name)
    }
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub path: String,
    pub provider: Option<String>,
    pub models: Vec<Model>,
}

fn quoted_arg(s: &str, attr: &str) -> Option<String> {
    let i = s.find(attr)?;
    let rest = &s[i + attr.len()..];
    let rest = rest.strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("name:").map(str::trim_start).unwrap_or(rest);
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// The User fields Better Auth's model brings (the rest are the app's own).
const AUTH_USER_FIELDS: &[&str] = &["id", "name", "email", "emailVerified", "image", "accounts", "sessions", "createdAt", "updatedAt"];

pub fn parse(path: &str, text: &str) -> Schema {
    let mut models = Vec::new();
    let mut provider = None;
    let mut pos = 0;
    let mut current: Option<(String, usize, Vec<Field>, Option<String>)> = None;
    let mut in_datasource = false;
    for raw in text.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let line = raw.split("//").next().unwrap_or("").trim();
        if let Some((name, s, fields, map)) = current.as_mut() {
            if line.starts_with('}') {
                models.push(Model { name: name.clone(), fields: std::mem::take(fields), map: map.take(), range: *s..pos });
                current = None;
            } else if line.starts_with("@@map") {
                *map = quoted_arg(line, "@@map");
            } else if !line.is_empty() && !line.starts_with("@@") {
                let mut parts = line.split_whitespace();
                if let (Some(n), Some(t)) = (parts.next(), parts.next()) {
                    fields.push(Field {
                        name: n.to_string(),
                        ty: t.to_string(),
                        map: quoted_arg(line, "@map"),
                        line: raw.trim_end_matches(['\n', '\r']).to_string(),
                    });
                }
            }
            continue;
        }
        if in_datasource {
            if line.starts_with('}') {
                in_datasource = false;
            } else if let Some(v) = line.strip_prefix("provider") {
                provider = v.trim().strip_prefix('=').map(|v| v.trim().trim_matches('"').to_string());
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("model ") {
            let name = rest.trim_end_matches('{').trim().to_string();
            current = Some((name, start, Vec::new(), None));
        } else if line.starts_with("datasource ") {
            in_datasource = true;
        }
    }
    Schema { path: path.to_string(), provider, models }
}

impl Schema {
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    pub fn dialect(&self) -> Option<Dialect> {
        Dialect::parse(self.provider.as_deref()?)
    }

    /// The Auth.js models Prisma's adapter uses (`User`, `Account`), with their tables and columns.
    pub fn authjs_source(&self) -> Option<Source> {
        let user = self.model("User")?;
        let account = self.model("Account")?;
        let table = |m: &Model, cols: &[&str]| Table {
            name: m.table().to_string(),
            cols: cols.iter().filter_map(|c| m.field(c).map(|f| (c.to_string(), f.map.clone().unwrap_or_else(|| c.to_string())))).collect(),
        };
        let others = ["Session", "VerificationToken"].iter().filter_map(|n| self.model(n)).map(|m| m.table().to_string()).collect();
        // The User model's own scalar fields, which `edits` keeps: relation fields (a model
        // type, `@relation`) are no columns.
        let is_model = |ty: &str| {
            let base = ty.trim_end_matches(['?', '!']).trim_end_matches("[]");
            self.models.iter().any(|m| m.name == base)
        };
        let extra_user_cols = user
            .fields
            .iter()
            .filter(|f| {
                !AUTH_USER_FIELDS.contains(&f.name.as_str()) && !is_model(&f.ty) && !f.line.contains("@relation") && !f.line.trim_start().starts_with("//")
            })
            .map(|f| f.map.clone().unwrap_or_else(|| f.name.clone()))
            .collect();
        Some(Source {
            origin: format!("{} (models User -> {}, Account -> {})", self.path, user.table(), account.table()),
            user: table(user, USER_COLS),
            account: table(account, ACCOUNT_COLS),
            others,
            password_column: None,
            extra_user_cols,
        })
    }

    /// Whether the schema already holds Better Auth's models (a second run changes nothing).
    pub fn is_better_auth(&self) -> bool {
        self.model("Verification").is_some() && self.model("Account").is_some_and(|a| a.field("providerId").is_some())
    }

    /// Replace the Auth.js models with Better Auth's (mapped to `user`, `session`, `account`,
    /// `verification`), keeping the User model's own extra fields except the password column.
    pub fn edits(&self, text: &str, password_field: Option<&str>) -> Vec<Edit> {
        if self.is_better_auth() {
            return vec![];
        }
        let mut out = Vec::new();
        let eol_text = |s: &str| s.to_string();
        let auth_user_fields = AUTH_USER_FIELDS;
        if let Some(u) = self.model("User") {
            let extra: Vec<&Field> =
                u.fields.iter().filter(|f| !auth_user_fields.contains(&f.name.as_str()) && Some(f.name.as_str()) != password_field).collect();
            let mut m = String::from("model User {\n  id            String    @id\n  name          String\n  email         String    @unique\n  emailVerified Boolean   @default(false)\n  image         String?\n  createdAt     DateTime  @default(now())\n  updatedAt     DateTime  @default(now()) @updatedAt\n  sessions      Session[]\n  accounts      Account[]\n");
            for f in extra {
                m.push_str(&f.line);
                m.push('\n');
            }
            m.push_str("\n  @@map(\"user\")\n}\n");
            out.push(Edit::replace(u.range.start, u.range.end, eol_text(&m)));
        }
        if let Some(s) = self.model("Session") {
            out.push(Edit::replace(
                s.range.start,
                s.range.end,
                "model Session {\n  id        String   @id\n  expiresAt DateTime\n  token     String   @unique\n  createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt\n  ipAddress String?\n  userAgent String?\n  userId    String\n  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)\n\n  @@index([userId])\n  @@map(\"session\")\n}\n",
            ));
        }
        if let Some(a) = self.model("Account") {
            out.push(Edit::replace(
                a.range.start,
                a.range.end,
                "model Account {\n  id                    String    @id\n  accountId             String\n  providerId            String\n  userId                String\n  user                  User      @relation(fields: [userId], references: [id], onDelete: Cascade)\n  accessToken           String?\n  refreshToken          String?\n  idToken               String?\n  accessTokenExpiresAt  DateTime?\n  refreshTokenExpiresAt DateTime?\n  scope                 String?\n  password              String?\n  createdAt             DateTime  @default(now())\n  updatedAt             DateTime  @updatedAt\n\n  @@index([userId])\n  @@map(\"account\")\n}\n",
            ));
        }
        let verification = "model Verification {\n  id         String   @id\n  identifier String\n  value      String\n  expiresAt  DateTime\n  createdAt  DateTime @default(now())\n  updatedAt  DateTime @default(now()) @updatedAt\n\n  @@index([identifier])\n  @@map(\"verification\")\n}\n";
        match self.model("VerificationToken") {
            Some(v) => out.push(Edit::replace(v.range.start, v.range.end, verification)),
            None => out.push(Edit::insert(text.len(), format!("{}\n{verification}", if text.ends_with('\n') { "" } else { "\n" }))),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHJS: &str = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel User {\n  id            String    @id @default(cuid())\n  name          String?\n  email         String?   @unique\n  emailVerified DateTime? @map(\"email_verified\")\n  image         String?\n  password      String?\n  role          String    @default(\"user\")\n  accounts      Account[]\n  sessions      Session[]\n  posts         Post[]\n\n  @@map(\"users\")\n}\n\nmodel Account {\n  id                String  @id @default(cuid())\n  userId            String  @map(\"user_id\")\n  type              String\n  provider          String\n  providerAccountId String  @map(\"provider_account_id\")\n  refresh_token     String? @db.Text\n  access_token      String? @db.Text\n  expires_at        Int?\n  user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n\n  @@unique([provider, providerAccountId])\n  @@map(\"accounts\")\n}\n\n// the app's own\nmodel Post {\n  id String @id\n  authorId String\n  author User @relation(fields: [authorId], references: [id])\n}\n";

    #[test]
    fn reads_maps_and_provider() {
        let s = parse("prisma/schema.prisma", AUTHJS);
        assert_eq!(s.dialect(), Some(Dialect::Postgres));
        let src = s.authjs_source().unwrap();
        assert_eq!(src.user.name, "users");
        assert_eq!(src.user.col("emailVerified"), Some("email_verified"));
        assert_eq!(src.account.name, "accounts");
        assert_eq!(src.account.col("providerAccountId"), Some("provider_account_id"));
        assert_eq!(src.account.col("id_token"), None);
    }

    #[test]
    fn edit_keeps_the_apps_models_and_extra_fields() {
        let s = parse("prisma/schema.prisma", AUTHJS);
        let out = crate::edit::apply(AUTHJS, &s.edits(AUTHJS, Some("password")), "\n");
        assert!(out.contains("  role          String    @default(\"user\")\n"), "{out}");
        assert!(out.contains("  posts         Post[]\n"), "{out}");
        assert!(!out.contains("password      String?"), "{out}");
        assert!(out.contains("// the app's own\nmodel Post {"), "{out}");
        assert!(out.contains("@@map(\"verification\")"), "{out}");
        let again = parse("prisma/schema.prisma", &out);
        assert!(again.is_better_auth());
        assert!(again.edits(&out, Some("password")).is_empty());
    }
}
