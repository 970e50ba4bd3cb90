/**
 * Qdrant point ids. Qdrant accepts only UUIDs or unsigned integers, and our ids are free text
 * scoped by user (two users may hold a record with the same id). A name-based UUID (RFC 4122
 * version 5) of the owner and the id gives every record one fixed point: a repeated write
 * replaces it instead of adding a copy, and no id chosen by one user can address another's point.
 */
import { createHash } from "node:crypto";

/** This project's UUID namespace (itself a random v4 UUID, fixed forever: changing it orphans every point). */
const NAMESPACE = "5d0c9a4e-7f3b-4c1e-9a26-3e8f1b7d2c64";
const NAMESPACE_BYTES = Buffer.from(NAMESPACE.replaceAll("-", ""), "hex");

/** RFC 4122 version-5 UUID of `name` in this project's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash("sha1").update(NAMESPACE_BYTES).update(name, "utf8").digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The point id of one item. The parts are JSON-encoded, so ("a|b", "c") and ("a", "b|c") never
 * meet; `kind` keeps memories, history lines and pending updates apart even if ids collide.
 */
export function pointId(kind: "memory" | "history" | "pending" | "kv", ...parts: string[]): string {
  return uuidV5(JSON.stringify([kind, ...parts]));
}
