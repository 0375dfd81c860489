/**
 * A minimal NATS client over a raw TCP socket, for the end-to-end tests (the `nats` package is
 * not a dependency). It speaks the client protocol: INFO, CONNECT, PING/PONG, SUB, UNSUB, PUB,
 * MSG and HMSG (headers, for JetStream's no-responders status), +OK and -ERR.
 * https://docs.nats.io/reference/reference-protocols/nats-protocol
 */
import * as net from "net";
import { randomBytes } from "crypto";

export interface NatsConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly pass?: string;
  readonly name?: string;
  /** Reply subjects start with it (a group may read only its own inboxes: `_INBOX.<group>`). */
  readonly inboxPrefix?: string;
  /** Bound on the TCP connect, the INFO and the CONNECT/PING round trip (default 5000). */
  readonly timeoutMs?: number;
}

export interface NatsMessage {
  readonly subject: string;
  readonly sid: string;
  readonly replyTo: string | null;
  readonly data: Buffer;
  /** The raw header block of an HMSG (`NATS/1.0 ...\r\nKey: value\r\n...`), else null. */
  readonly headers: string | null;
  /** The status code of an HMSG status line (`NATS/1.0 503`), else null. */
  readonly status: number | null;
}

export class NatsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NatsError";
  }
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/** Messages for one subscription, queued until a test takes them with `next`. */
export class NatsSubscription {
  private readonly queued: NatsMessage[] = [];
  private readonly waiters: Waiter<NatsMessage>[] = [];
  private failure: Error | null = null;

  constructor(
    readonly sid: string,
    readonly subject: string,
  ) {}

