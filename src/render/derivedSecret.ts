/**
 * Per-identity passwords derived from one stack secret: HMAC-SHA256(secret, label), 64 hex
 * digits. Each container group gets its own NATS and Redis password without the operator setting
 * one secret per group, Pulumi and the compose env file compute the same value, and one group's
 * password (which every process in its container can read) reveals neither the stack secret nor
 * another group's password. Hex is safe in every encoding (URL, NATS string, Redis ACL).
 */
import { createHash, createHmac } from "node:crypto";

export function deriveSecret(secret: string, label: string): string {
  return createHmac("sha256", secret).update(label).digest("hex");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
