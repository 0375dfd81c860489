import Docker from "dockerode";
import { PassThrough } from "stream";
import { Machine } from "../config/machine";
import { ROLE_LABEL } from "../render/labels";
import { NAME_PREFIX } from "../render/names";
import { LAUNCHER_IMAGE_PATH } from "../launcher/launcherContract";
import { ContainerStatus, LauncherStatus } from "./launcherStatus";

/** Runs `group_launcher.py status --json` in a container; Docker's multiplexed output is split by docker-modem. */
async function execStatus(docker: Docker, id: string): Promise<LauncherStatus | { error: string }> {
  try {
    return await askLauncher(docker, id);
  } catch (error) {
    // The container stopped or restarted between inspect and exec (a required agent's crash):
    // that container's status, not a reason to show no host at all.
    return { error: `cannot ask the launcher: ${error instanceof Error ? error.message : String(error)}`.split("\n")[0]! };
  }
}

async function askLauncher(docker: Docker, id: string): Promise<LauncherStatus | { error: string }> {
  const exec = await docker.getContainer(id).exec({ Cmd: ["python3", LAUNCHER_IMAGE_PATH, "status", "--json"], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const out = new PassThrough().on("data", (b: Buffer) => stdout.push(b));
  const err = new PassThrough().on("data", (b: Buffer) => stderr.push(b));
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, out, err);
    stream.on("end", () => resolve());
    stream.on("error", reject);
  });
  const text = Buffer.concat(stdout).toString("utf8");
  try {
    return JSON.parse(text) as LauncherStatus;
  } catch {
    return { error: (text.trim() || Buffer.concat(stderr).toString("utf8").trim() || "no answer").split("\n")[0]! };
  }
}

/**
 * Every container of this program on the host whose `MACHINE_TYPE` (agent groups) or name says it
 * belongs to `machine`, with Docker's state, health and restart count, and each agent group's
 * launcher status (read inside the container: the status port is never published).
 */
export async function readHostStatus(docker: Docker, machine: Machine): Promise<ContainerStatus[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [ROLE_LABEL] } });
  const inspected = await Promise.all(listed.map((c) => docker.getContainer(c.Id).inspect()));
  const machineOf = (i: Docker.ContainerInspectInfo) => (i.Config.Env ?? []).find((e) => e.startsWith("MACHINE_TYPE="))?.slice("MACHINE_TYPE=".length);
  const nameOf = (i: Docker.ContainerInspectInfo) => i.Name.replace(/^\//, "");
  const groups = inspected.filter((i) => i.Config.Labels[ROLE_LABEL] === "agent-group" && machineOf(i) === machine);
  // NATS and Redis carry no MACHINE_TYPE: they belong to this machine when their names share the
  // groups' prefix (empty on a real host; the e2e runs both hosts on one engine under prefixes).
  const prefixes = new Set(groups.map((g) => nameOf(g).slice(0, nameOf(g).indexOf(`${NAME_PREFIX}-`))));
  const others = inspected.filter((i) => i.Config.Labels[ROLE_LABEL] !== "agent-group" && [...prefixes].some((p) => nameOf(i).startsWith(`${p}${NAME_PREFIX}-`)));
  // One exec per group container, all at once: each starts a Python inside its container.
  const out: ContainerStatus[] = await Promise.all(
    [...groups, ...others].map(async (info) => {
      const role = info.Config.Labels[ROLE_LABEL] ?? "";
      return {
        name: nameOf(info),
        role,
        state: info.State.Status,
        exitCode: info.State.Running || info.State.Status === "created" ? null : info.State.ExitCode,
        health: info.State.Health?.Status ?? null,
        restarts: info.RestartCount,
        launcher: role !== "agent-group" ? null : info.State.Running ? await execStatus(docker, info.Id) : { error: `container is ${info.State.Status}` },
      };
    }),
  );
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
