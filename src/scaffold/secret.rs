//! Secrets from the OS CSPRNG.
use base64::Engine;

/// 32 random bytes from the OS, standard base64 (what `openssl rand -base64 32` prints).
pub fn auth_secret() -> Result<String, String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| format!("cannot read the OS random generator: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(buf))
}

/// A demo-user password: 18 random bytes, URL-safe base64 without padding (24 characters).
pub fn demo_password() -> Result<String, String> {
    let mut buf = [0u8; 18];
    getrandom::fill(&mut buf).map_err(|e| format!("cannot read the OS random generator: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_32_random_bytes_in_base64() {
        let a = auth_secret().unwrap();
        let b = auth_secret().unwrap();
        assert_ne!(a, b);
        let raw = base64::engine::general_purpose::STANDARD.decode(&a).unwrap();
        assert_eq!(raw.len(), 32);
    }

    #[test]
    fn demo_password_is_env_safe() {
        let p = demo_password().unwrap();
        assert_eq!(p.len(), 24);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