  /** The next message, waiting at most `timeoutMs`. */
  next(timeoutMs: number): Promise<NatsMessage> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<NatsMessage>((resolve, reject) => {
      const waiter: Waiter<NatsMessage> = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new NatsError(`no message on ${this.subject} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Messages received and not yet taken. */
  pending(): number {
    return this.queued.length;
  }

  /** @internal */
  deliver(message: NatsMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(message);
    else this.queued.push(message);
  }

  /** @internal */
  fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

interface PendingPayload {
  readonly subject: string;
  readonly sid: string;
  readonly replyTo: string | null;
  readonly headerBytes: number;
  readonly totalBytes: number;
}

const CRLF = "\r\n";

export class NatsWire {
  /** The server's INFO. */
  info: Record<string, unknown> = {};
  private buffer: Buffer = Buffer.alloc(0);
  private payload: PendingPayload | null = null;
  private readonly pongs: Waiter<void>[] = [];
  private infoWaiter: Waiter<void> | null = null;
  private readonly subscriptions = new Map<string, NatsSubscription>();
  private nextSid = 1;
  private closed: Error | null = null;
  /** The last -ERR the server sent. */
  lastError: string | null = null;

  private inboxPrefix = "_INBOX";

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(new NatsError(`socket error: ${error.message}`)));
    socket.on("close", () => this.fail(new NatsError(this.lastError ? `connection closed after -ERR ${this.lastError}` : "connection closed")));
  }

  /** Connects and authenticates; rejects on -ERR (for example 'Authorization Violation'). */
  static async connect(options: NatsConnectOptions): Promise<NatsWire> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new NatsError(`connect to ${options.host}:${options.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (error) => {
        clearTimeout(timer);
        reject(new NatsError(`connect to ${options.host}:${options.port}: ${error.message}`));
      });
    });
    const client = new NatsWire(socket);
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          if (Object.keys(client.info).length > 0) resolve();
          else client.infoWaiter = { resolve, reject };
        }),
        timeoutMs,
        "INFO from the server",
      );
      const connect: Record<string, unknown> = {
        verbose: false,
        pedantic: false,
        tls_required: false,
        name: options.name ?? "ai-system-e2e",
        lang: "node-raw",
        version: "0.0.1",
        protocol: 1,
        headers: true,
        no_responders: true,
      };
      if (options.user !== undefined) connect.user = options.user;
      if (options.pass !== undefined) connect.pass = options.pass;
      client.inboxPrefix = options.inboxPrefix ?? "_INBOX";
      client.write(`CONNECT ${JSON.stringify(connect)}${CRLF}`);
      await client.flush(timeoutMs);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  subscribe(subject: string, queueGroup?: string): NatsSubscription {
    const sid = String(this.nextSid++);
    const subscription = new NatsSubscription(sid, subject);
    this.subscriptions.set(sid, subscription);
    this.write(`SUB ${subject}${queueGroup ? ` ${queueGroup}` : ""} ${sid}${CRLF}`);
    return subscription;
  }

  unsubscribe(subscription: NatsSubscription): void {
    this.subscriptions.delete(subscription.sid);
    if (!this.closed) this.write(`UNSUB ${subscription.sid}${CRLF}`);
  }

  publish(subject: string, data: string | Buffer = "", replyTo?: string): void {
    const payload = typeof data === "string" ? Buffer.from(data) : data;
    this.write(Buffer.concat([Buffer.from(`PUB ${subject}${replyTo ? ` ${replyTo}` : ""} ${payload.length}${CRLF}`), payload, Buffer.from(CRLF)]));
  }

  /** PING and wait for the PONG: everything sent before has been processed by the server. */
  flush(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    const pong = new Promise<void>((resolve, reject) => this.pongs.push({ resolve, reject }));
    this.write(`PING${CRLF}`);
    return withTimeout(pong, timeoutMs, "PONG");
  }

  /** Request/reply through a fresh inbox; resolves with the first reply (or no-responders status). */
  async request(subject: string, data: string | Buffer, timeoutMs = 5000): Promise<NatsMessage> {
    const inbox = `${this.inboxPrefix}.${randomBytes(8).toString("hex")}`;
    const subscription = this.subscribe(inbox);
    try {
      this.publish(subject, data, inbox);
      return await subscription.next(timeoutMs);
    } finally {
      this.unsubscribe(subscription);
    }
  }

  /** `request` for JetStream's JSON API: rejects on a no-responders status or an API error. */
  async jsonRequest<T = Record<string, unknown>>(subject: string, body: unknown, timeoutMs = 5000): Promise<T> {
    const reply = await this.request(subject, body === undefined ? "" : JSON.stringify(body), timeoutMs);
    if (reply.status !== null && reply.status >= 300) {
      throw new NatsError(`${subject}: status ${reply.status} (${reply.status === 503 ? "no responders" : (reply.headers ?? "").trim()})`);
    }
    const parsed = JSON.parse(reply.data.toString()) as T & { error?: { code?: number; description?: string } };
    if (parsed.error) throw new NatsError(`${subject}: ${parsed.error.code ?? ""} ${parsed.error.description ?? JSON.stringify(parsed.error)}`);
    return parsed;
  }

  close(): void {
    this.fail(new NatsError("connection closed by the client"));
    this.socket.destroy();
  }

  private write(data: string | Buffer): void {
    if (this.closed) throw this.closed;
    this.socket.write(data);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    this.infoWaiter?.reject(error);
    this.infoWaiter = null;
    for (const pong of this.pongs.splice(0)) pong.reject(error);
    for (const subscription of this.subscriptions.values()) subscription.fail(error);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.payload) {
        const need = this.payload.totalBytes + 2;
        if (this.buffer.length < need) return;
        const body = this.buffer.subarray(0, this.payload.totalBytes);
        this.buffer = this.buffer.subarray(need);
        this.deliver(this.payload, body);
        this.payload = null;
        continue;
      }
      const end = this.buffer.indexOf(CRLF);
      if (end < 0) return;
      const line = this.buffer.subarray(0, end).toString();
      this.buffer = this.buffer.subarray(end + 2);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const space = line.indexOf(" ");
    const op = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? "" : line.slice(space + 1).trim();
    switch (op) {
      case "INFO":
        this.info = JSON.parse(rest) as Record<string, unknown>;
        this.infoWaiter?.resolve();
        this.infoWaiter = null;
        return;
      case "MSG": {
        const parts = rest.split(/\s+/);
        const [subject, sid] = parts;
        const replyTo = parts.length === 4 ? parts[2] : null;
        const totalBytes = Number(parts[parts.length - 1]);
        this.payload = { subject, sid, replyTo, headerBytes: 0, totalBytes };
        return;
      }
      case "HMSG": {
        const parts = rest.split(/\s+/);
        const [subject, sid] = parts;
        const replyTo = parts.length === 5 ? parts[2] : null;
        this.payload = { subject, sid, replyTo, headerBytes: Number(parts[parts.length - 2]), totalBytes: Number(parts[parts.length - 1]) };
        return;
      }
      case "PING":
        if (!this.closed) this.socket.write(`PONG${CRLF}`);
        return;
      case "PONG":
        this.pongs.shift()?.resolve();
        return;
      case "+OK":
        return;
      case "-ERR": {
        this.lastError = rest;
        const error = new NatsError(`-ERR ${rest}`);
        const pong = this.pongs.shift();
        if (pong) pong.reject(error);
        return;
      }
      default:
        return;
    }
  }

  private deliver(p: PendingPayload, body: Buffer): void {
    const subscription = this.subscriptions.get(p.sid);
    if (!subscription) return;
    let headers: string | null = null;
    let status: number | null = null;
    if (p.headerBytes > 0) {
      headers = body.subarray(0, p.headerBytes).toString();
      const match = /^NATS\/1\.0[ \t]+(\d{3})/.exec(headers);
      if (match) status = Number(match[1]);
    }
    subscription.deliver({ subject: p.subject, sid: p.sid, replyTo: p.replyTo, data: body.subarray(p.headerBytes), headers, status });
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new NatsError(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Publishes on `from` until a subscriber on `to` (the other server) receives a message: interest
 * crosses a leaf link asynchronously. Returns the seconds until the first delivery.
 */
export async function crossDelivery(from: NatsWire, to: NatsWire, subject: string): Promise<number> {
  const sub = to.subscribe(subject);
  await to.flush();
  const started = Date.now();
  try {
    for (let i = 0; Date.now() - started < 20_000; i++) {
      from.publish(subject, `hello ${i}`);
      await from.flush();
      try {
        const message = await sub.next(300);
        if (!/^hello \d+$/.test(message.data.toString())) throw new Error(`unexpected message on ${subject}: ${message.data.toString()}`);
        return (Date.now() - started) / 1000;
      } catch (error) {
        if (!(error instanceof NatsError)) throw error;
      }
    }
    throw new Error(`no message published on ${subject} crossed the leaf link within 20 s`);
  } finally {
    to.unsubscribe(sub);
  }
}
