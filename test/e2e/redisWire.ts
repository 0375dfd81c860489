/**
 * A minimal Redis client over a raw TCP socket (RESP2), for the end-to-end tests: one command
 * at a time, replies in order. Error replies (`-NOAUTH ...`) reject with RedisReplyError.
 * https://redis.io/docs/latest/develop/reference/protocol-spec/
 */
import * as net from "net";

export type RespValue = string | number | null | RespValue[];

export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisReplyError";
  }
}

interface Pending {
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/** A parsed value and where it ended, or null when the buffer holds only part of it. */
type Parsed = { value: RespValue | RedisReplyError; end: number } | null;

function parse(buffer: Buffer, start: number): Parsed {
  const lineEnd = buffer.indexOf("\r\n", start);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buffer[start]);
  const line = buffer.subarray(start + 1, lineEnd).toString();
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RedisReplyError(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return null;
      return { value: buffer.subarray(next, next + length).toString(), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (item === null) return null;
        items.push(item.value instanceof RedisReplyError ? item.value.message : item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new RedisReplyError(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

export class RedisWire {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closed: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(new Error(`redis socket error: ${error.message}`)));
    socket.on("close", () => this.fail(new Error("redis connection closed")));
  }

  static connect(host: string, port: number, timeoutMs = 5000): Promise<RedisWire> {
    return new Promise<RedisWire>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`redis connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new RedisWire(socket));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`redis connect to ${host}:${port}: ${error.message}`));
      });
    });
  }

  /** Sends one command; resolves with its reply, rejects with RedisReplyError on `-ERR`. */
  command(args: readonly string[], timeoutMs = 5000): Promise<RespValue> {
    if (this.closed) return Promise.reject(this.closed);
    const parts = [`*${args.length}\r\n`];
    for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
    return new Promise<RespValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The reply stream is out of step now: give up on the connection.
        this.fail(new Error(`redis ${args[0]} got no reply within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.pending.push({
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(parts.join(""));
    });
  }

  close(): void {
    this.fail(new Error("redis connection closed by the client"));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) return;
      let parsed: Parsed;
      try {
        parsed = parse(this.buffer, 0);
      } catch (error) {
        this.fail(error as Error);
        this.socket.destroy();
        return;
      }
      if (parsed === null) return;
      this.buffer = this.buffer.subarray(parsed.end);
      const waiter = this.pending.shift();
      if (!waiter) continue;
      if (parsed.value instanceof RedisReplyError) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}
