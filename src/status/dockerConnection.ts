import Docker from "dockerode";

/**
 * dockerode's connection options for a stack's `dockerHost` (unix://, tcp://, ssh://user@host[:port]).
 * ssh goes through docker-modem's ssh agent (ssh2: SSH_AUTH_SOCK), as `docker -H ssh://...` does.
 */
export function dockerOptions(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: decodeURIComponent(url.pathname) };
    case "tcp:":
      return { protocol: "http", host: url.hostname, port: Number(url.port === "" ? 2375 : url.port) };
    case "ssh:":
      return {
        protocol: "ssh",
        host: url.hostname,
        port: Number(url.port === "" ? 22 : url.port),
        username: url.username === "" ? undefined : decodeURIComponent(url.username),
        sshOptions: { agent: process.env["SSH_AUTH_SOCK"] },
      };
    default:
      throw new Error(`dockerHost ${dockerHost}: the status command speaks unix://, tcp:// and ssh:// (not ${url.protocol})`);
  }
}
