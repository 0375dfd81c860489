import { MACHINES } from "../config/machine";
import { V3_FILE } from "../config/configFiles";
import { INFRASTRUCTURE_PORTS } from "../plan/infrastructurePorts";
import { natsLeafRole } from "../render/natsServer";
import { NAME_PREFIX, NATS_CONTAINER_NAME } from "../render/names";
import { VOLUMES } from "../render/volumes";
import { ordinal } from "../config/ordinal";
import { code, codeList } from "./markdown";
import { ReportInput } from "./reportInput";

/** Stacks are named after the host they deploy (`Pulumi.mainpc.yaml`); the hub goes up first. */
function stacksInDeployOrder(): string[] {
  return [...MACHINES].sort((a, b) => Number(natsLeafRole(a) !== "hub") - Number(natsLeafRole(b) !== "hub"));
}

/** Names of the volumes `pulumi destroy` keeps (or removes), sorted. */
function volumes(retained: boolean): string {
  return codeList(Object.values(VOLUMES).filter((v) => v.retainOnDelete === retained).map((v) => v.name).sort(ordinal));
}

export function rollbackSection(input: ReportInput): string[] {
  const [first, second] = stacksInDeployOrder();
  const git = input.configRootLabel === "." ? "git" : `git -C ${input.configRootLabel}`;
  // Everything the plans read, so an include layout's legacy files roll back with config/.
  const paths = [...new Set(MACHINES.flatMap((m) => input.plans[m].config.files).map((f) => (f.startsWith("config/") ? "config/" : f)))].sort(ordinal).join(" ");
  return [
    "## Rollback",
    "",
    `One Pulumi stack per host. Deploy ${first} before ${second} (${second}'s NATS dials ${first}'s leaf-node port) and take them down in the reverse order.`,
    "",
    "1. Before every change, keep the current state and note the revision:",
    "",
    "   ```sh",
    ...MACHINES.map((m) => `   pulumi stack export --stack ${m} --file ${m}-state-before.json`),
    `   ${git} rev-parse HEAD`,
    "   ```",
    "",
    "2. See what each deployment changed:",
    "",
    "   ```sh",
    ...MACHINES.map((m) => `   pulumi stack history --stack ${m}`),
    "   ```",
    "",
    "3. Go back to an earlier configuration: check out its configuration files from git in the config root (stack setting `configRoot`), deploy them (first host first), then return to the current files:",
    "",
    "   ```sh",
    `   ${git} checkout <rev> -- ${paths}`,
    `   pulumi up --stack ${first} && pulumi up --stack ${second}`,
    `   ${git} checkout HEAD -- ${paths}`,
    "   ```",
    "",
    "4. If a stack's state is damaged, restore the export and reconcile it with what runs:",
    "",
    "   ```sh",
    "   pulumi stack import --stack <host> --file <host>-state-before.json",
    "   pulumi refresh --stack <host>",
    "   ```",
    "",
    `5. To remove a host's deployment entirely (the volumes ${volumes(true)} are kept, ${volumes(false)} are removed):`,
    "",
    "   ```sh",
    `   pulumi destroy --stack ${second}`,
    `   pulumi destroy --stack ${first}`,
    "   ```",
    "",
  ];
}

export function migrationSection(input: ReportInput): string[] {
  const [first, second] = stacksInDeployOrder();
  const rootArg = input.configRootLabel === "." ? "" : ` --config-root ${input.configRootLabel}`;
  const usesIncludes = MACHINES.some((m) => input.plans[m].config.files.some((f) => !f.startsWith("config/")));
  const migrate = usesIncludes
    ? [
        `1. Make the v3 file self-contained: ${code(`npm run migrate --${rootArg || " --config-root <monorepo>"}`)} writes ${code("config/startup_config.v3.merged.yaml")} with ${code("machine_profiles")}, comments kept, after checking that both hosts load the same agents and settings from it. Review it, replace ${code(V3_FILE)} with it and commit.`,
      ]
    : [`1. The v3 file read here is already self-contained (it includes no legacy file); nothing to migrate.`];
  return [
    "## Migration steps",
    "",
    "From the manually started containers to the stacks, one host at a time:",
    "",
    ...migrate,
    `2. Plan each host and fix every error finding (see Open findings): ${code(`npm run plan -- --machine ${first}${rootArg}`)}, ${code(`npm run plan -- --machine ${second}${rootArg}`)}.`,
    `3. Regenerate this report and review it: ${code(`npm run report --${rootArg} --out <dir>/deployment-action-plan.md`)}.`,
    `4. Preview each stack and read the diff: ${code(`pulumi preview --stack ${first}`)}, ${code(`pulumi preview --stack ${second}`)}.`,
    `5. Stop the manually started agent containers on ${first}: they hold the same host ports. Then ${code(`pulumi up --stack ${first}`)}; it returns once every container is healthy, wave by wave.`,
    `6. The same on ${second}: stop its manual containers, then ${code(`pulumi up --stack ${second}`)}.`,
    `7. Verify on each host: every container healthy (${code(`docker ps --filter name=${NAME_PREFIX}- --format '{{.Names}} {{.Status}}'`)}), the checks under Health checks, Prometheus scraping every target under Monitoring, and the NATS leaf connection up (${code(`docker exec ${NATS_CONTAINER_NAME} wget -qO- http://127.0.0.1:${INFRASTRUCTURE_PORTS.natsMonitoring}/leafz`)}).`,
    "8. Validate performance per container: watch GPU memory (`nvidia-smi`) against the GPU allocation table while models load, and container CPU and memory (`docker stats`) against the limits under Containers and agents.",
    "9. If anything fails, follow Rollback.",
    "",
  ];
}
