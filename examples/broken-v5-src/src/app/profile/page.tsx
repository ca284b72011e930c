'use client'
import { useSession } from 'next-auth/react'

export default function Profile() {
  const { data: session, status } = useSession()
  if (status === 'loading') return <p>Loading…</p>
  return <p>{session?.user?.email ?? 'signed out'}</p>
}
