import { Pool } from "pg";

// The app's PostgreSQL (the proof tier starts one on loopback and sets DATABASE_URL).
export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
