"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";

// The mistake: signIn without a redirect, then a client-side navigation and no router.refresh().
export default function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState("");

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", {
      email: form.get("email"),
      password: form.get("password"),
      redirect: false,
    });
    if (!res || res.error) {
      setError("Wrong email or password");
      return;
    }
    router.push("/dashboard");
  }

  return (
    <form data-testid="login-form" onSubmit={onSubmit}>
      <input name="email" type="email" placeholder="Email" />
      <input name="password" type="password" placeholder="Password" />
      <button type="submit">Sign in</button>
      {error && <p data-testid="login-error">{error}</p>}
    </form>
  );
}
